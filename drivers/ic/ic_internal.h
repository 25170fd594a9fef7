/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the integration services: the wire format they share with Linux's
 * hv_utils (include/linux/hyperv.h, include/uapi/linux/hyperv.h), the
 * per-channel framework (ic_framework.c) and each service's state.
 *
 * Every IC message is one VMBus in-band packet whose payload is a pipe header
 * (struct ic_pipe_hdr), the IC header (struct ic_msg_hdr) and the message.
 * The host sends requests (ICMSGHDRFLAG_TRANSACTION | REQUEST) with a VMBus
 * transaction id of its own; Linux answers each with the same buffer, the
 * same transaction id and icflags TRANSACTION | RESPONSE, after editing it in
 * place (versions, status, seq_num + 1, the KVP key and value).  Linux
 * answers with its receive length, the request padded to 8 bytes, so an
 * answer is never shorter than its request: each service checks that.
 */
#ifndef IC_INTERNAL_H
#define IC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ic/ic.h>
#include <vmbus/channel.h>

/* icmsg_hdr.icmsgtype */
#define IC_MSG_NEGOTIATE 0
#define IC_MSG_HEARTBEAT 1
#define IC_MSG_KVP       2
#define IC_MSG_SHUTDOWN  3
#define IC_MSG_TIMESYNC  4

/* icmsg_hdr.icflags */
#define IC_FLAG_TRANSACTION 1
#define IC_FLAG_REQUEST     2
#define IC_FLAG_RESPONSE    4

/* Status codes (HRESULTs) in icmsg_hdr.status. */
#define IC_S_OK   0x00000000u
#define IC_E_FAIL 0x80004005u
#define IC_S_CONT 0x80070103u /* KVP: no item at this index */

/* vmbuspipe_hdr.flags of a data packet (Hyper-V's pipe protocol; Linux does
 * not read it). */
#define IC_PIPE_DATA 1u

/* Versions the host offers at most (framework and message together). */
#define IC_NEGOTIATE_MAX_OFFER 8

struct ic_pipe_hdr {
    uint32_t flags;
    uint32_t msgsize; /* bytes after this header */
} __attribute__((packed));

struct ic_version {
    uint16_t major;
    uint16_t minor;
} __attribute__((packed));

struct ic_msg_hdr {
    struct ic_version icverframe;
    uint16_t icmsgtype;
    struct ic_version icvermsg;
    uint16_t icmsgsize;
    uint32_t status;
    uint8_t ictransaction_id;
    uint8_t icflags;
    uint8_t reserved[2];
} __attribute__((packed));

#define IC_HDR_BYTES (sizeof(struct ic_pipe_hdr) + sizeof(struct ic_msg_hdr))

/* Followed by icframe_vercnt framework versions, then icmsg_vercnt message
 * versions.  The answer has one of each (counts 1 and 1), or counts 0 and 0
 * when the guest supports none of the offered versions. */
struct ic_negotiate {
    uint16_t icframe_vercnt;
    uint16_t icmsg_vercnt;
    uint32_t reserved;
} __attribute__((packed));

/* Shutdown: flags as Linux's shutdown_onchannelcallback reads them. */
#define IC_SHUTDOWN_FLAG_FORCE     1u
#define IC_SHUTDOWN_FLAG_RESTART   2u
#define IC_SHUTDOWN_FLAG_HIBERNATE 4u
#define IC_SHUTDOWN_REASON_PLANNED 0x80000000u /* SHTDN_REASON_FLAG_PLANNED */

struct ic_shutdown_msg {
    uint32_t reason_code;
    uint32_t timeout_seconds;
    uint32_t flags;
    uint8_t display_message[2048];
} __attribute__((packed));

struct ic_heartbeat_msg {
    uint64_t seq_num;
    uint32_t reserved[8];
} __attribute__((packed));

/* Timesync flags. */
#define IC_TIMESYNC_SYNC   1u /* set the clock now */
#define IC_TIMESYNC_SAMPLE 2u /* a sample the guest may use */

/* Message versions below 4.0. */
struct ic_timesync_msg {
    uint64_t parenttime;
    uint64_t childtime;
    uint64_t roundtriptime;
    uint8_t flags;
} __attribute__((packed));

/* Message version 4.0: the parent's time with the child's reference time
 * read at the same moment, so the guest can add the delivery delay. */
struct ic_timesync_ref_msg {
    uint64_t parenttime;
    uint64_t vmreferencetime;
    uint8_t flags;
    uint8_t leapflags;
    uint8_t stratum;
    uint8_t reserved[3];
} __attribute__((packed));

/* KVP (struct hv_kvp_msg). */
#define IC_KVP_OP_GET       0
#define IC_KVP_OP_SET       1
#define IC_KVP_OP_DELETE    2
#define IC_KVP_OP_ENUMERATE 3

#define IC_KVP_POOL_EXTERNAL 0
#define IC_KVP_POOL_GUEST    1
#define IC_KVP_POOL_AUTO     2

/* value_type: registry types (Linux sends REG_SZ only; its REG_U64 is 8,
 * Windows' REG_QWORD 11). */
#define IC_REG_SZ        1u
#define IC_REG_EXPAND_SZ 2u
#define IC_REG_DWORD     4u
#define IC_REG_U64_LINUX 8u
#define IC_REG_QWORD     11u

struct ic_kvp_hdr {
    uint8_t operation;
    uint8_t pool;
    uint16_t pad;
} __attribute__((packed));

struct ic_kvp_value {
    uint32_t value_type;
    uint32_t key_size;   /* bytes, UTF-16 with its NUL */
    uint32_t value_size; /* bytes */
    uint8_t key[IC_KVP_KEY_BYTES];
    uint8_t value[IC_KVP_VALUE_BYTES];
} __attribute__((packed));

struct ic_kvp_enumerate_msg {
    struct ic_kvp_hdr hdr;
    uint32_t index;
    struct ic_kvp_value data;
} __attribute__((packed));

/* SET has no index; like Hyper-V the host sends it padded to the size of
 * the enumerate message. */
struct ic_kvp_set_msg {
    struct ic_kvp_hdr hdr;
    struct ic_kvp_value data;
    uint8_t pad[4];
} __attribute__((packed));

_Static_assert(sizeof(struct ic_msg_hdr) == 20, "Linux struct icmsg_hdr");
_Static_assert(IC_HDR_BYTES == 28, "Linux ICMSG_HDR");
_Static_assert(sizeof(struct ic_negotiate) == 8, "Linux struct icmsg_negotiate");
_Static_assert(sizeof(struct ic_shutdown_msg) == 2060, "Linux struct shutdown_msg_data");
_Static_assert(sizeof(struct ic_heartbeat_msg) == 40, "Linux struct heartbeat_msg_data");
_Static_assert(sizeof(struct ic_timesync_msg) == 25, "Linux struct ictimesync_data");
_Static_assert(sizeof(struct ic_timesync_ref_msg) == 22, "Linux struct ictimesync_ref_data");
_Static_assert(sizeof(struct ic_kvp_value) == 2572, "Linux struct hv_kvp_exchg_msg_value");
_Static_assert(sizeof(struct ic_kvp_enumerate_msg) == 2580, "hv_kvp_msg header + enumerate");
_Static_assert(sizeof(struct ic_kvp_set_msg) == 2580, "same size as enumerate");

/* The largest message the host sends, and the largest packet (descriptor
 * included) it reads: answers are requests padded to 8 bytes, so anything
 * near 8 KiB is already hostile. */
#define IC_TX_MAX (IC_HDR_BYTES + sizeof(struct ic_kvp_enumerate_msg))
#define IC_RX_MAX 8192u
/* Packets handled per signal or tick, so a guest refilling its ring cannot
 * keep the worker in one call; the rest waits for the next tick. */
#define IC_POLL_MAX 64u

/* One channel's conversation: the part every service shares. */
struct ic_chan;

/* What a service's message handler gets: a packet that is an IC response
 * on a ready channel, with its body (after the IC header) inside the packet. */
struct ic_response {
    uint64_t tid; /* the VMBus transaction id */
    uint16_t type;
    uint32_t status;
    const uint8_t *body;
    size_t body_len;
};

struct ic_service_ops {
    enum ic_service_id id;
    /* Message versions offered, best first. */
    const struct ic_version *versions;
    unsigned int nversions;
    /* The channel opened or closed: forget the conversation. */
    void (*reset)(struct ic_chan *c);
    /* Negotiation succeeded. */
    void (*ready)(struct ic_chan *c, uint64_t now);
    /* A response on the ready channel.  Not yet matched to a request. */
    void (*response)(struct ic_chan *c, const struct ic_response *r, uint64_t now);
    /* Time passed or the guest made room: send what is due.  @tick is true
     * for ic_services_tick()'s call, false after a guest signal. */
    void (*pump)(struct ic_chan *c, uint64_t now, bool tick);
};

struct ic_chan {
    struct ic_services *ics;
    const struct ic_service_ops *ops;
    struct vmbus_channel *ch; /* NULL until offered */
    enum ic_service_state state;
    bool negotiate_sent;
    uint64_t negotiate_tid;
    struct ic_version fw;  /* negotiated, valid when ready */
    struct ic_version msg; /* negotiated, valid when ready */
    uint64_t next_tid;
    uint8_t tx[IC_TX_MAX];
    uint64_t rx[IC_RX_MAX / 8]; /* 8-byte aligned, like the ring's packets */
};

/* Services. */

struct ic_shutdown {
    struct ic_chan chan;
    enum ic_shutdown_result result;
    uint32_t status;
    uint64_t tid; /* of the last request */
};

/* Samples every IC_TIMESYNC_PERIOD_MS; one message in flight at a time so
 * that a guest which stopped reading never finds a backlog of stale times,
 * forgotten after IC_TIMESYNC_RESEND_MS. */
#define IC_TIMESYNC_PERIOD_MS 5000u
#define IC_TIMESYNC_RESEND_MS 30000u

struct ic_timesync {
    struct ic_chan chan;
    bool sync_due; /* the SYNC after negotiation is not sent yet */
    bool outstanding;
    uint64_t tid;
    uint64_t sent_ms;
};

struct ic_heartbeat {
    struct ic_chan chan;
    enum ic_heartbeat_state state;
    bool ever_sent;
    bool outstanding;
    uint64_t tid;
    uint64_t seq; /* sent; the answer carries seq + 1 */
    uint64_t sent_ms;
    uint64_t last_ok_ms;
};

/* KVP timing: a round over the guest's pools every IC_KVP_PERIOD_MS; a
 * request unanswered after IC_KVP_TIMEOUT_MS is abandoned, and then nothing
 * new is sent for IC_KVP_STALL_MS (or until the late answer arrives), so a
 * guest whose daemon does not run never collects a backlog.  At most
 * IC_KVP_ENUM_MAX indexes per pool. */
#define IC_KVP_PERIOD_MS  10000u
#define IC_KVP_TIMEOUT_MS 5000u
#define IC_KVP_STALL_MS   30000u
#define IC_KVP_ENUM_MAX   256u

/* The guest pools enumerated, in ic_kvp_get() order. */
#define IC_KVP_GUEST_POOLS 2u

struct ic_kvp_pair {
    char *key;
    char *value;
};

struct ic_kvp_list {
    struct ic_kvp_pair items[IC_KVP_POOL_MAX];
    size_t n;
};

struct ic_kvp_host_pair {
    char *key;
    char *value;
    uint32_t gen;   /* bumped when the value changes */
    bool delivered; /* answered since the channel became ready */
};

enum ic_kvp_busy { IC_KVP_IDLE, IC_KVP_BUSY_ENUM, IC_KVP_BUSY_SET };

struct ic_kvp {
    struct ic_chan chan;
    struct ic_kvp_list pools[IC_KVP_GUEST_POOLS]; /* published */
    struct ic_kvp_list staging;                   /* the pool being enumerated */
    struct ic_kvp_host_pair set[IC_KVP_SET_MAX];
    size_t nset;
    /* Enumeration round. */
    bool enum_active;
    unsigned int enum_pool; /* index into the pool order */
    uint32_t enum_index;
    uint64_t next_enum_ms;
    /* The one request in flight. */
    enum ic_kvp_busy busy;
    uint64_t busy_tid;
    uint64_t busy_ms;
    size_t busy_set; /* index into set[] */
    uint32_t busy_gen;
    /* After a timeout. */
    bool stalled;
    uint64_t stale_tid;
    uint64_t stall_until_ms;
};

struct ic_services {
    struct ic_host host;
    struct vmbus_server *srv;
    struct ic_shutdown shutdown;
    struct ic_timesync timesync;
    struct ic_heartbeat heartbeat;
    struct ic_kvp kvp;
};

/* ic_framework.c */
extern const struct vmbus_device_ops ic_device_ops;
extern const struct ic_version ic_framework_versions[];
extern const unsigned int ic_framework_nversions;

void ic_chan_init(struct ic_chan *c, struct ic_services *ics, const struct ic_service_ops *ops);
bool ic_chan_ready(const struct ic_chan *c);
/* Send one request; 0 and *tid, or -1 (not open, or the ring is full). */
int ic_chan_request(struct ic_chan *c, uint16_t type, const void *body, size_t len, uint64_t *tid);
/* Read what the guest sent, then let the service send what is due. */
void ic_chan_run(struct ic_chan *c, uint64_t now, bool tick);
uint64_t ic_now(const struct ic_services *ics);

/* The services' operations. */
extern const struct ic_service_ops ic_shutdown_ops;
extern const struct ic_service_ops ic_timesync_ops;
extern const struct ic_service_ops ic_heartbeat_ops;
extern const struct ic_service_ops ic_kvp_ops;

void ic_kvp_free(struct ic_kvp *kvp);

/* ic_utf16.c: strict conversions.  ic_utf8_to_utf16le writes the string and
 * a NUL and returns the bytes written, or -1 (invalid UTF-8, or more than
 * @cap bytes).  ic_utf16le_to_utf8 reads @in_bytes bytes (even) up to the
 * first NUL unit and writes a NUL-terminated string; returns its length, or
 * -1 (odd size, unpaired surrogate, or no room). */
int ic_utf8_to_utf16le(const char *s, uint8_t *out, size_t cap);
int ic_utf16le_to_utf8(const uint8_t *in, size_t in_bytes, char *out, size_t cap);
/* The length of @s if it is valid UTF-8, else -1. */
long ic_utf8_check(const char *s);

#endif
