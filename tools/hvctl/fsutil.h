/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * File helpers: whole writes and reads, and the atomic replacement of a
 * file (the state directory is on a persistent ext4 that may lose power at
 * any moment: a reader must see the old file or the new one, never half).
 */
#ifndef HVCTL_FSUTIL_H
#define HVCTL_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* write() until all @len bytes are written; 0, or -1 with errno. */
int write_all(int fd, const void *buf, size_t len);

/* fsync() the directory @dir, so that a rename or unlink in it is durable. */
int fsync_dir(const char *dir);

/*
 * Replaces @dir/@name with @len bytes of @data, atomically and durably:
 * writes a temporary file in @dir, fsyncs it, renames it over @name and
 * fsyncs @dir.  0, or -1 with the reason in @err (and nothing left behind).
 */
int write_file_atomic(const char *dir, const char *name, const char *data, size_t len, mode_t mode,
                      char *err, size_t err_size);

/*
 * Reads the whole of @path into @buf (at most @buf_size - 1 bytes) and
 * NUL-terminates it.  0 with the length in @len, or -1 with errno (EFBIG
 * when the file is larger than the buffer).
 */
int read_small_file(const char *path, char *buf, size_t buf_size, size_t *len);

/* mkdir -p: creates @path and any missing parent, with @mode.  0, or -1 with errno. */
int make_dirs(const char *path, mode_t mode);

/* The prefix of the temporary files write_file_atomic() creates for @name. */
#define ATOMIC_TMP_PREFIX "."

#endif
