/* SPDX-License-Identifier: GPL-2.0-only */
/* Stopping the machine when the hypervisor cannot go on. */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include <stdint.h>

/* Print the message, a backtrace and stop.  Never returns. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Print return addresses up the frame-pointer chain starting at @rbp, as
 * offsets into hv.elf (feed them to addr2line -e build/hv/hv.elf), numbering
 * the frames from @first. */
void backtrace_print(uint64_t rbp, int first);

/* The end of a run: with debug-exit=PORT on the command line, tell QEMU's
 * isa-debug-exit device (success: QEMU exits 33, failure: 35); else halt. */
__attribute__((noreturn)) void hv_exit(int failed);

#endif
