/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The worker's control socket, $RUN/NAME/control.sock (AF_UNIX, stream):
 * connect, send one request line, read one reply line; the worker closes
 * the connection.
 *   status  -> "ok STATE uptime_s=N cpus=N memory=BYTES" (STATE running or paused)
 *   pause   -> "ok"
 *   resume  -> "ok"
 *   stop    -> "ok" (hard power-off: the worker exits)
 * Any request may get "error MESSAGE" instead.
 */
#ifndef HVCTL_CONTROL_H
#define HVCTL_CONTROL_H

#include <stddef.h>

#include "vm_state.h"

#define CONTROL_REPLY_MAX  1024 /* a longer reply is an error */
#define CONTROL_TIMEOUT_MS 5000 /* a worker that takes longer is stuck */

/*
 * Connects to the stream socket @socket_path (the control socket, or the
 * console's), waiting at most @timeout_ms.  The descriptor, or -1 with the
 * reason in @err.
 */
int unix_connect(const char *socket_path, int timeout_ms, char *err, size_t err_size);

/*
 * Sends @request (without its newline) on the socket @socket_path and
 * reads the reply line into @reply, without its newline.  0, or -1 with
 * the reason in @err (no socket, refused, no reply within @timeout_ms...).
 */
int control_request(const char *socket_path, const char *request, char *reply, size_t reply_size,
                    int timeout_ms, char *err, size_t err_size);

/* A reply to pause, resume or stop: 0 for "ok", else -1 with the worker's message in @err. */
int control_parse_ok(const char *reply, char *err, size_t err_size);

/* A reply to status: 0 and @status filled, else -1 with the reason in @err. */
int control_parse_status(const char *reply, struct vm_status *status, char *err, size_t err_size);

#endif
