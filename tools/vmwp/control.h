/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol on RUN_DIR/control.sock (AF_UNIX stream): the client
 * sends one request line, reads one reply line, and the connection closes.
 *
 *   status    ->  ok running|paused uptime_s=N cpus=N memory=BYTES heartbeat=ok|lost|none
 *   pause     ->  ok             (every VP has stopped running guest code)
 *   resume    ->  ok
 *   stop      ->  ok             (then the VPs stop and vmwp exits: a hard power-off)
 *   shutdown  ->  ok             (the guest's shutdown service took the request;
 *                                 vmwp exits when the guest has powered off)
 *                 error no shutdown service in the guest
 *   reboot    ->  the same as shutdown, for a restart
 *   kvp       ->  ok TOTAL[ POOL:KEY=VALUE]...
 *   kvp-set KEY=VALUE  ->  ok | error MESSAGE
 *   disk-attach LUN MODE PATH  ->  ok | error MESSAGE   (hot add a disk to the
 *                 SCSI controller: LUN 0..63, MODE rw or ro, PATH absolute and
 *                 percent-encoded)
 *   disk-detach LUN  ->  ok | error MESSAGE   (hot remove)
 *   other     ->  error MESSAGE  (unknown request, pause when paused, ...)
 *
 * heartbeat: the guest's heartbeat service answers (ok), answered once and
 * has stopped (lost), or has never answered (none).
 *
 * KVP (the guest's key-value pairs, Hyper-V's data exchange service): TOTAL
 * is how many pairs the guest has published; each pair follows after one
 * space: its pool's name ("auto", "guest"), KEY and VALUE, all three
 * percent-encoded.  A reply is at most CONTROL_REPLY_MAX bytes, the newline
 * included: when the pairs do not fit, the reply carries as many whole
 * pairs as fit, in order, and fewer than TOTAL follow.  kvp-set gives the
 * guest a host-to-guest pair (its "external" pool), kept for the guest
 * until its KVP service runs; KEY and VALUE are percent-encoded UTF-8, KEY
 * 1 to CONTROL_KVP_KEY_MAX characters, VALUE up to CONTROL_KVP_VALUE_MAX
 * (characters counted as on the VMBus wire, in UTF-16 code units), and in
 * UTF-8 at most CONTROL_KVP_KEY_UTF8_MAX and CONTROL_KVP_VALUE_UTF8_MAX bytes
 * (Linux's hv_kvp_daemon converts them into buffers of the UTF-16 size).
 *
 * Percent-encoding: a byte from '!' to '~' other than '%', ':' and '=' is
 * itself; every other byte (space, control characters, UTF-8 beyond ASCII)
 * is '%' and two hex digits (the encoder writes upper case, the decoder
 * takes both).  So a pair is one word, and '%00' (NUL) is refused.
 *
 * A request line ends at '\n' (a '\r' before it is ignored) or at the end
 * of the client's data; at most CONTROL_LINE_MAX bytes, and the client has
 * CONTROL_TIMEOUT_MS to send it.  A request that does not parse changes
 * nothing.  The parsing and formatting are pure.
 */
#ifndef VMWP_CONTROL_H
#define VMWP_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A request line, its newline included: room for kvp-set with the longest
 * key and value, every byte percent-encoded (3 * (511 + 2047) + 11 bytes). */
#define CONTROL_LINE_MAX   8192
#define CONTROL_REPLY_MAX  65536 /* a reply line, its newline included */
#define CONTROL_TIMEOUT_MS 2000  /* to send the request, and to take the reply */

/* KVP limits: UTF-16 code units as on the VMBus wire (512 and 2048 bytes
 * with the terminating NUL), and UTF-8 bytes (ic.h's IC_KVP_*_UTF8_MAX). */
#define CONTROL_KVP_KEY_MAX        255
#define CONTROL_KVP_VALUE_MAX      1023
#define CONTROL_KVP_KEY_UTF8_MAX   511
#define CONTROL_KVP_VALUE_UTF8_MAX 2047

/* Replies the worker sends as they are. */
#define CONTROL_REPLY_UNKNOWN                                                                      \
    "error unknown request (status, pause, resume, stop, shutdown, reboot, kvp, kvp-set, "         \
    "disk-attach, disk-detach)"
#define CONTROL_REPLY_NO_SHUTDOWN "error no shutdown service in the guest"
#define CONTROL_REPLY_KVP_SET_REFUSED                                                              \
    "error the guest has as many host-to-guest KVP pairs as it can take"

enum control_request {
    CONTROL_STATUS,
    CONTROL_PAUSE,
    CONTROL_RESUME,
    CONTROL_STOP,
    CONTROL_SHUTDOWN,
    CONTROL_REBOOT,
    CONTROL_KVP,
    CONTROL_KVP_SET,     /* "kvp-set" and its argument, which control_parse_kvp_set() checks */
    CONTROL_DISK_ATTACH, /* "disk-attach ...": control_parse_disk() checks the rest */
    CONTROL_DISK_DETACH, /* "disk-detach ...": likewise */
    CONTROL_UNKNOWN,
};

enum control_heartbeat {
    CONTROL_HEARTBEAT_NONE, /* the guest's heartbeat service never answered */
    CONTROL_HEARTBEAT_OK,
    CONTROL_HEARTBEAT_LOST, /* it answered, then stopped */
};

/* The request in @line (@len bytes, its newline included or not).  A line
 * "kvp-set" or "kvp-set ..." is CONTROL_KVP_SET, well-formed or not. */
enum control_request control_parse(const char *line, size_t len);

/* The decoded argument of a kvp-set request. */
struct control_kvp_set {
    char key[CONTROL_KVP_KEY_UTF8_MAX + 1];     /* UTF-8, NUL-terminated, not empty */
    char value[CONTROL_KVP_VALUE_UTF8_MAX + 1]; /* UTF-8, NUL-terminated, may be empty */
};

/*
 * The KEY=VALUE of a CONTROL_KVP_SET line, decoded and checked into @out.
 * 0, or -1 with the reason in @err (to send as "error " and the reason):
 * no argument, no '=', bad percent-encoding, NUL, not UTF-8, an empty or
 * too long key, a too long value.  What passes, ic_kvp_set() takes.
 */
int control_parse_kvp_set(const char *line, size_t len, struct control_kvp_set *out, char *err,
                          size_t errlen);

#define CONTROL_DISK_LUNS     64   /* LUNs 0..63 of the SCSI controller */
#define CONTROL_DISK_PATH_MAX 4096 /* with the NUL */

/* The decoded arguments of disk-attach (lun, read_only, path) or
 * disk-detach (lun). */
struct control_disk {
    unsigned lun;
    bool read_only;
    char path[CONTROL_DISK_PATH_MAX]; /* absolute, NUL-terminated */
};

/*
 * The arguments of a CONTROL_DISK_ATTACH or CONTROL_DISK_DETACH line
 * (@req says which), decoded and checked into @out.  0, or -1 with the
 * reason in @err: a LUN that is not 0..63 in decimal, a MODE other than rw
 * and ro, a path that is not absolute, not well percent-encoded, has a NUL
 * or control characters, or is too long, or words missing or extra.
 */
int control_parse_disk(enum control_request req, const char *line, size_t len,
                       struct control_disk *out, char *err, size_t errlen);

/* The status reply, without the newline, in @out. */
void control_format_status(char *out, size_t outlen, bool paused, uint64_t uptime_s, uint32_t cpus,
                           uint64_t memory, enum control_heartbeat heartbeat);

/*
 * The kvp reply, built pair by pair in a caller's buffer (CONTROL_REPLY_MAX
 * bytes make a full-size reply):
 *     control_kvp_reply_start(&r, buf, CONTROL_REPLY_MAX, count);
 *     for each pair: control_kvp_reply_add(&r, pool, key, value);
 *     control_send_reply(fd, buf);
 * A pair that does not fit (with the newline still to come) is left out,
 * and so is every later one: the reply stays a prefix of the list.
 */
struct control_kvp_reply {
    char *buf;
    size_t size, len;
    bool full;
};
void control_kvp_reply_start(struct control_kvp_reply *r, char *buf, size_t size, size_t total);
/* 0 if the pair went in, -1 if it did not fit. */
int control_kvp_reply_add(struct control_kvp_reply *r, const char *pool, const char *key,
                          const char *value);

/* Percent-encodes @len bytes of @in into @out (NUL-terminated); the length
 * written, or -1 (and @out unspecified) if it does not fit in @outlen. */
long control_percent_encode(const char *in, size_t len, char *out, size_t outlen);

/* Read one request from the connection @fd (blocking, with the timeout);
 * returns its length, or -1 (timeout, error, longer than the buffer). */
long control_read_request(int fd, char *buf, size_t size);

/* Send @reply and a newline, however long, within CONTROL_TIMEOUT_MS (best
 * effort: the client may be gone). */
void control_send_reply(int fd, const char *reply);

#endif
