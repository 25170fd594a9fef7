/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMBus channel-management messages on the wire: the payload of an
 * HvPostMessage (guest to host) or of a SynIC message (host to guest),
 * each starting with struct vmbus_msg_header.  Layouts follow Linux
 * include/linux/hyperv.h (all __packed there); the sizes are asserted
 * below because the guest's hv_vmbus checks them: it drops a host message
 * shorter than its struct (vmbus_on_msg_dpc's min_payload_len), and the
 * server drops a guest message shorter than its struct.
 *
 * Every struct is packed and only ever copied whole (memcpy) to or from a
 * payload, never accessed in place: a payload has no alignment guarantee.
 */
#ifndef VMBUS_PROTOCOL_H
#define VMBUS_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include <vmbus/server.h>

/* Message types (Linux enum vmbus_channel_message_type). */
#define VMBUS_MSG_OFFERCHANNEL           1
#define VMBUS_MSG_RESCIND_CHANNELOFFER   2
#define VMBUS_MSG_REQUESTOFFERS          3
#define VMBUS_MSG_ALLOFFERS_DELIVERED    4
#define VMBUS_MSG_OPENCHANNEL            5
#define VMBUS_MSG_OPENCHANNEL_RESULT     6
#define VMBUS_MSG_CLOSECHANNEL           7
#define VMBUS_MSG_GPADL_HEADER           8
#define VMBUS_MSG_GPADL_BODY             9
#define VMBUS_MSG_GPADL_CREATED          10
#define VMBUS_MSG_GPADL_TEARDOWN         11
#define VMBUS_MSG_GPADL_TORNDOWN         12
#define VMBUS_MSG_RELID_RELEASED         13
#define VMBUS_MSG_INITIATE_CONTACT       14
#define VMBUS_MSG_VERSION_RESPONSE       15
#define VMBUS_MSG_UNLOAD                 16
#define VMBUS_MSG_UNLOAD_RESPONSE        17
#define VMBUS_MSG_MODIFYCHANNEL          22
#define VMBUS_MSG_MODIFYCHANNEL_RESPONSE 24

/* Protocol versions (major << 16 | minor), Linux VERSION_*. */
#define VMBUS_VERSION_WIN8     0x00020004u /* 2.4 */
#define VMBUS_VERSION_WIN8_1   0x00030000u /* 3.0 */
#define VMBUS_VERSION_WIN10    0x00040000u /* 4.0 */
#define VMBUS_VERSION_WIN10_41 0x00040001u /* 4.1: MODIFYCHANNEL */
#define VMBUS_VERSION_V5_0     0x00050000u /* 5.0: INITIATE_CONTACT on id 4, msg_sint */
#define VMBUS_VERSION_V5_1     0x00050001u /* 5.1: msg_vtl */
#define VMBUS_VERSION_V5_2     0x00050002u
#define VMBUS_VERSION_V5_3     0x00050003u /* 5.3: MODIFYCHANNEL_RESPONSE */

/* A non-zero status for OPENCHANNEL_RESULT, GPADL_CREATED and
 * MODIFYCHANNEL_RESPONSE.  Linux only tests for non-zero; this is the value
 * Hyper-V's reference server (OpenVMM) uses. */
#define VMBUS_STATUS_UNSUCCESSFUL 0x8000ffffu

/* OPENCHANNEL target_vp meaning "no interrupts for this channel". */
#define VMBUS_VP_NO_INTERRUPT 0xffffffffu

/* No monitor page is set up: the offer's monitor id (OpenVMM's
 * MonitorId::INVALID; Linux reads it only when monitor_allocated is 1). */
#define VMBUS_MONITOR_ID_NONE 0xffu

/* A GPA range header inside GPADL_HEADER/BODY data (Linux struct
 * gpa_range): the PFNs of the pages spanned by [byte_offset, byte_offset +
 * byte_count) follow it. */
struct vmbus_gpa_range {
    uint32_t byte_count;
    uint32_t byte_offset;
} __attribute__((packed));

struct vmbus_msg_header {
    uint32_t msgtype;
    uint32_t padding;
} __attribute__((packed));

/* CHANNELMSG_INITIATE_CONTACT, guest -> host. */
struct vmbus_msg_initiate_contact {
    struct vmbus_msg_header header;
    uint32_t version_requested;
    uint32_t target_vcpu;
    /* < 5.0: the guest's interrupt page GPA; >= 5.0: byte 0 is msg_sint,
     * byte 1 (>= 5.1) msg_vtl, the rest zero. */
    uint64_t interrupt_page;
    uint64_t monitor_page1;
    uint64_t monitor_page2;
} __attribute__((packed));

/* CHANNELMSG_VERSION_RESPONSE, host -> guest. */
struct vmbus_msg_version_response {
    struct vmbus_msg_header header;
    uint8_t version_supported;
    uint8_t connection_state; /* 0: successful */
    uint16_t padding;
    /* >= 5.0: the connection id for the guest's later messages; below, the
     * selected version (what Hyper-V sends; Linux ignores it). */
    uint32_t msg_conn_id;
} __attribute__((packed));

/* The offer proper (Linux struct vmbus_channel_offer). */
struct vmbus_channel_offer_wire {
    struct vmbus_guid if_type;
    struct vmbus_guid if_instance;
    uint8_t reserved1[16];
    uint16_t chn_flags;
    uint16_t mmio_megabytes;
    uint8_t user_def[120];
    uint16_t sub_channel_index;
    uint16_t reserved3;
} __attribute__((packed));

/* CHANNELMSG_OFFERCHANNEL, host -> guest. */
struct vmbus_msg_offer_channel {
    struct vmbus_msg_header header;
    struct vmbus_channel_offer_wire offer;
    uint32_t child_relid;
    uint8_t monitorid;
    uint8_t monitor_allocated;       /* bit 0 */
    uint16_t is_dedicated_interrupt; /* bit 0 */
    uint32_t connection_id;
} __attribute__((packed));

/* CHANNELMSG_RESCIND_CHANNELOFFER (host -> guest), CHANNELMSG_CLOSECHANNEL
 * and CHANNELMSG_RELID_RELEASED (guest -> host): a relid only. */
struct vmbus_msg_relid {
    struct vmbus_msg_header header;
    uint32_t child_relid;
} __attribute__((packed));

/* CHANNELMSG_OPENCHANNEL, guest -> host. */
struct vmbus_msg_open_channel {
    struct vmbus_msg_header header;
    uint32_t child_relid;
    uint32_t openid;
    uint32_t ringbuffer_gpadlhandle;
    uint32_t target_vp;
    /* In pages: the guest's outbound ring is [0, offset) of the GPADL, its
     * inbound ring [offset, end). */
    uint32_t downstream_ringbuffer_pageoffset;
    uint8_t userdata[120];
} __attribute__((packed));

/* CHANNELMSG_OPENCHANNEL_RESULT, host -> guest. */
struct vmbus_msg_open_result {
    struct vmbus_msg_header header;
    uint32_t child_relid;
    uint32_t openid;
    uint32_t status;
} __attribute__((packed));

/* CHANNELMSG_GPADL_HEADER, guest -> host; range data follows (struct
 * vmbus_gpa_range, PFNs, ...: range_buflen bytes for rangecount ranges),
 * the part that does not fit continued by GPADL_BODY messages. */
struct vmbus_msg_gpadl_header {
    struct vmbus_msg_header header;
    uint32_t child_relid;
    uint32_t gpadl;
    uint16_t range_buflen;
    uint16_t rangecount;
} __attribute__((packed));

/* CHANNELMSG_GPADL_BODY, guest -> host; more range data (u64s) follows.
 * Linux leaves msgnumber 0: the bodies are taken in arrival order. */
struct vmbus_msg_gpadl_body {
    struct vmbus_msg_header header;
    uint32_t msgnumber;
    uint32_t gpadl;
} __attribute__((packed));

/* CHANNELMSG_GPADL_CREATED, host -> guest. */
struct vmbus_msg_gpadl_created {
    struct vmbus_msg_header header;
    uint32_t child_relid;
    uint32_t gpadl;
    uint32_t creation_status;
} __attribute__((packed));

/* CHANNELMSG_GPADL_TEARDOWN, guest -> host. */
struct vmbus_msg_gpadl_teardown {
    struct vmbus_msg_header header;
    uint32_t child_relid;
    uint32_t gpadl;
} __attribute__((packed));

/* CHANNELMSG_GPADL_TORNDOWN, host -> guest. */
struct vmbus_msg_gpadl_torndown {
    struct vmbus_msg_header header;
    uint32_t gpadl;
} __attribute__((packed));

/* CHANNELMSG_MODIFYCHANNEL, guest -> host (>= 4.1). */
struct vmbus_msg_modifychannel {
    struct vmbus_msg_header header;
    uint32_t child_relid;
    uint32_t target_vp;
} __attribute__((packed));

/* CHANNELMSG_MODIFYCHANNEL_RESPONSE, host -> guest (>= 5.3). */
struct vmbus_msg_modifychannel_response {
    struct vmbus_msg_header header;
    uint32_t child_relid;
    uint32_t status;
} __attribute__((packed));

/* Sizes as Linux posts and checks them. */
_Static_assert(sizeof(struct vmbus_msg_header) == 8, "header");
_Static_assert(sizeof(struct vmbus_gpa_range) == 8, "gpa_range");
_Static_assert(sizeof(struct vmbus_msg_initiate_contact) == 40, "initiate_contact");
_Static_assert(offsetof(struct vmbus_msg_initiate_contact, interrupt_page) == 16, "msg_sint");
_Static_assert(sizeof(struct vmbus_msg_version_response) == 16, "version_response");
_Static_assert(offsetof(struct vmbus_msg_version_response, msg_conn_id) == 12, "msg_conn_id");
_Static_assert(sizeof(struct vmbus_channel_offer_wire) == 176, "vmbus_channel_offer");
_Static_assert(offsetof(struct vmbus_channel_offer_wire, chn_flags) == 48, "chn_flags");
_Static_assert(offsetof(struct vmbus_channel_offer_wire, user_def) == 52, "user_def");
_Static_assert(offsetof(struct vmbus_channel_offer_wire, sub_channel_index) == 172, "subch");
_Static_assert(sizeof(struct vmbus_msg_offer_channel) == 196, "offer_channel");
_Static_assert(offsetof(struct vmbus_msg_offer_channel, child_relid) == 184, "child_relid");
_Static_assert(offsetof(struct vmbus_msg_offer_channel, monitorid) == 188, "monitorid");
_Static_assert(offsetof(struct vmbus_msg_offer_channel, is_dedicated_interrupt) == 190, "ded");
_Static_assert(offsetof(struct vmbus_msg_offer_channel, connection_id) == 192, "connection_id");
_Static_assert(sizeof(struct vmbus_msg_relid) == 12, "rescind/close/relid_released");
_Static_assert(sizeof(struct vmbus_msg_open_channel) == 148, "open_channel");
_Static_assert(offsetof(struct vmbus_msg_open_channel, userdata) == 28, "userdata");
_Static_assert(sizeof(struct vmbus_msg_open_result) == 20, "open_result");
_Static_assert(sizeof(struct vmbus_msg_gpadl_header) == 20, "gpadl_header");
_Static_assert(sizeof(struct vmbus_msg_gpadl_body) == 16, "gpadl_body");
_Static_assert(sizeof(struct vmbus_msg_gpadl_created) == 20, "gpadl_created");
_Static_assert(sizeof(struct vmbus_msg_gpadl_teardown) == 16, "gpadl_teardown");
_Static_assert(sizeof(struct vmbus_msg_gpadl_torndown) == 12, "gpadl_torndown");
_Static_assert(sizeof(struct vmbus_msg_modifychannel) == 16, "modifychannel");
_Static_assert(sizeof(struct vmbus_msg_modifychannel_response) == 16, "modify_response");

/* Linux's split of a GPADL (create_gpadl_header()): PFNs that fit after
 * the header and one struct vmbus_gpa_range (26), and in each body (28). */
#define VMBUS_GPADL_HEADER_PFNS                                                                    \
    ((VMBUS_MESSAGE_MAX - sizeof(struct vmbus_msg_gpadl_header) - 8) / 8)
#define VMBUS_GPADL_BODY_PFNS ((VMBUS_MESSAGE_MAX - sizeof(struct vmbus_msg_gpadl_body)) / 8)

_Static_assert(VMBUS_GPADL_HEADER_PFNS == 26, "Linux: 26 PFNs in a GPADL header");
_Static_assert(VMBUS_GPADL_BODY_PFNS == 28, "Linux: 28 PFNs in a GPADL body");

#endif /* VMBUS_PROTOCOL_H */
