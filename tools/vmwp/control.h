/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol on RUN_DIR/control.sock (AF_UNIX stream): the client
 * sends one request line, reads one reply line, and the connection closes.
 *
 *   status  ->  ok running|paused uptime_s=N cpus=N memory=BYTES
 *   pause   ->  ok             (every VP has stopped running guest code)
 *   resume  ->  ok
 *   stop    ->  ok             (then the VPs stop and vmwp exits)
 *   other   ->  error MESSAGE  (unknown request, pause when paused, ...)
 *
 * A request line ends at '\n' (a '\r' before it is ignored) or at the end
 * of the client's data; at most CONTROL_LINE_MAX bytes, and the client has
 * CONTROL_TIMEOUT_MS to send it.  The parsing and formatting are pure.
 */
#ifndef VMWP_CONTROL_H
#define VMWP_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_LINE_MAX   256
#define CONTROL_TIMEOUT_MS 2000

enum control_request {
    CONTROL_STATUS,
    CONTROL_PAUSE,
    CONTROL_RESUME,
    CONTROL_STOP,
    CONTROL_UNKNOWN,
};

/* The request in @line (@len bytes, its newline included or not). */
enum control_request control_parse(const char *line, size_t len);

/* The status reply, without the newline, in @out. */
void control_format_status(char *out, size_t outlen, bool paused, uint64_t uptime_s, uint32_t cpus,
                           uint64_t memory);

/* Read one request from the connection @fd (blocking, with the timeout);
 * returns its length, or -1 (timeout, error, longer than the buffer). */
long control_read_request(int fd, char *buf, size_t size);

/* Send @reply and a newline (best effort: the client may be gone). */
void control_send_reply(int fd, const char *reply);

#endif
