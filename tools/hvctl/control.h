/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The worker's control socket, $RUN/NAME/control.sock (AF_UNIX, stream):
 * connect, send one request line, read one reply line; the worker closes
 * the connection.  tools/vmwp/control.h is the worker's side.
 *   status    -> "ok STATE uptime_s=N cpus=N memory=BYTES heartbeat=ok|lost|none"
 *                (STATE running or paused)
 *   pause     -> "ok"
 *   resume    -> "ok"
 *   stop      -> "ok" (hard power-off: the worker exits)
 *   shutdown  -> "ok" (the guest was asked to power off; the worker exits when it has),
 *                or "error no shutdown service in the guest"
 *   kvp       -> "ok TOTAL[ POOL:KEY=VALUE]..." (percent-encoded; fewer than TOTAL
 *                pairs when they did not fit in CONTROL_KVP_REPLY_MAX)
 *   kvp-set KEY=VALUE -> "ok" (KEY and VALUE percent-encoded)
 *   disk-attach LUN MODE PATH -> "ok" (hot add: the worker opens the image PATH,
 *                percent-encoded and absolute, rw or ro as MODE says, and gives it to
 *                the guest's SCSI controller at LUN, 0 to 63, which must be free)
 *   disk-detach LUN -> "ok" (hot remove: the guest loses the disk at LUN, and the
 *                worker closes its image)
 * Any request may get "error MESSAGE" instead; a refused disk-attach or
 * disk-detach changes nothing.  Percent-encoding: bytes '!' to '~' but '%',
 * ':' and '=' are themselves, every other byte is %XX.  A request line, its
 * newline included, is at most CONTROL_REQUEST_MAX bytes (the worker's
 * CONTROL_LINE_MAX).  hvctl sends disk-attach and disk-detach under the
 * VM's lock, before it writes the change into vm.conf.
 */
#ifndef HVCTL_CONTROL_H
#define HVCTL_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "vm_state.h"

#define CONTROL_REPLY_MAX     1024  /* room for every reply but kvp's */
#define CONTROL_KVP_REPLY_MAX 65536 /* the worker's longest reply, its newline included */
#define CONTROL_TIMEOUT_MS    5000  /* a worker that takes longer is stuck */
#define CONTROL_REQUEST_MAX   8192  /* a request line, its newline included */

/* The message of the worker's reply to shutdown when the guest cannot take it. */
#define CONTROL_NO_SHUTDOWN_SERVICE "no shutdown service in the guest"

/*
 * Connects to the stream socket @socket_path (the control socket, or the
 * console's), waiting at most @timeout_ms.  The descriptor, or -1 with the
 * reason in @err.
 */
int unix_connect(const char *socket_path, int timeout_ms, char *err, size_t err_size);

/*
 * Sends @request (without its newline) on the socket @socket_path and
 * reads the reply line into @reply, without its newline.  0, or -1 with
 * the reason in @err (no socket, refused, no reply within @timeout_ms, a
 * reply of @reply_size bytes or more...).
 */
int control_request(const char *socket_path, const char *request, char *reply, size_t reply_size,
                    int timeout_ms, char *err, size_t err_size);

/*
 * The disk-attach request for the image @path at @lun into @out (without a
 * newline): 0, or -1 with the reason in @err when it would not fit in a
 * request line (@out_size, at most CONTROL_REQUEST_MAX - 1 used).
 */
int control_disk_attach_request(unsigned lun, bool read_only, const char *path, char *out,
                                size_t out_size, char *err, size_t err_size);

/* The disk-detach request for @lun into @out (at least 32 bytes). */
void control_disk_detach_request(unsigned lun, char *out, size_t out_size);

/* A reply to pause, resume or stop: 0 for "ok", else -1 with the worker's message in @err. */
int control_parse_ok(const char *reply, char *err, size_t err_size);

/* A reply to status: 0 and @status filled, else -1 with the reason in @err.
 * A reply without heartbeat= (an older worker) gives VM_HEARTBEAT_UNKNOWN. */
int control_parse_status(const char *reply, struct vm_status *status, char *err, size_t err_size);

/* Percent-encodes @len bytes of @in into @out (NUL-terminated): the length
 * written, or -1 if it does not fit in @out_size. */
long control_percent_encode(const char *in, size_t len, char *out, size_t out_size);

/* One pair of a kvp reply, decoded: NUL-terminated strings, each without a
 * NUL inside (the protocol refuses %00). */
struct kvp_pair {
    const char *pool;
    const char *key;
    const char *value;
};

/*
 * A reply to kvp, decoded in place in @reply: *@pairs (a new array for the
 * caller to free, NULL when there is no pair) points into @reply, *@count
 * is how many pairs it holds and *@total how many the guest has (more than
 * *@count when the reply was cut).  0, or -1 with the reason in @err.
 */
int control_parse_kvp(char *reply, struct kvp_pair **pairs, size_t *count, size_t *total, char *err,
                      size_t err_size);

#endif
