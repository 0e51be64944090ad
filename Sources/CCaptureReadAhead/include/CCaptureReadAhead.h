#ifndef CCAPTUREREADAHEAD_H
#define CCAPTUREREADAHEAD_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/// A regular file read ahead by a thread of its own, `chunks` buffers of `chunk_bytes` in
/// flight, so that the kernel's copy out of the page cache (a fifth to a quarter of
/// `netwarden analyze` on a large capture) runs on another core while the caller inspects.
typedef struct CCaptureReadAhead CCaptureReadAhead;

/// Starts reading `fd` from its current offset. The reader owns `fd` from a successful return
/// on (CCaptureReadAhead_stop closes it). Returns NULL with errno set when the thread or the
/// buffers cannot be had; `fd` is then still the caller's.
CCaptureReadAhead *CCaptureReadAhead_start(int fd, size_t chunk_bytes, unsigned chunks);

/// Waits for the next chunk of the file and hands the previous one back to the thread. Returns
/// the chunk's length with its first byte in `*bytes` (valid until the next call or stop), 0 at
/// the end of the file, or -1 with errno set when the thread's read failed.
ssize_t CCaptureReadAhead_next(CCaptureReadAhead *reader, const unsigned char **bytes);

/// Stops and joins the thread, closes the file and frees the buffers.
void CCaptureReadAhead_stop(CCaptureReadAhead *reader);

/// The same reader as a read-only stdio stream, for libpcap's own file readers: fclose stops it.
/// The stream cannot seek, which libpcap never needs. Returns NULL with errno set on failure,
/// `fd` then still the caller's.
FILE *CCaptureReadAhead_open(int fd, size_t chunk_bytes, unsigned chunks);

#endif
