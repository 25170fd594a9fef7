/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error messages built piece by piece in the caller's buffer, for the
 * loader's parsers (config.c, elf_load.c).  The buffer never overruns and
 * stays NUL-terminated after every append, so a cut-off message is still
 * safe to print.  No libc: compiled into the UEFI loader and the unit tests.
 */
#ifndef BOOT_MSGBUF_H
#define BOOT_MSGBUF_H

#include <stddef.h>
#include <stdint.h>

struct msg {
    char *buf;
    size_t cap;
    size_t len;
};

void msg_init(struct msg *m, char *buf, size_t cap);
void msg_char(struct msg *m, char c);
void msg_str(struct msg *m, const char *s);
/* Quote bytes from a file: printable ASCII as is, anything else as '?'. */
void msg_quote(struct msg *m, const char *s, size_t n);
void msg_dec(struct msg *m, uint64_t v);
void msg_hex(struct msg *m, uint64_t v);

#endif
