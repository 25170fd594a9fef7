/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/acpi_tables.c, the child partition's ACPI tables:
 * every table's header and checksum, the pointers between them, the FADT's
 * ports, the MADT's CPUs and interrupt entries, the DSDT's AML (walked by a
 * small independent AML reader, VMBus's devices and resources included),
 * the layout in the buffer, the rejection of
 * bad configurations and of every too-small buffer (exact-size heap buffers,
 * so ASan sees any write past the end), and a cross-check with the
 * hypervisor's own ACPI reader (hv/acpi.c), which must find the same CPUs.
 * Generation 1's additions (PCI0 with its _CRS and _PRT, COM2, the RTC and
 * PS/2 devices, the FADT's century) are checked byte for byte, as is the
 * promise that without their flags nothing changes.
 *
 * With ACPI_TABLES_DUMP_DIR set in the environment, test_dump writes the
 * tables of a generation 1 configuration there (dsdt.dat, facp.dat, ...)
 * for acpica-tools: iasl -d *.dat, or acpiexec -b "evaluate
 * \_SB.PCI0._PRT" dsdt.dat.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/acpi.h>

#include "../../tools/vmwp/acpi_tables.h"
#include "../../tools/vmwp/guest_memory.h"

#define BASE_LOW  0xe0000ULL     /* a typical place below 4 GiB */
#define BASE_HIGH 0x100000000ULL /* the first byte above 4 GiB: no RSDT */
#define PM_PORT   0xb000
#define RESET     0xcf9
#define PCI_HOLE  0xc0000000U /* the top of low RAM with 3 GiB or more */

/* The result of one build, with the buffer it went into. */
struct built {
    uint8_t *buf;
    size_t size, used;
    uint64_t base, rsdp;
    struct child_acpi_config cfg;
};

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s += *p++;
    return s;
}

static struct child_acpi_config config(uint32_t ncpus, uint64_t base)
{
    return (struct child_acpi_config){
        .ncpus = ncpus,
        .base_gpa = base,
        .pm_base_port = PM_PORT,
        .reset_port = RESET,
        .flags = ACPI_CHILD_F_PIC,
        .pci_hole_start = PCI_HOLE,
    };
}

/* Build into a fresh buffer of ACPI_CHILD_TABLES_SIZE bytes filled with 0xa5,
 * so that bytes the builder did not write can be told apart. */
static struct built build(const struct child_acpi_config *cfg)
{
    struct built b = {.size = ACPI_CHILD_TABLES_SIZE, .base = cfg->base_gpa, .cfg = *cfg};
    char err[128];

    b.buf = malloc(b.size);
    assert_non_null(b.buf);
    memset(b.buf, 0xa5, b.size);
    assert_int_equal(child_acpi_build(cfg, b.buf, b.size, &b.used, &b.rsdp, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    return b;
}

static struct built build_n(uint32_t ncpus, uint64_t base)
{
    struct child_acpi_config cfg = config(ncpus, base);

    return build(&cfg);
}

/* The bytes at guest-physical @gpa, which must lie inside what was used. */
static uint8_t *at(const struct built *b, uint64_t gpa, size_t len)
{
    assert_true(gpa >= b->base);
    assert_true(gpa - b->base <= b->used);
    assert_true(len <= b->used - (gpa - b->base));
    return b->buf + (gpa - b->base);
}

/* A table at @gpa: checks the common header and returns its length. */
static uint32_t check_table(const struct built *b, uint64_t gpa, const char *sig, uint8_t rev)
{
    const uint8_t *t = at(b, gpa, 36);
    uint32_t len = rd32(t + 4);

    assert_memory_equal(t, sig, 4);
    assert_true(len >= 36);
    t = at(b, gpa, len);
    assert_int_equal(t[8], rev);
    assert_int_equal(sum(t, len), 0);
    assert_memory_equal(t + 10, "HVCORE", 6);
    assert_memory_equal(t + 16, "HVCHILD ", 8);
    assert_int_equal(gpa % 16, 0);
    return len;
}

static uint64_t xsdt_gpa(const struct built *b)
{
    return rd64(at(b, b->rsdp, 36) + 24);
}

/* The XSDT entry with signature @sig (exactly one). */
static uint64_t table_gpa(const struct built *b, const char *sig)
{
    const uint8_t *x = at(b, xsdt_gpa(b), 36);
    uint32_t len = rd32(x + 4);
    uint64_t found = 0;

    for (uint32_t off = 36; off + 8 <= len; off += 8) {
        uint64_t gpa = rd64(x + off);

        if (!memcmp(at(b, gpa, 4), sig, 4)) {
            assert_int_equal(found, 0);
            found = gpa;
        }
    }
    assert_int_not_equal(found, 0);
    return found;
}

static uint64_t fadt_gpa(const struct built *b)
{
    return table_gpa(b, "FACP");
}

static uint64_t dsdt_gpa(const struct built *b)
{
    return rd64(at(b, fadt_gpa(b), 276) + 140);
}

static uint64_t facs_gpa(const struct built *b)
{
    return rd64(at(b, fadt_gpa(b), 276) + 132);
}

/* ---- RSDP, root tables ------------------------------------------------------------------ */

static void test_rsdp(void **state)
{
    struct built b = build_n(4, BASE_LOW);
    const uint8_t *r = at(&b, b.rsdp, 36);

    (void)state;
    assert_int_equal(b.rsdp, BASE_LOW);
    assert_int_equal(b.rsdp % 16, 0);
    assert_memory_equal(r, "RSD PTR ", 8);
    assert_memory_equal(r + 9, "HVCORE", 6);
    assert_int_equal(r[15], 2);
    assert_int_equal(rd32(r + 20), 36);
    assert_int_equal(sum(r, 20), 0);
    assert_int_equal(sum(r, 36), 0);
    assert_int_not_equal(rd64(r + 24), 0);
    assert_int_equal(rd32(r + 16) != 0, 1); /* an RSDT below 4 GiB */
    assert_int_equal(r[33] | r[34] | r[35], 0);
    free(b.buf);
}

static void test_root_tables(void **state)
{
    struct built b = build_n(2, BASE_LOW);
    uint64_t x = xsdt_gpa(&b), r = rd32(at(&b, b.rsdp, 20) + 16);
    uint32_t xlen = check_table(&b, x, "XSDT", 1), rlen = check_table(&b, r, "RSDT", 1);
    const uint8_t *xt = at(&b, x, xlen), *rt = at(&b, r, rlen);

    (void)state;
    /* FADT and MADT, the same in both, each once; the DSDT and FACS are
     * reached through the FADT only. */
    assert_int_equal(xlen, 36 + 2 * 8);
    assert_int_equal(rlen, 36 + 2 * 4);
    for (int i = 0; i < 2; i++)
        assert_int_equal(rd64(xt + 36 + 8 * i), rd32(rt + 36 + 4 * i));
    assert_int_equal(rd64(xt + 36), fadt_gpa(&b));
    assert_int_equal(rd64(xt + 44), table_gpa(&b, "APIC"));
    check_table(&b, fadt_gpa(&b), "FACP", 6);
    check_table(&b, table_gpa(&b, "APIC"), "APIC", 5);
    free(b.buf);
}

/* ---- FADT, FACS -------------------------------------------------------------------------- */

static void check_gas_io(const uint8_t *g, uint64_t port, uint8_t bits, uint8_t access)
{
    assert_int_equal(g[0], 1); /* system I/O */
    assert_int_equal(g[1], bits);
    assert_int_equal(g[2], 0);
    assert_int_equal(g[3], access);
    assert_int_equal(rd64(g + 4), port);
}

static void test_fadt(void **state)
{
    struct built b = build_n(4, BASE_LOW);
    uint64_t f = fadt_gpa(&b);
    const uint8_t *t = at(&b, f, 276), *facs;
    uint32_t flags;

    (void)state;
    assert_int_equal(check_table(&b, f, "FACP", 6), 276);
    assert_int_equal(t[131], 0); /* minor revision */
    /* DSDT and FACS, 32- and 64-bit pointers agreeing. */
    check_table(&b, dsdt_gpa(&b), "DSDT", 2);
    assert_int_equal(rd32(t + 40), dsdt_gpa(&b));
    assert_int_equal(rd32(t + 36), facs_gpa(&b));
    facs = at(&b, facs_gpa(&b), 64);
    assert_memory_equal(facs, "FACS", 4);
    assert_int_equal(rd32(facs + 4), 64);
    assert_int_equal(facs_gpa(&b) % 64, 0);
    /* SCI on IRQ 9, no SMI command port: always ACPI mode. */
    assert_int_equal(rd16(t + 46), 9);
    assert_int_equal(rd32(t + 48), 0);
    assert_int_equal(t[52] | t[53], 0);
    /* The PM ports, legacy and extended. */
    assert_int_equal(rd32(t + 56), PM_PORT + ACPI_CHILD_PM1_STS);
    assert_int_equal(rd32(t + 60), 0);
    assert_int_equal(rd32(t + 64), PM_PORT + ACPI_CHILD_PM1_CNT);
    assert_int_equal(rd32(t + 68), 0);
    assert_int_equal(rd32(t + 72), 0);
    assert_int_equal(rd32(t + 76), PM_PORT + ACPI_CHILD_PM_TMR);
    assert_int_equal(rd32(t + 80) | rd32(t + 84), 0); /* no GPE blocks */
    assert_int_equal(t[88], 4);
    assert_int_equal(t[89], 2);
    assert_int_equal(t[90], 0);
    assert_int_equal(t[91], 4);
    assert_int_equal(t[92] | t[93], 0);
    check_gas_io(t + 148, PM_PORT + ACPI_CHILD_PM1_STS, 32, 2);
    check_gas_io(t + 172, PM_PORT + ACPI_CHILD_PM1_CNT, 16, 2);
    check_gas_io(t + 208, PM_PORT + ACPI_CHILD_PM_TMR, 32, 3);
    /* No C2/C3. */
    assert_true(rd16(t + 96) > 100);
    assert_true(rd16(t + 98) > 1000);
    /* Flags: WBINVD, C1, no fixed buttons, FIX_RTC, 32-bit timer, reset
     * register; not hardware-reduced. */
    flags = rd32(t + 112);
    assert_int_equal(flags, 0x1 | 0x4 | 0x10 | 0x20 | 0x40 | 0x100 | 0x400);
    assert_int_equal(flags & (1U << 20), 0);
    check_gas_io(t + 116, RESET, 8, 1);
    assert_int_equal(t[128], ACPI_CHILD_RESET_VALUE);
    /* Legacy devices, no 8042, no VGA, no CMOS RTC (flags has only PIC). */
    assert_int_equal(rd16(t + 109), 0x1 | 0x4 | 0x20);
    free(b.buf);
}

static void test_fadt_options(void **state)
{
    struct child_acpi_config cfg = config(1, BASE_LOW);
    struct built b;
    const uint8_t *t;

    (void)state;
    cfg.reset_port = 0;
    cfg.pm_base_port = 0x404;
    cfg.flags = ACPI_CHILD_F_RTC | ACPI_CHILD_F_I8042;
    b = build(&cfg);
    t = at(&b, fadt_gpa(&b), 276);
    assert_int_equal(rd32(t + 112) & 0x400, 0);
    for (int i = 116; i < 129; i++)
        assert_int_equal(t[i], 0);
    assert_int_equal(rd16(t + 109), 0x1 | 0x2 | 0x4);
    assert_int_equal(rd32(t + 56), 0x404);
    assert_int_equal(rd32(t + 64), 0x408);
    assert_int_equal(rd32(t + 76), 0x40c);
    check_gas_io(t + 208, 0x40c, 32, 3);
    free(b.buf);
}

/* ---- MADT -------------------------------------------------------------------------------- */

static void check_madt(uint32_t ncpus, uint32_t flags)
{
    struct child_acpi_config cfg = config(ncpus, BASE_LOW);
    struct built b;
    const uint8_t *t, *e;
    uint32_t len, ncpu = 0, nio = 0, niso = 0, nnmi = 0;

    cfg.flags = flags;
    b = build(&cfg);
    len = check_table(&b, table_gpa(&b, "APIC"), "APIC", 5);
    t = at(&b, table_gpa(&b, "APIC"), len);
    assert_int_equal(rd32(t + 36), 0xfee00000);
    assert_int_equal(rd32(t + 40), (flags & ACPI_CHILD_F_PIC) ? 1 : 0);
    /* The entries tile the table exactly. */
    for (uint32_t off = 44; off < len; off += e[1]) {
        e = t + off;
        assert_true(len - off >= 2);
        assert_true(e[1] >= 2 && e[1] <= len - off);
        switch (e[0]) {
        case 0:
            assert_int_equal(e[1], 8);
            assert_int_equal(nio + niso + nnmi, 0); /* CPUs first, in order */
            assert_int_equal(e[2], ncpu);           /* UID */
            assert_int_equal(e[3], ncpu);           /* APIC id */
            assert_int_equal(rd32(e + 4), 1);       /* enabled */
            ncpu++;
            break;
        case 1:
            assert_int_equal(e[1], 12);
            assert_int_equal(e[2], ACPI_CHILD_IOAPIC_ID);
            assert_int_equal(rd32(e + 4), 0xfec00000);
            assert_int_equal(rd32(e + 8), 0);
            nio++;
            break;
        case 2:
            assert_int_equal(e[1], 10);
            assert_int_equal(e[2], 0);
            if (niso++ == 0) {
                assert_int_equal(e[3], 0);
                assert_int_equal(rd32(e + 4), 2);
                assert_int_equal(rd16(e + 8), 0);
            } else {
                assert_int_equal(e[3], 9);
                assert_int_equal(rd32(e + 4), 9);
                assert_int_equal(rd16(e + 8), 0xd); /* level, active high */
            }
            break;
        case 4:
            assert_int_equal(e[1], 6);
            assert_int_equal(e[2], 0xff);
            assert_int_equal(rd16(e + 3), 0);
            assert_int_equal(e[5], 1);
            nnmi++;
            break;
        default:
            fail_msg("unexpected MADT entry type %u", e[0]);
        }
    }
    assert_int_equal(ncpu, ncpus);
    assert_int_equal(nio, 1);
    assert_int_equal(niso, 2);
    assert_int_equal(nnmi, 1);
    assert_int_equal(len, 44 + 8 * ncpus + 12 + 20 + 6);
    free(b.buf);
}

static void test_madt(void **state)
{
    (void)state;
    check_madt(1, ACPI_CHILD_F_PIC);
    check_madt(4, 0);
    check_madt(ACPI_CHILD_MAX_CPUS, ACPI_CHILD_F_ALL);
}

/* ---- DSDT: an independent AML reader ----------------------------------------------------- */

struct obj {
    char path[64];
    const uint8_t *data; /* the object's encoding (Name), flags and body (Method) or body */
    size_t len;
    char kind; /* 'N'ame, 'S'cope, 'D'evice, 'M'ethod */
};

#define MAX_OBJS (64 + 3 * ACPI_CHILD_MAX_CPUS)

struct walk {
    struct obj objs[MAX_OBJS];
    size_t n;
};

/* PkgLength at @p: the package's end, checked against @end. */
static const uint8_t *pkg_end(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *start = *p;
    uint8_t lead = *(*p)++;
    size_t follow = lead >> 6, len;

    assert_true(start + 1 + follow <= end);
    if (!follow) {
        len = lead & 0x3f;
    } else {
        assert_int_equal(lead & 0x30, 0);
        len = lead & 0xf;
        for (size_t i = 0; i < follow; i++)
            len |= (size_t) * (*p)++ << (4 + 8 * i);
    }
    assert_true(len >= 1 + follow);
    assert_true(len <= (size_t)(end - start));
    return start + len;
}

/* A NameString (root prefix, one, two or several segments) made absolute
 * against @scope. */
static void name_string(const uint8_t **p, const uint8_t *end, const char *scope, char *out)
{
    size_t nseg = 1;

    if (**p == '\\') {
        strcpy(out, "\\");
        (*p)++;
    } else {
        strcpy(out, scope);
    }
    if (**p == 0x2e) {
        nseg = 2;
        (*p)++;
    } else if (**p == 0x2f) {
        nseg = (*p)[1];
        *p += 2;
    }
    assert_true(*p + 4 * nseg <= end);
    for (size_t i = 0; i < nseg; i++, *p += 4) {
        if (strcmp(out, "\\"))
            strcat(out, ".");
        assert_true(strlen(out) + 4 < 64);
        strncat(out, (const char *)*p, 4);
    }
}

/* A DataRefObject: integers, Package, Buffer. */
static void data_object(const uint8_t **p, const uint8_t *end)
{
    uint8_t op = *(*p)++;

    switch (op) {
    case 0x00:
    case 0x01:
    case 0xff:
        return;
    case 0x0a:
        *p += 1;
        break;
    case 0x0b:
        *p += 2;
        break;
    case 0x0c:
        *p += 4;
        break;
    case 0x0e:
        /* SeaBIOS's DSDT reader knows no QWordPrefix. */
        fail_msg("QWord integer in the DSDT");
        break;
    case 0x0d: /* String: ASCII up to a NUL */
        while (*p < end && **p)
            (*p)++;
        assert_true(*p < end);
        (*p)++;
        break;
    case 0x11: /* Buffer: PkgLength, size, bytes */
    case 0x12: /* Package: PkgLength, count, elements */
        *p = pkg_end(p, end);
        break;
    default:
        fail_msg("unexpected AML data opcode 0x%02x", op);
    }
    assert_true(*p <= end);
}

static void term_list(struct walk *w, const uint8_t *p, const uint8_t *end, const char *scope)
{
    while (p < end) {
        struct obj *o;
        const uint8_t *body_end;

        assert_true(w->n < MAX_OBJS);
        o = &w->objs[w->n++];
        if (*p == 0x08) {
            p++;
            name_string(&p, end, scope, o->path);
            o->data = p;
            o->kind = 'N';
            data_object(&p, end);
            o->len = (size_t)(p - o->data);
            continue;
        }
        if (*p == 0x14) {
            /* Method: PkgLength, NameString, flags, TermList; the methods
             * here have no code, so their body must be empty. */
            p++;
            body_end = pkg_end(&p, end);
            name_string(&p, body_end, scope, o->path);
            o->kind = 'M';
            o->data = p;
            o->len = (size_t)(body_end - p);
            p = body_end;
            continue;
        }
        if (*p == 0x10) {
            p++;
            o->kind = 'S';
        } else if (p[0] == 0x5b && p + 1 < end && p[1] == 0x82) {
            p += 2;
            o->kind = 'D';
        } else {
            fail_msg("unexpected AML opcode 0x%02x", *p);
        }
        body_end = pkg_end(&p, end);
        name_string(&p, body_end, scope, o->path);
        o->data = p;
        o->len = (size_t)(body_end - p);
        term_list(w, p, body_end, o->path);
        p = body_end;
    }
    assert_true(p == end);
}

static const struct obj *find_obj(const struct walk *w, const char *path, char kind)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->objs[i].path, path) && w->objs[i].kind == kind)
            return &w->objs[i];
    fail_msg("no %c %s in the DSDT", kind, path);
    return NULL;
}

static void check_name(const struct walk *w, const char *path, const uint8_t *want, size_t len)
{
    const struct obj *o = find_obj(w, path, 'N');

    assert_int_equal(o->len, len);
    assert_memory_equal(o->data, want, len);
}

/* The value of an integer object's encoding. */
static uint64_t int_value(const struct obj *o)
{
    switch (o->data[0]) {
    case 0x00:
    case 0x01:
        assert_int_equal(o->len, 1);
        return o->data[0];
    case 0x0a:
        assert_int_equal(o->len, 2);
        return o->data[1];
    case 0x0b:
        assert_int_equal(o->len, 3);
        return rd16(o->data + 1);
    default:
        fail_msg("not a small integer: 0x%02x", o->data[0]);
        return 0;
    }
}

/* The VMBus devices (ACPI_CHILD_F_VMBUS) as Linux's hv_vmbus needs them. */
static void check_vmbus(const struct walk *w)
{
    const uint8_t vmod_hid[] = "\x0d"
                               "ACPI0004";
    const uint8_t vmbs_hid[] = "\x0d"
                               "VMBus";
    const uint8_t vmbs_ddn[] = "\x0d"
                               "VMBUS";
    const uint8_t zero[] = {0x00};
    const uint8_t sta[] = {0x0a, 0x0f};
    const uint8_t method[] = {0x00}; /* no arguments, not serialized, no code */
    const uint8_t irq[] = {0x11, 9, 0x0a, 6,
                           /* IRQ(Edge, ActiveHigh, Exclusive) {5} */
                           0x23, 0x20, 0x00, 0x01,
                           /* end tag */
                           0x79, 0x00};
    const struct obj *crs = find_obj(w, "\\_SB_.VMOD._CRS", 'N');
    const uint8_t *r;
    uint32_t min, max, len;

    find_obj(w, "\\_SB_.VMOD", 'D');
    check_name(w, "\\_SB_.VMOD._HID", vmod_hid, sizeof(vmod_hid));
    check_name(w, "\\_SB_.VMOD._UID", zero, sizeof(zero));
    find_obj(w, "\\_SB_.VMOD.VMBS", 'D');
    check_name(w, "\\_SB_.VMOD.VMBS._HID", vmbs_hid, sizeof(vmbs_hid));
    check_name(w, "\\_SB_.VMOD.VMBS._UID", zero, sizeof(zero));
    check_name(w, "\\_SB_.VMOD.VMBS._DDN", vmbs_ddn, sizeof(vmbs_ddn));
    check_name(w, "\\_SB_.VMOD.VMBS._STA", sta, sizeof(sta));
    check_name(w, "\\_SB_.VMOD.VMBS._CRS", irq, sizeof(irq));
    assert_int_equal(find_obj(w, "\\_SB_.VMOD.VMBS._PS0", 'M')->len, sizeof(method));
    assert_memory_equal(find_obj(w, "\\_SB_.VMOD.VMBS._PS0", 'M')->data, method, sizeof(method));
    assert_int_equal(find_obj(w, "\\_SB_.VMOD.VMBS._PS3", 'M')->len, sizeof(method));
    assert_memory_equal(find_obj(w, "\\_SB_.VMOD.VMBS._PS3", 'M')->data, method, sizeof(method));

    /* VMOD's _CRS: Buffer(PkgLength, BytePrefix 28) {DWordMemory, EndTag}. */
    assert_int_equal(crs->len, 1 + 1 + 2 + 28);
    r = crs->data;
    assert_int_equal(r[0], 0x11);
    assert_int_equal(r[1], 31);
    assert_int_equal(r[2], 0x0a);
    assert_int_equal(r[3], 28);
    r += 4;
    assert_int_equal(r[0], 0x87);      /* Address Space Descriptor, 32-bit */
    assert_int_equal(rd16(r + 1), 23); /* its length after the tag */
    assert_int_equal(r[3], 0);         /* memory */
    assert_int_equal(r[4], 0x0c);      /* producer, positive decode, min and max fixed */
    assert_int_equal(r[5], 0x01);      /* read-write, non-cacheable, memory, static */
    assert_int_equal(rd32(r + 6), 0);  /* granularity: 0 for a fixed window */
    assert_int_equal(rd32(r + 18), 0); /* no translation */
    min = rd32(r + 10);
    max = rd32(r + 14);
    len = rd32(r + 22);
    assert_int_equal(min, ACPI_CHILD_VMBUS_MMIO_BASE);
    assert_int_equal(len, ACPI_CHILD_VMBUS_MMIO_SIZE);
    assert_true(len > 0);
    assert_int_equal((uint64_t)max, (uint64_t)min + len - 1);
    /* In the MMIO hole, clear of RAM (the low bank ends at 3 GiB) and of
     * the I/O APIC and local APIC pages. */
    assert_true(min >= GUEST_LOW_RAM_MAX);
    assert_true(max < ACPI_CHILD_IOAPIC_ADDR);
    assert_true(max < ACPI_CHILD_LAPIC_ADDR);
    assert_int_equal(r[26], 0x79); /* end tag */
    assert_int_equal(r[27], 0x00);
    /* Linux ignores windows that end below 1 MiB. */
    assert_true(max >= 0x100000);
}

/* ---- DSDT: generation 1 ------------------------------------------------------------------- */

/* An integer's encoding at *@p (Zero, One, Byte, Word, DWord), advanced past. */
static uint32_t read_int(const uint8_t **p, const uint8_t *end)
{
    uint8_t op = *(*p)++;
    uint32_t v = 0;
    size_t n = op == 0x0a ? 1 : op == 0x0b ? 2 : op == 0x0c ? 4 : 0;

    assert_true(op <= 0x01 || n);
    assert_true(*p + n <= end);
    if (op == 0x01)
        v = 1;
    for (size_t i = 0; i < n; i++)
        v |= (uint32_t)(*p)[i] << (8 * i);
    *p += n;
    return v;
}

/* The objects of a fixed ISA device: EISAID _HID and a _CRS buffer of
 * exactly @crs (end tag included). */
static void check_isa_device(const struct walk *w, const char *path, uint32_t eisaid,
                             const uint8_t *crs, size_t crs_len)
{
    char name[64];
    uint8_t hid[5] = {0x0c};
    const struct obj *o;

    find_obj(w, path, 'D');
    for (int i = 0; i < 4; i++)
        hid[1 + i] = (uint8_t)(eisaid >> (8 * i));
    snprintf(name, sizeof(name), "%s._HID", path);
    check_name(w, name, hid, sizeof(hid));
    snprintf(name, sizeof(name), "%s._CRS", path);
    o = find_obj(w, name, 'N');
    /* Buffer(PkgLength, BytePrefix n) {bytes}: all these are short. */
    assert_true(crs_len + 3 < 0x40);
    assert_int_equal(o->len, 4 + crs_len);
    assert_int_equal(o->data[0], 0x11);
    assert_int_equal(o->data[1], 3 + crs_len);
    assert_int_equal(o->data[2], 0x0a);
    assert_int_equal(o->data[3], crs_len);
    assert_memory_equal(o->data + 4, crs, crs_len);
}

static void check_com2(const struct walk *w)
{
    const uint8_t uid[] = {0x0a, 0x02};
    const uint8_t crs[] = {/* IO(Decode16, 0x2f8, 0x2f8, 1, 8) */
                           0x47, 0x01, 0xf8, 0x02, 0xf8, 0x02, 0x01, 0x08,
                           /* IRQNoFlags() {3} */
                           0x22, 0x08, 0x00, 0x79, 0x00};

    /* EISAID("PNP0501") = 0x0105d041 */
    check_isa_device(w, "\\_SB_.COM2", 0x0105d041, crs, sizeof(crs));
    check_name(w, "\\_SB_.COM2._UID", uid, sizeof(uid));
}

static void check_rtc(const struct walk *w)
{
    const uint8_t crs[] = {/* IO(Decode16, 0x70, 0x70, 1, 2) */
                           0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x02,
                           /* IRQNoFlags() {8} */
                           0x22, 0x00, 0x01, 0x79, 0x00};

    check_isa_device(w, "\\_SB_.RTC_", 0x000bd041, crs, sizeof(crs)); /* PNP0B00 */
}

static void check_ps2(const struct walk *w)
{
    const uint8_t kbd[] = {/* IO(Decode16, 0x60, 0x60, 1, 1), IO(Decode16, 0x64, 0x64, 1, 1) */
                           0x47, 0x01, 0x60, 0x00, 0x60, 0x00, 0x01, 0x01, 0x47, 0x01, 0x64, 0x00,
                           0x64, 0x00, 0x01, 0x01,
                           /* IRQNoFlags() {1} */
                           0x22, 0x02, 0x00, 0x79, 0x00};
    const uint8_t mou[] = {/* IRQNoFlags() {12} */
                           0x22, 0x00, 0x10, 0x79, 0x00};

    check_isa_device(w, "\\_SB_.KBD_", 0x0303d041, kbd, sizeof(kbd)); /* PNP0303 */
    check_isa_device(w, "\\_SB_.MOU_", 0x130fd041, mou, sizeof(mou)); /* PNP0F13 */
}

/* PCI0's _CRS, byte for byte (ACPI 6.4, 6.4.3.5): hole_start from the
 * configuration. */
static void check_pci0_crs(const struct walk *w, uint32_t hole_start)
{
    uint8_t want[110] = {
        /* WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, 0, 0xff, 0, 0x100) */
        0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00,
        0x01,
        /* IO(Decode16, 0xcf8, 0xcf8, 1, 8) */
        0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
        /* WordIO(ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, 0, 0xcf7,
         * 0, 0xcf8) */
        0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x00, 0xf7, 0x0c, 0x00, 0x00, 0xf8,
        0x0c,
        /* WordIO(..., 0, 0xd00, 0xffff, 0, 0xf300) */
        0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xff, 0x00, 0x00, 0x00,
        0xf3,
        /* DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, 0,
         * 0xa0000, 0xbffff, 0, 0x20000) */
        0x87, 0x17, 0x00, 0x00, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0xff,
        0xff, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
        /* DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
         * 0, hole_start, 0xfebfffff, 0, 0xfec00000 - hole_start): filled in below */
        0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0xff, 0xff, 0xbf,
        0xfe, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0,
        /* end tag */
        0x79, 0x00};
    const struct obj *o = find_obj(w, "\\_SB_.PCI0._CRS", 'N');
    uint32_t len = 0xfec00000U - hole_start;

    for (int i = 0; i < 4; i++) {
        want[92 + i] = (uint8_t)(hole_start >> (8 * i));
        want[104 + i] = (uint8_t)(len >> (8 * i));
    }
    /* Buffer: PkgLength (2 bytes: 1 + 2 + 110 > 63), BytePrefix 110. */
    assert_int_equal(o->len, 1 + 2 + 2 + sizeof(want));
    assert_int_equal(o->data[0], 0x11);
    assert_int_equal(o->data[1], 0x40 | ((2 + 2 + sizeof(want)) & 0xf));
    assert_int_equal(o->data[2], (2 + 2 + sizeof(want)) >> 4);
    assert_int_equal(o->data[3], 0x0a);
    assert_int_equal(o->data[4], sizeof(want));
    assert_memory_equal(o->data + 5, want, sizeof(want));
}

/* _PRT: 124 entries, slot by slot and pin by pin, each
 * {0xSSSSFFFF, pin, 0, 16 + ((slot - 1 + pin) & 3)}. */
static void check_prt(const struct walk *w)
{
    const struct obj *o = find_obj(w, "\\_SB_.PCI0._PRT", 'N');
    const uint8_t *p = o->data, *end = o->data + o->len, *pkg_stop;
    unsigned n = 0;

    assert_int_equal(*p++, 0x12);
    pkg_stop = pkg_end(&p, end);
    assert_true(pkg_stop == end);
    assert_int_equal(*p++, 31 * 4);
    for (unsigned slot = 1; slot <= 31; slot++) {
        for (unsigned pin = 0; pin < 4; pin++, n++) {
            const uint8_t *e_end;

            assert_int_equal(*p++, 0x12);
            e_end = pkg_end(&p, end);
            assert_int_equal(*p++, 4);
            assert_int_equal(read_int(&p, e_end), slot << 16 | 0xffff);
            assert_int_equal(read_int(&p, e_end), pin);
            assert_int_equal(read_int(&p, e_end), 0); /* no link device: a GSI */
            assert_int_equal(read_int(&p, e_end), ACPI_CHILD_PCI_GSI(slot, pin));
            assert_true(p == e_end);
        }
    }
    assert_int_equal(n, 124);
    assert_true(p == end);
    /* The swizzle: INTA of slot 1 is PIRQA (GSI 16); each slot moves one on. */
    assert_int_equal(ACPI_CHILD_PCI_GSI(1, 0), 16);
    assert_int_equal(ACPI_CHILD_PCI_GSI(1, 3), 19);
    assert_int_equal(ACPI_CHILD_PCI_GSI(2, 0), 17);
    assert_int_equal(ACPI_CHILD_PCI_GSI(4, 1), 16);
    assert_int_equal(ACPI_CHILD_PCI_GSI(7, 3), 17); /* the PIIX4's USB function: INTD */
    assert_int_equal(ACPI_CHILD_PCI_GSI(31, 3), 17);
}

static void check_pci0(const struct walk *w, uint32_t hole_start)
{
    const uint8_t hid[] = {0x0c, 0x41, 0xd0, 0x0a, 0x03}; /* EISAID("PNP0A03") */
    const uint8_t zero[] = {0x00};

    find_obj(w, "\\_SB_.PCI0", 'D');
    check_name(w, "\\_SB_.PCI0._HID", hid, sizeof(hid));
    check_name(w, "\\_SB_.PCI0._ADR", zero, sizeof(zero));
    check_name(w, "\\_SB_.PCI0._UID", zero, sizeof(zero));
    check_name(w, "\\_SB_.PCI0._BBN", zero, sizeof(zero));
    check_pci0_crs(w, hole_start);
    check_prt(w);
}

/* The generation 1 objects @flags asks for, checked; returns how many
 * objects the walk saw for them. */
static size_t check_gen1(const struct walk *w, uint32_t flags)
{
    size_t n = 0;

    if (flags & ACPI_CHILD_F_COM2) {
        check_com2(w);
        n += 4; /* the device, _HID, _UID, _CRS */
    }
    if ((flags & ACPI_CHILD_F_PC_LEGACY) && (flags & ACPI_CHILD_F_RTC)) {
        check_rtc(w);
        n += 3;
    }
    if ((flags & ACPI_CHILD_F_PC_LEGACY) && (flags & ACPI_CHILD_F_I8042)) {
        check_ps2(w);
        n += 6;
    }
    if (flags & ACPI_CHILD_F_PCI) {
        check_pci0(w, PCI_HOLE);
        n += 7; /* the device, _HID, _ADR, _UID, _BBN, _CRS, _PRT */
    }
    return n;
}

static void check_dsdt(uint32_t ncpus, uint32_t flags)
{
    struct child_acpi_config cfg = config(ncpus, BASE_LOW);
    struct built b;
    uint32_t len;
    const uint8_t *t;
    static struct walk w;
    const uint8_t s5[] = {0x12, 8, 4, 0x0a, ACPI_CHILD_SLP_TYP_S5, 0x0a, ACPI_CHILD_SLP_TYP_S5,
                          0,    0};
    const uint8_t s0[] = {0x12, 6, 4, 0, 0, 0, 0};
    const uint8_t hid[] = {0x0c, 0x41, 0xd0, 0x05, 0x01}; /* EISAID("PNP0501") = 0x0105d041 */
    const uint8_t uid[] = {0x01};
    const uint8_t crs[] = {0x11, 16, 0x0a, 13,
                           /* IO(Decode16, 0x3f8, 0x3f8, 1, 8) */
                           0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
                           /* IRQNoFlags() {4} */
                           0x22, 0x10, 0x00,
                           /* end tag */
                           0x79, 0x00};
    const uint8_t cpu_hid[] = "\x0d"
                              "ACPI0007";
    size_t want;

    cfg.flags = flags;
    b = build(&cfg);
    len = check_table(&b, dsdt_gpa(&b), "DSDT", 2);
    t = at(&b, dsdt_gpa(&b), len);
    memset(&w, 0, sizeof(w));
    /* The walk checks that every PkgLength nests and the AML ends exactly
     * at the table's end. */
    term_list(&w, t + 36, t + len, "\\");
    check_name(&w, "\\_S5_", s5, sizeof(s5));
    check_name(&w, "\\_S0_", s0, sizeof(s0));
    find_obj(&w, "\\_SB_", 'S');
    find_obj(&w, "\\_SB_.COM1", 'D');
    check_name(&w, "\\_SB_.COM1._HID", hid, sizeof(hid));
    check_name(&w, "\\_SB_.COM1._UID", uid, sizeof(uid));
    check_name(&w, "\\_SB_.COM1._CRS", crs, sizeof(crs));
    for (uint32_t i = 0; i < ncpus; i++) {
        char path[32];

        snprintf(path, sizeof(path), "\\_SB_.C%03X", i);
        find_obj(&w, path, 'D');
        strcat(path, "._HID");
        check_name(&w, path, cpu_hid, sizeof(cpu_hid));
        snprintf(path, sizeof(path), "\\_SB_.C%03X._UID", i);
        assert_int_equal(int_value(find_obj(&w, path, 'N')), i);
    }
    want = 7 + 3 * ncpus;
    if (flags & ACPI_CHILD_F_VMBUS) {
        check_vmbus(&w);
        /* VMOD: itself, _HID, _UID, _CRS; VMBS: itself, 5 names, 2 methods. */
        want += 4 + 8;
    }
    want += check_gen1(&w, flags);
    assert_int_equal(w.n, want);
    free(b.buf);
}

/* With more CPUs \_SB grows past 63 bytes and 4 KiB: two- and three-byte
 * PkgLengths. */
static void test_dsdt(void **state)
{
    (void)state;
    check_dsdt(1, ACPI_CHILD_F_PIC);
    check_dsdt(2, ACPI_CHILD_F_PIC);
    check_dsdt(17, ACPI_CHILD_F_PIC);
    check_dsdt(ACPI_CHILD_MAX_CPUS, ACPI_CHILD_F_PIC);
    check_dsdt(1, ACPI_CHILD_F_VMBUS);
    check_dsdt(4, ACPI_CHILD_F_RTC | ACPI_CHILD_F_VMBUS);
    check_dsdt(ACPI_CHILD_MAX_CPUS, ACPI_CHILD_F_ALL);
}

/* What generation 1 asks for, alone and together. */
#define GEN1_FLAGS                                                                                 \
    (ACPI_CHILD_F_PIC | ACPI_CHILD_F_RTC | ACPI_CHILD_F_I8042 | ACPI_CHILD_F_PCI |                 \
     ACPI_CHILD_F_COM2 | ACPI_CHILD_F_PC_LEGACY)

static void test_dsdt_gen1(void **state)
{
    (void)state;
    check_dsdt(1, ACPI_CHILD_F_COM2);
    check_dsdt(1, ACPI_CHILD_F_PC_LEGACY); /* names no device: adds nothing */
    check_dsdt(2, ACPI_CHILD_F_PC_LEGACY | ACPI_CHILD_F_RTC);
    check_dsdt(2, ACPI_CHILD_F_PC_LEGACY | ACPI_CHILD_F_I8042);
    check_dsdt(3, ACPI_CHILD_F_PCI);
    check_dsdt(4, GEN1_FLAGS);
    check_dsdt(4, GEN1_FLAGS | ACPI_CHILD_F_VMBUS);
    check_dsdt(ACPI_CHILD_MAX_CPUS, GEN1_FLAGS);
}

/*
 * SeaBIOS's DSDT reader (src/fw/dsdt_parser.c) ties a _HID, _STA or _CRS to
 * the device being read only until a nested device ends: every device's own
 * objects must come before its children.  And the devices come in the
 * documented order, VMBus last.
 */
static void test_dsdt_order(void **state)
{
    struct child_acpi_config cfg = config(2, BASE_LOW);
    static struct walk w;
    static const char *const order[] = {"\\_SB_.C000", "\\_SB_.C001", "\\_SB_.COM1",
                                        "\\_SB_.COM2", "\\_SB_.RTC_", "\\_SB_.KBD_",
                                        "\\_SB_.MOU_", "\\_SB_.PCI0", "\\_SB_.VMOD"};
    struct built b;
    const uint8_t *t;
    uint32_t len;
    size_t next = 0;

    (void)state;
    cfg.flags = ACPI_CHILD_F_ALL;
    b = build(&cfg);
    len = check_table(&b, dsdt_gpa(&b), "DSDT", 2);
    t = at(&b, dsdt_gpa(&b), len);
    memset(&w, 0, sizeof(w));
    term_list(&w, t + 36, t + len, "\\");
    for (size_t i = 0; i < w.n; i++) {
        size_t plen = strlen(w.objs[i].path);
        bool child_seen = false;

        if (w.objs[i].kind != 'D')
            continue;
        /* Devices directly in \_SB, in order. */
        if (plen == 10) {
            assert_true(next < sizeof(order) / sizeof(order[0]));
            assert_string_equal(w.objs[i].path, order[next++]);
        }
        for (size_t j = i + 1; j < w.n; j++) {
            const char *q = w.objs[j].path;

            if (strncmp(q, w.objs[i].path, plen) || q[plen] != '.')
                break; /* out of the device */
            if (w.objs[j].kind == 'D')
                child_seen = true;
            else if (strlen(q) == plen + 5)
                assert_false(child_seen); /* the device's own object after a child */
        }
    }
    assert_int_equal(next, sizeof(order) / sizeof(order[0]));
    free(b.buf);
}

/* The 32-bit window follows the configuration's hole start; its bounds are
 * checked. */
static void test_pci_hole(void **state)
{
    static const uint32_t starts[] = {0x100000, 0x20000000, 0x80000000, 0xfebff000};
    static struct walk w;

    (void)state;
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        struct child_acpi_config cfg = config(1, BASE_LOW);
        struct built b;
        const uint8_t *t;
        uint32_t len;

        cfg.flags = ACPI_CHILD_F_PCI;
        cfg.pci_hole_start = starts[i];
        b = build(&cfg);
        len = check_table(&b, dsdt_gpa(&b), "DSDT", 2);
        t = at(&b, dsdt_gpa(&b), len);
        memset(&w, 0, sizeof(w));
        term_list(&w, t + 36, t + len, "\\");
        check_pci0_crs(&w, starts[i]);
        free(b.buf);
    }
}

/* The century byte in the FADT comes with the legacy devices and the RTC
 * only; the boot flags do not change. */
static void test_fadt_century(void **state)
{
    static const struct {
        uint32_t flags;
        uint8_t century;
    } cases[] = {
        {ACPI_CHILD_F_RTC, 0},
        {ACPI_CHILD_F_PC_LEGACY, 0},
        {ACPI_CHILD_F_RTC | ACPI_CHILD_F_PC_LEGACY, 0x32},
        {GEN1_FLAGS, 0x32},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct child_acpi_config cfg = config(1, BASE_LOW);
        struct built b;
        const uint8_t *f;

        cfg.flags = cases[i].flags;
        b = build(&cfg);
        f = at(&b, fadt_gpa(&b), 276);
        check_table(&b, fadt_gpa(&b), "FACP", 6);
        assert_int_equal(f[108], cases[i].century);
        assert_int_equal(rd16(f + 109), 0x1 | 0x4 |
                                            (cases[i].flags & ACPI_CHILD_F_I8042 ? 0x2 : 0) |
                                            (cases[i].flags & ACPI_CHILD_F_RTC ? 0 : 0x20));
        free(b.buf);
    }
}

/* FNV-1a, to pin whole tables down in a few bytes. */
static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    while (n--) {
        h ^= *p++;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/*
 * Generation 2's tables are the bytes they were before generation 1's flags
 * existed (hashes taken from the builder as it was then): boot.c's flags
 * and a few others.
 */
static void test_gen2_unchanged(void **state)
{
    static const struct {
        uint32_t ncpus;
        uint64_t base;
        uint16_t pm, reset;
        uint32_t flags;
        size_t used;
        uint64_t hash;
    } cases[] = {
        {2, 0xe0000, 0x600, 0xcf9, ACPI_CHILD_F_RTC | ACPI_CHILD_F_VMBUS, 951,
         0x077485e83e03f164ULL},
        {64, 0xe0000, 0x600, 0xcf9, ACPI_CHILD_F_RTC | ACPI_CHILD_F_VMBUS, 3245,
         0x58a02242214d42d8ULL},
        {4, 0x100000000ULL, 0xb000, 0, 0xf, 977, 0x27a9f3ad4c50c6a4ULL},
        {255, 0xe0000, 0xb000, 0xcf9, ACPI_CHILD_F_PIC | ACPI_CHILD_F_I8042, 10165,
         0xdc2781a13693a6d2ULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct child_acpi_config cfg = {
            .ncpus = cases[i].ncpus,
            .base_gpa = cases[i].base,
            .pm_base_port = cases[i].pm,
            .reset_port = cases[i].reset,
            .flags = cases[i].flags,
        };
        struct built b = build(&cfg);

        assert_int_equal(b.used, cases[i].used);
        assert_int_equal(fnv1a(b.buf, b.used), cases[i].hash);
        /* The hole start is ignored without ACPI_CHILD_F_PCI. */
        free(b.buf);
        cfg.pci_hole_start = 0x12345678;
        b = build(&cfg);
        assert_int_equal(fnv1a(b.buf, b.used), cases[i].hash);
        free(b.buf);
    }
}

/*
 * Each generation 1 flag adds its objects to \_SB and changes nothing else:
 * the tables before the DSDT are the same bytes (the FADT's century and
 * checksum aside), and every object of the DSDT without the flag is there,
 * the same bytes, with it.
 */
static void check_addition(uint32_t base_flags, uint32_t flag)
{
    struct child_acpi_config off = config(3, BASE_LOW), on;
    static struct walk woff, won;
    struct built a, b;
    const uint8_t *ta, *tb;
    uint32_t alen, blen;
    size_t fadt_off;

    off.flags = base_flags;
    on = off;
    on.flags |= flag;
    a = build(&off);
    b = build(&on);
    assert_int_equal(dsdt_gpa(&a), dsdt_gpa(&b));
    fadt_off = fadt_gpa(&a) - a.base;
    if ((on.flags & (ACPI_CHILD_F_RTC | ACPI_CHILD_F_PC_LEGACY)) ==
            (ACPI_CHILD_F_RTC | ACPI_CHILD_F_PC_LEGACY) &&
        !(base_flags & ACPI_CHILD_F_PC_LEGACY)) {
        assert_int_equal(b.buf[fadt_off + 108], 0x32);
        b.buf[fadt_off + 108] = a.buf[fadt_off + 108];
        b.buf[fadt_off + 9] = a.buf[fadt_off + 9];
    }
    assert_memory_equal(a.buf, b.buf, dsdt_gpa(&a) - a.base);

    alen = check_table(&a, dsdt_gpa(&a), "DSDT", 2);
    blen = check_table(&b, dsdt_gpa(&b), "DSDT", 2);
    ta = at(&a, dsdt_gpa(&a), alen);
    tb = at(&b, dsdt_gpa(&b), blen);
    memset(&woff, 0, sizeof(woff));
    memset(&won, 0, sizeof(won));
    term_list(&woff, ta + 36, ta + alen, "\\");
    term_list(&won, tb + 36, tb + blen, "\\");
    for (size_t i = 0; i < woff.n; i++) {
        const struct obj *o = &woff.objs[i], *n = find_obj(&won, o->path, o->kind);

        if (!strcmp(o->path, "\\_SB_"))
            continue; /* the scope that grows */
        assert_int_equal(n->len, o->len);
        assert_memory_equal(n->data, o->data, o->len);
    }
    free(a.buf);
    free(b.buf);
}

static void test_gen1_optional(void **state)
{
    static const uint32_t bases[] = {
        0,
        ACPI_CHILD_F_RTC | ACPI_CHILD_F_VMBUS, /* generation 2 */
        ACPI_CHILD_F_PIC | ACPI_CHILD_F_RTC | ACPI_CHILD_F_I8042,
        ACPI_CHILD_F_ALL & ~(uint32_t)ACPI_CHILD_F_PCI,
    };
    static const uint32_t added[] = {ACPI_CHILD_F_PCI, ACPI_CHILD_F_COM2, ACPI_CHILD_F_PC_LEGACY};

    (void)state;
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
        for (size_t j = 0; j < sizeof(added) / sizeof(added[0]); j++)
            check_addition(bases[i] & ~added[j], added[j]);
}

/* Tables for acpica-tools, when asked for (see the top of this file). */
static void dump_table(const char *dir, const char *name, const uint8_t *t, size_t len)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(t, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_dump(void **state)
{
    const char *dir = getenv("ACPI_TABLES_DUMP_DIR");
    struct child_acpi_config cfg = config(4, BASE_LOW);
    struct built b;

    (void)state;
    /* Not skip(): tests/tally counts a TAP "not ok # SKIP" as a failure. */
    if (!dir || !*dir)
        return;
    cfg.pm_base_port = ACPI_CHILD_PM_BASE_DEFAULT;
    cfg.flags = GEN1_FLAGS;
    b = build(&cfg);
    dump_table(dir, "rsdp.dat", at(&b, b.rsdp, 36), 36);
    dump_table(dir, "xsdt.dat", at(&b, xsdt_gpa(&b), 36), check_table(&b, xsdt_gpa(&b), "XSDT", 1));
    dump_table(dir, "facp.dat", at(&b, fadt_gpa(&b), 276), 276);
    dump_table(dir, "facs.dat", at(&b, facs_gpa(&b), 64), 64);
    dump_table(dir, "apic.dat", at(&b, table_gpa(&b, "APIC"), 36),
               check_table(&b, table_gpa(&b, "APIC"), "APIC", 5));
    dump_table(dir, "dsdt.dat", at(&b, dsdt_gpa(&b), 36), check_table(&b, dsdt_gpa(&b), "DSDT", 2));
    free(b.buf);
}

/*
 * VMBus is an addition at the end of \_SB and nothing else: without the
 * flag the DSDT is what it was, and with it the other tables do not change.
 */
static void test_dsdt_vmbus_optional(void **state)
{
    struct child_acpi_config off = config(3, BASE_LOW), on = off;
    struct built a, b;
    uint32_t alen, blen;
    const uint8_t *at_a, *at_b;

    (void)state;
    on.flags |= ACPI_CHILD_F_VMBUS;
    a = build(&off);
    b = build(&on);
    alen = check_table(&a, dsdt_gpa(&a), "DSDT", 2);
    blen = check_table(&b, dsdt_gpa(&b), "DSDT", 2);
    at_a = at(&a, dsdt_gpa(&a), alen);
    at_b = at(&b, dsdt_gpa(&b), blen);
    assert_true(blen > alen);
    assert_null(memmem(at_a, alen, "VMBus", 5));
    assert_null(memmem(at_a, alen, "VMOD", 4));
    assert_non_null(memmem(at_b, blen, "VMBS", 4));
    /* Everything before the DSDT is the same bytes, checksums included. */
    assert_int_equal(dsdt_gpa(&a), dsdt_gpa(&b));
    assert_memory_equal(a.buf, b.buf, dsdt_gpa(&a) - a.base);
    /* Both DSDTs are the same up to \_SB's PkgLength, and \_SB's old
     * contents are a prefix of its new ones. */
    assert_memory_equal(at_a + 10, at_b + 10, 26); /* OEM ids, creator */
    {
        const uint8_t *sa = memmem(at_a + 36, alen - 36, "\x10", 1);
        const uint8_t *sb = memmem(at_b + 36, blen - 36, "\x10", 1);
        const uint8_t *pa = sa + 1, *pb = sb + 1;
        const uint8_t *ea = pkg_end(&pa, at_a + alen), *eb = pkg_end(&pb, at_b + blen);

        assert_memory_equal(at_a + 36, at_b + 36, (size_t)(sa - at_a) - 36);
        assert_true(ea == at_a + alen && eb == at_b + blen);
        assert_memory_equal(pa, pb, (size_t)(ea - pa));
    }
    free(a.buf);
    free(b.buf);
}

/* ---- layout ------------------------------------------------------------------------------ */

static void check_layout(uint32_t ncpus, uint64_t base)
{
    struct built b = build_n(ncpus, base);
    struct {
        uint64_t gpa;
        uint32_t len;
    } r[7];
    size_t n = 0, end = 0;
    uint64_t rsdt = rd32(at(&b, b.rsdp, 20) + 16);

    r[n++] = (typeof(r[0])){b.rsdp, 36};
    r[n++] = (typeof(r[0])){facs_gpa(&b), 64};
    r[n++] = (typeof(r[0])){xsdt_gpa(&b), rd32(at(&b, xsdt_gpa(&b), 8) + 4)};
    if (rsdt)
        r[n++] = (typeof(r[0])){rsdt, rd32(at(&b, rsdt, 8) + 4)};
    r[n++] = (typeof(r[0])){fadt_gpa(&b), 276};
    r[n++] = (typeof(r[0])){table_gpa(&b, "APIC"), rd32(at(&b, table_gpa(&b, "APIC"), 8) + 4)};
    r[n++] = (typeof(r[0])){dsdt_gpa(&b), rd32(at(&b, dsdt_gpa(&b), 8) + 4)};
    for (size_t i = 0; i < n; i++) {
        at(&b, r[i].gpa, r[i].len); /* inside what was used */
        assert_int_equal(r[i].gpa % 16, 0);
        for (size_t j = 0; j < i; j++)
            assert_true(r[i].gpa >= r[j].gpa + r[j].len || r[j].gpa >= r[i].gpa + r[i].len);
        if (r[i].gpa + r[i].len - base > end)
            end = r[i].gpa + r[i].len - base;
    }
    /* Used ends with the last table; nothing after it was written. */
    assert_int_equal(b.used, end);
    for (size_t i = b.used; i < b.size; i++)
        assert_int_equal(b.buf[i], 0xa5);
    free(b.buf);
}

static void test_layout(void **state)
{
    (void)state;
    check_layout(1, BASE_LOW);
    check_layout(8, BASE_HIGH);
    check_layout(ACPI_CHILD_MAX_CPUS, BASE_LOW);
    check_layout(3, BASE_LOW + 0x30); /* 16- but not 64-byte aligned: the FACS still is */
}

/* Above 4 GiB there is no RSDT and no 32-bit pointer in the FADT. */
static void test_above_4g(void **state)
{
    struct built b = build_n(2, BASE_HIGH);
    const uint8_t *r = at(&b, b.rsdp, 36), *f;

    (void)state;
    assert_int_equal(b.rsdp, BASE_HIGH);
    assert_int_equal(rd32(r + 16), 0);
    assert_int_equal(sum(r, 20), 0);
    assert_int_equal(sum(r, 36), 0);
    check_table(&b, xsdt_gpa(&b), "XSDT", 1);
    f = at(&b, fadt_gpa(&b), 276);
    assert_int_equal(rd32(f + 36), 0);
    assert_int_equal(rd32(f + 40), 0);
    assert_true(dsdt_gpa(&b) > BASE_HIGH && facs_gpa(&b) > BASE_HIGH);
    check_table(&b, dsdt_gpa(&b), "DSDT", 2);
    free(b.buf);
}

/* ---- rejections -------------------------------------------------------------------------- */

static void expect_reject(const struct child_acpi_config *cfg, size_t size, int rc)
{
    uint8_t *buf = malloc(size); /* exact: ASan catches any write past it */
    char err[128] = "";
    size_t used = 12345;
    uint64_t rsdp = 0;

    assert_true(buf || !size);
    assert_int_equal(child_acpi_build(cfg, buf, size, &used, &rsdp, err, sizeof(err)), rc);
    assert_true(strncmp(err, "acpi: ", 6) == 0);
    assert_int_equal(used, 12345);
    free(buf);
}

static void test_reject_ncpus(void **state)
{
    struct child_acpi_config cfg = config(0, BASE_LOW);

    (void)state;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg.ncpus = ACPI_CHILD_MAX_CPUS + 1;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg.ncpus = UINT32_MAX;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
}

static void test_reject_config(void **state)
{
    struct child_acpi_config good = config(2, BASE_LOW), cfg;
    uint8_t buf[64];
    size_t used;
    uint64_t rsdp;
    char err[64];

    (void)state;
    cfg = good, cfg.base_gpa = 0;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.base_gpa = BASE_LOW + 8;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.base_gpa = UINT64_MAX - 0xfff; /* 16-aligned, but the area wraps */
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.pm_base_port = 0;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.pm_base_port = 0x602;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.pm_base_port = 0xfff8; /* the timer would end past 0xffff */
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.pm_base_port = 0x3f0; /* over COM1 */
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.reset_port = PM_PORT + 4;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.reset_port = 0x3fc;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.flags = 0x80;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg = good, cfg.flags = ACPI_CHILD_F_ALL + 1;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    /* The edges that are fine. */
    cfg = good, cfg.pm_base_port = 0xfff4;
    free(build(&cfg).buf);
    cfg = good, cfg.base_gpa = UINT64_MAX - ACPI_CHILD_TABLES_SIZE - 15; /* the highest that fits */
    free(build(&cfg).buf);
    /* Missing arguments. */
    assert_int_equal(child_acpi_build(NULL, buf, sizeof(buf), &used, &rsdp, err, sizeof(err)),
                     ACPI_CHILD_EINVAL);
    assert_int_equal(child_acpi_build(&good, NULL, sizeof(buf), &used, &rsdp, err, sizeof(err)),
                     ACPI_CHILD_EINVAL);
    assert_int_equal(child_acpi_build(&good, buf, sizeof(buf), NULL, &rsdp, err, sizeof(err)),
                     ACPI_CHILD_EINVAL);
    assert_int_equal(child_acpi_build(&good, buf, sizeof(buf), &used, NULL, err, sizeof(err)),
                     ACPI_CHILD_EINVAL);
}

static void test_reject_gen1(void **state)
{
    struct child_acpi_config good = config(2, BASE_LOW), cfg;
    static const uint32_t bad_holes[] = {0, 0xfffff, ACPI_CHILD_IOAPIC_ADDR, 0xffffffff};

    (void)state;
    for (size_t i = 0; i < sizeof(bad_holes) / sizeof(bad_holes[0]); i++) {
        cfg = good, cfg.flags = ACPI_CHILD_F_PCI, cfg.pci_hole_start = bad_holes[i];
        expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
        /* Without the flag the hole is not looked at. */
        cfg.flags = ACPI_CHILD_F_PIC;
        free(build(&cfg).buf);
    }
    /* The PM block over the configuration ports, with PCI only; the reset
     * register among them is fine. */
    cfg = good, cfg.flags = ACPI_CHILD_F_PCI, cfg.pm_base_port = 0xcfc, cfg.reset_port = 0;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg.flags = 0;
    free(build(&cfg).buf);
    cfg = good, cfg.flags = ACPI_CHILD_F_PCI, cfg.reset_port = 0xcf9;
    free(build(&cfg).buf);
    /* PM block or reset port over COM2, with COM2 only. */
    cfg = good, cfg.flags = ACPI_CHILD_F_COM2, cfg.pm_base_port = 0x2f4;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg.flags = 0;
    free(build(&cfg).buf);
    cfg = good, cfg.flags = ACPI_CHILD_F_COM2, cfg.reset_port = 0x2ff;
    expect_reject(&cfg, ACPI_CHILD_TABLES_SIZE, ACPI_CHILD_EINVAL);
    cfg.flags = 0;
    free(build(&cfg).buf);
}

/* Every size short of what is needed fails without writing past the end;
 * the exact size works and gives the same tables. */
static void check_sizes(uint32_t ncpus, uint64_t base, uint32_t flags)
{
    struct child_acpi_config cfg = config(ncpus, base);
    struct built ref;
    uint8_t *buf;
    size_t used;
    uint64_t rsdp;
    char err[128];

    cfg.flags = flags;
    ref = build(&cfg);
    for (size_t size = 0; size < ref.used; size++)
        expect_reject(&ref.cfg, size, ACPI_CHILD_ENOSPC);
    buf = malloc(ref.used);
    assert_non_null(buf);
    assert_int_equal(child_acpi_build(&ref.cfg, buf, ref.used, &used, &rsdp, err, sizeof(err)), 0);
    assert_int_equal(used, ref.used);
    assert_int_equal(rsdp, ref.rsdp);
    /* The same tables: the buffer's end is on the same side of 4 GiB as
     * the reference's, so even the RSDT's presence agrees. */
    assert_memory_equal(buf, ref.buf, ref.used);
    free(buf);
    free(ref.buf);
}

static void test_small_buffer(void **state)
{
    (void)state;
    check_sizes(1, BASE_LOW, ACPI_CHILD_F_PIC);
    check_sizes(ACPI_CHILD_MAX_CPUS, BASE_LOW, ACPI_CHILD_F_PIC);
    check_sizes(5, BASE_HIGH, ACPI_CHILD_F_PIC);
    check_sizes(2, BASE_LOW, ACPI_CHILD_F_VMBUS);
    check_sizes(2, BASE_LOW, GEN1_FLAGS);
    /* The most there is: still within ACPI_CHILD_TABLES_SIZE (build() uses it). */
    check_sizes(ACPI_CHILD_MAX_CPUS, BASE_LOW, ACPI_CHILD_F_ALL);
}

static void test_error_buffer(void **state)
{
    struct child_acpi_config cfg = config(0, BASE_LOW);
    uint8_t buf[ACPI_CHILD_TABLES_SIZE];
    size_t used;
    uint64_t rsdp;
    char small[8];

    (void)state;
    memset(small, 'x', sizeof(small));
    assert_int_equal(child_acpi_build(&cfg, buf, sizeof(buf), &used, &rsdp, small, sizeof(small)),
                     ACPI_CHILD_EINVAL);
    assert_string_equal(small, "acpi: 0");
    assert_int_equal(child_acpi_build(&cfg, buf, sizeof(buf), &used, &rsdp, NULL, 0),
                     ACPI_CHILD_EINVAL);
    /* Success clears an old message. */
    cfg.ncpus = 1;
    strcpy(small, "old");
    assert_int_equal(child_acpi_build(&cfg, buf, sizeof(buf), &used, &rsdp, small, sizeof(small)),
                     0);
    assert_string_equal(small, "");
}

/* ---- the hypervisor's reader --------------------------------------------------------------- */

static const void *built_map(void *ctx, uint64_t pa, size_t len)
{
    const struct built *b = ctx;

    if (pa < b->base || pa - b->base > b->used || len > b->used - (pa - b->base))
        return NULL;
    return b->buf + (pa - b->base);
}

static void check_hv_reader(uint32_t ncpus, uint64_t base, uint32_t flags)
{
    struct child_acpi_config cfg = config(ncpus, base);
    struct built b;
    struct acpi_mem mem = {built_map, &b};
    static struct acpi_madt_info info;
    uint64_t pa;
    char err[128];

    cfg.flags = flags;
    b = build(&cfg);
    assert_int_equal(acpi_parse_madt(&mem, b.rsdp, &info, err, sizeof(err)), 0);
    assert_int_equal(info.ncpus, ncpus);
    assert_false(info.truncated);
    assert_false(info.malformed);
    assert_int_equal(info.lapic_base, ACPI_CHILD_LAPIC_ADDR);
    assert_int_equal(info.madt_flags, (flags & ACPI_CHILD_F_PIC) ? 1 : 0);
    for (uint32_t i = 0; i < ncpus; i++) {
        assert_int_equal(info.cpus[i].apic_id, i);
        assert_int_equal(info.cpus[i].acpi_uid, i);
        assert_true(info.cpus[i].enabled);
        assert_false(info.cpus[i].x2apic_entry);
    }
    assert_int_equal(acpi_find_table(&mem, b.rsdp, "FACP", &pa, err, sizeof(err)), 0);
    assert_int_equal(pa, fadt_gpa(&b));
    /* The DSDT is reached through the FADT, not the root table. */
    assert_int_equal(acpi_find_table(&mem, b.rsdp, "DSDT", &pa, err, sizeof(err)), ACPI_ENOTFOUND);
    free(b.buf);
}

static void test_hv_reader(void **state)
{
    (void)state;
    check_hv_reader(1, BASE_LOW, 0);
    check_hv_reader(6, BASE_HIGH, ACPI_CHILD_F_PIC);
    check_hv_reader(ACPI_CHILD_MAX_CPUS, BASE_LOW, ACPI_CHILD_F_PIC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsdp),           cmocka_unit_test(test_root_tables),
        cmocka_unit_test(test_fadt),           cmocka_unit_test(test_fadt_options),
        cmocka_unit_test(test_madt),           cmocka_unit_test(test_dsdt),
        cmocka_unit_test(test_layout),         cmocka_unit_test(test_above_4g),
        cmocka_unit_test(test_reject_ncpus),   cmocka_unit_test(test_reject_config),
        cmocka_unit_test(test_small_buffer),   cmocka_unit_test(test_error_buffer),
        cmocka_unit_test(test_hv_reader),      cmocka_unit_test(test_dsdt_vmbus_optional),
        cmocka_unit_test(test_dsdt_gen1),      cmocka_unit_test(test_dsdt_order),
        cmocka_unit_test(test_pci_hole),       cmocka_unit_test(test_fadt_century),
        cmocka_unit_test(test_gen2_unchanged), cmocka_unit_test(test_gen1_optional),
        cmocka_unit_test(test_reject_gen1),    cmocka_unit_test(test_dump),
    };

    return cmocka_run_group_tests_name("acpi_tables", tests, NULL, NULL);
}
