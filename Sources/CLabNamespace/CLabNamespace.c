// glibc declares setns(2) only under _GNU_SOURCE, and Swift's Glibc module is built without it;
// defining it here, before any system header, is how swift-nio's CNIOLinux reaches such calls.
#define _GNU_SOURCE
#include <sched.h>

#include "CLabNamespace.h"

int CLabNamespace_joinNetworkNamespace(int fd) {
    return setns(fd, CLONE_NEWNET);
}
