import NetwardenCore
print(NetwardenVersion.string)
