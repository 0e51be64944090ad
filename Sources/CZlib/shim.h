#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

// Input pointers become `const`, so Swift hands zlib read-only buffers without a mutable cast.
#define ZLIB_CONST
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass ZLIB_VERSION and sizeof(z_stream) to the
// real functions so zlib can check the caller's header against the library), which Swift cannot
// call; these two wrappers are the only reason this header has functions.

static inline int CZlib_deflateInit2(z_streamp stream, int level, int method, int windowBits, int memLevel,
    int strategy) {
    return deflateInit2(stream, level, method, windowBits, memLevel, strategy);
}

static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
