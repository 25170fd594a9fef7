/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's firmware configuration interface (fw_cfg), as the QEMU build of
 * SeaBIOS (Debian's seabios package, bios.bin) reads it: the worker puts
 * the machine's description there (memory map, CPU count, ACPI tables,
 * boot order, option ROMs) and the firmware fetches it item by item.  Pure
 * logic: the owner adds the items before the guest runs, passes the
 * guest's port accesses, and reaches guest memory for DMA through map().
 *
 * Ports (x86; the model takes an offset from FW_CFG_PORT_BASE):
 *   0x510  selector: a 16-bit write selects an item, data offset 0.
 *          Bit 15 picks the architecture-specific key space; bit 14 (the
 *          old "write" channel) is ignored, as QEMU does since 2.4.
 *   0x511  data: each 1-byte read returns the selected item's next byte
 *          and advances the offset; past the end (or for an absent item)
 *          it reads 0.  A 1-byte read of 0x510 is a data read too (the
 *          two ports are one register pair in QEMU).  Data writes are
 *          ignored (QEMU 2.4+); writing is only done by DMA.
 *   0x514  DMA address, big-endian, 64 bits: a 32-bit write at 0x514 sets
 *          its high half, one at 0x518 its low half and starts the
 *          operation, as does a 64-bit write at 0x514 (the whole address).
 *          The address is 0 again after every operation, so that a 32-bit
 *          firmware writes 0x518 only.  "Big-endian" means the bytes of
 *          the OUT, in address order, are the address's most significant
 *          first: SeaBIOS does outl(cpu_to_be32(addr), 0x518).  Reads
 *          return "QEMU CFG" (bytes in address order), the DMA signature.
 * Anything else reads all ones and writes nothing (0x512-0x513, wider
 * reads of 0x510-0x511, other sizes).
 *
 * DMA.  The address is that of a 16-byte FWCfgDmaAccess in guest RAM:
 * be32 control, be32 length, be64 address.  Control bits: 0 error (the
 * device's answer), 1 read, 2 skip, 3 select (key in bits 31-16), 4 write.
 * Select happens first; then read (item to [address, +length), zeros past
 * the item's end, as QEMU does), else write (guest RAM to the item: only
 * for writable files and wholly inside the item), else skip (the offset
 * advances, at most to the item's end); none of the three: select alone.
 * The device writes control back as 0 (done) or FW_CFG_DMA_CTL_ERROR; a
 * guest polling for "control & ~ERROR == 0" (SeaBIOS, Linux) sees it done
 * when the port write returns: operations are synchronous.
 *
 * Errors: the descriptor not in RAM; control bits 5-15 set; an address
 * range that wraps the 64-bit space or is not wholly RAM (map() says);
 * a write to an absent or read-only item or past its end.  An operation
 * that fails has no effect but the error bit in control, written only if
 * the control word itself is in RAM: no guest memory touched, neither
 * selection nor offset changed (QEMU may have done part of it).  Each
 * operation costs O(its length) and maps its range once: lengths are 32
 * bits, so a read zero-fills at most 4 GiB - 1 of guest RAM that map()
 * accepted; there is no chaining, one port write is one descriptor.
 *
 * Items.  Legacy keys 0x0000-0x001F and 0x8000-0x801F hold fixed-format
 * values (SeaBIOS reads the FW_CFG_* keys below); the model owns
 * FW_CFG_SIGNATURE ("QEMU"), FW_CFG_ID (LE32: bit 0 traditional
 * interface, bit 1 DMA) and FW_CFG_FILE_DIR.  Files are named items at
 * keys FW_CFG_FILE_FIRST upwards, listed in the directory: be32 count,
 * then per file be32 size, be16 select (its key), be16 reserved (0),
 * name[56] NUL-padded.  As QEMU does for its current machine types, files
 * are kept sorted by name (strcmp order) and the key of a file is
 * FW_CFG_FILE_FIRST + its rank: adding a file can move the keys of the
 * files after it, so the keys are final once the owner has added every
 * file, before the guest runs.  SeaBIOS does not depend on the order
 * (it finds files by name; only the order in which it runs genroms/ and
 * vgaroms/ option ROMs follows the directory, reversed).
 *
 * Ownership: the model keeps pointers to the data passed to
 * fw_cfg_add_bytes() and fw_cfg_add_file*(), not copies (option ROMs
 * and ACPI tables need no second copy).  They must stay valid, and
 * unchanged by anyone but the guest, as long as the struct fw_cfg is in
 * use.  fw_cfg_add_u16/u32/u64() store the value inside the struct.
 * Writable files are what SeaBIOS's table loader WRITE_POINTER commands
 * (etc/table-loader) need, e.g. QEMU's etc/vmgenid_addr: the guest's DMA
 * writes land in the owner's buffer, which the owner reads when it
 * needs the value (no callback).  Nothing else is writable.
 *
 * Not modelled: QEMU's MMIO variant (other architectures), select
 * callbacks (items are fixed before the guest runs), the legacy
 * insertion order of old machine types.  The owner serialises all calls
 * for one struct fw_cfg.
 */
#ifndef PC_FW_CFG_H
#define PC_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_CFG_PORT_BASE     0x510
#define FW_CFG_PORTS         12 /* 0x510-0x51B: selector/data, gap, DMA address */
#define FW_CFG_PORT_SELECTOR 0  /* offsets from FW_CFG_PORT_BASE */
#define FW_CFG_PORT_DATA     1
#define FW_CFG_PORT_DMA_HIGH 4 /* 0x514 */
#define FW_CFG_PORT_DMA_LOW  8 /* 0x518: writing it starts the operation */

/* Key spaces. */
#define FW_CFG_ARCH_LOCAL     0x8000u
#define FW_CFG_WRITE_CHANNEL  0x4000u /* ignored in a selector value */
#define FW_CFG_ENTRY_MASK     0x3FFFu
#define FW_CFG_LEGACY_KEYS    0x20u /* per space: 0x0000-0x001F, 0x8000-0x801F */
#define FW_CFG_FILE_FIRST     0x20u
#define FW_CFG_MAX_FILES      64u
#define FW_CFG_MAX_FILE_PATH  56u /* name bytes in a directory entry, NUL included */
#define FW_CFG_DIR_ENTRY_SIZE 64u

/* Well-known keys.  The model owns SIGNATURE, ID and FILE_DIR; SeaBIOS
 * reads those given a format below (absent, they read 0: its defaults). */
#define FW_CFG_SIGNATURE      0x0000u
#define FW_CFG_ID             0x0001u
#define FW_CFG_UUID           0x0002u /* QEMU's; not read by SeaBIOS */
#define FW_CFG_RAM_SIZE       0x0003u /* QEMU's; not read by SeaBIOS */
#define FW_CFG_NOGRAPHIC      0x0004u /* le16: nonzero and no etc/sercon-port: serial console */
#define FW_CFG_NB_CPUS        0x0005u /* le16: CPUs present (SMP bring-up waits for them) */
#define FW_CFG_NUMA           0x000Du /* le64 node count, le64 per CPU, le64 per node */
#define FW_CFG_BOOT_MENU      0x000Eu /* le16: "etc/show-boot-menu" */
#define FW_CFG_MAX_CPUS       0x000Fu /* le16: "etc/max-cpus" */
#define FW_CFG_FILE_DIR       0x0019u
#define FW_CFG_ACPI_TABLES    0x8000u /* legacy ACPI tables: le16 count, ... */
#define FW_CFG_SMBIOS_ENTRIES 0x8001u /* legacy SMBIOS fields: le16 count, ... */
#define FW_CFG_IRQ0_OVERRIDE  0x8002u /* u8: "etc/irq0-override" (MP table) */
#define FW_CFG_E820_TABLE     0x8003u /* legacy reservations, read without etc/e820 */

#define FW_CFG_ID_TRADITIONAL 0x01u
#define FW_CFG_ID_DMA         0x02u

/* FWCfgDmaAccess and its control bits. */
#define FW_CFG_DMA_ACCESS_SIZE 16u
#define FW_CFG_DMA_CTL_ERROR   0x01u
#define FW_CFG_DMA_CTL_READ    0x02u
#define FW_CFG_DMA_CTL_SKIP    0x04u
#define FW_CFG_DMA_CTL_SELECT  0x08u
#define FW_CFG_DMA_CTL_WRITE   0x10u
#define FW_CFG_DMA_CTL_KNOWN   0x1Fu /* bits 16-31 are the select key */
#define FW_CFG_DMA_SIGNATURE   "QEMU CFG"

/* etc/e820: QEMU's struct e820_entry, packed, little-endian. */
#define FW_CFG_E820_ENTRY_SIZE 20u /* le64 address, le64 length, le32 type */
#define FW_CFG_E820_RAM        1u
#define FW_CFG_E820_RESERVED   2u
#define FW_CFG_E820_ACPI       3u
#define FW_CFG_E820_NVS        4u
#define FW_CFG_E820_UNUSABLE   5u

/* A host pointer to guest physical [@gpa, @gpa + @len), all of it RAM the
 * device may read (@to_memory false) or write (true: it may also read
 * it), or NULL.  Used only until the port write that asked returns. */
typedef void *(*fw_cfg_map_fn)(void *opaque, uint64_t gpa, size_t len, bool to_memory);

enum fw_cfg_item_kind {
    FW_CFG_ITEM_ABSENT,
    FW_CFG_ITEM_EXTERNAL, /* data: the owner's */
    FW_CFG_ITEM_INLINE,   /* value[]: fw_cfg_add_u16/u32/u64, signature, ID */
    FW_CFG_ITEM_DIR,      /* the struct's dir[] */
};

struct fw_cfg_item {
    enum fw_cfg_item_kind kind;
    uint32_t len;
    const uint8_t *data;
    uint8_t *wdata; /* writable files: the same buffer as data; else NULL */
    uint8_t value[8];
};

struct fw_cfg_file {
    char name[FW_CFG_MAX_FILE_PATH];
    struct fw_cfg_item item;
};

struct fw_cfg {
    struct fw_cfg_item legacy[2][FW_CFG_LEGACY_KEYS]; /* [0] generic, [1] arch */
    struct fw_cfg_file files[FW_CFG_MAX_FILES];       /* sorted by name */
    unsigned nfiles;
    uint8_t dir[4 + FW_CFG_MAX_FILES * FW_CFG_DIR_ENTRY_SIZE];
    /* Guest-visible state. */
    uint16_t selector; /* as written (bit 14 included) */
    uint32_t offset;   /* in the selected item: at most its length, unless the
                        * owner replaced it with a shorter one meanwhile */
    uint32_t dma_high; /* high half of the DMA address, until the next operation */
    fw_cfg_map_fn map;
    void *opaque;
};

/* Signature, ID and an empty directory; key 0 selected.  @map NULL: no
 * DMA interface (ID bit 1 clear, 0x514-0x51B read all ones and ignore
 * writes), as on a QEMU without it; SeaBIOS then reads through the data
 * port and cannot write files. */
void fw_cfg_init(struct fw_cfg *fw, fw_cfg_map_fn map, void *opaque);

/* The platform's reset: key 0 selected, offset 0, DMA address 0.  Items,
 * and what the guest wrote into writable files, stay. */
void fw_cfg_reset(struct fw_cfg *fw);

/* A legacy item at @key (0x0002-0x001F but 0x0019, or 0x8000-0x801F),
 * replacing what was there.  @data (NULL if @len is 0) is referenced, not
 * copied.  0, or -EINVAL (bad key, @len above UINT32_MAX, NULL data). */
int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data, size_t len);
/* The same with a little-endian integer kept inside @fw. */
int fw_cfg_add_u16(struct fw_cfg *fw, uint16_t key, uint16_t value);
int fw_cfg_add_u32(struct fw_cfg *fw, uint16_t key, uint32_t value);
int fw_cfg_add_u64(struct fw_cfg *fw, uint16_t key, uint64_t value);

/* A file @name (1 to FW_CFG_MAX_FILE_PATH - 1 bytes), read-only to the
 * guest; @data is referenced.  0, -EINVAL (bad name, @len above
 * UINT32_MAX, NULL data), -EEXIST (the name is taken) or -ENOSPC
 * (FW_CFG_MAX_FILES already). */
int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data, size_t len);
/* A file the guest may also write by DMA, in place, within its @len. */
int fw_cfg_add_file_writable(struct fw_cfg *fw, const char *name, void *data, size_t len);

/* The key of file @name (final once all files are added), or -ENOENT. */
int fw_cfg_file_key(const struct fw_cfg *fw, const char *name);

/* A guest access at @offset (0 .. FW_CFG_PORTS - 1) of @size bytes, the
 * value little-endian as the IN/OUT instruction carries it.  A write that
 * starts a DMA operation runs it before returning. */
uint64_t fw_cfg_io_read(struct fw_cfg *fw, uint64_t offset, unsigned size);
void fw_cfg_io_write(struct fw_cfg *fw, uint64_t offset, unsigned size, uint64_t value);

/* etc/e820's contents from @count (base, length, type) entries, in the
 * given order: FW_CFG_E820_ENTRY_SIZE bytes each into @out.  0, -EINVAL
 * (an empty or wrapping range, a type of 0) or -ENOSPC (@out_size too
 * small).  SeaBIOS takes only RAM and RESERVED entries from it. */
struct fw_cfg_e820_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
};
int fw_cfg_e820_build(const struct fw_cfg_e820_entry *entries, size_t count, void *out,
                      size_t out_size);

#endif
