/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PIIX4's IDE controller (PCI function 1 of the 82371AB): two ATA
 * channels of two devices each, and the SFF-8038i bus master behind BAR4.
 * Pure logic: the owner passes the guest's port accesses, reads and writes
 * the drives' data through a backend (struct ide_backend_ops), reaches
 * guest memory for DMA through map(), and is told of INTRQ through irq().
 *
 * Ports, per channel (the platform maps them; the model takes a channel,
 * a range and an offset):
 *   command block  0x1F0-0x1F7 (primary), 0x170-0x177 (secondary)
 *     0 data (16-bit PIO; a 32-bit access is two words, low word first)
 *     1 R: error                 W: features
 *     2 sector count (ATAPI: interrupt reason, CoD bit 0 / IO bit 1)
 *     3-5 LBA low, mid, high (ATAPI: mid/high are the byte count)
 *     6 device: bit 4 selects device 1, bit 6 LBA addressing (else CHS)
 *     7 R: status (reading it clears INTRQ)     W: command
 *   control block  0x3F6 (primary), 0x376 (secondary): R: alternate status
 *     (no side effect), W: device control (nIEN bit 1, SRST bit 2, HOB
 *     bit 7)
 *   bus master (BAR4, 16 bytes: primary at 0, secondary at 8): command
 *     (start bit 0, bit 3 = write to memory), status (active bit 0, error
 *     bit 1 and interrupt bit 2 write-1-to-clear, drive 0/1 DMA capable
 *     bits 5/6), PRD table address (offsets 4-7)
 * IRQ 14 is the primary channel's INTRQ, IRQ 15 the secondary's (legacy
 * mode; the platform routes them).
 *
 * Registers.  Writes to features, sector count and LBA go to both devices,
 * each keeping the previous value for LBA48 (read back with HOB set; any
 * command block write clears HOB).  Reads come from the selected device.
 * A selected device that is absent reads 0 in every register (status
 * included), and commands written to it are ignored: libata and SeaBIOS
 * find the devices of a channel that way.  Software reset (SRST) resets
 * both devices: ATA signature sector count 1, LBA 0x01/0x00/0x00, status
 * DRDY|DSC; ATAPI LBA 0x01/0x14/0xEB, status 0; device 0 selected; error 1
 * (diagnostics passed).  Settings (multiple mode, transfer mode, write
 * cache) survive it, as with SET FEATURES 66h, the default.
 *
 * ATA disk (512-byte sectors, LBA28, LBA48 and CHS addressing): IDENTIFY
 * DEVICE, READ/WRITE SECTORS (+EXT), READ/WRITE MULTIPLE (+EXT) after SET
 * MULTIPLE MODE (1 to IDE_MAX_MULTIPLE, powers of two, 0 disables), READ/
 * WRITE DMA (+EXT), READ VERIFY SECTORS (+EXT), FLUSH CACHE (+EXT),
 * SET FEATURES (transfer mode, write cache, read look-ahead, revert to
 * defaults), INITIALIZE DEVICE PARAMETERS, IDLE/STANDBY (IMMEDIATE) and
 * SLEEP (no-ops), CHECK POWER MODE (active), EXECUTE DEVICE DIAGNOSTIC.
 * Anything else ends with ERR and ABRT.  A sector count of 0 is 256
 * sectors (LBA48: 65536).  A range past the end of the disk, or a CHS
 * address outside the geometry, ends with IDNF before any access; a
 * backend error with UNC (read) or ABRT (write) and the LBA registers at
 * the first sector not transferred.  With the write cache disabled (SET
 * FEATURES 82h) every write command flushes the backend before it
 * completes.
 *
 * ATAPI CD-ROM: IDENTIFY PACKET DEVICE, PACKET (12-byte CDBs, taken by PIO
 * without an interrupt: DRQ comes at once; data by PIO in blocks of at most
 * the byte count limit, or by DMA when features bit 0 is set), DEVICE
 * RESET, SET FEATURES, CHECK POWER MODE, the power no-ops, EXECUTE DEVICE
 * DIAGNOSTIC.  IDENTIFY DEVICE and READ SECTORS abort with the ATAPI
 * signature in the registers, which is how a host tells it is ATAPI.  The
 * commands inside the packets are pc/atapi.h's.  A CHECK CONDITION ends
 * with ERR and the sense key in the error register's high nibble.
 *
 * Bus-master DMA.  A DMA command (or a PACKET with the DMA bit) and the
 * start bit may come in either order: the transfer runs when both are
 * there, at once and whole, following the PRD table (entries of an even
 * address and an even byte count, 0 meaning 64 KiB, bit 31 of the count
 * word ending the table).  Every piece of guest memory, the table's
 * entries included, is reached through map(), which returns a host pointer
 * for the whole piece or NULL.  A piece that is not guest RAM, a table
 * shorter than the transfer, a table longer than IDE_PRD_MAX_ENTRIES
 * entries, or a direction bit that contradicts the command: the transfer
 * stops there (memory outside RAM is never touched), the bus master
 * reports error and interrupt with active clear, and the device ends the
 * command with ERR and ABRT (ATAPI: ABORTED COMMAND).  A table longer than
 * the transfer leaves active set, as SFF-8038i says.  A write command's
 * data reach the backend in pieces of up to IDE_BUF_SIZE bytes, so one
 * that fails after its first 64 KiB has written those.
 *
 * Interrupts: a device asserts INTRQ when a command completes and for each
 * DRQ data block (PIO in, and PIO out after the first); the channel's line
 * is the selected device's INTRQ unless nIEN is set; reading the status
 * register clears it.  A rising edge of the line also sets the bus
 * master's interrupt bit.  irq() is called only when the line changes.
 *
 * I/O is synchronous: a command's backend calls run inside the port
 * access that starts it (a DMA command's, inside the access that completes
 * the command/start pair), BSY is never seen, and a command written while
 * another is in its data phase abandons the old one.  The owner
 * serialises all calls for one struct ide.
 */
#ifndef PC_IDE_H
#define PC_IDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pc/atapi.h>

#define IDE_CHANNELS 2
#define IDE_UNITS    2 /* devices per channel: 0 (master) and 1 (slave) */

#define IDE_PRIMARY_CMD_PORT   0x1F0
#define IDE_PRIMARY_CTL_PORT   0x3F6
#define IDE_PRIMARY_IRQ        14
#define IDE_SECONDARY_CMD_PORT 0x170
#define IDE_SECONDARY_CTL_PORT 0x376
#define IDE_SECONDARY_IRQ      15
#define IDE_CMD_PORTS          8
#define IDE_CTL_PORTS          1
#define IDE_BM_PORTS           16 /* BAR4: 8 per channel */
#define IDE_BM_CHANNEL_PORTS   8

#define IDE_SECTOR_SIZE     512u
#define IDE_BUF_SIZE        65536u /* a device's staging buffer: 128 ATA or 32 ATAPI sectors */
#define IDE_MAX_MULTIPLE    16u    /* sectors per DRQ block in READ/WRITE MULTIPLE */
#define IDE_PRD_MAX_ENTRIES 8192u  /* a table may not cross 64 KiB: 8192 entries at most */
#define IDE_MAX_SECTORS     ((1ull << 48) - 1) /* LBA48's reach */

/* Command block register offsets. */
#define IDE_REG_DATA    0
#define IDE_REG_ERROR   1 /* read */
#define IDE_REG_FEATURE 1 /* write */
#define IDE_REG_NSECT   2
#define IDE_REG_LBAL    3
#define IDE_REG_LBAM    4
#define IDE_REG_LBAH    5
#define IDE_REG_DEVICE  6
#define IDE_REG_STATUS  7 /* read */
#define IDE_REG_COMMAND 7 /* write */

/* Status bits. */
#define IDE_STATUS_BSY  0x80
#define IDE_STATUS_DRDY 0x40
#define IDE_STATUS_DF   0x20
#define IDE_STATUS_DSC  0x10
#define IDE_STATUS_DRQ  0x08
#define IDE_STATUS_ERR  0x01

/* Error bits. */
#define IDE_ERROR_ICRC 0x80
#define IDE_ERROR_UNC  0x40
#define IDE_ERROR_IDNF 0x10
#define IDE_ERROR_ABRT 0x04

/* Device register bits. */
#define IDE_DEVICE_LBA 0x40
#define IDE_DEVICE_DEV 0x10

/* Device control bits. */
#define IDE_CTL_HOB  0x80
#define IDE_CTL_SRST 0x04
#define IDE_CTL_NIEN 0x02

/* ATAPI interrupt reason (sector count register). */
#define IDE_IREASON_COD 0x01
#define IDE_IREASON_IO  0x02

/* ATAPI signature (LBA mid, high) and the PACKET command's features bit. */
#define IDE_ATAPI_SIG_MID  0x14
#define IDE_ATAPI_SIG_HIGH 0xEB
#define IDE_PACKET_DMA     0x01

/* Commands. */
#define IDE_CMD_NOP                0x00
#define IDE_CMD_DEVICE_RESET       0x08
#define IDE_CMD_READ_SECTORS       0x20
#define IDE_CMD_READ_SECTORS_NR    0x21
#define IDE_CMD_READ_SECTORS_EXT   0x24
#define IDE_CMD_READ_DMA_EXT       0x25
#define IDE_CMD_READ_MULTIPLE_EXT  0x29
#define IDE_CMD_WRITE_SECTORS      0x30
#define IDE_CMD_WRITE_SECTORS_NR   0x31
#define IDE_CMD_WRITE_SECTORS_EXT  0x34
#define IDE_CMD_WRITE_DMA_EXT      0x35
#define IDE_CMD_WRITE_MULTIPLE_EXT 0x39
#define IDE_CMD_READ_VERIFY        0x40
#define IDE_CMD_READ_VERIFY_NR     0x41
#define IDE_CMD_READ_VERIFY_EXT    0x42
#define IDE_CMD_DIAGNOSTIC         0x90
#define IDE_CMD_INIT_PARAMS        0x91
#define IDE_CMD_PACKET             0xA0
#define IDE_CMD_IDENTIFY_PACKET    0xA1
#define IDE_CMD_READ_MULTIPLE      0xC4
#define IDE_CMD_WRITE_MULTIPLE     0xC5
#define IDE_CMD_SET_MULTIPLE       0xC6
#define IDE_CMD_READ_DMA           0xC8
#define IDE_CMD_READ_DMA_NR        0xC9
#define IDE_CMD_WRITE_DMA          0xCA
#define IDE_CMD_WRITE_DMA_NR       0xCB
#define IDE_CMD_STANDBY_IMMEDIATE  0xE0
#define IDE_CMD_IDLE_IMMEDIATE     0xE1
#define IDE_CMD_STANDBY            0xE2
#define IDE_CMD_IDLE               0xE3
#define IDE_CMD_CHECK_POWER_MODE   0xE5
#define IDE_CMD_SLEEP              0xE6
#define IDE_CMD_FLUSH_CACHE        0xE7
#define IDE_CMD_FLUSH_CACHE_EXT    0xEA
#define IDE_CMD_IDENTIFY           0xEC
#define IDE_CMD_SET_FEATURES       0xEF

/* SET FEATURES subcommands (features register). */
#define IDE_FEATURE_WCACHE_ON     0x02
#define IDE_FEATURE_XFER_MODE     0x03
#define IDE_FEATURE_LOOKAHEAD_OFF 0x55
#define IDE_FEATURE_REVERT_OFF    0x66
#define IDE_FEATURE_WCACHE_OFF    0x82
#define IDE_FEATURE_LOOKAHEAD_ON  0xAA
#define IDE_FEATURE_REVERT_ON     0xCC
/* Transfer modes (sector count of IDE_FEATURE_XFER_MODE): class | mode. */
#define IDE_XFER_PIO_DEFAULT 0x00
#define IDE_XFER_PIO         0x08 /* modes 0-4 */
#define IDE_XFER_MWDMA       0x20 /* modes 0-2 */
#define IDE_XFER_UDMA        0x40 /* modes 0-5 */

/* Bus master registers (offsets in a channel's 8 bytes) and bits. */
#define IDE_BM_CMD         0
#define IDE_BM_STATUS      2
#define IDE_BM_PRD         4
#define IDE_BM_CMD_START   0x01
#define IDE_BM_CMD_TO_MEM  0x08 /* the bus master writes memory: a device-to-host transfer */
#define IDE_BM_ST_ACTIVE   0x01
#define IDE_BM_ST_ERROR    0x02
#define IDE_BM_ST_INTR     0x04
#define IDE_BM_ST_DMA_CAP0 0x20
#define IDE_BM_ST_DMA_CAP1 0x40
#define IDE_PRD_EOT        0x80000000u

/* The two port ranges of a channel. */
enum ide_io_range {
    IDE_IO_COMMAND, /* 8 ports: 0x1F0-0x1F7 / 0x170-0x177 */
    IDE_IO_CONTROL, /* 1 port: 0x3F6 / 0x376 */
};

/*
 * A drive's storage.  Offsets and lengths are bytes, multiples of
 * IDE_SECTOR_SIZE, inside the size given at attach (the model checks the
 * guest's request first).  0 or a negative errno.  Synchronous: the call
 * returns when the data are in @buf (read), taken from it (write) or on
 * stable storage (flush).  The disk library (disk/) fits behind it with
 * one-iovec disk_readv()/disk_writev() and disk_flush().
 */
struct ide_backend_ops {
    int (*read)(void *opaque, uint64_t offset, void *buf, size_t len);
    int (*write)(void *opaque, uint64_t offset, const void *buf, size_t len);
    int (*flush)(void *opaque);
};

struct ide_backend {
    const struct ide_backend_ops *ops;
    void *opaque;
    uint64_t size; /* bytes; a partial last sector is not seen */
};

/* INTRQ of @channel changed (IRQ 14 + @channel in legacy mode). */
typedef void (*ide_irq_fn)(void *opaque, unsigned channel, bool level);
/* A host pointer to guest physical [@gpa, @gpa + @len), all of it RAM the
 * device may read (@to_memory false) or write (true), or NULL.  The
 * pointer is used only until the call that asked returns. */
typedef void *(*ide_map_fn)(void *opaque, uint64_t gpa, size_t len, bool to_memory);

enum ide_kind {
    IDE_NONE,
    IDE_DISK,
    IDE_CDROM,
};

struct ide_drive_config {
    enum ide_kind kind;
    struct ide_backend backend; /* a disk's storage; a CD's disc (ops NULL: empty) */
    /* IDENTIFY strings; NULL for defaults.  Cut to 40, 20 and 8 chars. */
    const char *model, *serial, *firmware;
};

/* What a device's data phase is, and where its data come from or go. */
enum ide_phase {
    IDE_PHASE_IDLE,
    IDE_PHASE_PIO_IN,  /* DRQ: the host reads the data register */
    IDE_PHASE_PIO_OUT, /* DRQ: the host writes it (data, or an ATAPI CDB) */
    IDE_PHASE_DMA_IN,  /* waiting for the bus master: device to memory */
    IDE_PHASE_DMA_OUT, /* memory to device */
};

enum ide_source {
    IDE_SRC_BUFFER, /* a reply already whole in buf */
    IDE_SRC_DISK,   /* ATA sectors of the backend */
    IDE_SRC_CD,     /* ATAPI sectors of the disc */
    IDE_SRC_CDB,    /* a PACKET command's CDB */
};

struct ide_device {
    enum ide_kind kind;
    struct ide_backend be;
    uint64_t sectors; /* 512-byte (disk) sectors */
    char model[41], serial[21], firmware[9];
    /* Taskfile: this device's copy; "hob_" are the previous writes. */
    uint8_t feature, hob_feature;
    uint8_t nsect, hob_nsect;
    uint8_t lbal, hob_lbal;
    uint8_t lbam, hob_lbam;
    uint8_t lbah, hob_lbah;
    uint8_t device;
    uint8_t status, error;
    bool intrq;
    /* Settings. */
    uint8_t multiple;  /* sectors per READ/WRITE MULTIPLE block; 0: off */
    uint8_t xfer_mode; /* last SET FEATURES transfer mode (IDE_XFER_*) */
    bool write_cache;
    bool lookahead;
    uint8_t heads, spt; /* current CHS translation */
    uint16_t cylinders;
    /* The data phase. */
    enum ide_phase phase;
    enum ide_source src;
    uint8_t cmd;        /* the command being carried out */
    uint32_t pos;       /* next byte of buf the host moves */
    uint32_t block_end; /* end of the current DRQ block in buf */
    uint32_t len;       /* bytes of buf in play */
    uint32_t block;     /* bytes per DRQ block */
    uint32_t ssize;     /* sector size of src */
    uint32_t refill;    /* sectors per buffer load */
    uint64_t lba;       /* next sector to load or store */
    uint64_t left;      /* sectors not yet loaded or stored */
    bool lba48;
    /* ATAPI. */
    uint16_t limit; /* byte count limit of the PACKET command */
    bool packet_dma;
    struct atapi cd;
    uint8_t buf[IDE_BUF_SIZE + 4]; /* + slack for a word past an odd ATAPI block */
};

struct ide_channel {
    struct ide_device dev[IDE_UNITS];
    unsigned selected; /* DEV bit of the last device register write */
    uint8_t devctl;
    bool irq_level; /* INTRQ as last told to irq() */
    /* Bus master. */
    uint8_t bm_cmd;
    uint8_t bm_status;
    uint32_t bm_prd;
};

struct ide {
    struct ide_channel ch[IDE_CHANNELS];
    ide_irq_fn irq;
    ide_map_fn map;
    void *opaque;
};

/* No devices, everything at its power-on state.  irq() may be NULL; so may
 * map(), and then every DMA transfer fails as one outside RAM would. */
void ide_init(struct ide *ide, ide_irq_fn irq, ide_map_fn map, void *opaque);

/* Put a device at @channel/@unit before the guest runs (or IDE_NONE to
 * take it away).  -EINVAL for a bad place or config (a disk without
 * backend, or larger than LBA48 reaches). */
int ide_attach(struct ide *ide, unsigned channel, unsigned unit,
               const struct ide_drive_config *cfg);

/* The owner changes a CD-ROM's disc, while the guest runs: @be NULL (or
 * its ops NULL) empties the drive.  The guest's PREVENT ALLOW MEDIUM
 * REMOVAL does not bind the owner; a command reading the old disc ends with
 * UNIT ATTENTION.  -EINVAL if there is no CD-ROM there. */
int ide_cdrom_change(struct ide *ide, unsigned channel, unsigned unit,
                     const struct ide_backend *be);
/* Whether the guest opened the tray (START STOP UNIT eject). */
bool ide_cdrom_tray_open(const struct ide *ide, unsigned channel, unsigned unit);

/* Hardware reset (the platform's reset line): settings to their defaults,
 * signatures, bus master registers cleared, INTRQ low. */
void ide_reset(struct ide *ide);

/* A guest access to @range of @channel at @offset, @size bytes.  The data
 * register takes 2- and 4-byte accesses (one or two words); the other
 * registers are 8 bits wide, a wider access being that many byte accesses
 * at consecutive offsets (bytes past the range read 0xFF, are not
 * written).  A 1-byte data access, other sizes, a bad channel or range:
 * all ones read, nothing written. */
uint64_t ide_io_read(struct ide *ide, unsigned channel, enum ide_io_range range, uint64_t offset,
                     unsigned size);
void ide_io_write(struct ide *ide, unsigned channel, enum ide_io_range range, uint64_t offset,
                  unsigned size, uint64_t value);

/* A guest access to the bus master registers (BAR4) at @offset (0-15),
 * @size 1, 2 or 4 bytes, as consecutive byte registers (the PRD address
 * takes any of them).  In an access that covers a channel's command
 * register and others, the command byte is written last. */
uint64_t ide_bm_read(struct ide *ide, uint64_t offset, unsigned size);
void ide_bm_write(struct ide *ide, uint64_t offset, unsigned size, uint64_t value);

#endif
