/// Placeholder until the wire decoders land.
public enum NetwardenProtocols {}
