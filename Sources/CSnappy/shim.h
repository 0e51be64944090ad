#ifndef CSNAPPY_SHIM_H
#define CSNAPPY_SHIM_H

// snappy's C API is plain functions Swift calls directly, so there are no wrappers here.
// libsnappy.so is C++ and pulls in libstdc++ through its own DT_NEEDED entry: linking
// "snappy" alone is enough, no -lstdc++ in the manifest.
#include <snappy-c.h>

#endif
