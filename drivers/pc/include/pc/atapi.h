/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command set of a read-only ATAPI CD/DVD-ROM drive: the SCSI and MMC
 * commands a host sends in a PACKET command's 12-byte CDB, with 2048-byte
 * sectors, a tray, a medium present or absent, and the sense data that
 * explain an error.  Pure logic: no transport and no I/O.  The IDE model
 * (pc/ide.h) carries the CDBs and the data over PIO or bus-master DMA and
 * reads the medium's sectors when atapi_command() asks for them.
 *
 * Commands (the ones Linux's sr and cdrom layers, libata's EH and SeaBIOS
 * send):
 *   00 TEST UNIT READY            1B START STOP UNIT (eject, load)
 *   03 REQUEST SENSE (fixed)      1E PREVENT ALLOW MEDIUM REMOVAL
 *   12 INQUIRY (+ VPD 00h, 80h)   25 READ CAPACITY
 *   28 READ(10), A8 READ(12)      43 READ TOC/PMA/ATIP formats 0 and 1,
 *   46 GET CONFIGURATION             LBA or MSF, and the old SFF-8020
 *   4A GET EVENT STATUS              format field in byte 9
 *      NOTIFICATION (polled,      5A MODE SENSE(10): pages 01h (read error
 *      media class)                  recovery), 2Ah (capabilities), 3Fh
 * Anything else is ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE; a
 * write (2A, AA) is DATA PROTECT, WRITE PROTECTED.
 *
 * Sense: a command that fails sets the sense data REQUEST SENSE returns
 * next; one that succeeds clears it.  After a medium arrives (inserted by
 * the owner, or the tray closed by the guest on a medium) the next command
 * other than INQUIRY, REQUEST SENSE, GET CONFIGURATION and GET EVENT
 * STATUS NOTIFICATION fails with UNIT ATTENTION, NOT READY TO READY
 * CHANGE (once), as a real drive reports a disc change.  There is no
 * UNIT ATTENTION after a reset: Linux and SeaBIOS handle one but need none.
 *
 * GET CONFIGURATION lists the Profile List (DVD-ROM, CD-ROM), Core (ATAPI),
 * Removable Medium and Random Readable features; the current profile is
 * CD-ROM for a medium of at most ATAPI_CD_MAX_SECTORS, else DVD-ROM.
 */
#ifndef PC_ATAPI_H
#define PC_ATAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ATAPI_CDB_SIZE       12
#define ATAPI_SECTOR_SIZE    2048u
#define ATAPI_CD_MAX_SECTORS 360000u /* an 80-minute CD: 80 * 60 * 75 */

/* The smallest buffer atapi_command() accepts: every reply but READ data
 * fits in it (a reply is cut to the CDB's allocation length anyway). */
#define ATAPI_REPLY_MIN 512u

/* SCSI operation codes. */
#define ATAPI_TEST_UNIT_READY   0x00
#define ATAPI_REQUEST_SENSE     0x03
#define ATAPI_INQUIRY           0x12
#define ATAPI_START_STOP_UNIT   0x1B
#define ATAPI_PREVENT_ALLOW     0x1E
#define ATAPI_READ_CAPACITY     0x25
#define ATAPI_READ_10           0x28
#define ATAPI_WRITE_10          0x2A
#define ATAPI_READ_TOC          0x43
#define ATAPI_GET_CONFIGURATION 0x46
#define ATAPI_GET_EVENT_STATUS  0x4A
#define ATAPI_MODE_SENSE_10     0x5A
#define ATAPI_READ_12           0xA8
#define ATAPI_WRITE_12          0xAA

/* Sense keys. */
#define ATAPI_SENSE_NONE            0x0
#define ATAPI_SENSE_NOT_READY       0x2
#define ATAPI_SENSE_MEDIUM_ERROR    0x3
#define ATAPI_SENSE_ILLEGAL_REQUEST 0x5
#define ATAPI_SENSE_UNIT_ATTENTION  0x6
#define ATAPI_SENSE_DATA_PROTECT    0x7
#define ATAPI_SENSE_ABORTED_COMMAND 0xB

/* Additional sense codes. */
#define ATAPI_ASC_READ_ERROR         0x11
#define ATAPI_ASC_INVALID_OPCODE     0x20
#define ATAPI_ASC_LBA_OUT_OF_RANGE   0x21
#define ATAPI_ASC_INVALID_FIELD      0x24
#define ATAPI_ASC_WRITE_PROTECTED    0x27
#define ATAPI_ASC_MEDIUM_CHANGED     0x28 /* not ready to ready change */
#define ATAPI_ASC_SAVING_UNSUPPORTED 0x39
#define ATAPI_ASC_MEDIUM_NOT_PRESENT 0x3A /* ASCQ 1: tray closed, 2: tray open */
#define ATAPI_ASC_REMOVAL_PREVENTED  0x53 /* ASCQ 2 */

/* GET EVENT STATUS NOTIFICATION media event codes. */
#define ATAPI_EVENT_NONE      0
#define ATAPI_EVENT_NEW_MEDIA 2
#define ATAPI_EVENT_REMOVAL   3

/* MMC profiles. */
#define ATAPI_PROFILE_NONE   0x0000
#define ATAPI_PROFILE_CDROM  0x0008
#define ATAPI_PROFILE_DVDROM 0x0010

struct atapi_sense {
    uint8_t key, asc, ascq;
};

struct atapi {
    /* The medium. */
    bool medium;      /* a disc is in the drive (on the tray if it is open) */
    bool tray_open;   /* the guest ejected it (START STOP UNIT) */
    bool locked;      /* PREVENT ALLOW MEDIUM REMOVAL */
    uint64_t sectors; /* 2048-byte sectors on the disc */
    /* What the host has not been told yet. */
    bool unit_attention; /* a new medium: the next command fails once */
    uint8_t media_event; /* ATAPI_EVENT_*: GET EVENT STATUS's next report */
    struct atapi_sense sense;
    /* INQUIRY strings, space padded, NUL terminated. */
    char vendor[9], product[17], revision[5], serial[21];
};

enum atapi_status {
    ATAPI_GOOD,
    ATAPI_CHECK_CONDITION, /* see cd->sense */
};

/* What a command wants moved to the host. */
struct atapi_result {
    enum atapi_status status;
    uint32_t len;   /* GOOD: bytes of reply data in the buffer */
    uint64_t lba;   /* GOOD: read @count sectors from @lba ... */
    uint32_t count; /* ... (never with len; both 0: no data) */
};

/* An empty drive with the tray closed.  @vendor, @product, @revision and
 * @serial (NULL for defaults) are cut to their INQUIRY fields. */
void atapi_init(struct atapi *cd, const char *vendor, const char *product, const char *revision,
                const char *serial);

/* The owner loads a disc of @sectors 2048-byte sectors (the tray closes),
 * or takes it away. */
void atapi_insert(struct atapi *cd, uint64_t sectors);
void atapi_remove(struct atapi *cd);

/* The disc can be read: present and the tray closed. */
bool atapi_ready(const struct atapi *cd);

/* Carry out @cdb.  Reply data goes to @buf (@size >= ATAPI_REPLY_MIN bytes),
 * cut to the CDB's allocation length.  A READ that passes its checks
 * returns the sectors to read; the transport reads them, and if that fails
 * reports it with atapi_set_sense(). */
void atapi_command(struct atapi *cd, const uint8_t cdb[ATAPI_CDB_SIZE], uint8_t *buf, size_t size,
                   struct atapi_result *res);

/* A failure the transport found (a read error, a DMA fault). */
void atapi_set_sense(struct atapi *cd, uint8_t key, uint8_t asc, uint8_t ascq);

#endif
