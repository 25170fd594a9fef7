/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A SCSI direct-access target over a struct disk: what storvsp's LUNs
 * answer.  Pure: it decodes a CDB, checks it against the disk's geometry,
 * and either answers it at once (INQUIRY, MODE SENSE, READ CAPACITY, ...;
 * data copied into the guest's buffer, sense data for errors) or says
 * which disk operation the caller must run (read, write, flush, unmap),
 * already checked, with byte offsets.  It never calls the disk's I/O
 * functions itself, so storvsp can run those on an I/O thread.
 *
 * Commands and their data follow SPC-3/SBC-3 as a Linux initiator (sd,
 * scsi_scan) uses them; anything else is CHECK CONDITION, ILLEGAL REQUEST,
 * INVALID COMMAND OPERATION CODE.  Sense data is fixed format (0x70).
 */
#ifndef STORVSP_SCSI_DISK_H
#define STORVSP_SCSI_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct disk;

/* SCSI status */
#define SCSI_STATUS_GOOD            0x00
#define SCSI_STATUS_CHECK_CONDITION 0x02

/* Sense keys */
#define SENSE_NO_SENSE        0x0
#define SENSE_MEDIUM_ERROR    0x3
#define SENSE_HARDWARE_ERROR  0x4
#define SENSE_ILLEGAL_REQUEST 0x5
#define SENSE_DATA_PROTECT    0x7

/* Additional sense codes (ASC << 8 | ASCQ) */
#define ASC_WRITE_ERROR               0x0c00
#define ASC_UNRECOVERED_READ_ERROR    0x1100
#define ASC_PARAMETER_LIST_LENGTH     0x1a00
#define ASC_INVALID_OPCODE            0x2000
#define ASC_LBA_OUT_OF_RANGE          0x2100
#define ASC_INVALID_FIELD_IN_CDB      0x2400
#define ASC_INVALID_FIELD_IN_PARAM    0x2600
#define ASC_WRITE_PROTECTED           0x2700
#define ASC_SPACE_ALLOC_FAILED_WP     0x2707
#define ASC_SAVING_PARAMS_UNSUPPORTED 0x3900
#define ASC_INTERNAL_TARGET_FAILURE   0x4400

#define SCSI_SENSE_LEN 18u /* fixed format, additional length 10 */

/* Limits announced in VPD page 0xB0 and enforced on UNMAP. */
#define SCSI_UNMAP_MAX_DESCRIPTORS 256u
#define SCSI_UNMAP_MAX_BLOCKS      (1u << 22)

/* The outcome of a command that finished (inline, or after its disk op). */
struct scsi_result {
    uint8_t status;       /* SCSI_STATUS_* */
    uint32_t transferred; /* bytes moved to or from the guest's buffer */
    uint8_t sense[SCSI_SENSE_LEN];
};

enum scsi_op_kind {
    SCSI_OP_NONE = 0, /* answered inline: the result is final */
    SCSI_OP_READ,
    SCSI_OP_WRITE,
    SCSI_OP_FLUSH,
    SCSI_OP_UNMAP,
};

struct scsi_unmap_range {
    uint64_t offset; /* bytes */
    uint64_t len;
};

/* A disk operation the caller runs, then finishes with scsi_disk_finish(). */
struct scsi_op {
    enum scsi_op_kind kind;
    uint64_t offset;                 /* READ/WRITE: bytes */
    uint64_t len;                    /* READ/WRITE: bytes, equal to the buffer's length */
    bool fua;                        /* WRITE: flush before completing */
    struct scsi_unmap_range *ranges; /* UNMAP: malloc'd, free with scsi_op_free() */
    unsigned int nranges;
};

/* What one LUN knows about its disk, fixed at attach time. */
struct scsi_disk {
    struct disk *disk;
    uint32_t block_size; /* logical: 512 or 4096 */
    uint32_t phys_exp;   /* log2(physical / logical block size) */
    uint64_t blocks;     /* capacity in logical blocks */
    uint32_t unmap_gran; /* optimal unmap granularity, in blocks */
    bool read_only;
    bool can_discard;
    uint32_t max_transfer; /* bytes per READ/WRITE */
    char serial[33];       /* VPD 0x80, ASCII hex */
    uint8_t naa[16];       /* VPD 0x83, NAA IEEE Registered Extended */
};

/*
 * Describe @d for the guest.  @id (16 bytes: the controller's instance) and
 * @lun make the serial number and NAA designator unique within the VM.
 * 0, or -EINVAL for a logical block size that is not 512 or 4096.
 */
int scsi_disk_init(struct scsi_disk *sd, struct disk *d, const uint8_t id[16], unsigned lun,
                   uint32_t max_transfer);

/*
 * Decode and check @cdb (@cdb_len bytes, 1..16: the caller must have
 * refused any other length) against the guest's data buffer (@iov,
 * @iovcnt: @buf_len bytes in all).  Either the result is
 * final (@op->kind SCSI_OP_NONE; any data-in already copied, at most the
 * allocation length and @buf_len), or @op says what disk operation to run
 * and the result is filled in by scsi_disk_finish().
 */
void scsi_disk_command(const struct scsi_disk *sd, const uint8_t *cdb, size_t cdb_len,
                       const struct iovec *iov, int iovcnt, size_t buf_len, struct scsi_op *op,
                       struct scsi_result *res);

/* The result of @op, whose disk operation returned @rc (0 or -errno). */
void scsi_disk_finish(const struct scsi_op *op, int rc, struct scsi_result *res);

void scsi_op_free(struct scsi_op *op);

/* INQUIRY for a LUN with no disk: peripheral qualifier 011b, device type
 * 0x1F (the target is there, the unit is not), as Hyper-V answers, so that
 * Linux's scan goes on to REPORT LUNS.  False if @cdb is not an INQUIRY
 * (the caller then reports an invalid LUN). */
bool scsi_absent_lun_inquiry(const uint8_t *cdb, size_t cdb_len, const struct iovec *iov,
                             int iovcnt, size_t buf_len, struct scsi_result *res);

/* REPORT LUNS for a target whose present LUNs are flagged in @present. */
void scsi_report_luns(const uint8_t *cdb, size_t cdb_len, const bool *present, unsigned nluns,
                      const struct iovec *iov, int iovcnt, size_t buf_len, struct scsi_result *res);

/* Fill @res with CHECK CONDITION and fixed-format sense @key / @asc_ascq. */
void scsi_set_sense(struct scsi_result *res, uint8_t key, uint16_t asc_ascq);

/* Copy @len bytes of @src into the iovecs (at most @buf_len).  Bytes copied. */
size_t scsi_copy_to_iov(const struct iovec *iov, int iovcnt, size_t buf_len, const void *src,
                        size_t len);
size_t scsi_copy_from_iov(const struct iovec *iov, int iovcnt, size_t buf_len, void *dst,
                          size_t len);

#endif
