// fopencookie is a GNU extension: glibc declares it only under _GNU_SOURCE, which Swift's Glibc
// module is built without; that and the pthread plumbing are why this is C.
#define _GNU_SOURCE
#include "CCaptureReadAhead.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Small enough to stay in L2 beside libpcap's record buffer and the packet being inspected.
#define STDIO_BUFFER_BYTES (64 * 1024)

// A ring of chunks. The thread fills chunk `fill` when it is empty; the reader takes chunk
// `drain` once it is full. `length[i]` is the bytes in a full chunk: 0 marks the end of the file
// or, with `error` set, the failed read. Everything under "thread and reader" is shared and
// guarded by `lock`; a full chunk's bytes belong to the reader until it hands the chunk back.
struct CCaptureReadAhead {
    int fd;
    size_t chunk_bytes;
    unsigned chunks;
    char **buffer;
    // thread and reader
    size_t *length;
    bool *full;
    int error;
    bool stopping;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    // the thread's
    unsigned fill;
    pthread_t thread;
    // the reader's
    unsigned drain;
    bool holding;   // chunk `drain` is the reader's, handed back by the next call
    bool finished;  // the end or the failed read was reached: no more chunks
    int failure;
    // the stream's (CCaptureReadAhead_open)
    const unsigned char *stream_bytes;
    size_t stream_left;
    char *stdio_buffer;
};

static void free_reader(CCaptureReadAhead *reader) {
    if (reader->buffer != NULL) {
        for (unsigned index = 0; index < reader->chunks; index++) free(reader->buffer[index]);
    }
    free(reader->buffer);
    free(reader->length);
    free(reader->full);
    free(reader->stdio_buffer);
    free(reader);
}

static void *fill_chunks(void *argument) {
    CCaptureReadAhead *reader = argument;
    for (;;) {
        pthread_mutex_lock(&reader->lock);
        while (reader->full[reader->fill] && !reader->stopping) pthread_cond_wait(&reader->changed, &reader->lock);
        if (reader->stopping) {
            pthread_mutex_unlock(&reader->lock);
            return NULL;
        }
        unsigned index = reader->fill;
        pthread_mutex_unlock(&reader->lock);

        // One read per chunk: a short read of a regular file is rare, and a partly filled chunk
        // is as good as a full one.
        ssize_t count;
        do {
            count = read(reader->fd, reader->buffer[index], reader->chunk_bytes);
        } while (count < 0 && errno == EINTR);
        int failure = count < 0 ? errno : 0;

        pthread_mutex_lock(&reader->lock);
        reader->length[index] = count > 0 ? (size_t)count : 0;
        if (count < 0) reader->error = failure;
        reader->full[index] = true;
        reader->fill = (index + 1) % reader->chunks;
        pthread_cond_broadcast(&reader->changed);
        pthread_mutex_unlock(&reader->lock);
        if (count <= 0) return NULL;  // the end of the file, or an error: nothing more to read
    }
}

CCaptureReadAhead *CCaptureReadAhead_start(int fd, size_t chunk_bytes, unsigned chunks) {
    if (chunk_bytes == 0 || chunks < 2) {
        errno = EINVAL;
        return NULL;
    }
    CCaptureReadAhead *reader = calloc(1, sizeof *reader);
    if (reader == NULL) return NULL;
    reader->fd = fd;
    reader->chunk_bytes = chunk_bytes;
    reader->chunks = chunks;
    reader->buffer = calloc(chunks, sizeof *reader->buffer);
    reader->length = calloc(chunks, sizeof *reader->length);
    reader->full = calloc(chunks, sizeof *reader->full);
    if (reader->buffer == NULL || reader->length == NULL || reader->full == NULL) {
        free_reader(reader);
        errno = ENOMEM;
        return NULL;
    }
    for (unsigned index = 0; index < chunks; index++) {
        reader->buffer[index] = malloc(chunk_bytes);
        if (reader->buffer[index] == NULL) {
            free_reader(reader);
            errno = ENOMEM;
            return NULL;
        }
    }
    pthread_mutex_init(&reader->lock, NULL);
    pthread_cond_init(&reader->changed, NULL);

    // The thread takes no signals: the process's handlers run on the threads that expect them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    int created = pthread_create(&reader->thread, NULL, fill_chunks, reader);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (created != 0) {
        pthread_mutex_destroy(&reader->lock);
        pthread_cond_destroy(&reader->changed);
        free_reader(reader);
        errno = created;
        return NULL;
    }
    return reader;
}

ssize_t CCaptureReadAhead_next(CCaptureReadAhead *reader, const unsigned char **bytes) {
    if (reader->finished) {
        if (reader->failure != 0) {
            errno = reader->failure;
            return -1;
        }
        return 0;
    }
    pthread_mutex_lock(&reader->lock);
    if (reader->holding) {
        reader->full[reader->drain] = false;
        reader->drain = (reader->drain + 1) % reader->chunks;
        reader->holding = false;
        pthread_cond_broadcast(&reader->changed);
    }
    unsigned index = reader->drain;
    while (!reader->full[index]) pthread_cond_wait(&reader->changed, &reader->lock);
    size_t length = reader->length[index];
    int error = reader->error;
    pthread_mutex_unlock(&reader->lock);
    if (length == 0) {
        // The thread has returned: the end of the file, or its failed read.
        reader->finished = true;
        reader->failure = error;
        if (error != 0) {
            errno = error;
            return -1;
        }
        return 0;
    }
    reader->holding = true;
    *bytes = (const unsigned char *)reader->buffer[index];
    return (ssize_t)length;
}

static void stop_and_join(CCaptureReadAhead *reader) {
    pthread_mutex_lock(&reader->lock);
    reader->stopping = true;
    pthread_cond_broadcast(&reader->changed);
    pthread_mutex_unlock(&reader->lock);
    // A read of a regular file in flight returns promptly; the thread then sees `stopping`.
    pthread_join(reader->thread, NULL);
    pthread_mutex_destroy(&reader->lock);
    pthread_cond_destroy(&reader->changed);
}

void CCaptureReadAhead_stop(CCaptureReadAhead *reader) {
    stop_and_join(reader);
    close(reader->fd);
    free_reader(reader);
}

// MARK: the stream

static ssize_t read_stream(void *cookie, char *out, size_t size) {
    CCaptureReadAhead *reader = cookie;
    size_t done = 0;
    while (done < size) {
        if (reader->stream_left == 0) {
            ssize_t length = CCaptureReadAhead_next(reader, &reader->stream_bytes);
            if (length < 0) return done > 0 ? (ssize_t)done : -1;  // the error comes again next call
            if (length == 0) break;
            reader->stream_left = (size_t)length;
        }
        size_t count = size - done < reader->stream_left ? size - done : reader->stream_left;
        memcpy(out + done, reader->stream_bytes, count);
        reader->stream_bytes += count;
        reader->stream_left -= count;
        done += count;
    }
    return (ssize_t)done;
}

static int close_stream(void *cookie) {
    CCaptureReadAhead *reader = cookie;
    stop_and_join(reader);
    int status = close(reader->fd);
    // glibc is done with the stream's buffer once the close function runs.
    free_reader(reader);
    return status;
}

FILE *CCaptureReadAhead_open(int fd, size_t chunk_bytes, unsigned chunks) {
    char *stdio_buffer = malloc(STDIO_BUFFER_BYTES);
    if (stdio_buffer == NULL) return NULL;
    CCaptureReadAhead *reader = CCaptureReadAhead_start(fd, chunk_bytes, chunks);
    if (reader == NULL) {
        free(stdio_buffer);
        return NULL;
    }
    reader->stdio_buffer = stdio_buffer;
    cookie_io_functions_t functions = {.read = read_stream, .write = NULL, .seek = NULL, .close = close_stream};
    FILE *stream = fopencookie(reader, "r", functions);
    if (stream == NULL) {
        int failure = errno;
        stop_and_join(reader);
        free_reader(reader);
        errno = failure;
        return NULL;
    }
    // Buffered, although that copies each byte once more: glibc's unbuffered streams underflow
    // a byte at a time, which made reading a 1 GB capture take 18 s instead of 0.3.
    setvbuf(stream, stdio_buffer, _IOFBF, STDIO_BUFFER_BYTES);
    return stream;
}
