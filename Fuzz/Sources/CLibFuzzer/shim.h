#ifndef CLIBFUZZER_SHIM_H
#define CLIBFUZZER_SHIM_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs that own main(). Needed because SwiftPM links every executable
// with main renamed to <Target>_main, so libFuzzer's own main() is never the entry point; the
// declaration lives here because the toolchain ships no header Swift can import for it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
