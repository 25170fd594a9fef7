/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside storvsp: the vstor wire format Linux's storvsc speaks
 * (drivers/scsi/storvsc_drv.c), the controller and its requests.
 *
 * Every packet in either direction carries a struct vstor_packet: the
 * guest's requests in in-band or GPA-direct packets asking for a
 * completion; the host's answers as VMBus completions (VMBUS_PKT_COMP) with
 * the request's transaction id, operation COMPLETE_IO, an NTSTATUS and the
 * operation's data.  Linux drops a completion shorter than the whole
 * struct vstor_packet, so every packet the host sends has its full size.
 */
#ifndef STORVSP_INTERNAL_H
#define STORVSP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <storvsp/storvsp.h>
#include <vmbus/channel.h>

#include "gpa_range.h"
#include "scsi_disk.h"

/* enum vstor_packet_operation */
#define VSTOR_OP_COMPLETE_IO         1
#define VSTOR_OP_REMOVE_DEVICE       2
#define VSTOR_OP_EXECUTE_SRB         3
#define VSTOR_OP_RESET_LUN           4
#define VSTOR_OP_RESET_ADAPTER       5
#define VSTOR_OP_RESET_BUS           6
#define VSTOR_OP_BEGIN_INIT          7
#define VSTOR_OP_END_INIT            8
#define VSTOR_OP_QUERY_VERSION       9
#define VSTOR_OP_QUERY_PROPERTIES    10
#define VSTOR_OP_ENUMERATE_BUS       11
#define VSTOR_OP_FCHBA_DATA          12
#define VSTOR_OP_CREATE_SUB_CHANNELS 13

/* Protocol versions (major << 8 | minor) Linux 6.1 asks for, best first. */
#define VSTOR_VERSION_WIN10  0x0602
#define VSTOR_VERSION_WIN8_1 0x0600
#define VSTOR_VERSION_WIN8   0x0501

/* NTSTATUS values in vstor_packet.status */
#define NT_SUCCESS                0x00000000u
#define NT_INVALID_PARAMETER      0xc000000du
#define NT_INVALID_DEVICE_REQUEST 0xc0000010u
#define NT_REVISION_MISMATCH      0xc0000059u
#define NT_DEVICE_DOES_NOT_EXIST  0xc00000c0u
#define NT_INVALID_DEVICE_STATE   0xc0000184u
#define NT_IO_DEVICE_ERROR        0xc0000185u

/* SRB status (low 6 bits) and flags */
#define SRB_STATUS_SUCCESS         0x01
#define SRB_STATUS_ERROR           0x04
#define SRB_STATUS_INVALID_REQUEST 0x06
#define SRB_STATUS_INVALID_LUN     0x20
#define SRB_STATUS_AUTOSENSE_VALID 0x80

#define VSTOR_CDB_MAX   16u
#define VSTOR_SENSE_MAX 20u /* STORVSC_SENSE_BUFFER_SIZE since Windows 8 */

/* struct vmscsi_request with the Windows 8 extension (52 bytes: every
 * version this host accepts has it; 4.2 and older had 36). */
struct vstor_srb {
    uint16_t length;
    uint8_t srb_status;
    uint8_t scsi_status;
    uint8_t port_number;
    uint8_t path_id;
    uint8_t target_id;
    uint8_t lun;
    uint8_t cdb_length;
    uint8_t sense_info_length;
    uint8_t data_in;
    uint8_t reserved;
    uint32_t data_transfer_length;
    uint8_t cdb[VSTOR_SENSE_MAX]; /* the CDB in, the sense data out */
    uint16_t reserve;
    uint8_t queue_tag;
    uint8_t queue_action;
    uint32_t srb_flags;
    uint32_t time_out_value;
    uint32_t queue_sort_key;
} __attribute__((packed));

struct vstor_properties {
    uint32_t reserved;
    uint16_t max_channel_count;
    uint16_t reserved1;
    uint32_t flags; /* 0x1: multi-channel */
    uint32_t max_transfer_bytes;
    uint64_t reserved2;
} __attribute__((packed));

struct vstor_version {
    uint16_t major_minor;
    uint16_t revision;
} __attribute__((packed));

#define VSTOR_HDR_SIZE 12u

struct vstor_packet {
    uint32_t operation;
    uint32_t flags;
    uint32_t status;
    union {
        struct vstor_srb srb;
        struct vstor_properties props;
        struct vstor_version version;
        uint16_t sub_channel_count;
        uint8_t buffer[0x34];
    };
} __attribute__((packed));

_Static_assert(sizeof(struct vstor_srb) == 0x34, "Linux struct vmscsi_request");
_Static_assert(sizeof(struct vstor_properties) == 24, "Linux vmstorage_channel_properties");
_Static_assert(sizeof(struct vstor_packet) == 64, "Linux struct vstor_packet");

/* Where the guest's storvsc is in its handshake on the open channel. */
enum vstor_state {
    VSTOR_CLOSED,
    VSTOR_WAIT_BEGIN,
    VSTOR_WAIT_VERSION,
    VSTOR_WAIT_PROPERTIES,
    VSTOR_WAIT_END,
    VSTOR_READY,
};

/* A disk with the requests that use it: freed (and the disk closed) when
 * it is detached and the last request is done. */
struct storvsp_disk {
    struct scsi_disk sd;
    unsigned refs; /* one for being attached, one per request in flight */
};

/* A packet the guest's full inbound ring could not take yet. */
struct storvsp_pending {
    struct storvsp_pending *next;
    uint16_t type;
    uint64_t trans_id;
    struct vstor_packet pkt;
};

/* Requests in flight per controller: beyond this the guest's ring is left
 * unread until some complete, so a guest cannot make the host allocate
 * without bound. */
#define STORVSP_INFLIGHT_MAX 1024u
/* Packets up to this size are read into the controller's buffer (a GPA
 * packet of a STORVSP_MAX_TRANSFER_BYTES (512 KiB) transfer, 129 pfns, is
 * about 1.1 KiB); larger ones into a heap buffer. */
#define STORVSP_RX_SIZE 8192u

struct storvsp {
    struct storvsp_host host;
    struct vmbus_guid instance;
    struct vmbus_channel *ch;
    enum vstor_state state;
    /* Bumped at every open and close: a completion from an older one is
     * for a ring the guest no longer reads. */
    uint64_t gen;
    struct storvsp_disk *luns[STORVSP_MAX_LUNS];
    unsigned inflight;
    struct storvsp_pending *backlog, **backlog_tail;
    bool polling;
    uint64_t rx[STORVSP_RX_SIZE / 8];
};

struct storvsp_io {
    struct storvsp *s;
    struct storvsp_disk *d;
    uint64_t gen;
    uint64_t trans_id;
    struct vstor_srb req; /* echoed in the completion */
    struct scsi_op op;
    struct gpa_buf buf;
    int rc;
};

#endif
