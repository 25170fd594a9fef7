/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting the Linux parent partition through the x86 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst in the kernel tree).  Pure logic, compiled
 * for the host in the unit tests; the hypervisor supplies the memory.
 *
 * The intended sequence:
 *   1. bzimage_parse() the kernel file the loader left in memory;
 *   2. place the boot pages (GDT + page tables), the zero page and the
 *      command line in parent RAM, mark them MEM_RESERVED in a copy of the
 *      memory map, and parent_e820_from_memmap() that copy;
 *   3. linux_choose_load_addr(), avoiding the initrd, the kernel file itself
 *      and everything placed in step 2, and copy kernel_size bytes from
 *      kernel_offset in the file to the chosen address;
 *   4. linux_build_zero_page(), linux_build_boot_gdt(),
 *      linux_build_boot_page_tables() covering everything above;
 *   5. linux_entry_state(), and start the parent's VP0 with it.
 */
#ifndef HV_LINUX_BOOT_H
#define HV_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/memmap.h>

/* Oldest boot protocol accepted: 2.12 brought xloadflags, which is how a
 * kernel says it has a 64-bit entry point. */
#define LINUX_MIN_PROTOCOL 0x020c

/* xloadflags bits (setup header offset 0x236). */
#define XLF_KERNEL_64              (1u << 0) /* 64-bit entry at load address + 0x200 */
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1) /* kernel, zero page, cmdline, initrd */

/* loadflags bits (setup header offset 0x211). */
#define LOADED_HIGH   (1u << 0)
#define KASLR_FLAG    (1u << 1)
#define QUIET_FLAG    (1u << 5)
#define KEEP_SEGMENTS (1u << 6)
#define CAN_USE_HEAP  (1u << 7)

#define LINUX_ZERO_PAGE_SIZE   4096 /* struct boot_params */
#define LINUX_E820_MAX_ENTRIES 128  /* e820_table in the zero page */

/* What bzimage_parse() learnt from a bzImage. */
struct bzimage_info {
    uint16_t protocol;         /* at 0x206: 0x020f for 2.15 */
    uint8_t setup_sects;       /* as in the file (0 means 4) */
    uint64_t kernel_offset;    /* file offset of the protected-mode kernel */
    uint64_t kernel_size;      /* bytes to copy from there: syssize * 16 */
    uint64_t pref_address;     /* preferred load address */
    uint32_t kernel_alignment; /* load address alignment (relocatable kernels) */
    uint32_t init_size;        /* bytes needed from the load address on */
    uint32_t initrd_addr_max;  /* highest address the initrd may occupy */
    uint32_t cmdline_size;     /* longest command line, without its NUL */
    uint16_t xloadflags;       /* XLF_* */
    bool relocatable;          /* may run anywhere suitably aligned */
    size_t setup_header_end;   /* end of the setup header: 0x202 + byte at 0x201 */
};

/*
 * Check the bzImage in @file (@size bytes, possibly corrupt: every offset is
 * checked against @size) and describe it in @out.  Rejected: a file shorter
 * than its setup code or its kernel, no 0xAA55 boot flag or "HdrS" magic,
 * protocol older than 2.12, no XLF_KERNEL_64, a setup header shorter than 2.12
 * defines or longer than the zero page has room for, a kernel alignment that
 * is not a power of two >= 4 KiB, syssize 0, init_size < kernel_size.
 * Non-relocatable kernels are accepted (they can only go at pref_address).
 * Returns 0, or -1 with a message in @err (if errlen > 0).
 */
int bzimage_parse(const void *file, size_t size, struct bzimage_info *out, char *err,
                  size_t errlen);

/* One e820 entry, laid out as in the zero page's e820_table. */
struct e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));

#define E820_RAM      1
#define E820_RESERVED 2

/*
 * The parent partition's view of @m, sorted, in @out (room for @max):
 * usable and module ranges are RAM (Linux reserves its initrd itself; the
 * other modules are spent by the time the parent runs); reserved, acpi, nvs,
 * unusable and pmem keep their e820 type; hypervisor, trampoline and unknown
 * types become reserved (they are holes in the parent's NPT).  Touching
 * entries of the same resulting type are merged.  Returns the number of
 * entries written; *truncated (may be NULL) is set to 1 when some did not
 * fit, else 0.
 */
size_t parent_e820_from_memmap(const struct memmap *m, struct e820_entry *out, size_t max,
                               int *truncated);

/* A range the kernel must not be loaded over. */
struct mem_avoid {
    uint64_t base;
    uint64_t size;
};

/*
 * Choose the kernel's load address: [addr, addr + init_size) inside a single
 * E820_RAM entry of @e820, overlapping none of @avoid, at or above 1 MiB (the
 * first MiB holds firmware and real-mode leftovers), and ending at or below
 * 4 GiB unless the kernel has XLF_CAN_BE_LOADED_ABOVE_4G.  First choice
 * pref_address; then, aligned to kernel_alignment, the lowest fit at or above
 * 16 MiB, then the lowest fit at all.  A non-relocatable kernel only at
 * pref_address.  Returns 0 with *out set, or -1 if nothing fits.
 */
int linux_choose_load_addr(const struct bzimage_info *k, const struct e820_entry *e820, size_t n,
                           const struct mem_avoid *avoid, size_t navoid, uint64_t *out);

/* What the zero page tells the kernel. */
struct linux_boot_params_in {
    const void *kernel_file;         /* the file bzimage_parse() accepted ... */
    const struct bzimage_info *k;    /* ... and what it said about it */
    uint64_t cmdline_pa;             /* NUL-terminated; 0 (with length 0) for none */
    uint32_t cmdline_len;            /* without the NUL */
    uint64_t initrd_pa, initrd_size; /* size 0 for none */
    uint64_t acpi_rsdp;              /* 0 for none; given to protocol >= 2.14 only */
    const struct e820_entry *e820;
    size_t e820_count; /* 1 .. LINUX_E820_MAX_ENTRIES */
};

/*
 * Write the zero page (struct boot_params) into @zp, LINUX_ZERO_PAGE_SIZE
 * bytes, zeroed first.  The setup header is copied from the file, then the
 * loader's fields are set: type_of_loader 0xFF, loadflags (LOADED_HIGH set,
 * QUIET_FLAG kept, the rest cleared: no real-mode setup code runs, so there
 * is no heap), heap_end_ptr, ext_loader_ver/type, setup_data and
 * hardware_subarch(_data) 0, command line and initrd (low halves in the
 * header, high halves in the ext_ fields), acpi_rsdp_addr, the e820 table.
 * Rejected: a command line longer than cmdline_size, an initrd or command
 * line above the kernel's limits, ranges that wrap, no or more than 128 e820
 * entries.  Returns 0, or -1 with a message in @err (if errlen > 0).
 */
int linux_build_zero_page(void *zp, const struct linux_boot_params_in *in, char *err,
                          size_t errlen);

/* The boot GDT: null, unused, __BOOT_CS (0x10) flat 64-bit code, __BOOT_DS
 * (0x18) flat data.  linux_build_boot_gdt() writes its 32 bytes to @buf. */
#define LINUX_BOOT_CS        0x10
#define LINUX_BOOT_DS        0x18
#define LINUX_BOOT_GDT_SIZE  32
#define LINUX_BOOT_GDT_CODE  0x00af9a000000ffffULL
#define LINUX_BOOT_GDT_DATA  0x00cf92000000ffffULL
#define LINUX_PAGE_TABLE_MAX (512ULL << 30) /* one PML4 entry's worth */

void linux_build_boot_gdt(void *buf);

/* Bytes linux_build_boot_page_tables() needs to cover [0, top): a PML4, a
 * PDPT and one page directory per GiB, at least 4 GiB.  0 if top > 512 GiB. */
size_t linux_boot_page_tables_size(uint64_t top);

/*
 * Identity-map [0, max(top, 4 GiB)) rounded up to 1 GiB with 2 MiB pages
 * (present, writable, no caching bits: the MTRRs decide) in @buf, which the
 * parent sees at @buf_pa (4 KiB aligned).  The entry protocol needs the
 * kernel's init_size area, the zero page and the command line mapped; the
 * initrd too is mapped, so that one top covers everything the caller placed.
 * Returns 0 with *cr3 set, or -1 on a bad argument or a too small buffer.
 */
int linux_build_boot_page_tables(void *buf, uint64_t buf_pa, size_t buf_size, uint64_t top,
                                 uint64_t *cr3);

/* The state the 64-bit boot protocol wants VP0 in at the kernel's entry. */
#define LINUX_ENTRY_OFFSET 0x200 /* startup_64: 512 bytes into the protected-mode kernel */

struct linux_entry_state {
    uint64_t rip;           /* load address + LINUX_ENTRY_OFFSET */
    uint64_t rsi;           /* the zero page */
    uint64_t cr0, cr3, cr4; /* PE|ET|NE|PG; the page tables; PAE */
    uint64_t efer;          /* LME|LMA (add SVME for a VMCB) */
    uint64_t rflags;        /* interrupts off: only the reserved bit 1 */
    uint64_t gdt_base;      /* the boot GDT ... */
    uint16_t gdt_limit;     /* ... and its limit, LINUX_BOOT_GDT_SIZE - 1 */
    uint16_t cs;            /* LINUX_BOOT_CS: flat 64-bit code */
    uint16_t ds, es, ss;    /* LINUX_BOOT_DS: flat data */
};

/* Fill @st for a kernel loaded at @load_addr.  Other registers are zero. */
void linux_entry_state(uint64_t load_addr, uint64_t zero_page_pa, uint64_t cr3, uint64_t gdt_pa,
                       struct linux_entry_state *st);

#endif
