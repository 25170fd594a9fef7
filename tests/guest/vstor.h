/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vstor protocol of Hyper-V's synthetic SCSI controller and the bits
 * of SCSI that hvtest=storvsc and hvtest=storwrite speak over it, written
 * out again from Linux drivers/scsi/storvsc_drv.c and the SCSI standards
 * rather than taken from drivers/storvsp: a wrong layout there is then
 * caught here instead of being agreed with.
 */
#ifndef HVTEST_VSTOR_H
#define HVTEST_VSTOR_H

#include "vmbus_client.h"

/* ba6163d9-04a1-4d29-b605-72e2ffb1dc7f, the first three fields little-endian. */
static const uint8_t vstor_scsi_class[16] = {0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d,
                                             0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f};

/* ---- vstor (Linux drivers/scsi/storvsc_drv.c) ---------------------------------------- */

#define VSTOR_OP_COMPLETE_IO         1
#define VSTOR_OP_EXECUTE_SRB         3
#define VSTOR_OP_RESET_LUN           4
#define VSTOR_OP_RESET_BUS           6
#define VSTOR_OP_BEGIN_INIT          7
#define VSTOR_OP_END_INIT            8
#define VSTOR_OP_QUERY_VERSION       9
#define VSTOR_OP_QUERY_PROPERTIES    10
#define VSTOR_OP_CREATE_SUB_CHANNELS 13
#define VSTOR_FLAG_COMPLETION        1 /* REQUEST_COMPLETION_FLAG */
#define VSTOR_VERSION_WIN10          0x0602
#define VSTOR_SENSE_SIZE             20 /* STORVSC_SENSE_BUFFER_SIZE */

#define NT_SUCCESS                0x00000000u
#define NT_INVALID_PARAMETER      0xC000000Du
#define NT_INVALID_DEVICE_REQUEST 0xC0000010u
#define NT_REVISION_MISMATCH      0xC0000059u
#define NT_DEVICE_DOES_NOT_EXIST  0xC00000C0u
#define NT_INVALID_DEVICE_STATE   0xC0000184u
#define NT_IO_DEVICE_ERROR        0xC0000185u

#define SRB_SUCCESS         0x01
#define SRB_ERROR           0x04
#define SRB_INVALID_REQUEST 0x06
#define SRB_INVALID_LUN     0x20
#define SRB_AUTOSENSE_VALID 0x80
#define SRB_FLAGS_DATA_IN   0x40
#define SRB_FLAGS_DATA_OUT  0x80

/* SCSI (SPC-3, SBC-3) */
#define SCSI_CHECK_CONDITION     0x02
#define OP_TEST_UNIT_READY       0x00
#define OP_INQUIRY               0x12
#define OP_READ_CAPACITY10       0x25
#define OP_READ10                0x28
#define OP_WRITE10               0x2A
#define OP_SYNC_CACHE10          0x35
#define OP_READ16                0x88
#define OP_WRITE16               0x8A
#define OP_UNMAP                 0x42
#define OP_SERVICE_ACTION_IN     0x9E
#define OP_REPORT_LUNS           0xA0
#define OP_VENDOR_C7             0xC7 /* vendor specific: no target of ours knows it */
#define SAI_READ_CAPACITY16      0x10
#define KEY_ILLEGAL_REQUEST      0x5
#define ASC_INVALID_OPCODE       0x2000
#define ASC_LBA_OUT_OF_RANGE     0x2100
#define ASC_INVALID_FIELD_IN_CDB 0x2400
#define ASC_INVALID_FIELD_IN_PAR 0x2600
#define ASC_PARAM_LIST_LENGTH    0x1A00
#define FIXED_SENSE_LEN          18

/* Linux struct vmscsi_request, with the Windows 8 extension. */
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
    uint8_t cdb[VSTOR_SENSE_SIZE]; /* the CDB out, the sense data back */
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
    uint32_t flags;
    uint32_t max_transfer_bytes;
    uint64_t reserved2;
} __attribute__((packed));

struct vstor_packet {
    uint32_t operation;
    uint32_t flags;
    uint32_t status;
    union {
        struct vstor_srb srb;
        struct vstor_properties props;
        uint16_t version; /* major << 8 | minor, then a revision */
        uint8_t buffer[52];
    };
} __attribute__((packed));

_Static_assert(sizeof(struct vstor_srb) == 52, "Linux vmscsi_request (Windows 8 size)");
_Static_assert(__builtin_offsetof(struct vstor_srb, cdb) == 16, "Linux vmscsi_request.cdb");
_Static_assert(sizeof(struct vstor_packet) == 64, "Linux vstor_packet");

#define VSTOR_SRB_WIN7_SIZE 36 /* before the Windows 8 extension */

/* ---- big-endian fields of CDBs and SCSI data ----------------------------------------- */

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16));
    put_be16(p + 2, (uint16_t)v);
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

#endif
