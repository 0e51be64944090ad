public enum NetwardenFiltering {}
