/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's command line (hv_options= in hv.cfg): space-separated
 * words, each "name" or "name=value".
 *
 *   console=com1|none   where the hypervisor prints (default com1)
 *   debug-exit=PORT     end the run through QEMU's isa-debug-exit at PORT
 *                       (tests only: on real hardware leave it out)
 *   selftest=panic|ud   deliberately fail, to test the panic path
 *   stop=boot           end the run before entering the parent partition
 *                       (tests of the boot itself)
 *   trace-exits=N       print the first N VM exits (debugging)
 *
 * A word it does not know is reported and ignored: a typo on the command
 * line must not stop a server from booting.  Pure logic: unit-tested.
 */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

enum selftest { SELFTEST_NONE, SELFTEST_PANIC, SELFTEST_UD };

struct hv_options {
    bool console;
    uint16_t debug_exit_port; /* 0 = none */
    enum selftest selftest;
    bool stop_before_parent;
    uint32_t trace_exits;
    char ignored[160]; /* the words that were not understood, space separated */
};

/* Parse @cmdline into @out (defaults first).  Returns how many words were
 * ignored. */
int hv_options_parse(const char *cmdline, struct hv_options *out);

#endif
