/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmwp's log: one line per event on stderr, which hvctl sends to
 * RUN_DIR/vmwp.log.  Every line starts with "vmwp: " so that a setup error is
 * a self-explaining single line wherever stderr goes.
 */
#ifndef VMWP_LOG_H
#define VMWP_LOG_H

#include <stdbool.h>

void vmwp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Log at most once per @once flag: for events a hostile guest can repeat
 * in a loop (a bad instruction, an unknown device register), so that it
 * cannot fill the host's disk through vmwp.log.  Thread-safe.
 */
void vmwp_log_once(bool *once, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
