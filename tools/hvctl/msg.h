/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How hvctl talks to its user when something goes wrong: every error is one
 * line on stderr, "hvctl: WHAT WAS WRONG", and the exit status says what kind
 * of failure it was.  Warnings (allowed but probably unintended) use the same
 * channel and do not change the exit status.
 */
#ifndef HVCTL_MSG_H
#define HVCTL_MSG_H

/* Exit statuses. */
#define HVCTL_EXIT_OK    0
#define HVCTL_EXIT_ERROR 1 /* the command was understood but could not be done */
#define HVCTL_EXIT_USAGE 2 /* the command line itself is malformed */

/* Messages the pure modules return in a caller's buffer: one line, no "hvctl: ". */
#define HVCTL_ERR_MAX 512

void hvctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hvctl_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
