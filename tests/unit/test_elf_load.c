/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the hv.elf loader (boot/elf_load.c) on synthetic images built
 * here with the host's <elf.h>, which also cross-checks the loader's own ELF
 * declarations.  Files are heap buffers of their exact size, so ASan reports
 * any read past the end.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf_load.h"

#define MAX_SEGS 6
#define MAX_DYN  10
#define MAX_RELA 8
#define GiB      (1ULL << 30)

/* One program header of the image to build; file offsets are chosen by the builder. */
struct seg_spec {
    uint32_t type;
    uint32_t flags;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

/*
 * What build_image() lays out: the ELF header, the program headers (plus a
 * PT_DYNAMIC if ndyn > 0), the file bytes of each PT_LOAD (a recognisable
 * pattern, never zero), and the dynamic entries and RELA entries written over
 * that pattern at their link addresses, which must lie in a PT_LOAD's file bytes.
 */
struct img_spec {
    uint16_t e_type;
    uint64_t entry;
    unsigned nseg;
    struct seg_spec seg[MAX_SEGS];
    uint64_t dyn_vaddr;
    unsigned ndyn;
    Elf64_Dyn dyn[MAX_DYN];
    uint64_t rela_vaddr;
    unsigned nrela;
    Elf64_Rela rela[MAX_RELA];
};

struct img {
    uint8_t *file;
    size_t size;
    unsigned dyn_phdr; /* index of the added PT_DYNAMIC */
};

static char err[256];

static uint8_t pattern(unsigned seg, uint64_t i)
{
    return (uint8_t)(0x21 + seg * 0x40 + i * 7) | 1;
}

/* Each PT_LOAD's file bytes start on their own page, after the headers. */
static uint64_t seg_file_offset(unsigned seg)
{
    return 0x1000 * (uint64_t)(seg + 1);
}

/* File offset of @len bytes at link address @vaddr; fails unless a PT_LOAD's file bytes hold them.
 */
static uint64_t file_offset_of(const struct img_spec *s, uint64_t vaddr, uint64_t len)
{
    for (unsigned i = 0; i < s->nseg; i++) {
        const struct seg_spec *g = &s->seg[i];

        if (g->type == PT_LOAD && vaddr >= g->vaddr && vaddr + len <= g->vaddr + g->filesz)
            return seg_file_offset(i) + (vaddr - g->vaddr);
    }
    fail_msg("builder: %#llx+%#llx is not in a PT_LOAD's file bytes", (unsigned long long)vaddr,
             (unsigned long long)len);
    return 0;
}

static struct img build_image(const struct img_spec *s)
{
    struct img im = {0};
    unsigned nphdr = s->nseg + (s->ndyn > 0);
    size_t size = sizeof(Elf64_Ehdr) + nphdr * sizeof(Elf64_Phdr);
    Elf64_Ehdr eh = {0};

    assert_true(nphdr <= MAX_SEGS + 1);
    for (unsigned i = 0; i < s->nseg; i++) {
        if (s->seg[i].type == PT_LOAD && seg_file_offset(i) + s->seg[i].filesz > size)
            size = seg_file_offset(i) + s->seg[i].filesz;
    }
    im.size = size;
    im.file = calloc(1, size);
    assert_non_null(im.file);

    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = s->e_type;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = s->entry;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (uint16_t)nphdr;
    memcpy(im.file, &eh, sizeof(eh));

    for (unsigned i = 0; i < s->nseg; i++) {
        const struct seg_spec *g = &s->seg[i];
        Elf64_Phdr ph = {
            .p_type = g->type,
            .p_flags = g->flags,
            .p_offset = g->type == PT_LOAD ? seg_file_offset(i) : 0,
            .p_vaddr = g->vaddr,
            .p_paddr = g->vaddr,
            .p_filesz = g->filesz,
            .p_memsz = g->memsz,
            .p_align = g->align,
        };

        memcpy(im.file + eh.e_phoff + i * sizeof(ph), &ph, sizeof(ph));
        if (g->type == PT_LOAD) {
            for (uint64_t b = 0; b < g->filesz; b++)
                im.file[ph.p_offset + b] = pattern(i, b);
        }
    }

    if (s->ndyn > 0) {
        uint64_t len = s->ndyn * sizeof(Elf64_Dyn);
        Elf64_Phdr ph = {
            .p_type = PT_DYNAMIC,
            .p_flags = PF_R | PF_W,
            .p_offset = file_offset_of(s, s->dyn_vaddr, len),
            .p_vaddr = s->dyn_vaddr,
            .p_paddr = s->dyn_vaddr,
            .p_filesz = len,
            .p_memsz = len,
            .p_align = 8,
        };

        im.dyn_phdr = s->nseg;
        memcpy(im.file + eh.e_phoff + s->nseg * sizeof(ph), &ph, sizeof(ph));
        memcpy(im.file + ph.p_offset, s->dyn, len);
    }
    if (s->nrela > 0) {
        uint64_t len = s->nrela * sizeof(Elf64_Rela);

        memcpy(im.file + file_offset_of(s, s->rela_vaddr, len), s->rela, len);
    }
    return im;
}

static void free_image(struct img *im)
{
    free(im->file);
    im->file = NULL;
}

/* The builder aligns headers to 8 and callers pass in-bounds indices. */
static Elf64_Ehdr *ehdr(struct img *im)
{
    return (Elf64_Ehdr *)im->file;
}

static Elf64_Phdr *phdr(struct img *im, unsigned i)
{
    return (Elf64_Phdr *)(im->file + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr));
}

static Elf64_Rela relative(uint64_t offset, int64_t addend)
{
    return (Elf64_Rela){offset, ELF64_R_INFO(0, R_X86_64_RELATIVE), addend};
}

#define SPAN      0x4000ULL /* of good_spec() */
#define RELA_AT   0x1200ULL
#define DYN_AT    0x1100ULL
#define RELA_SIZE (4 * sizeof(Elf64_Rela))

/*
 * A small static PIE: code [0, 0x800), data [0x1000, 0x1400) with BSS to
 * 0x3800 (span 0x4000), the dynamic section and the RELA table inside the
 * data.  Relocations: an aligned one in data, a NONE, an unaligned one in the
 * BSS, and one in the last 8 bytes of the span.
 */
static struct img_spec good_spec(void)
{
    struct img_spec s = {
        .e_type = ET_DYN,
        .entry = 0x40,
        .nseg = 2,
        .seg =
            {
                {PT_LOAD, PF_R | PF_X, 0x0, 0x800, 0x800, 0x1000},
                {PT_LOAD, PF_R | PF_W, 0x1000, 0x400, 0x2800, 0x200000},
            },
        .dyn_vaddr = DYN_AT,
        .ndyn = 4,
        .dyn =
            {
                {DT_RELA, {RELA_AT}},
                {DT_RELASZ, {RELA_SIZE}},
                {DT_RELAENT, {sizeof(Elf64_Rela)}},
                {DT_NULL, {0}},
            },
        .rela_vaddr = RELA_AT,
        .nrela = 4,
    };

    s.rela[0] = relative(0x1000, 0x40);
    s.rela[1] = (Elf64_Rela){0x1008, ELF64_R_INFO(0, R_X86_64_NONE), 0x777};
    s.rela[2] = relative(0x2001, 0x123);
    s.rela[3] = relative(SPAN - 8, 0x800);
    return s;
}

/* A good_spec() without dynamic section: nothing to relocate. */
static struct img_spec plain_spec(void)
{
    struct img_spec s = good_spec();

    s.ndyn = 0;
    s.nrela = 0;
    return s;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static void expect_inspect_error(struct img *im, const char *what)
{
    struct elf_image_info info;

    memset(err, 'X', sizeof(err));
    assert_int_equal(elf_inspect(im->file, im->size, &info, err, sizeof(err)), -1);
    assert_non_null(memchr(err, '\0', sizeof(err)));
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void expect_spec_rejected(const struct img_spec *s, const char *what)
{
    struct img im = build_image(s);

    expect_inspect_error(&im, what);
    free_image(&im);
}

/* Inspects and loads @im at @base into a fresh buffer; returns it (free it) or fails. */
static uint8_t *load_ok(struct img *im, uint64_t base, struct elf_image_info *info)
{
    uint8_t *dest;

    if (elf_inspect(im->file, im->size, info, err, sizeof(err)) != 0)
        fail_msg("inspect: %s", err);
    dest = malloc(info->span);
    assert_non_null(dest);
    memset(dest, 0xcc, info->span); /* elf_load must zero it */
    if (elf_load(im->file, im->size, info, dest, base, err, sizeof(err)) != 0)
        fail_msg("load: %s", err);
    return dest;
}

/* Inspection passes but loading is refused with a message containing @what. */
static void expect_load_error(const struct img_spec *s, const char *what)
{
    struct img im = build_image(s);
    struct elf_image_info info;
    uint8_t *dest;

    if (elf_inspect(im.file, im.size, &info, err, sizeof(err)) != 0)
        fail_msg("inspect: %s", err);
    dest = malloc(info.span);
    assert_non_null(dest);
    memset(err, 'X', sizeof(err));
    assert_int_equal(elf_load(im.file, im.size, &info, dest, 0x200000, err, sizeof(err)), -1);
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
    free(dest);
    free_image(&im);
}

static void test_good_image_inspected(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;

    (void)state;
    assert_int_equal(elf_inspect(im.file, im.size, &info, err, sizeof(err)), 0);
    assert_int_equal(info.span, SPAN);
    assert_int_equal(info.entry, 0x40);
    assert_int_equal(info.max_align, 0x200000);
    free_image(&im);
}

static void test_span_is_page_rounded(void **state)
{
    struct img_spec s = plain_spec();
    struct img im;
    struct elf_image_info info;

    (void)state;
    s.seg[1].memsz = 0x2001; /* ends at 0x3001 */
    im = build_image(&s);
    assert_int_equal(elf_inspect(im.file, im.size, &info, err, sizeof(err)), 0);
    assert_int_equal(info.span, 0x4000);
    free_image(&im);

    s.seg[1].memsz = 0x3000; /* ends exactly at 0x4000 */
    im = build_image(&s);
    assert_int_equal(elf_inspect(im.file, im.size, &info, err, sizeof(err)), 0);
    assert_int_equal(info.span, 0x4000);
    free_image(&im);
}

static void test_bytes_land_and_bss_zeroed(void **state)
{
    struct img_spec s = plain_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    uint8_t *dest = load_ok(&im, 0x200000, &info);

    (void)state;
    assert_memory_equal(dest, im.file + phdr(&im, 0)->p_offset, 0x800);
    assert_memory_equal(dest + 0x1000, im.file + phdr(&im, 1)->p_offset, 0x400);
    for (uint64_t a = 0x800; a < 0x1000; a++)
        assert_int_equal(dest[a], 0); /* gap between the segments */
    for (uint64_t a = 0x1400; a < SPAN; a++)
        assert_int_equal(dest[a], 0); /* BSS and the page-rounding tail */
    free(dest);
    free_image(&im);
}

static void check_relocated(uint64_t base)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    uint8_t *dest = load_ok(&im, base, &info);
    const uint8_t *data = im.file + phdr(&im, 1)->p_offset;

    assert_int_equal(get_u64(dest + 0x1000), base + 0x40);
    assert_int_equal(get_u64(dest + 0x2001), base + 0x123);
    assert_int_equal(get_u64(dest + SPAN - 8), base + 0x800);
    /* The NONE entry leaves its target alone; untouched data is the file's. */
    assert_memory_equal(dest + 0x1008, data + 0x8, 0xf8);
    assert_int_equal(dest[0x2000], 0);
    assert_int_equal(dest[0x2009], 0);
    free(dest);
    free_image(&im);
}

static void test_relocated_at_2mib(void **state)
{
    (void)state;
    check_relocated(0x200000);
}

static void test_relocated_at_high_base(void **state)
{
    (void)state;
    check_relocated(0x3fe00000000ULL);
}

static void test_negative_addend(void **state)
{
    struct img_spec s = good_spec();
    struct img im;
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    s.rela[0].r_addend = -0x10;
    im = build_image(&s);
    dest = load_ok(&im, 0x200000, &info);
    assert_int_equal(get_u64(dest + 0x1000), 0x200000 - 0x10);
    free(dest);
    free_image(&im);
}

static void test_none_skipped(void **state)
{
    struct img_spec s = good_spec();
    struct img im;
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    /* A NONE pointing far outside the image must not even be range-checked. */
    s.rela[1].r_offset = UINT64_MAX;
    im = build_image(&s);
    dest = load_ok(&im, 0x200000, &info);
    assert_int_equal(get_u64(dest + 0x1000), 0x200000 + 0x40);
    free(dest);
    free_image(&im);
}

static void test_no_dynamic_is_fine(void **state)
{
    struct img_spec s = plain_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    uint8_t *dest = load_ok(&im, 0x200000, &info);

    (void)state;
    assert_memory_equal(dest + 0x1000, im.file + phdr(&im, 1)->p_offset, 0x400);
    free(dest);
    free_image(&im);
}

static void test_empty_rela_table(void **state)
{
    struct img_spec s = good_spec();
    struct img im;
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    s.dyn[1].d_un.d_val = 0;
    im = build_image(&s);
    dest = load_ok(&im, 0x200000, &info);
    assert_int_equal(dest[0x2001], 0); /* the table was not applied */
    free(dest);
    free_image(&im);
}

static void test_exec_linked_at_zero(void **state)
{
    struct img_spec s = good_spec();
    struct img im;
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    s.e_type = ET_EXEC;
    im = build_image(&s);
    dest = load_ok(&im, 0x200000, &info);
    assert_int_equal(get_u64(dest + 0x1000), 0x200000 + 0x40);
    free(dest);
    free_image(&im);
}

static void test_exec_linked_elsewhere(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.e_type = ET_EXEC;
    s.seg[0].vaddr = 0x400000;
    s.seg[1].vaddr = 0x401000;
    s.entry = 0x400040;
    expect_spec_rejected(&s, "ET_EXEC linked at 0x400000");
}

static void test_adjacent_segments(void **state)
{
    struct img_spec s = plain_spec();
    struct img im;
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    s.seg[1].vaddr = 0x800; /* right after the code */
    im = build_image(&s);
    dest = load_ok(&im, 0x200000, &info);
    assert_memory_equal(dest + 0x800, im.file + phdr(&im, 1)->p_offset, 0x400);
    free(dest);
    free_image(&im);
}

static void test_bad_magic(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    im.file[EI_MAG1] = 'e';
    expect_inspect_error(&im, "bad magic");
    free_image(&im);
}

static void test_file_too_small(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    uint8_t *small = malloc(sizeof(Elf64_Ehdr) - 1);

    (void)state;
    assert_non_null(small);
    memcpy(small, im.file, sizeof(Elf64_Ehdr) - 1);
    assert_int_equal(elf_inspect(small, sizeof(Elf64_Ehdr) - 1, &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too small"));
    assert_int_equal(elf_inspect(small, 0, &info, err, sizeof(err)), -1);
    free(small);
    free_image(&im);
}

static void test_class32(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    im.file[EI_CLASS] = ELFCLASS32;
    expect_inspect_error(&im, "not a 64-bit ELF (class 1)");
    free_image(&im);
}

static void test_big_endian(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    im.file[EI_DATA] = ELFDATA2MSB;
    expect_inspect_error(&im, "not a little-endian ELF");
    free_image(&im);
}

static void test_bad_version(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    ehdr(&im)->e_version = 2;
    expect_inspect_error(&im, "unknown ELF version");
    free_image(&im);
}

static void test_wrong_machine(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    ehdr(&im)->e_machine = EM_AARCH64;
    expect_inspect_error(&im, "not an x86-64 ELF (machine 183)");
    free_image(&im);
}

static void test_et_rel(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.e_type = ET_REL;
    expect_spec_rejected(&s, "not an executable (ELF type 1");
}

static void test_phoff_outside_file(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    ehdr(&im)->e_phoff = im.size - sizeof(Elf64_Phdr);
    expect_inspect_error(&im, "program headers (offset");
    ehdr(&im)->e_phoff = UINT64_MAX - 8;
    expect_inspect_error(&im, "extend past the end of the file");
    free_image(&im);
}

static void test_phnum_huge(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    ehdr(&im)->e_phnum = 0xffff;
    expect_inspect_error(&im, "65535 entries) extend past the end of the file");
    free_image(&im);
}

static void test_phnum_over_cap(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    ehdr(&im)->e_phnum = 129; /* the table still fits in the file */
    assert_true(sizeof(Elf64_Ehdr) + 129 * sizeof(Elf64_Phdr) <= im.size);
    expect_inspect_error(&im, "too many program headers (129");
    free_image(&im);
}

static void test_phnum_zero(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    ehdr(&im)->e_phnum = 0;
    expect_inspect_error(&im, "no program headers");
    free_image(&im);
}

static void test_wrong_phentsize(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);

    (void)state;
    ehdr(&im)->e_phentsize = sizeof(Elf64_Phdr) - 8;
    expect_inspect_error(&im, "program header size 48, expected 56");
    free_image(&im);
}

static void test_no_load_segment(void **state)
{
    struct img_spec s = plain_spec();
    struct img im = build_image(&s);

    (void)state;
    phdr(&im, 0)->p_type = PT_NOTE;
    phdr(&im, 1)->p_type = PT_GNU_STACK;
    expect_inspect_error(&im, "no PT_LOAD segment");
    free_image(&im);
}

static void test_filesz_over_memsz(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.seg[1].memsz = s.seg[1].filesz - 1;
    expect_spec_rejected(&s, "program header 1: p_filesz 0x400 exceeds p_memsz 0x3ff");
}

static void test_segment_past_file_end(void **state)
{
    struct img_spec s = plain_spec();
    struct img im = build_image(&s);

    (void)state;
    phdr(&im, 1)->p_filesz += 1; /* segment 1 ends exactly at the end of the file */
    phdr(&im, 1)->p_memsz += 1;
    expect_inspect_error(&im, "program header 1: file bytes at offset 0x2000 size 0x401 extend");
    phdr(&im, 1)->p_filesz -= 1;
    phdr(&im, 1)->p_memsz -= 1;
    phdr(&im, 0)->p_offset = im.size - 0x7ff;
    expect_inspect_error(&im, "program header 0: file bytes");
    free_image(&im);
}

static void test_offset_overflow(void **state)
{
    struct img_spec s = plain_spec();
    struct img im = build_image(&s);

    (void)state;
    /* offset + filesz wraps to a small number that would look in bounds. */
    phdr(&im, 0)->p_offset = UINT64_MAX - 0x100;
    expect_inspect_error(&im, "extend past the end of the file");
    free_image(&im);
}

static void test_vaddr_overflow(void **state)
{
    struct img_spec s = plain_spec();
    struct img im = build_image(&s);

    (void)state;
    phdr(&im, 1)->p_vaddr = UINT64_MAX - 0x100;
    expect_inspect_error(&im, "beyond the 1 GiB image limit");
    free_image(&im);
}

static void test_span_over_1gib(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.seg[1].memsz = GiB - s.seg[1].vaddr + 1;
    expect_spec_rejected(&s, "program header 1: segment at 0x1000 size 0x3ffff001 ends beyond");
}

static void test_span_exactly_1gib(void **state)
{
    struct img_spec s = plain_spec();
    struct img im;
    struct elf_image_info info;

    (void)state;
    s.seg[1].memsz = GiB - s.seg[1].vaddr;
    im = build_image(&s);
    assert_int_equal(elf_inspect(im.file, im.size, &info, err, sizeof(err)), 0);
    assert_int_equal(info.span, GiB);
    free_image(&im);
}

static void test_bad_alignment(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.seg[1].align = 0x3000;
    expect_spec_rejected(&s, "p_align 0x3000 is not a power of two");
    s.seg[1].align = 2 * GiB;
    expect_spec_rejected(&s, "p_align 0x80000000");
}

static void test_entry_outside(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.entry = 0x5000;
    expect_spec_rejected(&s, "entry point 0x5000 is not inside");
    s.entry = UINT64_MAX;
    expect_spec_rejected(&s, "entry point 0xffffffffffffffff");
}

static void test_entry_in_data(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.entry = 0x1010; /* inside the RW segment */
    expect_spec_rejected(&s, "entry point 0x1010 is not inside");
}

static void test_entry_in_code_bss(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.seg[0].memsz = 0x1000;
    s.entry = 0x900; /* past the code's file bytes */
    expect_spec_rejected(&s, "entry point 0x900 is not inside");
}

static void test_overlapping_segments(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    s.seg[1].vaddr = 0x7f8;
    expect_spec_rejected(&s, "program header 1: PT_LOAD at 0x7f8 overlaps program header 0");
}

static void test_overlap_contained_out_of_order(void **state)
{
    struct img_spec s = plain_spec();

    (void)state;
    /* The later header starts lower and wholly contains the earlier one. */
    s.seg[0] = (struct seg_spec){PT_LOAD, PF_R | PF_W, 0x2000, 0x400, 0x400, 0x1000};
    s.seg[1] = (struct seg_spec){PT_LOAD, PF_R | PF_X, 0x1000, 0x800, 0x4000, 0x1000};
    s.entry = 0x1000;
    expect_spec_rejected(&s, "program header 1: PT_LOAD at 0x1000 overlaps program header 0");
}

static void test_unknown_relocation_type(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.rela[2].r_info = ELF64_R_INFO(0, R_X86_64_64);
    expect_load_error(&s, "relocation 2: unsupported type 1");
    s.rela[2].r_info = ELF64_R_INFO(5, R_X86_64_GLOB_DAT);
    expect_load_error(&s, "relocation 2: unsupported type 6");
}

static void test_r_offset_out_of_range(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.rela[3].r_offset = SPAN - 7;
    expect_load_error(&s, "relocation 3: r_offset 0x3ff9 is outside the image (span 0x4000)");
    s.rela[3].r_offset = UINT64_MAX - 3; /* r_offset + 8 wraps */
    expect_load_error(&s, "relocation 3: r_offset 0xfffffffffffffffc");
}

static void test_relaent_wrong(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.dyn[2].d_un.d_val = 16;
    expect_load_error(&s, "DT_RELAENT 16, expected 24");
    s.dyn[2].d_tag = DT_DEBUG; /* no DT_RELAENT at all */
    expect_load_error(&s, "DT_RELAENT missing");
}

static void test_relasz_not_multiple(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.dyn[1].d_un.d_val = RELA_SIZE - 1;
    expect_load_error(&s, "DT_RELASZ 95 is not a multiple of 24");
}

static void test_rela_without_size(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.dyn[1].d_tag = DT_DEBUG;
    expect_load_error(&s, "DT_RELA without DT_RELASZ");
    s = good_spec();
    s.dyn[0].d_tag = DT_DEBUG;
    expect_load_error(&s, "DT_RELASZ without DT_RELA");
}

static void test_rela_twice(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.dyn[3] = (Elf64_Dyn){DT_RELA, {RELA_AT}};
    s.dyn[4] = (Elf64_Dyn){DT_NULL, {0}};
    s.ndyn = 5;
    expect_load_error(&s, "DT_RELA appears twice");
}

static void test_rela_table_outside_image(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.dyn[0].d_un.d_val = SPAN - RELA_SIZE + 24;
    expect_load_error(&s, "relocation table at 0x3fb8 size 0x60 is outside the image");
    s.dyn[0].d_un.d_val = UINT64_MAX - 16; /* addr + size wraps */
    expect_load_error(&s, "relocation table at 0xffffffffffffffef");
}

static void test_dynamic_without_null(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.ndyn = 3; /* the walk must stop at the segment's end, not run on into the pattern */
    expect_load_error(&s, "dynamic section has no DT_NULL within its 48 bytes");
}

static void test_dynamic_outside_loaded_bytes(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    assert_int_equal(elf_inspect(im.file, im.size, &info, err, sizeof(err)), 0);
    dest = malloc(info.span);
    assert_non_null(dest);
    phdr(&im, im.dyn_phdr)->p_vaddr = SPAN - 0x20; /* runs past the span */
    assert_int_equal(elf_load(im.file, im.size, &info, dest, 0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "PT_DYNAMIC at 0x3fe0 size 0x40 is not inside"));
    phdr(&im, im.dyn_phdr)->p_vaddr = 0x13f0; /* runs from the data into the BSS */
    assert_int_equal(elf_load(im.file, im.size, &info, dest, 0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "PT_DYNAMIC at 0x13f0 size 0x40 is not inside"));
    phdr(&im, im.dyn_phdr)->p_vaddr = 0x2000; /* in the BSS: would read as empty */
    assert_int_equal(elf_load(im.file, im.size, &info, dest, 0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "PT_DYNAMIC at 0x2000"));
    phdr(&im, im.dyn_phdr)->p_vaddr = UINT64_MAX - 0x10;
    assert_int_equal(elf_load(im.file, im.size, &info, dest, 0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is not inside"));
    free(dest);
    free_image(&im);
}

static void test_second_dynamic(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.seg[2] = (struct seg_spec){PT_DYNAMIC, PF_R, DYN_AT, 0x40, 0x40, 8};
    s.nseg = 3;
    expect_load_error(&s, "second PT_DYNAMIC");
}

static void test_other_relocation_tables(void **state)
{
    struct img_spec s = good_spec();

    (void)state;
    s.dyn[3] = (Elf64_Dyn){DT_RELSZ, {16}};
    s.dyn[4] = (Elf64_Dyn){DT_NULL, {0}};
    s.ndyn = 5;
    expect_load_error(&s, "DT_REL relocations are not supported");
    s.dyn[3] = (Elf64_Dyn){DT_PLTRELSZ, {24}};
    expect_load_error(&s, "DT_JMPREL relocations are not supported");
    s.dyn[3] = (Elf64_Dyn){35 /* DT_RELRSZ */, {8}};
    expect_load_error(&s, "DT_RELR relocations are not supported");
}

static void test_info_mismatch(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    assert_int_equal(elf_inspect(im.file, im.size, &info, err, sizeof(err)), 0);
    info.span -= 0x1000;
    dest = malloc(info.span);
    assert_non_null(dest);
    assert_int_equal(elf_load(im.file, im.size, &info, dest, 0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "does not match the file"));
    free(dest);
    free_image(&im);
}

static void test_load_rechecks_file(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    uint8_t *dest;

    (void)state;
    assert_int_equal(elf_inspect(im.file, im.size, &info, err, sizeof(err)), 0);
    dest = malloc(info.span);
    assert_non_null(dest);
    phdr(&im, 1)->p_filesz = 0x10000;
    phdr(&im, 1)->p_memsz = 0x10000;
    assert_int_equal(elf_load(im.file, im.size, &info, dest, 0, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "extend past the end of the file"));
    free(dest);
    free_image(&im);
}

static void test_errlen_zero_and_tiny(void **state)
{
    struct img_spec s = good_spec();
    struct img im = build_image(&s);
    struct elf_image_info info;
    char small[8];

    (void)state;
    im.file[EI_CLASS] = ELFCLASS32;
    assert_int_equal(elf_inspect(im.file, im.size, &info, NULL, 0), -1);
    memset(small, 'X', sizeof(small));
    assert_int_equal(elf_inspect(im.file, im.size, &info, small, 1), -1);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[1], 'X');
    memset(small, 'X', sizeof(small));
    assert_int_equal(elf_inspect(im.file, im.size, &info, small, 5), -1);
    assert_string_equal(small, "hv.e");
    assert_int_equal(small[5], 'X');
    free_image(&im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_image_inspected),
        cmocka_unit_test(test_span_is_page_rounded),
        cmocka_unit_test(test_bytes_land_and_bss_zeroed),
        cmocka_unit_test(test_relocated_at_2mib),
        cmocka_unit_test(test_relocated_at_high_base),
        cmocka_unit_test(test_negative_addend),
        cmocka_unit_test(test_none_skipped),
        cmocka_unit_test(test_no_dynamic_is_fine),
        cmocka_unit_test(test_empty_rela_table),
        cmocka_unit_test(test_exec_linked_at_zero),
        cmocka_unit_test(test_exec_linked_elsewhere),
        cmocka_unit_test(test_adjacent_segments),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_file_too_small),
        cmocka_unit_test(test_class32),
        cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_bad_version),
        cmocka_unit_test(test_wrong_machine),
        cmocka_unit_test(test_et_rel),
        cmocka_unit_test(test_phoff_outside_file),
        cmocka_unit_test(test_phnum_huge),
        cmocka_unit_test(test_phnum_over_cap),
        cmocka_unit_test(test_phnum_zero),
        cmocka_unit_test(test_wrong_phentsize),
        cmocka_unit_test(test_no_load_segment),
        cmocka_unit_test(test_filesz_over_memsz),
        cmocka_unit_test(test_segment_past_file_end),
        cmocka_unit_test(test_offset_overflow),
        cmocka_unit_test(test_vaddr_overflow),
        cmocka_unit_test(test_span_over_1gib),
        cmocka_unit_test(test_span_exactly_1gib),
        cmocka_unit_test(test_bad_alignment),
        cmocka_unit_test(test_entry_outside),
        cmocka_unit_test(test_entry_in_data),
        cmocka_unit_test(test_entry_in_code_bss),
        cmocka_unit_test(test_overlapping_segments),
        cmocka_unit_test(test_overlap_contained_out_of_order),
        cmocka_unit_test(test_unknown_relocation_type),
        cmocka_unit_test(test_r_offset_out_of_range),
        cmocka_unit_test(test_relaent_wrong),
        cmocka_unit_test(test_relasz_not_multiple),
        cmocka_unit_test(test_rela_without_size),
        cmocka_unit_test(test_rela_twice),
        cmocka_unit_test(test_rela_table_outside_image),
        cmocka_unit_test(test_dynamic_without_null),
        cmocka_unit_test(test_dynamic_outside_loaded_bytes),
        cmocka_unit_test(test_second_dynamic),
        cmocka_unit_test(test_other_relocation_tables),
        cmocka_unit_test(test_info_mismatch),
        cmocka_unit_test(test_load_rechecks_file),
        cmocka_unit_test(test_errlen_zero_and_tiny),
    };
    return cmocka_run_group_tests_name("elf_load", tests, NULL, NULL);
}
