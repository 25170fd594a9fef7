/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvtest's VMBus client (vmbus_client.c): the SynIC message page polled
 * instead of interrupts, HvPostMessage and HvSignalEvent through the
 * hypercall page, the guest's side of a channel's two rings, and the
 * steps of bringing a channel up.  Just enough for hvtest=storvsc and
 * hvtest=netvsc to play hostile guests and hvtest=storwrite a good one.
 *
 * The wire formats are written out here again, from Linux
 * include/linux/hyperv.h and the TLFS, rather than taken from the
 * server's vmbus/include headers: a wrong layout there is then caught
 * here instead of being agreed with.
 */
#ifndef HVTEST_VMBUS_CLIENT_H
#define HVTEST_VMBUS_CLIENT_H

#include "hvtest.h"

/* ---- the TLFS ------------------------------------------------------------------------ */

#define HV_MSR_TIME_REF_COUNT 0x40000020
#define HV_MSR_SCONTROL       0x40000080
#define HV_MSR_SIEFP          0x40000082
#define HV_MSR_SIMP           0x40000083
#define HV_MSR_EOM            0x40000084
#define HV_MSR_SINT0          0x40000090

#define HV_SINT_POLLING (1ULL << 18) /* the guest polls: no interrupt */
#define HV_MESSAGE_SIZE 256
#define HV_MSG_PENDING  0x1 /* message_flags: the host has more; write EOM */

/* 1 s in the reference clock's 100 ns units. */
#define REF_1S 10000000ULL

/* ---- VMBus channel messages (Linux enum vmbus_channel_message_type) ------------------ */

#define VMBUS_SINT               2 /* Linux VMBUS_MESSAGE_SINT */
#define VMBUS_CONN_INITIATE      4 /* INITIATE_CONTACT for versions >= 5.0 */
#define VMBUS_CONN_LEGACY        1 /* everything below 5.0 */
#define VMBUS_PAYLOAD_MAX        240
#define VMBUS_GPADL_HEADER_PFNS  26 /* (240 - 20 - 8) / 8, as Linux splits */
#define VMBUS_GPADL_BODY_PFNS    28 /* (240 - 16) / 8 */
#define VMBUS_MSG_OFFERCHANNEL   1
#define VMBUS_MSG_REQUESTOFFERS  3
#define VMBUS_MSG_ALLOFFERS_DONE 4
#define VMBUS_MSG_OPENCHANNEL    5
#define VMBUS_MSG_OPEN_RESULT    6
#define VMBUS_MSG_CLOSECHANNEL   7
#define VMBUS_MSG_GPADL_HEADER   8
#define VMBUS_MSG_GPADL_BODY     9
#define VMBUS_MSG_GPADL_CREATED  10
#define VMBUS_MSG_GPADL_TEARDOWN 11
#define VMBUS_MSG_GPADL_TORNDOWN 12
#define VMBUS_MSG_INITIATE       14
#define VMBUS_MSG_VERSION_RESP   15
#define VMBUS_MSG_UNLOAD         16
#define VMBUS_MSG_UNLOAD_RESP    17

#define VMBUS_V5_3 0x00050003u
#define VMBUS_V5_0 0x00050000u

struct vmbus_hdr {
    uint32_t type;
    uint32_t padding;
} __attribute__((packed));

struct vmbus_initiate_contact {
    struct vmbus_hdr hdr;
    uint32_t version;
    uint32_t target_vcpu;
    uint64_t msg_sint; /* >= 5.0: byte 0 the SINT, byte 1 the VTL (old interrupt page) */
    uint64_t monitor_page1;
    uint64_t monitor_page2;
} __attribute__((packed));

struct vmbus_version_response {
    struct vmbus_hdr hdr;
    uint8_t supported;
    uint8_t connection_state;
    uint16_t padding;
    uint32_t msg_conn_id;
} __attribute__((packed));

struct vmbus_offer {
    struct vmbus_hdr hdr;
    uint8_t if_type[16];
    uint8_t if_instance[16];
    uint8_t reserved1[16];
    uint16_t chn_flags;
    uint16_t mmio_megabytes;
    uint8_t user_def[120];
    uint16_t sub_channel_index;
    uint16_t reserved3;
    uint32_t child_relid;
    uint8_t monitor_id;
    uint8_t monitor_allocated;
    uint16_t is_dedicated_interrupt;
    uint32_t connection_id;
} __attribute__((packed));

struct vmbus_gpadl_header {
    struct vmbus_hdr hdr;
    uint32_t child_relid;
    uint32_t gpadl;
    uint16_t range_buflen;
    uint16_t rangecount;
    /* then { u32 byte_count; u32 byte_offset; } and the PFNs */
} __attribute__((packed));

struct vmbus_gpadl_body {
    struct vmbus_hdr hdr;
    uint32_t msgnumber;
    uint32_t gpadl;
} __attribute__((packed));

struct vmbus_gpadl_created {
    struct vmbus_hdr hdr;
    uint32_t child_relid;
    uint32_t gpadl;
    uint32_t status;
} __attribute__((packed));

struct vmbus_open_channel {
    struct vmbus_hdr hdr;
    uint32_t child_relid;
    uint32_t openid;
    uint32_t gpadl;
    uint32_t target_vp;
    uint32_t downstream_page_offset;
    uint8_t userdata[120];
} __attribute__((packed));

struct vmbus_open_result {
    struct vmbus_hdr hdr;
    uint32_t child_relid;
    uint32_t openid;
    uint32_t status;
} __attribute__((packed));

struct vmbus_relid_msg {
    struct vmbus_hdr hdr;
    uint32_t child_relid;
} __attribute__((packed));

struct vmbus_gpadl_teardown {
    struct vmbus_hdr hdr;
    uint32_t child_relid;
    uint32_t gpadl;
} __attribute__((packed));

struct vmbus_gpadl_torndown {
    struct vmbus_hdr hdr;
    uint32_t gpadl;
} __attribute__((packed));

_Static_assert(sizeof(struct vmbus_initiate_contact) == 40, "Linux vmbus_channel_initiate_contact");
_Static_assert(sizeof(struct vmbus_version_response) == 16, "Linux vmbus_channel_version_response");
_Static_assert(sizeof(struct vmbus_offer) == 196, "Linux vmbus_channel_offer_channel");
_Static_assert(sizeof(struct vmbus_gpadl_header) == 20, "Linux vmbus_channel_gpadl_header");
_Static_assert(sizeof(struct vmbus_gpadl_body) == 16, "Linux vmbus_channel_gpadl_body");
_Static_assert(sizeof(struct vmbus_gpadl_created) == 20, "Linux vmbus_channel_gpadl_created");
_Static_assert(sizeof(struct vmbus_open_channel) == 148, "Linux vmbus_channel_open_channel");
_Static_assert(sizeof(struct vmbus_open_result) == 20, "Linux vmbus_channel_open_result");

/* A message as it came out of the SINT2 slot. */
struct vmbus_msg {
    uint32_t size; /* payload_size */
    union {
        struct vmbus_hdr hdr;
        uint8_t bytes[VMBUS_PAYLOAD_MAX];
        uint64_t align;
    };
};

/* ---- rings (Linux struct hv_ring_buffer, struct vmpacket_descriptor) ----------------- */

#define VMBUS_PKT_INBAND          6
#define VMBUS_PKT_XFER_PAGES      7
#define VMBUS_PKT_GPA_DIRECT      9
#define VMBUS_PKT_COMP            11
#define VMBUS_PKT_FLAG_COMPLETION 1
#define VMBUS_RING_FEAT_PENDING   1 /* feature_bits: pending_send_sz is honoured */

struct vmbus_ring_hdr {
    uint32_t write_index;
    uint32_t read_index;
    uint32_t interrupt_mask;
    uint32_t pending_send_sz;
    uint32_t reserved1[12];
    uint32_t feature_bits;
};

struct vmbus_desc {
    uint16_t type;
    uint16_t offset8; /* the payload, in 8-byte units from the descriptor */
    uint16_t len8;    /* descriptor, ranges, payload and padding, in 8-byte units */
    uint16_t flags;
    uint64_t trans_id;
};

_Static_assert(sizeof(struct vmbus_desc) == 16, "Linux vmpacket_descriptor");

struct vmbus_ring {
    volatile struct vmbus_ring_hdr *hdr;
    uint8_t *data;
    uint32_t size; /* bytes of data, after the header page */
};

/* Guest-physical address and page number of our own memory (identity-mapped). */
static inline uint64_t gpa(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static inline uint64_t pfn(const void *p)
{
    return gpa(p) >> 12;
}

/* ---- vmbus_client.c ------------------------------------------------------------------ */

/* The reference clock (TIME_REF_COUNT), in 100 ns units. */
uint64_t vmbus_now(void);

/* The hypercall page (hyperv.c enables it) and the SynIC: SIMP, SIEFP,
 * SINT2 in polling mode, SCONTROL.  NULL, or what went wrong. */
const char *vmbus_synic_init(void);
/* The SIEFP's SINT2 area (2048 event flags), for the channel's flag. */
volatile uint64_t *vmbus_event_flags(void);

/* HvPostMessage of @size bytes at @msg (a VMBus message, type 1) to
 * @conn: RAX (the status). */
uint64_t vmbus_post(uint32_t conn, const void *msg, uint32_t size);
/* HvSignalEvent (fast) on @conn, event flag @flag: RAX. */
uint64_t vmbus_signal(uint32_t conn, uint16_t flag);
/* The next message in the SINT2 slot, within @timeout (100 ns units);
 * the slot is freed (and EOM written if the host has more).  False on
 * timeout. */
bool vmbus_recv(struct vmbus_msg *m, uint64_t timeout);

/*
 * A GPADL of @n pages (@pfns) in one range [@offset, @offset + @count),
 * sent as Linux does: GPADL_HEADER with the first 26 PFNs, GPADL_BODY
 * messages with the rest.  0, or the status of the post that failed.
 */
uint64_t vmbus_post_gpadl(uint32_t conn, uint32_t relid, uint32_t gpadl, const uint64_t *pfns,
                          unsigned n, uint32_t offset, uint32_t count);
/* Its two halves, for a guest that sends them apart: the GPADL_HEADER of
 * an @n-page GPADL with its first @first PFNs, and GPADL_BODY number
 * @msgnumber with @m PFNs.  The post's status. */
uint64_t vmbus_post_gpadl_header(uint32_t conn, uint32_t relid, uint32_t gpadl,
                                 const uint64_t *pfns, unsigned n, unsigned first, uint32_t offset,
                                 uint32_t count);
uint64_t vmbus_post_gpadl_body(uint32_t conn, uint32_t gpadl, uint32_t msgnumber,
                               const uint64_t *pfns, unsigned m);

/* A ring over @pages pages at @base (the header page first): no bytes
 * written or read, feature_bits as Linux sets them; @mask: interrupt_mask. */
void vmbus_ring_init(struct vmbus_ring *r, void *base, unsigned pages, bool mask);
/* Write @len bytes (a multiple of 8: descriptor, payload, padding) and the
 * trailer.  0, or -1 if the ring has no room. */
int vmbus_ring_write(struct vmbus_ring *r, const void *pkt, uint32_t len);
/* The next packet (descriptor and payload, len8 * 8 bytes) into @buf:
 * 1 (read, *len set), 0 (the ring is empty), or -1 (the host wrote a
 * packet that does not fit its ring or @buf: *len is its len8 * 8). */
int vmbus_ring_read(struct vmbus_ring *r, void *buf, uint32_t size, uint32_t *len);
/* After a read: the host set pending_send_sz (it waits for room) and
 * there is more room than that now, so signal it. */
bool vmbus_ring_read_signal(const struct vmbus_ring *r);

/* ---- the connection and a channel ---------------------------------------------------- */

/*
 * The steps every client takes, well-formed and as Linux takes them; the
 * tests send their hostile variants themselves.  Each returns NULL, or
 * what went wrong ("expected X got Y", in a buffer the next failure
 * overwrites) for the test to report in its own way.  An answer is waited
 * for VMBUS_TIMEOUT_S seconds.
 */

#define VMBUS_TIMEOUT_S 30

/* Where channel messages go once INITIATE_CONTACT was taken (vmbus_connect). */
extern uint32_t vmbus_msg_conn;

/* A channel: what its offer said, its rings. */
struct vmbus_chan {
    bool offered; /* vmbus_find_offer found it */
    uint32_t relid;
    uint32_t conn_id; /* for HvSignalEvent */
    uint8_t monitor_allocated;
    uint16_t dedicated_interrupt;
    uint8_t *ring_base; /* the outbound ring's pages, then the inbound ring's */
    unsigned out_pages, in_pages;
    struct vmbus_ring out, in;
    unsigned host_waits; /* reads after which the host waited for room (pending_send_sz) */
};

/* "GPADL_CREATED" and so on, "?" for a type the host does not send. */
const char *vmbus_msg_name(uint32_t type);
/* The next message: of @type, at least @size bytes. */
const char *vmbus_wait_msg(uint32_t type, uint32_t size, struct vmbus_msg *m);
/* INITIATE_CONTACT for @version on @conn, @sint its msg_sint: *@status is
 * the post's, and if that is 0 the VERSION_RESPONSE is in @m. */
const char *vmbus_initiate(uint32_t conn, uint32_t version, uint64_t sint, uint64_t *status,
                           struct vmbus_msg *m);
/* INITIATE_CONTACT, the newest version the host takes from 5.3 down to
 * 2.4, each on its connection: vmbus_msg_conn and *@version set. */
const char *vmbus_connect(uint32_t *version);
/* REQUESTOFFERS and the offers up to ALLOFFERS_DELIVERED: @ch gets the
 * first offer of class @type that is not a subchannel (offered false if
 * none), *@other (if not NULL) the relid of the first of another class
 * (0 if none). */
const char *vmbus_find_offer(const uint8_t type[16], struct vmbus_chan *ch, uint32_t *other);
/* A GPADL (vmbus_post_gpadl) and its GPADL_CREATED: *@status is the
 * creation status. */
const char *vmbus_gpadl(uint32_t relid, uint32_t gpadl, const uint64_t *pfns, unsigned n,
                        uint32_t offset, uint32_t count, uint32_t *status);
/* GPADL_TEARDOWN and its GPADL_TORNDOWN. */
const char *vmbus_gpadl_teardown(uint32_t relid, uint32_t gpadl);
/* @ch's rings: @out pages at @base (the outbound ring), then @in pages. */
void vmbus_chan_rings(struct vmbus_chan *ch, void *base, unsigned out, unsigned in);
/* @ch's rings emptied, then the first @size bytes of an OPENCHANNEL for
 * @relid (a hostile guest may name another, or send less): the post's status. */
uint64_t vmbus_post_open(struct vmbus_chan *ch, uint32_t relid, uint32_t openid, uint32_t gpadl,
                         uint32_t downstream, uint32_t size);
/* OPENCHANNEL of @ch and its OPENCHANNEL_RESULT: *@status is its status. */
const char *vmbus_open(struct vmbus_chan *ch, uint32_t openid, uint32_t gpadl, uint32_t downstream,
                       uint32_t *status);
/* CLOSECHANNEL (no answer). */
const char *vmbus_close(const struct vmbus_chan *ch);
/* UNLOAD and its UNLOAD_RESPONSE. */
const char *vmbus_unload(void);

/* A packet at @dst with only a descriptor before the payload (in-band,
 * a completion, or any type a hostile guest makes up): its length. */
uint32_t vmbus_build_inband(void *dst, uint16_t type, uint16_t flags, uint64_t tid,
                            const void *payload, uint32_t len);
/* A GPA-direct packet at @dst asking for a completion: @rangecount (true
 * or not), @words u64s of range headers and PFNs, the payload.  Its length. */
uint32_t vmbus_build_gpa(void *dst, uint64_t tid, uint32_t rangecount, const uint64_t *ranges,
                         unsigned words, const void *payload, uint32_t len);
/* The range header and PFNs of [@p, @p + @len) at @out: the u64s written. */
unsigned vmbus_range(uint64_t *out, const void *p, uint32_t len);
/* HvSignalEvent on @ch, which must succeed. */
const char *vmbus_chan_signal(const struct vmbus_chan *ch);
/* @len bytes at @pkt into @ch's outbound ring, and a signal if @signal. */
const char *vmbus_chan_send(struct vmbus_chan *ch, const void *pkt, uint32_t len, bool signal);
/* The next packet of @ch's inbound ring into @buf (*@got false if there
 * is none); the host is signalled if it waits for room. */
const char *vmbus_chan_read(struct vmbus_chan *ch, void *buf, uint32_t size, uint32_t *len,
                            bool *got);

#endif
