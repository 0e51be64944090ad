#ifndef CLABNAMESPACE_H
#define CLABNAMESPACE_H

/// Moves the calling thread into the network namespace `fd` refers to (an open
/// /run/netns/NAME). Returns 0, or -1 with errno set, as setns(2) does.
int CLabNamespace_joinNetworkNamespace(int fd);

#endif
