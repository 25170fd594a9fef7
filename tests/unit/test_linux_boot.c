/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of hv/linux_boot.c: bzImage checks on synthetic images (every
 * rejection, every truncation) and on the Debian kernel the build fetches,
 * the parent's e820 map, the choice of the load address, the zero page byte
 * by byte, the boot GDT, the identity page tables and the entry state.
 * Offsets are written out as numbers here, not taken from the code under
 * test, so that a wrong offset there cannot agree with itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/linux_boot.h>
#include <hv/memmap.h>

#define KB 1024ULL
#define MB (1024ULL * KB)
#define GB (1024ULL * MB)

#define DEBIAN_BZIMAGE "build/kernels/amd64/vmlinuz"

/* ---- little-endian access in test buffers ---------------------------------- */

static uint8_t rd8(const void *p, size_t off)
{
    return ((const uint8_t *)p)[off];
}

static uint16_t rd16(const void *p, size_t off)
{
    const uint8_t *b = (const uint8_t *)p + off;

    return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t rd32(const void *p, size_t off)
{
    return rd16(p, off) | (uint32_t)rd16(p, off + 2) << 16;
}

static uint64_t rd64(const void *p, size_t off)
{
    return rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static void wr8(void *p, size_t off, uint8_t v)
{
    ((uint8_t *)p)[off] = v;
}

static void wr16(void *p, size_t off, uint16_t v)
{
    wr8(p, off, (uint8_t)v);
    wr8(p, off + 1, (uint8_t)(v >> 8));
}

static void wr32(void *p, size_t off, uint32_t v)
{
    wr16(p, off, (uint16_t)v);
    wr16(p, off + 2, (uint16_t)(v >> 16));
}

static void wr64(void *p, size_t off, uint64_t v)
{
    wr32(p, off, (uint32_t)v);
    wr32(p, off + 4, (uint32_t)(v >> 32));
}

/* ---- a synthetic bzImage ---------------------------------------------------- */

#define IMG_MAX (64 * 1024)

struct img_opts {
    uint8_t setup_sects;
    uint16_t protocol;
    uint8_t jump_offset; /* setup header end = 0x202 + this */
    uint32_t syssize;
    uint16_t xloadflags;
    uint8_t relocatable;
    uint32_t kernel_alignment;
    uint32_t init_size;
    uint64_t pref_address;
    uint32_t initrd_addr_max;
    uint32_t cmdline_size;
    uint8_t loadflags;
    size_t tail; /* bytes after the kernel (a signature, say) */
};

static struct img_opts default_opts(void)
{
    struct img_opts o = {
        .setup_sects = 7, /* kernel at 0x1000 */
        .protocol = 0x020f,
        .jump_offset = 0x6a, /* ends at 0x26c, as 2.15 kernels do */
        .syssize = 0x100,    /* 4 KiB of kernel */
        .xloadflags = 0x7f,
        .relocatable = 1,
        .kernel_alignment = 0x200000,
        .init_size = 0x3000000,
        .pref_address = 0x1000000,
        .initrd_addr_max = 0x7fffffff,
        .cmdline_size = 0x7ff,
        .loadflags = 0x01,
        .tail = 100,
    };
    return o;
}

static uint8_t img[IMG_MAX];

/* Build the image into img[] and return its size.  Bytes the header does
 * not define are a pattern, so that a parser reading the wrong offset or a
 * copy of the wrong span shows up. */
static size_t build_img(const struct img_opts *o)
{
    size_t koff = ((size_t)(o->setup_sects ? o->setup_sects : 4) + 1) * 512;
    size_t size = koff + (size_t)o->syssize * 16 + o->tail;

    assert_true(size <= IMG_MAX);
    for (size_t i = 0; i < IMG_MAX; i++)
        img[i] = (uint8_t)(i * 7 + 3);
    wr8(img, 0x1f1, o->setup_sects);
    wr32(img, 0x1f4, o->syssize);
    wr16(img, 0x1fe, 0xaa55);
    wr8(img, 0x200, 0xeb);
    wr8(img, 0x201, o->jump_offset);
    memcpy(img + 0x202, "HdrS", 4);
    wr16(img, 0x206, o->protocol);
    wr8(img, 0x210, 0);
    wr8(img, 0x211, o->loadflags);
    wr32(img, 0x218, 0);
    wr32(img, 0x21c, 0);
    wr16(img, 0x224, 0x5be0);
    wr8(img, 0x226, 0);
    wr8(img, 0x227, 0);
    wr32(img, 0x228, 0);
    wr32(img, 0x22c, o->initrd_addr_max);
    wr32(img, 0x230, o->kernel_alignment);
    wr8(img, 0x234, o->relocatable);
    wr8(img, 0x235, 0x15);
    wr16(img, 0x236, o->xloadflags);
    wr32(img, 0x238, o->cmdline_size);
    wr32(img, 0x23c, 0);
    wr64(img, 0x240, 0);
    wr64(img, 0x250, 0);
    wr64(img, 0x258, o->pref_address);
    wr32(img, 0x260, o->init_size);
    return size;
}

static char errbuf[256];

static int parse(size_t size, struct bzimage_info *k)
{
    errbuf[0] = 0;
    return bzimage_parse(img, size, k, errbuf, sizeof(errbuf));
}

/* Parse must fail and say something containing @needle. */
static void assert_rejected(size_t size, const char *needle)
{
    struct bzimage_info k;

    memset(&k, 0x5a, sizeof(k));
    assert_int_equal(parse(size, &k), -1);
    if (!strstr(errbuf, needle))
        fail_msg("message \"%s\" lacks \"%s\"", errbuf, needle);
    assert_true(strncmp(errbuf, "bzImage: ", 9) == 0);
}

/* ---- bzimage_parse ------------------------------------------------------------ */

static void test_parse_good(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);
    struct bzimage_info k;

    (void)state;
    assert_int_equal(parse(size, &k), 0);
    assert_int_equal(k.protocol, 0x020f);
    assert_int_equal(k.setup_sects, 7);
    assert_int_equal(k.kernel_offset, 0x1000);
    /* syssize, not the file: the 100-byte tail is not kernel */
    assert_int_equal(k.kernel_size, 0x1000);
    assert_int_equal(k.pref_address, 0x1000000);
    assert_int_equal(k.kernel_alignment, 0x200000);
    assert_int_equal(k.init_size, 0x3000000);
    assert_int_equal(k.initrd_addr_max, 0x7fffffff);
    assert_int_equal(k.cmdline_size, 0x7ff);
    assert_int_equal(k.xloadflags, 0x7f);
    assert_true(k.relocatable);
    assert_int_equal(k.setup_header_end, 0x26c);
}

static void test_parse_setup_sects_zero_means_4(void **state)
{
    struct img_opts o = default_opts();
    size_t size;
    struct bzimage_info k;

    (void)state;
    o.setup_sects = 0;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_int_equal(k.setup_sects, 0);
    assert_int_equal(k.kernel_offset, 5 * 512);
    assert_int_equal(k.kernel_size, 0x1000);
}

static void test_parse_exact_size_no_tail(void **state)
{
    struct img_opts o = default_opts();
    size_t size;
    struct bzimage_info k;

    (void)state;
    o.tail = 0;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_int_equal(k.kernel_offset + k.kernel_size, size);
    /* One byte less and the kernel is cut short. */
    assert_rejected(size - 1, "truncated");
}

static void test_parse_bad_boot_flag(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);

    (void)state;
    wr16(img, 0x1fe, 0x55aa);
    assert_rejected(size, "0xAA55");
}

static void test_parse_bad_magic(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);

    (void)state;
    memcpy(img + 0x202, "HdrT", 4);
    assert_rejected(size, "HdrS");
}

static void test_parse_old_protocol(void **state)
{
    struct img_opts o = default_opts();
    size_t size;
    struct bzimage_info k;

    (void)state;
    o.protocol = 0x020b;
    size = build_img(&o);
    assert_rejected(size, "2.11");
    o.protocol = 0x0200;
    size = build_img(&o);
    assert_rejected(size, "2.12");
    /* The oldest accepted. */
    o.protocol = 0x020c;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_int_equal(k.protocol, 0x020c);
}

static void test_parse_no_64bit_entry(void **state)
{
    struct img_opts o = default_opts();
    size_t size;
    struct bzimage_info k;

    (void)state;
    o.xloadflags = 0x7e;
    size = build_img(&o);
    assert_rejected(size, "XLF_KERNEL_64");
    /* Bit 0 alone is enough. */
    o.xloadflags = 0x01;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_int_equal(k.xloadflags, 0x01);
}

static void test_parse_truncated(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);

    (void)state;
    assert_rejected(0, "too short");
    assert_rejected(0x200, "too short");
    assert_rejected(0x207, "too short");
    /* Magic and version present, header cut. */
    assert_rejected(0x260, "inside the setup header");
    /* Header whole, setup code cut: the kernel would start past the end. */
    assert_rejected(0x800, "before the protected-mode kernel");
    assert_rejected(0x1000, "before the protected-mode kernel");
    /* Kernel started but shorter than syssize. */
    assert_rejected(0x1001, "truncated");
    assert_rejected(0x1fff, "truncated");
    assert_rejected(size - o.tail - 1, "truncated");
}

static void test_parse_every_prefix(void **state)
{
    struct img_opts o = default_opts();
    size_t size, need;
    struct bzimage_info k;

    (void)state;
    o.tail = 0;
    size = build_img(&o);
    need = 0x1000 + 0x1000;
    /* Copy each prefix to its own heap block, so that ASan sees any read
     * past its end. */
    for (size_t n = 0; n <= size; n++) {
        uint8_t *p = malloc(n ? n : 1);

        assert_non_null(p);
        memcpy(p, img, n);
        assert_int_equal(bzimage_parse(p, n, &k, errbuf, sizeof(errbuf)), n >= need ? 0 : -1);
        free(p);
    }
}

static void test_parse_kernel_offset_beyond_file(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);

    (void)state;
    /* 256 sectors of setup code: far past the 8 KiB file. */
    wr8(img, 0x1f1, 0xff);
    assert_rejected(size, "before the protected-mode kernel");
}

static void test_parse_bad_alignment(void **state)
{
    static const uint32_t bad[] = {0, 1, 0x800, 0x3000, 0x200001, 0xffffffff};
    struct img_opts o = default_opts();
    struct bzimage_info k;
    size_t size;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        o.kernel_alignment = bad[i];
        size = build_img(&o);
        assert_rejected(size, "kernel_alignment");
    }
    o.kernel_alignment = 0x1000;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    o.kernel_alignment = 0x80000000;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
}

static void test_parse_header_length(void **state)
{
    struct img_opts o = default_opts();
    struct bzimage_info k;
    size_t size;

    (void)state;
    /* 0x202 + 0x65 = 0x267: ends before handover_offset, less than 2.12. */
    o.jump_offset = 0x65;
    size = build_img(&o);
    assert_rejected(size, "setup header length");
    /* 0x202 + 0x8f = 0x291: past the zero page's room for it. */
    o.jump_offset = 0x8f;
    size = build_img(&o);
    assert_rejected(size, "setup header length");
    o.jump_offset = 0x66; /* 0x268, as 2.12 kernels end */
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_int_equal(k.setup_header_end, 0x268);
    o.jump_offset = 0x8e; /* 0x290, the most there is room for */
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_int_equal(k.setup_header_end, 0x290);
}

static void test_parse_init_size_too_small(void **state)
{
    struct img_opts o = default_opts();
    struct bzimage_info k;
    size_t size;

    (void)state;
    o.init_size = 0xfff;
    size = build_img(&o);
    assert_rejected(size, "init_size");
    o.init_size = 0x1000; /* equal to the kernel: fine */
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
}

static void test_parse_syssize_zero(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);

    (void)state;
    wr32(img, 0x1f4, 0);
    assert_rejected(size, "syssize");
}

static void test_parse_huge_syssize(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);

    (void)state;
    /* 0xffffffff * 16 must not wrap into something small. */
    wr32(img, 0x1f4, 0xffffffff);
    assert_rejected(size, "truncated");
}

static void test_parse_non_relocatable(void **state)
{
    struct img_opts o = default_opts();
    struct bzimage_info k;
    size_t size;

    (void)state;
    o.relocatable = 0;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_false(k.relocatable);
    /* Any non-zero byte means relocatable. */
    o.relocatable = 0x80;
    size = build_img(&o);
    assert_int_equal(parse(size, &k), 0);
    assert_true(k.relocatable);
}

static void test_parse_null_and_no_errbuf(void **state)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);
    struct bzimage_info k;

    (void)state;
    assert_int_equal(bzimage_parse(NULL, size, &k, errbuf, sizeof(errbuf)), -1);
    assert_int_equal(bzimage_parse(img, size, NULL, errbuf, sizeof(errbuf)), -1);
    /* No message buffer: still fails cleanly, still succeeds. */
    wr16(img, 0x1fe, 0);
    assert_int_equal(bzimage_parse(img, size, &k, NULL, 0), -1);
    wr16(img, 0x1fe, 0xaa55);
    assert_int_equal(bzimage_parse(img, size, &k, NULL, 0), 0);
    /* A short message buffer is truncated, not overrun. */
    memset(errbuf, 'x', sizeof(errbuf));
    wr16(img, 0x1fe, 0);
    assert_int_equal(bzimage_parse(img, size, &k, errbuf, 8), -1);
    assert_int_equal(strlen(errbuf), 7);
    assert_int_equal(errbuf[8], 'x');
}

/* ---- the Debian kernel ------------------------------------------------------- */

static uint8_t *read_whole_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;

    if (!f)
        return NULL;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *size = (size_t)len;
    return buf;
}

static void test_debian_bzimage(void **state)
{
    size_t size;
    uint8_t *file = read_whole_file(DEBIAN_BZIMAGE, &size);
    struct bzimage_info k;
    struct e820_entry e820[3] = {
        {0, 0x9f000, E820_RAM},
        {0xf0000, 0x10000, E820_RESERVED},
        {0x100000, 2 * GB - 0x100000, E820_RAM},
    };
    static uint8_t zp[4096];
    struct linux_boot_params_in in;
    uint64_t load;

    (void)state;
    if (!file) {
        skip();
        return;
    }
    assert_int_equal(bzimage_parse(file, size, &k, errbuf, sizeof(errbuf)), 0);
    /* What any x86-64 distribution kernel of the last decade looks like. */
    assert_true(k.protocol >= 0x020c);
    assert_true(k.xloadflags & XLF_KERNEL_64);
    assert_true(k.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G);
    assert_true(k.relocatable);
    assert_int_equal(k.kernel_alignment, 2 * MB);
    assert_int_equal(k.setup_sects, file[0x1f1]);
    assert_int_equal(k.kernel_offset, ((uint64_t)file[0x1f1] + 1) * 512);
    assert_int_equal(k.kernel_size, (uint64_t)rd32(file, 0x1f4) * 16);
    assert_true(k.kernel_offset + k.kernel_size <= size);
    assert_int_equal(k.setup_header_end, 0x202 + file[0x201]);
    assert_int_equal(k.pref_address, 16 * MB);
    assert_true(k.init_size > k.kernel_size);
    assert_true(k.cmdline_size >= 255);

    /* It goes at its preferred address in a plain PC map, and its zero page
     * carries its own header. */
    assert_int_equal(linux_choose_load_addr(&k, e820, 3, NULL, 0, &load), 0);
    assert_int_equal(load, 16 * MB);
    memset(&in, 0, sizeof(in));
    in.kernel_file = file;
    in.k = &k;
    in.cmdline_pa = 0x20000;
    in.cmdline_len = 20;
    in.e820 = e820;
    in.e820_count = 3;
    assert_int_equal(linux_build_zero_page(zp, &in, errbuf, sizeof(errbuf)), 0);
    assert_memory_equal(zp + 0x202, "HdrS", 4);
    assert_int_equal(rd16(zp, 0x206), k.protocol);
    assert_int_equal(rd32(zp, 0x260), k.init_size);
    assert_int_equal(rd8(zp, 0x210), 0xff);
    assert_int_equal(rd8(zp, 0x1e8), 3);
    free(file);
}

/* ---- parent_e820_from_memmap -------------------------------------------------- */

static struct mem_range ranges[64];

static struct memmap map_of(const struct mem_range *r, size_t n)
{
    struct memmap m = {.ranges = ranges, .count = n, .capacity = 64};

    memcpy(ranges, r, n * sizeof(*r));
    return m;
}

static void assert_e820(const struct e820_entry *e, uint64_t addr, uint64_t size, uint32_t type)
{
    struct e820_entry v;

    memcpy(&v, e, sizeof(v));
    assert_int_equal(v.addr, addr);
    assert_int_equal(v.size, size);
    assert_int_equal(v.type, type);
}

static void test_e820_entry_layout(void **state)
{
    struct e820_entry e[2];

    (void)state;
    assert_int_equal(sizeof(struct e820_entry), 20);
    assert_int_equal(offsetof(struct e820_entry, addr), 0);
    assert_int_equal(offsetof(struct e820_entry, size), 8);
    assert_int_equal(offsetof(struct e820_entry, type), 16);
    assert_int_equal(sizeof(e), 40);
}

static void test_e820_every_type(void **state)
{
    /* Gaps between all of them, so that nothing merges. */
    static const struct mem_range r[] = {
        {0x00000, 0x10000, MEM_USABLE},
        {0x20000, 0x30000, MEM_RESERVED},
        {0x40000, 0x50000, MEM_ACPI},
        {0x60000, 0x70000, MEM_NVS},
        {0x80000, 0x90000, MEM_UNUSABLE},
        {0xa0000, 0xb0000, MEM_PMEM},
        {0xc0000, 0xd0000, MEM_HYPERVISOR},
        {0xe0000, 0xf0000, MEM_MODULE},
        {0x100000, 0x110000, MEM_TRAMPOLINE},
        {0x120000, 0x130000, 6},
        {0x140000, 0x150000, 99},
    };
    static const uint32_t want[] = {1, 2, 3, 4, 5, 7, 2, 1, 2, 2, 2};
    struct memmap m = map_of(r, 11);
    struct e820_entry out[16];
    int trunc = -1;

    (void)state;
    assert_int_equal(parent_e820_from_memmap(&m, out, 16, &trunc), 11);
    assert_int_equal(trunc, 0);
    for (size_t i = 0; i < 11; i++)
        assert_e820(&out[i], r[i].base, r[i].end - r[i].base, want[i]);
}

static void test_e820_merges_equal_results(void **state)
{
    static const struct mem_range r[] = {
        {0x0, 0x9f000, MEM_USABLE},
        {0x9f000, 0xa0000, MEM_TRAMPOLINE},
        {0xa0000, 0x100000, MEM_RESERVED}, /* merges with the trampoline */
        {0x100000, 0x800000, MEM_USABLE},
        {0x800000, 0x1000000, MEM_MODULE},  /* merges with usable */
        {0x1000000, 0x2000000, MEM_USABLE}, /* and again */
        {0x2000000, 0x6000000, MEM_HYPERVISOR},
        {0x6000000, 0x6100000, MEM_RESERVED}, /* merges with the hypervisor */
        {0x6100000, 0x6200000, MEM_ACPI},     /* a different type: stays */
        {0x6200000, 0x6300000, MEM_NVS},
        {0x6400000, 0x6500000, MEM_RESERVED}, /* not touching: stays apart */
        {0x6500000, 0x6600000, MEM_USABLE},
        {0x6700000, 0x6800000, MEM_USABLE}, /* a gap before it: stays apart */
    };
    struct memmap m = map_of(r, 13);
    struct e820_entry out[16];
    int trunc = -1;

    (void)state;
    assert_int_equal(parent_e820_from_memmap(&m, out, 16, &trunc), 9);
    assert_int_equal(trunc, 0);
    assert_e820(&out[0], 0x0, 0x9f000, 1);
    assert_e820(&out[1], 0x9f000, 0x61000, 2);
    assert_e820(&out[2], 0x100000, 0x1f00000, 1);
    assert_e820(&out[3], 0x2000000, 0x4100000, 2);
    assert_e820(&out[4], 0x6100000, 0x100000, 3);
    assert_e820(&out[5], 0x6200000, 0x100000, 4);
    assert_e820(&out[6], 0x6400000, 0x100000, 2);
    assert_e820(&out[7], 0x6500000, 0x100000, 1);
    assert_e820(&out[8], 0x6700000, 0x100000, 1);
}

static void test_e820_truncated(void **state)
{
    static const struct mem_range r[] = {
        {0x0, 0x1000, MEM_USABLE},      {0x2000, 0x3000, MEM_USABLE},
        {0x3000, 0x4000, MEM_MODULE},   /* merges into the last entry written */
        {0x5000, 0x6000, MEM_USABLE},   /* lost with room for 2 */
        {0x7000, 0x8000, MEM_RESERVED}, /* lost with room for 2 or 3 */
    };
    struct memmap m = map_of(r, 5);
    struct e820_entry out[5];
    int trunc = -1;

    (void)state;
    memset(out, 0xee, sizeof(out));
    assert_int_equal(parent_e820_from_memmap(&m, out, 2, &trunc), 2);
    assert_int_equal(trunc, 1);
    assert_e820(&out[0], 0x0, 0x1000, 1);
    assert_e820(&out[1], 0x2000, 0x2000, 1);
    assert_int_equal(rd64(&out[2], 0), 0xeeeeeeeeeeeeeeeeULL); /* untouched */
    /* One short of the four merged entries; then just enough room.  A NULL
     * flag pointer is fine. */
    assert_int_equal(parent_e820_from_memmap(&m, out, 3, &trunc), 3);
    assert_int_equal(trunc, 1);
    assert_int_equal(parent_e820_from_memmap(&m, out, 4, &trunc), 4);
    assert_int_equal(trunc, 0);
    assert_e820(&out[3], 0x7000, 0x1000, 2);
    assert_int_equal(rd64(&out[4], 0), 0xeeeeeeeeeeeeeeeeULL);
    assert_int_equal(parent_e820_from_memmap(&m, out, 4, NULL), 4);
    /* No room at all. */
    assert_int_equal(parent_e820_from_memmap(&m, NULL, 0, &trunc), 0);
    assert_int_equal(trunc, 1);
}

static void test_e820_empty_and_null(void **state)
{
    struct memmap m = {.ranges = ranges, .count = 0, .capacity = 64};
    struct e820_entry out[2];
    int trunc = -1;

    (void)state;
    assert_int_equal(parent_e820_from_memmap(&m, out, 2, &trunc), 0);
    assert_int_equal(trunc, 0);
    trunc = -1;
    assert_int_equal(parent_e820_from_memmap(NULL, out, 2, &trunc), 0);
    assert_int_equal(trunc, 0);
}

/* The way the hypervisor will use it: its own map, edited with
 * memmap_set_type(), then converted. */
static void test_e820_from_edited_memmap(void **state)
{
    struct memmap m = {.ranges = ranges, .count = 0, .capacity = 64};
    struct e820_entry out[16];
    int trunc;

    (void)state;
    assert_int_equal(memmap_set_type(&m, 0, 0xa0000, MEM_USABLE), 0);
    assert_int_equal(memmap_set_type(&m, 0x100000, 1 * GB - 0x100000, MEM_USABLE), 0);
    assert_int_equal(memmap_set_type(&m, 0x9f000, 0x1000, MEM_TRAMPOLINE), 0);
    assert_int_equal(memmap_set_type(&m, 0x4000000, 0x4000000, MEM_HYPERVISOR), 0);
    assert_int_equal(memmap_set_type(&m, 0x2000000, 0x1000000, MEM_MODULE), 0);
    /* The boot pages the hypervisor writes for the parent. */
    assert_int_equal(memmap_set_type(&m, 0x90000, 0x8000, MEM_RESERVED), 0);
    assert_int_equal(parent_e820_from_memmap(&m, out, 16, &trunc), 7);
    assert_int_equal(trunc, 0);
    assert_e820(&out[0], 0x0, 0x90000, 1);
    assert_e820(&out[1], 0x90000, 0x8000, 2);
    assert_e820(&out[2], 0x98000, 0x7000, 1);
    assert_e820(&out[3], 0x9f000, 0x1000, 2);
    assert_e820(&out[4], 0x100000, 0x4000000 - 0x100000, 1); /* module merged in */
    assert_e820(&out[5], 0x4000000, 0x4000000, 2);
    assert_e820(&out[6], 0x8000000, 1 * GB - 0x8000000, 1);
}

/* ---- linux_choose_load_addr ------------------------------------------------- */

static struct bzimage_info kinfo(void)
{
    struct bzimage_info k;

    memset(&k, 0, sizeof(k));
    k.protocol = 0x020f;
    k.kernel_alignment = 2 * MB;
    k.init_size = 48 * MB;
    k.kernel_size = 14 * MB;
    k.pref_address = 16 * MB;
    k.relocatable = true;
    k.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
    k.initrd_addr_max = 0x7fffffff;
    k.cmdline_size = 2047;
    k.setup_header_end = 0x26c;
    return k;
}

static const struct e820_entry pc_map[] = {
    {0, 0x9f000, E820_RAM},
    {0xf0000, 0x10000, E820_RESERVED},
    {0x100000, 2 * GB - 0x100000, E820_RAM},
};

static void test_load_pref_fits(void **state)
{
    struct bzimage_info k = kinfo();
    uint64_t addr = 0;

    (void)state;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 0, &addr), 0);
    assert_int_equal(addr, 16 * MB);
}

static void test_load_pref_blocked_by_avoid(void **state)
{
    struct bzimage_info k = kinfo();
    /* The initrd sits across pref_address + 40 MiB; the next aligned
     * address after it is 70 MiB. */
    struct mem_avoid av[] = {{56 * MB, 13 * MB + 4096}};
    uint64_t addr = 0;

    (void)state;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, av, 1, &addr), 0);
    assert_int_equal(addr, 70 * MB);
    /* Touching the end of the area is not overlapping. */
    av[0].base = 64 * MB;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, av, 1, &addr), 0);
    assert_int_equal(addr, 16 * MB);
    /* Ending right at pref_address is not overlapping either. */
    av[0].base = 15 * MB;
    av[0].size = 1 * MB;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, av, 1, &addr), 0);
    assert_int_equal(addr, 16 * MB);
}

static void test_load_pref_blocked_chain_of_avoids(void **state)
{
    struct bzimage_info k = kinfo();
    /* Unsorted, each pushing past the previous: kernel file, boot pages,
     * initrd. */
    struct mem_avoid av[] = {
        {100 * MB, 10 * MB},
        {20 * MB, 1},
        {69 * MB, 4096},
    };
    uint64_t addr = 0;

    (void)state;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, av, 3, &addr), 0);
    assert_int_equal(addr, 110 * MB);
    /* An empty avoid range blocks nothing. */
    av[0].size = 0;
    av[1].size = 0;
    av[2].size = 0;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, av, 3, &addr), 0);
    assert_int_equal(addr, 16 * MB);
}

static void test_load_pref_blocked_by_hole(void **state)
{
    struct bzimage_info k = kinfo();
    /* The hypervisor's 64 MiB sit over pref_address; the RAM below is too
     * small, so the kernel goes above the hole. */
    static const struct e820_entry e[] = {
        {0, 0x9f000, E820_RAM},
        {0x100000, 15 * MB, E820_RAM},
        {16 * MB, 64 * MB, E820_RESERVED},
        {80 * MB + 4096, 1 * GB, E820_RAM},
    };
    uint64_t addr = 0;

    (void)state;
    assert_int_equal(linux_choose_load_addr(&k, e, 4, NULL, 0, &addr), 0);
    assert_int_equal(addr, 82 * MB); /* 80 MiB + 4 KiB, aligned up */
}

static void test_load_nothing_fits(void **state)
{
    struct bzimage_info k = kinfo();
    static const struct e820_entry e[] = {
        {0, 0x9f000, E820_RAM},
        {0x100000, 47 * MB, E820_RAM}, /* 1 MiB short at 2 MiB alignment */
        {48 * MB, 1 * GB, MEM_ACPI},
        {2 * GB, 1 * GB, E820_RESERVED},
    };
    uint64_t addr = 0x1234;

    (void)state;
    assert_int_equal(linux_choose_load_addr(&k, e, 4, NULL, 0, &addr), -1);
    assert_int_equal(addr, 0x1234);
    assert_int_equal(linux_choose_load_addr(&k, NULL, 0, NULL, 0, &addr), -1);
    /* An initrd over all of the RAM. */
    {
        struct mem_avoid av = {0, 4 * GB};

        assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, &av, 1, &addr), -1);
    }
}

static void test_load_not_across_entries(void **state)
{
    struct bzimage_info k = kinfo();
    /* Two touching RAM entries (a map not merged): the area must lie in one. */
    static const struct e820_entry e[] = {
        {16 * MB, 32 * MB, E820_RAM},
        {48 * MB, 64 * MB, E820_RAM},
    };
    uint64_t addr = 0;

    (void)state;
    assert_int_equal(linux_choose_load_addr(&k, e, 2, NULL, 0, &addr), 0);
    assert_int_equal(addr, 48 * MB);
}

static void test_load_non_relocatable(void **state)
{
    struct bzimage_info k = kinfo();
    struct mem_avoid av = {30 * MB, 4096};
    uint64_t addr = 0;

    (void)state;
    k.relocatable = false;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 0, &addr), 0);
    assert_int_equal(addr, 16 * MB);
    /* Blocked: no other address will do, however much room there is. */
    addr = 0x1234;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, &av, 1, &addr), -1);
    assert_int_equal(addr, 0x1234);
    /* pref_address need not be aligned for a kernel that does not move. */
    k.pref_address = 17 * MB;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 0, &addr), 0);
    assert_int_equal(addr, 17 * MB);
}

static void test_load_unaligned_pref_ignored(void **state)
{
    struct bzimage_info k = kinfo();
    uint64_t addr = 0;

    (void)state;
    k.pref_address = 17 * MB;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 0, &addr), 0);
    assert_int_equal(addr, 16 * MB);
}

static void test_load_prefers_16m_then_low(void **state)
{
    struct bzimage_info k = kinfo();
    static const struct e820_entry e[] = {
        {0, 0x9f000, E820_RAM},
        {0x100000, 127 * MB, E820_RAM},
    };
    static const struct e820_entry low_only[] = {
        {0, 0x9f000, E820_RAM},
        {0x100000, 13 * MB, E820_RAM},
        {14 * MB, 100 * MB, E820_RESERVED},
    };
    struct mem_avoid av = {16 * MB, 4096};
    uint64_t addr = 0;

    (void)state;
    /* pref_address blocked: 18 MiB, not 2 MiB, although 2 MiB fits. */
    assert_int_equal(linux_choose_load_addr(&k, e, 2, &av, 1, &addr), 0);
    assert_int_equal(addr, 18 * MB);
    /* Only room below 16 MiB: the lowest aligned fit above 1 MiB. */
    k.init_size = 8 * MB;
    assert_int_equal(linux_choose_load_addr(&k, low_only, 3, NULL, 0, &addr), 0);
    assert_int_equal(addr, 2 * MB);
    /* Never below 1 MiB, even with 4 KiB alignment and room there. */
    k.kernel_alignment = 4096;
    k.init_size = 64 * KB;
    k.pref_address = 0;
    assert_int_equal(linux_choose_load_addr(&k, low_only, 3, NULL, 0, &addr), 0);
    assert_int_equal(addr, 1 * MB);
}

static void test_load_unsorted_map_lowest_wins(void **state)
{
    struct bzimage_info k = kinfo();
    static const struct e820_entry e[] = {
        {3 * GB, 512 * MB, E820_RAM},
        {512 * MB, 512 * MB, E820_RAM},
        {256 * MB, 16 * MB, E820_RAM}, /* too small */
    };
    uint64_t addr = 0;

    (void)state;
    assert_int_equal(linux_choose_load_addr(&k, e, 3, NULL, 0, &addr), 0);
    assert_int_equal(addr, 512 * MB);
}

static void test_load_4g_limit(void **state)
{
    struct bzimage_info k = kinfo();
    static const struct e820_entry e[] = {
        {0x100000, 15 * MB, E820_RAM}, {4 * GB - 32 * MB, 4 * GB, E820_RAM}, /* crosses 4 GiB */
    };
    uint64_t addr = 0;

    (void)state;
    /* Allowed above 4 GiB: the lowest fit, which crosses 4 GiB. */
    assert_int_equal(linux_choose_load_addr(&k, e, 2, NULL, 0, &addr), 0);
    assert_int_equal(addr, 4 * GB - 32 * MB);
    /* Not allowed: the area must end at or below 4 GiB. */
    k.xloadflags = XLF_KERNEL_64;
    assert_int_equal(linux_choose_load_addr(&k, e, 2, NULL, 0, &addr), -1);
    k.init_size = 32 * MB;
    assert_int_equal(linux_choose_load_addr(&k, e, 2, NULL, 0, &addr), 0);
    assert_int_equal(addr, 4 * GB - 32 * MB);
}

static void test_load_top_of_address_space(void **state)
{
    struct bzimage_info k = kinfo();
    static const struct e820_entry e[] = {
        {UINT64_MAX - 64 * MB + 1, 64 * MB, E820_RAM},
    };
    struct mem_avoid av = {UINT64_MAX - 32 * MB, UINT64_MAX}; /* wraps: clamped */
    uint64_t addr = 0;

    (void)state;
    k.pref_address = UINT64_MAX - 2 * MB + 1;
    assert_int_equal(linux_choose_load_addr(&k, e, 1, NULL, 0, &addr), 0);
    assert_int_equal(addr, UINT64_MAX - 64 * MB + 1);
    assert_int_equal(linux_choose_load_addr(&k, e, 1, &av, 1, &addr), -1);
}

static void test_load_bad_args(void **state)
{
    struct bzimage_info k = kinfo();
    uint64_t addr;

    (void)state;
    assert_int_equal(linux_choose_load_addr(NULL, pc_map, 3, NULL, 0, &addr), -1);
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 0, NULL), -1);
    assert_int_equal(linux_choose_load_addr(&k, NULL, 3, NULL, 0, &addr), -1);
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 1, &addr), -1);
    k.kernel_alignment = 3 * MB;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 0, &addr), -1);
    k = kinfo();
    k.init_size = 0;
    assert_int_equal(linux_choose_load_addr(&k, pc_map, 3, NULL, 0, &addr), -1);
}

/* ---- linux_build_zero_page ------------------------------------------------- */

static uint8_t zp[4096 + 64];

struct zp_case {
    struct bzimage_info k;
    struct linux_boot_params_in in;
    struct e820_entry e820[LINUX_E820_MAX_ENTRIES + 1];
};

/* A synthetic image whose whole setup header, apart from the fields the
 * parser checks, is pattern bytes; and inputs to match. */
static void zp_setup(struct zp_case *c)
{
    struct img_opts o = default_opts();
    size_t size = build_img(&o);

    for (size_t off = 0x1f1; off < 0x290; off++)
        img[off] = (uint8_t)(0x80 + off);
    o.jump_offset = 0x6a;
    /* Re-apply the checked fields over the pattern. */
    wr8(img, 0x1f1, o.setup_sects);
    wr32(img, 0x1f4, o.syssize);
    wr16(img, 0x1fe, 0xaa55);
    wr8(img, 0x201, o.jump_offset);
    memcpy(img + 0x202, "HdrS", 4);
    wr16(img, 0x206, o.protocol);
    wr32(img, 0x22c, o.initrd_addr_max);
    wr32(img, 0x230, o.kernel_alignment);
    wr16(img, 0x236, o.xloadflags);
    wr32(img, 0x238, o.cmdline_size);
    wr32(img, 0x260, o.init_size);
    wr8(img, 0x211, 0xff); /* every loadflag set in the file */
    assert_int_equal(parse(size, &c->k), 0);

    memset(&c->in, 0, sizeof(c->in));
    c->in.kernel_file = img;
    c->in.k = &c->k;
    c->in.cmdline_pa = 0x12345678000ULL;
    c->in.cmdline_len = 100;
    c->in.initrd_pa = 0x9abcdef01000ULL;
    c->in.initrd_size = 0x123456789ULL;
    c->in.acpi_rsdp = 0xfedcba9876543210ULL;
    for (size_t i = 0; i < LINUX_E820_MAX_ENTRIES + 1; i++) {
        c->e820[i].addr = 0x1000000000ULL * i + 0x11;
        c->e820[i].size = 0x22000 + i;
        c->e820[i].type = (uint32_t)(0x33000000 + i);
    }
    c->in.e820 = c->e820;
    c->in.e820_count = 3;
    memset(zp, 0xaa, sizeof(zp));
}

static int build_zp(struct zp_case *c)
{
    errbuf[0] = 0;
    return linux_build_zero_page(zp, &c->in, errbuf, sizeof(errbuf));
}

static void assert_zp_rejected(struct zp_case *c, const char *needle)
{
    assert_int_equal(build_zp(c), -1);
    if (!strstr(errbuf, needle))
        fail_msg("message \"%s\" lacks \"%s\"", errbuf, needle);
    assert_true(strncmp(errbuf, "zero page: ", 11) == 0);
}

/* The offsets, inside the setup header, of the fields the loader sets. */
static bool loader_field(size_t off)
{
    return off == 0x210 || off == 0x211 ||  /* type_of_loader, loadflags */
           (off >= 0x218 && off < 0x220) || /* ramdisk_image, ramdisk_size */
           (off >= 0x224 && off < 0x22c) || /* heap_end_ptr, ext_loader_*, cmd_line_ptr */
           (off >= 0x23c && off < 0x248) || /* hardware_subarch(_data) */
           (off >= 0x250 && off < 0x258);   /* setup_data */
}

static void test_zp_header_copied_verbatim(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    assert_int_equal(build_zp(&c), 0);
    for (size_t off = 0x1f1; off < 0x26c; off++) {
        if (!loader_field(off) && zp[off] != img[off])
            fail_msg("header byte 0x%zx: 0x%02x, file has 0x%02x", off, zp[off], img[off]);
    }
    /* Nothing after the header's end is copied. */
    for (size_t off = 0x26c; off < 0x290; off++)
        assert_int_equal(zp[off], 0);
    /* Before the header: zero except the fields outside it we set. */
    for (size_t off = 0; off < 0x1f1; off++) {
        bool ours = (off >= 0x70 && off < 0x78) || (off >= 0xc0 && off < 0xcc) || off == 0x1e8;

        if (!ours && zp[off] != 0)
            fail_msg("byte 0x%zx is 0x%02x, not zero", off, zp[off]);
    }
    /* After the e820 entries: zero to the end of the page, and not beyond. */
    for (size_t off = 0x2d0 + 3 * 20; off < 4096; off++)
        assert_int_equal(zp[off], 0);
    for (size_t off = 4096; off < sizeof(zp); off++)
        assert_int_equal(zp[off], 0xaa);
}

static void test_zp_header_length_follows_file(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    /* A 2.12 header ends at 0x268: what follows in the file is not header. */
    wr8(img, 0x201, 0x66);
    c.k.setup_header_end = 0x268;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x264), rd32(img, 0x264));
    for (size_t off = 0x268; off < 0x290; off++)
        assert_int_equal(zp[off], 0);
    /* A damaged bzimage_info is refused rather than overrunning the header. */
    c.k.setup_header_end = 0x291;
    assert_zp_rejected(&c, "setup header");
    c.k.setup_header_end = 0x1f0;
    assert_zp_rejected(&c, "setup header");
}

static void test_zp_loader_fields(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(zp[0x210], 0xff);
    /* File had 0xff: QUIET (bit 5) kept, LOADED_HIGH set, the rest cleared. */
    assert_int_equal(zp[0x211], 0x21);
    assert_int_equal(rd16(zp, 0x224), 0); /* heap_end_ptr */
    assert_int_equal(zp[0x226], 0);
    assert_int_equal(zp[0x227], 0);
    assert_int_equal(rd32(zp, 0x23c), 0);
    assert_int_equal(rd64(zp, 0x240), 0);
    assert_int_equal(rd64(zp, 0x250), 0); /* setup_data: none */

    /* A file with no loadflags at all still gets LOADED_HIGH. */
    wr8(img, 0x211, 0);
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(zp[0x211], 0x01);
}

static void test_zp_cmdline_pointer(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x228), 0x45678000);
    assert_int_equal(rd32(zp, 0x0c8), 0x123);
    c.in.cmdline_pa = 0x8000;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x228), 0x8000);
    assert_int_equal(rd32(zp, 0x0c8), 0);
}

static void test_zp_ramdisk_fields(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x218), 0xdef01000);
    assert_int_equal(rd32(zp, 0x21c), 0x23456789);
    assert_int_equal(rd32(zp, 0x0c0), 0x9abc);
    assert_int_equal(rd32(zp, 0x0c4), 0x1);
}

static void test_zp_no_initrd(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    c.in.initrd_size = 0; /* the address is then ignored */
    wr32(img, 0x218, 0xffffffff);
    wr32(img, 0x21c, 0xffffffff);
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x218), 0);
    assert_int_equal(rd32(zp, 0x21c), 0);
    assert_int_equal(rd32(zp, 0x0c0), 0);
    assert_int_equal(rd32(zp, 0x0c4), 0);
    /* An initrd at 0 would read as "no initrd" to the kernel. */
    c.in.initrd_size = 4096;
    c.in.initrd_pa = 0;
    assert_zp_rejected(&c, "initrd at address 0");
}

static void test_zp_e820_table(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(zp[0x1e8], 3);
    for (size_t i = 0; i < 3; i++) {
        size_t off = 0x2d0 + 20 * i;

        assert_int_equal(rd64(zp, off), 0x1000000000ULL * i + 0x11);
        assert_int_equal(rd64(zp, off + 8), 0x22000 + i);
        assert_int_equal(rd32(zp, off + 16), 0x33000000 + i);
    }
    assert_int_equal(rd64(zp, 0x2d0 + 60), 0);
}

static void test_zp_e820_128_max(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    c.in.e820_count = 128;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(zp[0x1e8], 128);
    /* The last one ends exactly at 0xcd0. */
    assert_int_equal(rd64(zp, 0x2d0 + 127 * 20), 0x1000000000ULL * 127 + 0x11);
    assert_int_equal(rd32(zp, 0xcd0 - 4), 0x33000000 + 127);
    assert_int_equal(zp[0xcd0], 0);

    c.in.e820_count = 129;
    assert_zp_rejected(&c, "SETUP_E820_EXT");
    assert_non_null(strstr(errbuf, "129"));
    c.in.e820_count = 0;
    assert_zp_rejected(&c, "no e820");
    c.in.e820_count = 3;
    c.in.e820 = NULL;
    assert_zp_rejected(&c, "no e820");
}

static void test_zp_acpi_rsdp(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd64(zp, 0x070), 0xfedcba9876543210ULL);
    c.k.protocol = 0x020e;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd64(zp, 0x070), 0xfedcba9876543210ULL);
    /* Older kernels have padding there. */
    c.k.protocol = 0x020d;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd64(zp, 0x070), 0);
    c.k.protocol = 0x020f;
    c.in.acpi_rsdp = 0;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd64(zp, 0x070), 0);
}

static void test_zp_initrd_addr_max(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    c.k.xloadflags = XLF_KERNEL_64;
    c.in.cmdline_pa = 0x20000;
    /* Last byte exactly at initrd_addr_max: fine. */
    c.in.initrd_pa = 0x70000000;
    c.in.initrd_size = 0x10000000;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x218), 0x70000000);
    assert_int_equal(rd32(zp, 0x0c0), 0);
    /* One byte more: rejected. */
    c.in.initrd_size = 0x10000001;
    assert_zp_rejected(&c, "initrd_addr_max");
    assert_non_null(strstr(errbuf, "0x80000000"));
    /* Above 4 GiB without XLF_CAN_BE_LOADED_ABOVE_4G: rejected. */
    c.in.initrd_pa = 0x100000000ULL;
    c.in.initrd_size = 4096;
    assert_zp_rejected(&c, "initrd_addr_max");
    /* With the flag anything goes. */
    c.k.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x0c0), 1);
}

static void test_zp_cmdline_length(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    c.in.cmdline_len = 0x7ff; /* cmdline_size excludes the NUL */
    assert_int_equal(build_zp(&c), 0);
    c.in.cmdline_len = 0x800;
    assert_zp_rejected(&c, "command line of 2048 bytes");
    /* No command line at all. */
    c.in.cmdline_len = 0;
    c.in.cmdline_pa = 0;
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x228), 0);
    c.in.cmdline_len = 1;
    assert_zp_rejected(&c, "command line at address 0");
}

static void test_zp_cmdline_above_4g(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    c.k.xloadflags = XLF_KERNEL_64;
    c.in.initrd_pa = 0x10000000;
    c.in.initrd_size = 4096;
    /* Its NUL is the last byte below 4 GiB: fine. */
    c.in.cmdline_pa = 0x100000000ULL - 101;
    assert_int_equal(build_zp(&c), 0);
    c.in.cmdline_pa++;
    assert_zp_rejected(&c, "command line above 4 GiB");
}

static void test_zp_wrapping_ranges(void **state)
{
    struct zp_case c;

    (void)state;
    zp_setup(&c);
    c.in.initrd_pa = UINT64_MAX - 4095;
    c.in.initrd_size = 4096; /* its exclusive end would be 2^64 */
    assert_zp_rejected(&c, "initrd wraps");
    c.in.initrd_size = 4095; /* ends at the last byte: fine */
    assert_int_equal(build_zp(&c), 0);
    assert_int_equal(rd32(zp, 0x0c0), 0xffffffff);
    c.in.cmdline_pa = UINT64_MAX - 100; /* its NUL would be at 2^64 */
    assert_zp_rejected(&c, "command line wraps");
}

static void test_zp_bad_args(void **state)
{
    struct zp_case c;
    struct linux_boot_params_in in;

    (void)state;
    zp_setup(&c);
    assert_int_equal(linux_build_zero_page(NULL, &c.in, errbuf, sizeof(errbuf)), -1);
    assert_int_equal(linux_build_zero_page(zp, NULL, errbuf, sizeof(errbuf)), -1);
    in = c.in;
    in.kernel_file = NULL;
    assert_int_equal(linux_build_zero_page(zp, &in, errbuf, sizeof(errbuf)), -1);
    in = c.in;
    in.k = NULL;
    assert_int_equal(linux_build_zero_page(zp, &in, NULL, 0), -1);
    /* A rejection leaves the page as it was. */
    for (size_t i = 0; i < 4096; i++)
        assert_int_equal(zp[i], 0xaa);
}

/* ---- GDT, page tables, entry state ------------------------------------------ */

static void test_gdt(void **state)
{
    uint8_t gdt[40];

    (void)state;
    memset(gdt, 0xcc, sizeof(gdt));
    linux_build_boot_gdt(gdt);
    assert_int_equal(rd64(gdt, 0x00), 0);
    assert_int_equal(rd64(gdt, 0x08), 0);
    assert_int_equal(rd64(gdt, 0x10), 0x00af9a000000ffffULL);
    assert_int_equal(rd64(gdt, 0x18), 0x00cf92000000ffffULL);
    assert_int_equal(rd64(gdt, 0x20), 0xccccccccccccccccULL);
    assert_int_equal(LINUX_BOOT_CS, 0x10);
    assert_int_equal(LINUX_BOOT_DS, 0x18);
}

static void test_gdt_unaligned_buffer(void **state)
{
    uint8_t gdt[40];

    (void)state;
    memset(gdt, 0xcc, sizeof(gdt));
    linux_build_boot_gdt(gdt + 3);
    assert_int_equal(rd64(gdt, 3 + 0x10), 0x00af9a000000ffffULL);
    assert_int_equal(rd64(gdt, 3 + 0x18), 0x00cf92000000ffffULL);
    assert_int_equal(gdt[2], 0xcc);
    assert_int_equal(gdt[35], 0xcc);
}

/* Walk the tables in @buf (seen by the guest at @buf_pa) for @va; returns
 * the leaf entry, or 0 where nothing is mapped. */
static uint64_t walk(const uint8_t *buf, uint64_t buf_pa, size_t size, uint64_t cr3, uint64_t va)
{
    uint64_t e = 0, table = cr3;
    static const int shifts[] = {39, 30, 21};

    for (int lvl = 0; lvl < 3; lvl++) {
        uint64_t off = table - buf_pa + ((va >> shifts[lvl]) & 511) * 8;

        assert_true(table >= buf_pa && off + 8 <= size);
        e = rd64(buf, off);
        if (!(e & 1))
            return 0;
        if (lvl < 2) {
            assert_int_equal(e & 0xfff, 0x003); /* P|RW, no PS, no caching bits */
            table = e & 0x000ffffffffff000ULL;
        }
    }
    return e;
}

static void check_identity(const uint8_t *buf, uint64_t buf_pa, size_t size, uint64_t cr3,
                           uint64_t top)
{
    for (uint64_t a = 0; a < top; a += 2 * MB) {
        uint64_t e = walk(buf, buf_pa, size, cr3, a);

        if (e != (a | 0x83))
            fail_msg("0x%llx maps as 0x%llx", (unsigned long long)a, (unsigned long long)e);
    }
    assert_int_equal(walk(buf, buf_pa, size, cr3, top), 0);
}

static void test_page_tables_4g(void **state)
{
    size_t size = 6 * 4096;
    uint8_t *buf = malloc(size + 64);
    uint64_t cr3 = 0;

    (void)state;
    assert_non_null(buf);
    assert_int_equal(linux_boot_page_tables_size(0), size);
    assert_int_equal(linux_boot_page_tables_size(4 * GB), size);
    memset(buf, 0xcc, size + 64);
    assert_int_equal(linux_build_boot_page_tables(buf, 0x9000, size, 0, &cr3), 0);
    assert_int_equal(cr3, 0x9000);
    assert_int_equal(rd64(buf, 0), 0xa003); /* PML4[0] -> PDPT */
    for (size_t i = 1; i < 512; i++)
        assert_int_equal(rd64(buf, i * 8), 0); /* the rest absent */
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(rd64(buf, 4096 + i * 8), 0xb003 + i * 0x1000);
    for (size_t i = 4; i < 512; i++)
        assert_int_equal(rd64(buf, 4096 + i * 8), 0);
    check_identity(buf, 0x9000, size, cr3, 4 * GB);
    for (size_t i = size; i < size + 64; i++)
        assert_int_equal(buf[i], 0xcc);
    free(buf);
}

static void test_page_tables_above_4g(void **state)
{
    uint64_t top = 5 * GB + 1; /* needs a sixth GiB */
    size_t size = linux_boot_page_tables_size(top);
    uint8_t *buf;
    uint64_t cr3 = 0, pa = 0x123456000ULL;

    (void)state;
    assert_int_equal(size, 8 * 4096);
    assert_int_equal(linux_boot_page_tables_size(6 * GB), 8 * 4096);
    assert_int_equal(linux_boot_page_tables_size(6 * GB + 1), 9 * 4096);
    buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(linux_build_boot_page_tables(buf, pa, size, top, &cr3), 0);
    assert_int_equal(cr3, pa);
    check_identity(buf, pa, size, cr3, 6 * GB);
    free(buf);
}

static void test_page_tables_512g(void **state)
{
    size_t size = linux_boot_page_tables_size(512 * GB);
    uint8_t *buf;
    uint64_t cr3 = 0;

    (void)state;
    assert_int_equal(size, 514 * 4096);
    assert_int_equal(linux_boot_page_tables_size(512 * GB + 1), 0);
    buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(linux_build_boot_page_tables(buf, 0x200000, size, 512 * GB, &cr3), 0);
    /* Every 2 MiB is 262144 walks: sample the ends of every GiB instead. */
    for (uint64_t g = 0; g < 512; g++) {
        uint64_t a = g * GB;

        assert_int_equal(walk(buf, 0x200000, size, cr3, a), a | 0x83);
        assert_int_equal(walk(buf, 0x200000, size, cr3, a + GB - 1), (a + GB - 2 * MB) | 0x83);
    }
    assert_int_equal(linux_build_boot_page_tables(buf, 0x200000, size, 512 * GB + 1, &cr3), -1);
    free(buf);
}

static void test_page_tables_errors(void **state)
{
    uint8_t *buf = malloc(7 * 4096);
    uint64_t cr3 = 0x77;

    (void)state;
    assert_non_null(buf);
    memset(buf, 0xcc, 7 * 4096);
    /* One byte short. */
    assert_int_equal(linux_build_boot_page_tables(buf, 0x9000, 6 * 4096 - 1, 0, &cr3), -1);
    /* Five GiB do not fit in six pages. */
    assert_int_equal(linux_build_boot_page_tables(buf, 0x9000, 6 * 4096, 5 * GB, &cr3), -1);
    /* Not page aligned. */
    assert_int_equal(linux_build_boot_page_tables(buf, 0x9800, 7 * 4096, 0, &cr3), -1);
    /* The tables would run past 2^64. */
    assert_int_equal(linux_build_boot_page_tables(buf, UINT64_MAX - 4095, 7 * 4096, 0, &cr3), -1);
    assert_int_equal(linux_build_boot_page_tables(NULL, 0x9000, 7 * 4096, 0, &cr3), -1);
    assert_int_equal(linux_build_boot_page_tables(buf, 0x9000, 7 * 4096, 0, NULL), -1);
    /* Failures leave both the buffer and *cr3 alone. */
    assert_int_equal(cr3, 0x77);
    for (size_t i = 0; i < 7 * 4096; i++)
        assert_int_equal(buf[i], 0xcc);
    free(buf);
}

static void test_entry_state(void **state)
{
    struct linux_entry_state st;

    (void)state;
    memset(&st, 0xcc, sizeof(st));
    linux_entry_state(0x1000000, 0x7000, 0x9000, 0x8000, &st);
    assert_int_equal(st.rip, 0x1000200);
    assert_int_equal(st.rsi, 0x7000);
    assert_int_equal(st.cr3, 0x9000);
    assert_int_equal(st.gdt_base, 0x8000);
    assert_int_equal(st.gdt_limit, 31);
    assert_int_equal(st.cs, 0x10);
    assert_int_equal(st.ds, 0x18);
    assert_int_equal(st.es, 0x18);
    assert_int_equal(st.ss, 0x18);
    /* Long mode with paging: PG|PE (and the NE/ET any modern CPU has). */
    assert_int_equal(st.cr0, 0x80000031ULL);
    assert_int_equal(st.cr4, 0x20);   /* PAE */
    assert_int_equal(st.efer, 0x500); /* LME|LMA */
    assert_int_equal(st.rflags, 0x2); /* IF clear */
    assert_int_equal(LINUX_ENTRY_OFFSET, 0x200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_setup_sects_zero_means_4),
        cmocka_unit_test(test_parse_exact_size_no_tail),
        cmocka_unit_test(test_parse_bad_boot_flag),
        cmocka_unit_test(test_parse_bad_magic),
        cmocka_unit_test(test_parse_old_protocol),
        cmocka_unit_test(test_parse_no_64bit_entry),
        cmocka_unit_test(test_parse_truncated),
        cmocka_unit_test(test_parse_every_prefix),
        cmocka_unit_test(test_parse_kernel_offset_beyond_file),
        cmocka_unit_test(test_parse_bad_alignment),
        cmocka_unit_test(test_parse_header_length),
        cmocka_unit_test(test_parse_init_size_too_small),
        cmocka_unit_test(test_parse_syssize_zero),
        cmocka_unit_test(test_parse_huge_syssize),
        cmocka_unit_test(test_parse_non_relocatable),
        cmocka_unit_test(test_parse_null_and_no_errbuf),
        cmocka_unit_test(test_debian_bzimage),
        cmocka_unit_test(test_e820_entry_layout),
        cmocka_unit_test(test_e820_every_type),
        cmocka_unit_test(test_e820_merges_equal_results),
        cmocka_unit_test(test_e820_truncated),
        cmocka_unit_test(test_e820_empty_and_null),
        cmocka_unit_test(test_e820_from_edited_memmap),
        cmocka_unit_test(test_load_pref_fits),
        cmocka_unit_test(test_load_pref_blocked_by_avoid),
        cmocka_unit_test(test_load_pref_blocked_chain_of_avoids),
        cmocka_unit_test(test_load_pref_blocked_by_hole),
        cmocka_unit_test(test_load_nothing_fits),
        cmocka_unit_test(test_load_not_across_entries),
        cmocka_unit_test(test_load_non_relocatable),
        cmocka_unit_test(test_load_unaligned_pref_ignored),
        cmocka_unit_test(test_load_prefers_16m_then_low),
        cmocka_unit_test(test_load_unsorted_map_lowest_wins),
        cmocka_unit_test(test_load_4g_limit),
        cmocka_unit_test(test_load_top_of_address_space),
        cmocka_unit_test(test_load_bad_args),
        cmocka_unit_test(test_zp_header_copied_verbatim),
        cmocka_unit_test(test_zp_header_length_follows_file),
        cmocka_unit_test(test_zp_loader_fields),
        cmocka_unit_test(test_zp_cmdline_pointer),
        cmocka_unit_test(test_zp_ramdisk_fields),
        cmocka_unit_test(test_zp_no_initrd),
        cmocka_unit_test(test_zp_e820_table),
        cmocka_unit_test(test_zp_e820_128_max),
        cmocka_unit_test(test_zp_acpi_rsdp),
        cmocka_unit_test(test_zp_initrd_addr_max),
        cmocka_unit_test(test_zp_cmdline_length),
        cmocka_unit_test(test_zp_cmdline_above_4g),
        cmocka_unit_test(test_zp_wrapping_ranges),
        cmocka_unit_test(test_zp_bad_args),
        cmocka_unit_test(test_gdt),
        cmocka_unit_test(test_gdt_unaligned_buffer),
        cmocka_unit_test(test_page_tables_4g),
        cmocka_unit_test(test_page_tables_above_4g),
        cmocka_unit_test(test_page_tables_512g),
        cmocka_unit_test(test_page_tables_errors),
        cmocka_unit_test(test_entry_state),
    };

    return cmocka_run_group_tests_name("linux_boot", tests, NULL, NULL);
}
