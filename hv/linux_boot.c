/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Booting the Linux parent partition through the x86 64-bit boot protocol:
 * checking the bzImage, the parent's e820 map, where the kernel goes, the
 * zero page, the boot GDT and page tables, and the register state at entry.
 * The facts (offsets, flags) are those of the kernel's
 * Documentation/arch/x86/boot.rst and zero-page.rst.  Pure logic: nothing
 * here touches memory other than the buffers it is given.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hv/linux_boot.h>

_Static_assert(sizeof(struct e820_entry) == 20, "e820 entries are 20 bytes in the zero page");

/* Offsets in the setup header; the file and the zero page share them. */
#define HDR_START            0x1f1 /* first byte of the setup header */
#define HDR_SETUP_SECTS      0x1f1
#define HDR_SYSSIZE          0x1f4
#define HDR_BOOT_FLAG        0x1fe
#define HDR_JUMP_OFFSET      0x201 /* the second byte of a short jump over the header */
#define HDR_MAGIC            0x202
#define HDR_VERSION          0x206
#define HDR_TYPE_OF_LOADER   0x210
#define HDR_LOADFLAGS        0x211
#define HDR_RAMDISK_IMAGE    0x218
#define HDR_RAMDISK_SIZE     0x21c
#define HDR_HEAP_END_PTR     0x224
#define HDR_EXT_LOADER_VER   0x226
#define HDR_EXT_LOADER_TYPE  0x227
#define HDR_CMD_LINE_PTR     0x228
#define HDR_INITRD_ADDR_MAX  0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE      0x234
#define HDR_XLOADFLAGS       0x236
#define HDR_CMDLINE_SIZE     0x238
#define HDR_HW_SUBARCH       0x23c
#define HDR_HW_SUBARCH_DATA  0x240
#define HDR_SETUP_DATA       0x250
#define HDR_PREF_ADDRESS     0x258
#define HDR_INIT_SIZE        0x260
/* Protocol 2.12 defines every field up to handover_offset (0x264..0x268):
 * a header claiming 2.12 but ending earlier is damaged. */
#define HDR_MIN_END 0x268
/* The zero page's next field (edd_mbr_sig_buffer) starts here, so no header
 * can be longer. */
#define HDR_MAX_END 0x290

/* Zero page fields outside the setup header. */
#define ZP_ACPI_RSDP_ADDR    0x070
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE  0x0c4
#define ZP_EXT_CMD_LINE_PTR  0x0c8
#define ZP_E820_ENTRIES      0x1e8
#define ZP_E820_TABLE        0x2d0

#define BOOT_FLAG_VALUE     0xaa55
#define HDR_MAGIC_VALUE     "HdrS"
#define SECTOR_SIZE         512
#define ACPI_RSDP_PROTOCOL  0x020e /* first protocol whose zero page has acpi_rsdp_addr */
#define TYPE_OF_LOADER_NONE 0xff   /* a loader without an assigned id */

#define SZ_4K    0x1000ULL
#define SZ_1M    0x100000ULL
#define SZ_2M    0x200000ULL
#define SZ_16M   0x1000000ULL
#define SZ_1G    0x40000000ULL
#define SZ_4G    0x100000000ULL
#define ADDR_TOP UINT64_MAX

/* ---- little-endian fields at any alignment -------------------------------- */

static uint8_t get8(const void *p, size_t off)
{
    return ((const uint8_t *)p)[off];
}

static uint16_t get16(const void *p, size_t off)
{
    uint16_t v;

    memcpy(&v, (const uint8_t *)p + off, sizeof(v));
    return v;
}

static uint32_t get32(const void *p, size_t off)
{
    uint32_t v;

    memcpy(&v, (const uint8_t *)p + off, sizeof(v));
    return v;
}

static uint64_t get64(const void *p, size_t off)
{
    uint64_t v;

    memcpy(&v, (const uint8_t *)p + off, sizeof(v));
    return v;
}

static void put8(void *p, size_t off, uint8_t v)
{
    ((uint8_t *)p)[off] = v;
}

static void put16(void *p, size_t off, uint16_t v)
{
    memcpy((uint8_t *)p + off, &v, sizeof(v));
}

static void put32(void *p, size_t off, uint32_t v)
{
    memcpy((uint8_t *)p + off, &v, sizeof(v));
}

static void put64(void *p, size_t off, uint64_t v)
{
    memcpy((uint8_t *)p + off, &v, sizeof(v));
}

/* ---- the bzImage ------------------------------------------------------------ */

static int parse_fail(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "bzImage: %s", what);
    return -1;
}

int bzimage_parse(const void *file, size_t size, struct bzimage_info *out, char *err, size_t errlen)
{
    struct bzimage_info k;
    uint8_t setup_sects;
    uint32_t syssize;

    if (!file || !out)
        return parse_fail(err, errlen, "no file");
    /* Enough to find the boot flag, the magic and the version. */
    if (size < HDR_VERSION + 2)
        return parse_fail(err, errlen, "file too short for a setup header");
    if (get16(file, HDR_BOOT_FLAG) != BOOT_FLAG_VALUE)
        return parse_fail(err, errlen, "no 0xAA55 boot flag at 0x1fe");
    if (memcmp((const uint8_t *)file + HDR_MAGIC, HDR_MAGIC_VALUE, 4) != 0)
        return parse_fail(err, errlen, "no \"HdrS\" magic at 0x202: not a bzImage");

    memset(&k, 0, sizeof(k));
    k.protocol = get16(file, HDR_VERSION);
    if (k.protocol < LINUX_MIN_PROTOCOL) {
        if (err && errlen)
            snprintf(err, errlen, "bzImage: boot protocol %u.%02u, at least 2.12 needed",
                     k.protocol >> 8, k.protocol & 0xff);
        return -1;
    }

    k.setup_header_end = 0x202 + (size_t)get8(file, HDR_JUMP_OFFSET);
    if (k.setup_header_end < HDR_MIN_END || k.setup_header_end > HDR_MAX_END)
        return parse_fail(err, errlen, "setup header length does not match its protocol");
    if (k.setup_header_end > size)
        return parse_fail(err, errlen, "file ends inside the setup header");

    /* Every field below lies before HDR_MIN_END, hence inside the file. */
    setup_sects = get8(file, HDR_SETUP_SECTS);
    k.setup_sects = setup_sects;
    /* 0 is what the oldest kernels wrote for the then-fixed 4 sectors; the
     * boot sector itself comes first. */
    k.kernel_offset = ((uint64_t)(setup_sects ? setup_sects : 4) + 1) * SECTOR_SIZE;
    if (k.kernel_offset >= size)
        return parse_fail(err, errlen, "file ends before the protected-mode kernel");

    /* syssize, not the file size: a signed kernel has its signature after
     * the kernel, which is no part of what must be loaded. */
    syssize = get32(file, HDR_SYSSIZE);
    k.kernel_size = (uint64_t)syssize * 16;
    if (!syssize)
        return parse_fail(err, errlen, "syssize is 0");
    if (k.kernel_size > size - k.kernel_offset)
        return parse_fail(err, errlen, "file truncated: shorter than syssize says");

    k.xloadflags = get16(file, HDR_XLOADFLAGS);
    if (!(k.xloadflags & XLF_KERNEL_64))
        return parse_fail(err, errlen, "no 64-bit entry point (XLF_KERNEL_64 clear)");

    k.relocatable = get8(file, HDR_RELOCATABLE) != 0;
    k.kernel_alignment = get32(file, HDR_KERNEL_ALIGNMENT);
    if (k.kernel_alignment < SZ_4K || (k.kernel_alignment & (k.kernel_alignment - 1)))
        return parse_fail(err, errlen, "kernel_alignment is not a power of two >= 4 KiB");

    k.init_size = get32(file, HDR_INIT_SIZE);
    if (k.init_size < k.kernel_size)
        return parse_fail(err, errlen, "init_size is smaller than the kernel");

    k.pref_address = get64(file, HDR_PREF_ADDRESS);
    k.initrd_addr_max = get32(file, HDR_INITRD_ADDR_MAX);
    k.cmdline_size = get32(file, HDR_CMDLINE_SIZE);

    *out = k;
    return 0;
}

/* ---- the parent's e820 map ------------------------------------------------ */

static uint32_t parent_e820_type(uint32_t type)
{
    switch (type) {
    case MEM_USABLE:
    case MEM_MODULE:
        return E820_RAM;
    case MEM_RESERVED:
    case MEM_ACPI:
    case MEM_NVS:
    case MEM_UNUSABLE:
    case MEM_PMEM:
        return type; /* already the e820 number */
    default:
        /* The hypervisor, the trampoline and anything we do not know: the
         * parent must keep away, and a type it does not know would not stop
         * it. */
        return E820_RESERVED;
    }
}

size_t parent_e820_from_memmap(const struct memmap *m, struct e820_entry *out, size_t max,
                               int *truncated)
{
    size_t n = 0, i;
    int lost = 0;

    if (truncated)
        *truncated = 0;
    if (!m || (!m->ranges && m->count))
        return 0;
    if (!out)
        max = 0;
    /* The memmap is sorted and merged; only types that now coincide (usable
     * next to module, hypervisor next to reserved) need merging here. */
    for (i = 0; i < m->count; i++) {
        const struct mem_range *r = &m->ranges[i];
        uint32_t type = parent_e820_type(r->type);

        if (r->end <= r->base)
            continue;
        if (n && out[n - 1].type == type && out[n - 1].addr + out[n - 1].size == r->base) {
            out[n - 1].size += r->end - r->base;
            continue;
        }
        if (n == max) {
            lost = 1;
            continue; /* later ranges cannot merge into what was written */
        }
        out[n].addr = r->base;
        out[n].size = r->end - r->base;
        out[n].type = type;
        n++;
    }
    if (truncated)
        *truncated = lost;
    return n;
}

/* ---- where the kernel goes ------------------------------------------------- */

/* Round up to @align (a power of two); false if that wraps. */
static bool align_up(uint64_t v, uint64_t align, uint64_t *out)
{
    if (v > ADDR_TOP - (align - 1))
        return false;
    *out = (v + align - 1) & ~(align - 1);
    return true;
}

/* The first avoid range overlapping [addr, end), or NULL. */
static const struct mem_avoid *avoid_hit(uint64_t addr, uint64_t end, const struct mem_avoid *avoid,
                                         size_t navoid)
{
    for (size_t i = 0; i < navoid; i++) {
        uint64_t a_end =
            avoid[i].size > ADDR_TOP - avoid[i].base ? ADDR_TOP : avoid[i].base + avoid[i].size;

        if (avoid[i].size && avoid[i].base < end && addr < a_end)
            return &avoid[i];
    }
    return NULL;
}

/* Does [addr, addr + len) lie in one RAM entry, below @limit, clear of @avoid? */
static bool fits_at(uint64_t addr, uint64_t len, uint64_t limit, const struct e820_entry *e820,
                    size_t n, const struct mem_avoid *avoid, size_t navoid)
{
    uint64_t end;

    if (addr < SZ_1M || len > limit || addr > limit - len)
        return false;
    end = addr + len;
    if (avoid_hit(addr, end, avoid, navoid))
        return false;
    for (size_t i = 0; i < n; i++) {
        struct e820_entry e;

        memcpy(&e, &e820[i], sizeof(e));
        if (e.type == E820_RAM && addr >= e.addr && end - e.addr <= e.size)
            return true;
    }
    return false;
}

/*
 * The lowest address >= @floor, aligned to @align, where [addr, addr + len)
 * fits in one RAM entry below @limit and clear of @avoid.  Per entry, start
 * at its first aligned address and jump past each avoid range in the way:
 * whatever lies between can only hit that same range.
 */
static bool lowest_fit(uint64_t floor, uint64_t align, uint64_t len, uint64_t limit,
                       const struct e820_entry *e820, size_t n, const struct mem_avoid *avoid,
                       size_t navoid, uint64_t *out)
{
    bool found = false;
    uint64_t best = 0;

    for (size_t i = 0; i < n; i++) {
        struct e820_entry e;
        uint64_t lo, hi, addr;

        memcpy(&e, &e820[i], sizeof(e));
        if (e.type != E820_RAM || !e.size)
            continue;
        lo = e.addr > floor ? e.addr : floor;
        hi = e.size > ADDR_TOP - e.addr ? ADDR_TOP : e.addr + e.size;
        if (hi > limit)
            hi = limit;
        if (!align_up(lo, align, &addr))
            continue;
        while (addr < hi && len <= hi - addr) {
            const struct mem_avoid *a = avoid_hit(addr, addr + len, avoid, navoid);
            uint64_t a_end;

            if (!a) {
                if (!found || addr < best)
                    best = addr;
                found = true;
                break;
            }
            a_end = a->size > ADDR_TOP - a->base ? ADDR_TOP : a->base + a->size;
            if (a_end == ADDR_TOP || !align_up(a_end, align, &addr))
                break;
        }
    }
    if (found)
        *out = best;
    return found;
}

int linux_choose_load_addr(const struct bzimage_info *k, const struct e820_entry *e820, size_t n,
                           const struct mem_avoid *avoid, size_t navoid, uint64_t *out)
{
    uint64_t limit, align;

    if (!k || !out || (!e820 && n) || (!avoid && navoid) || !k->init_size)
        return -1;
    limit = (k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) ? ADDR_TOP : SZ_4G;
    align = k->kernel_alignment;
    if (align < SZ_4K || (align & (align - 1)))
        return -1;

    /* A relocatable kernel still runs best where it was linked (no
     * relocation pass); a non-relocatable one moves itself there anyway. */
    if ((!k->relocatable || !(k->pref_address & (align - 1))) &&
        fits_at(k->pref_address, k->init_size, limit, e820, n, avoid, navoid)) {
        *out = k->pref_address;
        return 0;
    }
    if (!k->relocatable)
        return -1;
    /* Keep the low 16 MiB (ISA DMA, firmware leftovers) for those who need
     * it, unless nothing else fits. */
    if (lowest_fit(SZ_16M, align, k->init_size, limit, e820, n, avoid, navoid, out))
        return 0;
    if (lowest_fit(SZ_1M, align, k->init_size, limit, e820, n, avoid, navoid, out))
        return 0;
    return -1;
}

/* ---- the zero page -------------------------------------------------------- */

static int zp_fail(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "zero page: %s", what);
    return -1;
}

/* Exclusive end of [base, base + size), false if it wraps past 2^64. */
static bool range_end(uint64_t base, uint64_t size, uint64_t *end)
{
    if (size > ADDR_TOP - base)
        return false;
    *end = base + size;
    return true;
}

int linux_build_zero_page(void *zp, const struct linux_boot_params_in *in, char *err, size_t errlen)
{
    const struct bzimage_info *k;
    bool above_4g;
    uint64_t end;
    uint8_t loadflags;

    if (!zp || !in || !in->kernel_file || !in->k)
        return zp_fail(err, errlen, "missing argument");
    k = in->k;
    above_4g = k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;
    if (k->setup_header_end < HDR_MIN_END || k->setup_header_end > HDR_MAX_END)
        return zp_fail(err, errlen, "setup header length out of range");

    /* Command line: cmdline_size excludes the NUL, the kernel copies the
     * NUL as well, and a 32-bit-only kernel reads only the low pointer. */
    if (in->cmdline_len > k->cmdline_size) {
        if (err && errlen)
            snprintf(err, errlen, "zero page: command line of %u bytes, the kernel takes %u",
                     in->cmdline_len, k->cmdline_size);
        return -1;
    }
    if (!in->cmdline_pa && in->cmdline_len)
        return zp_fail(err, errlen, "command line at address 0");
    if (!range_end(in->cmdline_pa, (uint64_t)in->cmdline_len + 1, &end))
        return zp_fail(err, errlen, "command line wraps around the address space");
    if (!above_4g && end > SZ_4G)
        return zp_fail(err, errlen, "command line above 4 GiB, the kernel cannot reach it");

    /* Initrd: the kernel takes ramdisk_image == 0 as "no initrd". */
    if (in->initrd_size) {
        if (!in->initrd_pa)
            return zp_fail(err, errlen, "initrd at address 0");
        if (!range_end(in->initrd_pa, in->initrd_size, &end))
            return zp_fail(err, errlen, "initrd wraps around the address space");
        if (!above_4g && end - 1 > k->initrd_addr_max) {
            if (err && errlen)
                snprintf(err, errlen,
                         "zero page: initrd ends at 0x%llx, above initrd_addr_max 0x%x",
                         (unsigned long long)(end - 1), k->initrd_addr_max);
            return -1;
        }
    }

    if (!in->e820 || !in->e820_count)
        return zp_fail(err, errlen, "no e820 entries");
    if (in->e820_count > LINUX_E820_MAX_ENTRIES) {
        if (err && errlen)
            snprintf(err, errlen,
                     "zero page: %zu e820 entries, the zero page holds %d (SETUP_E820_EXT "
                     "setup_data is not implemented)",
                     in->e820_count, LINUX_E820_MAX_ENTRIES);
        return -1;
    }

    /* Everything the kernel does not find set must read as zero: it has no
     * other way to tell a field was left alone (sentinel, efi_info, ...). */
    memset(zp, 0, LINUX_ZERO_PAGE_SIZE);
    memcpy((uint8_t *)zp + HDR_START, (const uint8_t *)in->kernel_file + HDR_START,
           k->setup_header_end - HDR_START);

    put8(zp, HDR_TYPE_OF_LOADER, TYPE_OF_LOADER_NONE);
    /* No real-mode setup code runs with the 64-bit entry, so there is no
     * setup heap (CAN_USE_HEAP), KEEP_SEGMENTS is a 32-bit-entry matter and
     * KASLR_FLAG is the kernel's own note to itself.  The kernel is above
     * 1 MiB: LOADED_HIGH.  Whether it is quiet stays the file's choice. */
    loadflags = get8(zp, HDR_LOADFLAGS);
    loadflags = (uint8_t)((loadflags & QUIET_FLAG) | LOADED_HIGH);
    put8(zp, HDR_LOADFLAGS, loadflags);
    put16(zp, HDR_HEAP_END_PTR, 0);
    /* Type 0xFF has no extended type or version. */
    put8(zp, HDR_EXT_LOADER_VER, 0);
    put8(zp, HDR_EXT_LOADER_TYPE, 0);
    /* A plain PC, and no setup_data list: whatever the file holds there is
     * no address in the parent's memory. */
    put32(zp, HDR_HW_SUBARCH, 0);
    put64(zp, HDR_HW_SUBARCH_DATA, 0);
    put64(zp, HDR_SETUP_DATA, 0);

    put32(zp, HDR_CMD_LINE_PTR, (uint32_t)in->cmdline_pa);
    put32(zp, ZP_EXT_CMD_LINE_PTR, (uint32_t)(in->cmdline_pa >> 32));
    if (in->initrd_size) {
        put32(zp, HDR_RAMDISK_IMAGE, (uint32_t)in->initrd_pa);
        put32(zp, ZP_EXT_RAMDISK_IMAGE, (uint32_t)(in->initrd_pa >> 32));
        put32(zp, HDR_RAMDISK_SIZE, (uint32_t)in->initrd_size);
        put32(zp, ZP_EXT_RAMDISK_SIZE, (uint32_t)(in->initrd_size >> 32));
    } else {
        put32(zp, HDR_RAMDISK_IMAGE, 0);
        put32(zp, HDR_RAMDISK_SIZE, 0);
    }

    /* Older zero pages have padding there; leave it as they defined it. */
    if (k->protocol >= ACPI_RSDP_PROTOCOL)
        put64(zp, ZP_ACPI_RSDP_ADDR, in->acpi_rsdp);

    put8(zp, ZP_E820_ENTRIES, (uint8_t)in->e820_count);
    memcpy((uint8_t *)zp + ZP_E820_TABLE, in->e820, in->e820_count * sizeof(struct e820_entry));
    return 0;
}

/* ---- GDT, page tables, entry state --------------------------------------- */

#define PTE_P  (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7)

#define CR0_PE       (1ULL << 0)
#define CR0_ET       (1ULL << 4)
#define CR0_NE       (1ULL << 5)
#define CR0_PG       (1ULL << 31)
#define CR4_PAE      (1ULL << 5)
#define EFER_LME     (1ULL << 8)
#define EFER_LMA     (1ULL << 10)
#define RFLAGS_FIXED (1ULL << 1)

void linux_build_boot_gdt(void *buf)
{
    /* Index 1 stays null too: only __BOOT_CS and __BOOT_DS are defined. */
    memset(buf, 0, LINUX_BOOT_GDT_SIZE);
    put64(buf, LINUX_BOOT_CS, LINUX_BOOT_GDT_CODE);
    put64(buf, LINUX_BOOT_DS, LINUX_BOOT_GDT_DATA);
}

/* Page directories needed for [0, top): one per GiB, at least four so that
 * the low 4 GiB (where the loader put everything) is always covered. */
static uint64_t pd_count(uint64_t top)
{
    uint64_t n = top / SZ_1G + (top % SZ_1G != 0);

    return n < 4 ? 4 : n;
}

size_t linux_boot_page_tables_size(uint64_t top)
{
    if (top > LINUX_PAGE_TABLE_MAX)
        return 0;
    return (size_t)((2 + pd_count(top)) * SZ_4K);
}

int linux_build_boot_page_tables(void *buf, uint64_t buf_pa, size_t buf_size, uint64_t top,
                                 uint64_t *cr3)
{
    size_t need = linux_boot_page_tables_size(top);
    uint64_t npd, pdpt_pa, i;
    uint8_t *pml4, *pdpt;

    if (!buf || !cr3 || !need || (buf_pa & (SZ_4K - 1)) || buf_size < need ||
        buf_pa > ADDR_TOP - need)
        return -1;
    npd = pd_count(top);
    memset(buf, 0, need);
    pml4 = buf;
    pdpt = pml4 + SZ_4K;
    pdpt_pa = buf_pa + SZ_4K;

    put64(pml4, 0, pdpt_pa | PTE_P | PTE_RW);
    for (i = 0; i < npd; i++) {
        uint8_t *pd = pdpt + (1 + i) * SZ_4K;
        uint64_t pd_pa = pdpt_pa + (1 + i) * SZ_4K;

        put64(pdpt, i * 8, pd_pa | PTE_P | PTE_RW);
        for (uint64_t j = 0; j < 512; j++)
            put64(pd, j * 8, (i * SZ_1G + j * SZ_2M) | PTE_P | PTE_RW | PTE_PS);
    }
    *cr3 = buf_pa;
    return 0;
}

void linux_entry_state(uint64_t load_addr, uint64_t zero_page_pa, uint64_t cr3, uint64_t gdt_pa,
                       struct linux_entry_state *st)
{
    memset(st, 0, sizeof(*st));
    st->rip = load_addr + LINUX_ENTRY_OFFSET;
    st->rsi = zero_page_pa;
    st->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
    st->cr3 = cr3;
    st->cr4 = CR4_PAE;
    st->efer = EFER_LME | EFER_LMA;
    st->rflags = RFLAGS_FIXED;
    st->gdt_base = gdt_pa;
    st->gdt_limit = LINUX_BOOT_GDT_SIZE - 1;
    st->cs = LINUX_BOOT_CS;
    st->ds = LINUX_BOOT_DS;
    st->es = LINUX_BOOT_DS;
    st->ss = LINUX_BOOT_DS;
}
