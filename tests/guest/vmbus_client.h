/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvtest's VMBus client (vmbus_client.c): the SynIC message page polled
 * instead of interrupts, HvPostMessage and HvSignalEvent through the
 * hypercall page, and the guest's side of a channel's two rings.  Just
 * enough for hvtest=storvsc and hvtest=netvsc to play hostile guests.
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

#endif
