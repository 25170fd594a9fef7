/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Builds the ACPI tables of a child partition (API and the platform they
 * describe in acpi_tables.h).  Hosted C in the worker process, also compiled
 * for the unit tests.  Fields are written byte by byte in little-endian
 * order, so neither the host's byte order nor the buffer's alignment matters,
 * and every write is bounds-checked against the caller's buffer.  The DSDT is
 * a few hand-assembled AML objects: a tiny builder below, enough for names,
 * scopes, devices, packages and buffers, keeps that readable and lets later
 * devices be added without an ASL compiler in the build.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "acpi_tables.h"

#define OEM_ID       "HVCORE"   /* 6 bytes */
#define OEM_TABLE_ID "HVCHILD " /* 8 bytes */
#define OEM_REV      1
#define CREATOR_ID   "HVCR"
#define CREATOR_REV  1

#define HDR_LEN   36
#define RSDP_LEN  36 /* revision 2 and later */
#define FACS_LEN  64
#define FADT_LEN  276 /* ACPI 6.0 and later: up to the hypervisor vendor id */
#define MADT_HDR  44  /* header, local APIC address, flags */
#define GAS_IO    1   /* generic address structure: system I/O space */
#define BELOW_4G  0x100000000ULL
#define TABLE_ALN 16 /* every table starts 16-byte aligned; the FACS 64 */

/* Revisions: the RSDP and XSDT's own, the FADT's is ACPI 6's (minor 0),
 * the MADT's that of ACPI 6.3+ (no online-capable entries used), the DSDT's
 * 2 so that AML integers are 64 bits. */
#define RSDP_REV       2
#define XSDT_REV       1
#define RSDT_REV       1
#define FADT_REV       6
#define FADT_MINOR_REV 0
#define MADT_REV       5
#define DSDT_REV       2
#define FACS_VERSION   2

/* FADT fixed feature flags and IA-PC boot architecture flags (ACPI 5.2.9). */
#define FADT_WBINVD        (1U << 0)
#define FADT_PROC_C1       (1U << 2)
#define FADT_PWR_BUTTON    (1U << 4) /* set: no fixed-feature power button */
#define FADT_SLP_BUTTON    (1U << 5) /* set: no fixed-feature sleep button */
#define FADT_FIX_RTC       (1U << 6) /* set: no RTC wake status in PM1 */
#define FADT_TMR_VAL_EXT   (1U << 8) /* 32-bit PM timer */
#define FADT_RESET_REG_SUP (1U << 10)
#define BOOT_LEGACY_DEVS   (1U << 0) /* ISA devices (COM1) */
#define BOOT_8042          (1U << 1)
#define BOOT_NO_VGA        (1U << 2)
#define BOOT_NO_CMOS_RTC   (1U << 5)

/* MADT entries. */
#define MADT_PCAT_COMPAT   0x1
#define MADT_LAPIC         0
#define MADT_IOAPIC        1
#define MADT_ISO           2
#define MADT_LAPIC_NMI     4
#define LAPIC_LEN          8
#define IOAPIC_LEN         12
#define ISO_LEN            10
#define LAPIC_NMI_LEN      6
#define LAPIC_ENABLED      0x1
#define MPS_LEVEL_HIGH     0x000d /* polarity 01 active high, trigger 11 level */
#define ALL_PROCESSORS_UID 0xff

/* C1 via HLT only: latencies above 100 and 1000 mean "no C2" and "no C3". */
#define NO_C2_LATENCY 101
#define NO_C3_LATENCY 1001

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s += *p++;
    return (uint8_t)-s;
}

/* A generic address structure for an I/O port block of @len bytes. */
static void put_gas_io(uint8_t *p, uint16_t port, uint8_t len, uint8_t access_size)
{
    p[0] = GAS_IO;
    p[1] = (uint8_t)(len * 8);
    p[2] = 0;
    p[3] = access_size; /* 1 byte, 2 word, 3 dword */
    put64(p + 4, port);
}

/* The common header; the checksum is set by seal() once the body is in. */
static void put_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = rev;
    t[9] = 0;
    memcpy(t + 10, OEM_ID, 6);
    memcpy(t + 16, OEM_TABLE_ID, 8);
    put32(t + 24, OEM_REV);
    memcpy(t + 28, CREATOR_ID, 4);
    put32(t + 32, CREATOR_REV);
}

static void seal(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = checksum(t, len);
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;

    if (errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* ---- AML ----------------------------------------------------------------------------- */

#define AML_ZERO        0x00
#define AML_ONE         0x01
#define AML_NAME        0x08
#define AML_METHOD      0x14
#define AML_BYTE        0x0a
#define AML_WORD        0x0b
#define AML_DWORD       0x0c
#define AML_STRING      0x0d
#define AML_QWORD       0x0e
#define AML_SCOPE       0x10
#define AML_BUFFER      0x11
#define AML_PACKAGE     0x12
#define AML_DUAL_NAME   0x2e
#define AML_MULTI_NAME  0x2f
#define AML_ROOT        0x5c
#define AML_EXT         0x5b
#define AML_EXT_DEVICE  0x82
#define PKGLEN_MAX      0x0fffffff /* 28 bits in the 4-byte encoding */
#define RES_IO          0x47       /* small resource items, tag and length in one byte */
#define RES_IRQ_NOFLAGS 0x22
#define RES_IRQ         0x23 /* with the flags byte */
#define RES_END         0x79
#define RES_DWORD_SPACE 0x87 /* large item: Address Space Descriptor, 32-bit */
#define RES_DWORD_LEN   23   /* its bytes after the tag and the length */
#define RES_WORD_SPACE  0x88 /* large item: Address Space Descriptor, 16-bit */
#define RES_WORD_LEN    13
#define RES_IRQ_EDGE    0x01 /* IRQ flags: edge-triggered, active high, exclusive */
#define SPACE_MEMORY    0x00 /* resource type */
#define SPACE_IO        0x01
#define SPACE_BUS       0x02
#define SPACE_PRODUCER  0x0c /* _MAF | _MIF, positive decode, a window the device gives out */
#define SPACE_MEM_RW    0x01 /* non-cacheable, read-write, AddressRangeMemory, TypeStatic */
#define SPACE_MEM_RW_WB 0x03 /* the same, cacheable */
#define SPACE_IO_ALL    0x03 /* _RNG: ISA and non-ISA ports, TypeStatic */
#define STA_PRESENT     0x0f /* present, enabled, shown in the UI, functioning */

/* AML written straight into the output: on overflow further writes are
 * dropped and the table is abandoned. */
struct aml {
    uint8_t *p;
    size_t len, cap;
    bool overflow;
};

static void aml_put(struct aml *a, const void *src, size_t n)
{
    if (a->overflow || n > a->cap - a->len) {
        a->overflow = true;
        return;
    }
    memcpy(a->p + a->len, src, n);
    a->len += n;
}

static void aml_byte(struct aml *a, uint8_t b)
{
    aml_put(a, &b, 1);
}

/* A NameString: an optional leading '\' then 4-character segments separated
 * by dots ("\\_SB_.COM1"); callers pad short names with '_'. */
static void aml_name(struct aml *a, const char *path)
{
    size_t nseg;

    if (*path == '\\') {
        aml_byte(a, AML_ROOT);
        path++;
    }
    nseg = (strlen(path) + 1) / 5;
    if (nseg == 2) {
        aml_byte(a, AML_DUAL_NAME);
    } else if (nseg > 2) {
        aml_byte(a, AML_MULTI_NAME);
        aml_byte(a, (uint8_t)nseg);
    }
    for (size_t i = 0; i < nseg; i++)
        aml_put(a, path + 5 * i, 4);
}

/* The smallest encoding of an integer constant. */
static void aml_int(struct aml *a, uint64_t v)
{
    uint8_t b[8];

    if (v <= 1) {
        aml_byte(a, v ? AML_ONE : AML_ZERO);
    } else if (v <= UINT8_MAX) {
        aml_byte(a, AML_BYTE);
        aml_byte(a, (uint8_t)v);
    } else if (v <= UINT16_MAX) {
        aml_byte(a, AML_WORD);
        put16(b, (uint16_t)v);
        aml_put(a, b, 2);
    } else if (v <= UINT32_MAX) {
        aml_byte(a, AML_DWORD);
        put32(b, (uint32_t)v);
        aml_put(a, b, 4);
    } else {
        aml_byte(a, AML_QWORD);
        put64(b, v);
        aml_put(a, b, 8);
    }
}

/* A package's contents are written first; closing it inserts the PkgLength
 * in front of them, since its size (1 to 4 bytes) depends on the length. */
static size_t aml_open(struct aml *a)
{
    return a->len;
}

static void aml_close(struct aml *a, size_t start)
{
    size_t n = a->len - start, k, len;

    if (a->overflow)
        return;
    /* The PkgLength counts itself and everything after it up to the end. */
    if (n + 1 < 0x40)
        k = 1;
    else if (n + 2 < 0x1000)
        k = 2;
    else if (n + 3 < 0x100000)
        k = 3;
    else
        k = 4;
    len = n + k;
    if (len > PKGLEN_MAX || k > a->cap - a->len) {
        a->overflow = true;
        return;
    }
    memmove(a->p + start + k, a->p + start, n);
    if (k == 1) {
        a->p[start] = (uint8_t)len;
    } else {
        /* Bits 7-6: how many bytes follow; low nibble in byte 0, the rest
         * eight bits a byte. */
        a->p[start] = (uint8_t)(((k - 1) << 6) | (len & 0xf));
        for (size_t i = 1; i < k; i++)
            a->p[start + i] = (uint8_t)(len >> (4 + 8 * (i - 1)));
    }
    a->len += k;
}

static void aml_name_int(struct aml *a, const char *name, uint64_t v)
{
    aml_byte(a, AML_NAME);
    aml_name(a, name);
    aml_int(a, v);
}

static void aml_name_string(struct aml *a, const char *name, const char *str)
{
    aml_byte(a, AML_NAME);
    aml_name(a, name);
    aml_byte(a, AML_STRING);
    aml_put(a, str, strlen(str) + 1);
}

/* EISAID("AAA####"): three letters in 5 bits each, then four hex digits,
 * stored big-endian in a DWord. */
static uint32_t eisa_id(const char *id)
{
    uint32_t v = ((uint32_t)(id[0] - 0x40) << 26) | ((uint32_t)(id[1] - 0x40) << 21) |
                 ((uint32_t)(id[2] - 0x40) << 16);

    for (int i = 3; i < 7; i++) {
        char c = id[i];
        uint32_t d = c <= '9' ? (uint32_t)(c - '0') : (uint32_t)(c - 'A' + 10);

        v |= d << (4 * (6 - i));
    }
    return __builtin_bswap32(v);
}

static void aml_name_eisaid(struct aml *a, const char *name, const char *id)
{
    uint8_t b[4];

    aml_byte(a, AML_NAME);
    aml_name(a, name);
    aml_byte(a, AML_DWORD);
    put32(b, eisa_id(id));
    aml_put(a, b, 4);
}

/* Name(NAME, Buffer() {BYTES}). */
static void aml_name_buffer(struct aml *a, const char *name, const uint8_t *bytes, size_t n)
{
    size_t pkg;

    aml_byte(a, AML_NAME);
    aml_name(a, name);
    aml_byte(a, AML_BUFFER);
    pkg = aml_open(a);
    aml_int(a, n);
    aml_put(a, bytes, n);
    aml_close(a, pkg);
}

/* Name(_Sx_, Package() {SLP_TYPa, SLP_TYPb, 0, 0}): the PM1a and (absent)
 * PM1b values for the sleep state. */
static void aml_sleep_state(struct aml *a, const char *name, uint8_t slp_typ)
{
    size_t pkg;

    aml_byte(a, AML_NAME);
    aml_name(a, name);
    aml_byte(a, AML_PACKAGE);
    pkg = aml_open(a);
    aml_byte(a, 4);
    aml_int(a, slp_typ);
    aml_int(a, slp_typ);
    aml_int(a, 0);
    aml_int(a, 0);
    aml_close(a, pkg);
}

/* Device(NAME) {...}: opens the device (close it with aml_close()). */
static size_t aml_device(struct aml *a, const char *name)
{
    size_t pkg;

    aml_byte(a, AML_EXT);
    aml_byte(a, AML_EXT_DEVICE);
    pkg = aml_open(a);
    aml_name(a, name);
    return pkg;
}

/* Method(NAME, 0, NotSerialized) {}: for the methods that must exist but
 * have nothing to do. */
static void aml_empty_method(struct aml *a, const char *name)
{
    size_t pkg;

    aml_byte(a, AML_METHOD);
    pkg = aml_open(a);
    aml_name(a, name);
    aml_byte(a, 0); /* flags: no arguments, not serialized, sync level 0 */
    aml_close(a, pkg);
}

/* Device(COMn): a 16550 (COM1 is the serial console). */
static void aml_com(struct aml *a, const char *name, unsigned uid, uint16_t port, unsigned irq)
{
    const uint8_t crs[] = {
        /* IO(Decode16, port, port, 1, 8) */
        RES_IO,
        0x01,
        (uint8_t)port,
        (uint8_t)(port >> 8),
        (uint8_t)port,
        (uint8_t)(port >> 8),
        0x01,
        0x08,
        /* IRQNoFlags() {irq}: edge, active high, as ISA interrupts are */
        RES_IRQ_NOFLAGS,
        (uint8_t)(1U << irq),
        (uint8_t)((1U << irq) >> 8),
        /* EndTag, checksum 0 ("treat as correct") */
        RES_END,
        0x00,
    };
    size_t pkg = aml_device(a, name);

    aml_name_eisaid(a, "_HID", "PNP0501");
    aml_name_int(a, "_UID", uid);
    aml_name_buffer(a, "_CRS", crs, sizeof(crs));
    aml_close(a, pkg);
}

/* ---- resource templates (_CRS buffers) ------------------------------------------------ */

#define RES_MAX 128

struct res {
    uint8_t b[RES_MAX];
    size_t n;
};

static uint8_t *res_take(struct res *r, size_t n)
{
    uint8_t *p = r->b + r->n;

    /* The templates are fixed in this file and far smaller than RES_MAX:
     * running out is a bug, caught by the unit tests through the end tag. */
    if (n > RES_MAX - r->n)
        return NULL;
    r->n += n;
    return p;
}

/* IO(Decode16, port, port, 1, len): a fixed block of ports. */
static void res_io(struct res *r, uint16_t port, uint8_t len)
{
    uint8_t *p = res_take(r, 8);

    if (!p)
        return;
    p[0] = RES_IO;
    p[1] = 0x01; /* 16-bit decode */
    put16(p + 2, port);
    put16(p + 4, port);
    p[6] = 0x01; /* alignment */
    p[7] = len;
}

/* IRQNoFlags() {irq}: an ISA interrupt, edge-triggered, active high. */
static void res_irq(struct res *r, unsigned irq)
{
    uint8_t *p = res_take(r, 3);

    if (!p)
        return;
    p[0] = RES_IRQ_NOFLAGS;
    put16(p + 1, (uint16_t)(1U << irq));
}

/* WordBusNumber / WordIO producer [min, max], no translation, fixed. */
static void res_word_space(struct res *r, uint8_t type, uint8_t type_flags, uint16_t min,
                           uint16_t max)
{
    uint8_t *p = res_take(r, 3 + RES_WORD_LEN);

    if (!p)
        return;
    p[0] = RES_WORD_SPACE;
    put16(p + 1, RES_WORD_LEN);
    p[3] = type;
    p[4] = SPACE_PRODUCER;
    p[5] = type_flags;
    put16(p + 6, 0); /* granularity */
    put16(p + 8, min);
    put16(p + 10, max);
    put16(p + 12, 0); /* translation */
    put16(p + 14, (uint16_t)(max - min + 1));
}

/* DWordMemory producer [min, max], no translation, fixed. */
static void res_dword_memory(struct res *r, uint8_t type_flags, uint32_t min, uint32_t max)
{
    uint8_t *p = res_take(r, 3 + RES_DWORD_LEN);

    if (!p)
        return;
    p[0] = RES_DWORD_SPACE;
    put16(p + 1, RES_DWORD_LEN);
    p[3] = SPACE_MEMORY;
    p[4] = SPACE_PRODUCER;
    p[5] = type_flags;
    put32(p + 6, 0);
    put32(p + 10, min);
    put32(p + 14, max);
    put32(p + 18, 0);
    put32(p + 22, max - min + 1);
}

static void res_end(struct res *r)
{
    uint8_t *p = res_take(r, 2);

    if (!p)
        return;
    p[0] = RES_END;
    p[1] = 0x00; /* checksum 0: "treat as correct" */
}

/* ---- generation 1 devices ------------------------------------------------------------- */

/* Device(NAME) { _HID EISAID(hid), _CRS }: a fixed ISA device. */
static void aml_isa_device(struct aml *a, const char *name, const char *hid, struct res *crs)
{
    size_t pkg = aml_device(a, name);

    res_end(crs);
    aml_name_eisaid(a, "_HID", hid);
    aml_name_buffer(a, "_CRS", crs->b, crs->n);
    aml_close(a, pkg);
}

/* The CMOS RTC and the 8042's keyboard and mouse ports (ACPI_CHILD_F_PC_LEGACY). */
static void aml_pc_legacy(struct aml *a, uint32_t flags)
{
    if (flags & ACPI_CHILD_F_RTC) {
        struct res r = {.n = 0};

        res_io(&r, ACPI_CHILD_RTC_PORT, 2);
        res_irq(&r, ACPI_CHILD_RTC_IRQ);
        aml_isa_device(a, "RTC_", "PNP0B00", &r);
    }
    if (flags & ACPI_CHILD_F_I8042) {
        struct res k = {.n = 0}, m = {.n = 0};

        /* Linux's i8042 takes the data port from the first I/O resource
         * and the command port from the second. */
        res_io(&k, ACPI_CHILD_KBD_DATA, 1);
        res_io(&k, ACPI_CHILD_KBD_CMD, 1);
        res_irq(&k, ACPI_CHILD_KBD_IRQ);
        aml_isa_device(a, "KBD_", "PNP0303", &k);
        res_irq(&m, ACPI_CHILD_MOUSE_IRQ);
        aml_isa_device(a, "MOU_", "PNP0F13", &m);
    }
}

/*
 * Name(_PRT, Package() { Package() {0xSSSSFFFF, pin, 0, GSI}, ... }): every
 * slot's four pins straight to their GSIs (source 0: no link device).  A
 * static package rather than a method: Linux evaluates either, and
 * SeaBIOS's DSDT reader skips it whole.
 */
static void aml_prt(struct aml *a)
{
    size_t outer;

    aml_byte(a, AML_NAME);
    aml_name(a, "_PRT");
    aml_byte(a, AML_PACKAGE);
    outer = aml_open(a);
    aml_byte(a, (ACPI_CHILD_PCI_LAST_SLOT - ACPI_CHILD_PCI_FIRST_SLOT + 1) * 4);
    for (unsigned slot = ACPI_CHILD_PCI_FIRST_SLOT; slot <= ACPI_CHILD_PCI_LAST_SLOT; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            size_t pkg;

            aml_byte(a, AML_PACKAGE);
            pkg = aml_open(a);
            aml_byte(a, 4);
            /* _ADR form: device in the high word, 0xFFFF for any function. */
            aml_int(a, (uint32_t)slot << 16 | 0xffff);
            aml_int(a, pin);
            aml_int(a, 0);
            aml_int(a, ACPI_CHILD_PCI_GSI(slot, pin));
            aml_close(a, pkg);
        }
    }
    aml_close(a, outer);
}

/* Device(PCI0): the host bridge, its windows and interrupt routing. */
static void aml_pci0(struct aml *a, uint32_t hole_start)
{
    struct res r = {.n = 0};
    size_t pkg;

    res_word_space(&r, SPACE_BUS, 0, 0x00, 0xff);
    res_io(&r, ACPI_CHILD_PCI_CONFIG_PORT, 8);
    res_word_space(&r, SPACE_IO, SPACE_IO_ALL, 0x0000, ACPI_CHILD_PCI_CONFIG_PORT - 1);
    res_word_space(&r, SPACE_IO, SPACE_IO_ALL, ACPI_CHILD_PCI_CONFIG_PORT + 8, 0xffff);
    /* The VGA window is decoded by PCI on a PC; cacheable as QEMU says it. */
    res_dword_memory(&r, SPACE_MEM_RW_WB, 0xa0000, 0xbffff);
    res_dword_memory(&r, SPACE_MEM_RW, hole_start, ACPI_CHILD_IOAPIC_ADDR - 1);
    res_end(&r);

    pkg = aml_device(a, "PCI0");
    aml_name_eisaid(a, "_HID", "PNP0A03");
    aml_name_int(a, "_ADR", 0);
    aml_name_int(a, "_UID", 0);
    aml_name_int(a, "_BBN", 0);
    aml_name_buffer(a, "_CRS", r.b, r.n);
    aml_prt(a);
    aml_close(a, pkg);
}

/* Device(Cnnn) for vCPU @i (nnn its index in hex): a processor device whose
 * _UID matches the MADT's processor UID, so that the guest's ACPI processor
 * driver finds the CPU in the namespace as on real machines. */
static void aml_cpu(struct aml *a, uint32_t i)
{
    char name[5];
    size_t pkg;

    snprintf(name, sizeof(name), "C%03X", (unsigned)i & 0xfff);
    pkg = aml_device(a, name);
    aml_name_string(a, "_HID", "ACPI0007");
    aml_name_int(a, "_UID", i);
    aml_close(a, pkg);
}

/*
 * Device(VMOD) { Device(VMBS) }: VMBus as Hyper-V describes it (ASL in
 * acpi_tables.h).  The module device holds the MMIO window, which Linux's
 * hv_vmbus finds by walking the _CRS of VMBS's ancestors; VMBS itself must
 * have a _CRS too, or hv_vmbus gives up.
 */
static void aml_vmbus(struct aml *a)
{
    const uint32_t base = ACPI_CHILD_VMBUS_MMIO_BASE, size = ACPI_CHILD_VMBUS_MMIO_SIZE;
    uint8_t window[3 + RES_DWORD_LEN + 2] = {
        RES_DWORD_SPACE, RES_DWORD_LEN, 0, SPACE_MEMORY, SPACE_PRODUCER, SPACE_MEM_RW,
    };
    const uint8_t irq[] = {
        /* IRQ(Edge, ActiveHigh, Exclusive) {5} */
        RES_IRQ,
        (1U << ACPI_CHILD_VMBUS_IRQ) & 0xff,
        (1U << ACPI_CHILD_VMBUS_IRQ) >> 8,
        RES_IRQ_EDGE,
        RES_END,
        0x00,
    };
    size_t vmod, vmbs;

    /* DWordMemory: granularity 0 (fixed size and place), min, max,
     * translation 0, length; then the end tag. */
    put32(window + 6, 0);
    put32(window + 10, base);
    put32(window + 14, base + size - 1);
    put32(window + 18, 0);
    put32(window + 22, size);
    window[26] = RES_END;
    window[27] = 0x00;

    vmod = aml_device(a, "VMOD");
    aml_name_string(a, "_HID", "ACPI0004");
    aml_name_int(a, "_UID", 0);
    aml_name_buffer(a, "_CRS", window, sizeof(window));
    vmbs = aml_device(a, "VMBS");
    /* Linux 6.1 matches "VMBUS" and "VMBus"; Hyper-V says the latter. */
    aml_name_string(a, "_HID", "VMBus");
    aml_name_int(a, "_UID", 0);
    aml_name_string(a, "_DDN", "VMBUS");
    aml_name_int(a, "_STA", STA_PRESENT);
    aml_name_buffer(a, "_CRS", irq, sizeof(irq));
    /* Power states the guest may ask for; VMBus has nothing to power. */
    aml_empty_method(a, "_PS0");
    aml_empty_method(a, "_PS3");
    aml_close(a, vmbs);
    aml_close(a, vmod);
}

/* The DSDT's AML (after its header). */
static void aml_dsdt_body(struct aml *a, uint32_t ncpus, uint32_t flags, uint32_t hole_start)
{
    size_t pkg;

    aml_sleep_state(a, "_S0_", ACPI_CHILD_SLP_TYP_S0);
    aml_sleep_state(a, "_S5_", ACPI_CHILD_SLP_TYP_S5);
    aml_byte(a, AML_SCOPE);
    pkg = aml_open(a);
    aml_name(a, "\\_SB_");
    for (uint32_t i = 0; i < ncpus; i++)
        aml_cpu(a, i);
    aml_com(a, "COM1", 1, ACPI_CHILD_COM1_PORT, ACPI_CHILD_COM1_IRQ);
    if (flags & ACPI_CHILD_F_COM2)
        aml_com(a, "COM2", 2, ACPI_CHILD_COM2_PORT, ACPI_CHILD_COM2_IRQ);
    if (flags & ACPI_CHILD_F_PC_LEGACY)
        aml_pc_legacy(a, flags);
    if (flags & ACPI_CHILD_F_PCI)
        aml_pci0(a, hole_start);
    /* VMBus last: without the flags above the DSDT is generation 2's. */
    if (flags & ACPI_CHILD_F_VMBUS)
        aml_vmbus(a);
    aml_close(a, pkg);
}

/* ---- layout -------------------------------------------------------------------------- */

struct layout {
    uint64_t base;
    size_t size, off; /* the buffer, and the end of what is placed so far */
    bool rsdt;        /* the whole buffer is below 4 GiB */
    size_t rsdp, facs, xsdt, rsdt_off, fadt, madt, dsdt;
    uint32_t xsdt_len, rsdt_len, madt_len;
};

/* Place @len bytes at the next guest-physical address aligned to @aln, or
 * false if they do not fit.  base + size does not overflow (checked), and
 * off <= size, so base + off does not either. */
static bool place(struct layout *l, size_t len, uint64_t aln, size_t *at)
{
    uint64_t gpa = l->base + l->off;
    size_t start;

    if (gpa > UINT64_MAX - (aln - 1))
        return false;
    start = (size_t)(((gpa + aln - 1) & ~(aln - 1)) - l->base);
    if (start > l->size || len > l->size - start)
        return false;
    *at = start;
    l->off = start + len;
    return true;
}

static uint64_t gpa_of(const struct layout *l, size_t off)
{
    return l->base + off;
}

/* ---- tables -------------------------------------------------------------------------- */

static void build_rsdp(uint8_t *buf, const struct layout *l)
{
    uint8_t *r = buf + l->rsdp;

    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, OEM_ID, 6);
    r[15] = RSDP_REV;
    put32(r + 16, l->rsdt ? (uint32_t)gpa_of(l, l->rsdt_off) : 0);
    put32(r + 20, RSDP_LEN);
    put64(r + 24, gpa_of(l, l->xsdt));
    /* The first checksum covers the ACPI 1.0 part (20 bytes), the extended
     * one everything, including the first. */
    r[8] = 0;
    r[8] = checksum(r, 20);
    r[32] = 0;
    r[32] = checksum(r, RSDP_LEN);
}

static void build_facs(uint8_t *buf, const struct layout *l)
{
    uint8_t *f = buf + l->facs;

    /* No waking vector, no global lock owner, no S4BIOS: all zero. */
    memcpy(f, "FACS", 4);
    put32(f + 4, FACS_LEN);
    f[32] = FACS_VERSION;
}

/* The tables the root tables list (the FADT leads to the DSDT and FACS). */
static size_t root_entries(const struct layout *l, uint64_t *e)
{
    e[0] = gpa_of(l, l->fadt);
    e[1] = gpa_of(l, l->madt);
    return 2;
}
#define NROOT 2

static void build_xsdt(uint8_t *buf, const struct layout *l)
{
    uint8_t *t = buf + l->xsdt;
    uint64_t e[NROOT];
    size_t n = root_entries(l, e);

    put_header(t, "XSDT", l->xsdt_len, XSDT_REV);
    for (size_t i = 0; i < n; i++)
        put64(t + HDR_LEN + 8 * i, e[i]);
    seal(t, l->xsdt_len);
}

static void build_rsdt(uint8_t *buf, const struct layout *l)
{
    uint8_t *t = buf + l->rsdt_off;
    uint64_t e[NROOT];
    size_t n = root_entries(l, e);

    put_header(t, "RSDT", l->rsdt_len, RSDT_REV);
    for (size_t i = 0; i < n; i++)
        put32(t + HDR_LEN + 4 * i, (uint32_t)e[i]);
    seal(t, l->rsdt_len);
}

static void build_fadt(uint8_t *buf, const struct layout *l, const struct child_acpi_config *cfg)
{
    uint8_t *t = buf + l->fadt;
    uint16_t pm = cfg->pm_base_port;
    uint32_t flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_FIX_RTC |
                     FADT_TMR_VAL_EXT;
    uint16_t boot = BOOT_LEGACY_DEVS | BOOT_NO_VGA;

    if (cfg->flags & ACPI_CHILD_F_I8042)
        boot |= BOOT_8042;
    if (!(cfg->flags & ACPI_CHILD_F_RTC))
        boot |= BOOT_NO_CMOS_RTC;
    if (cfg->reset_port)
        flags |= FADT_RESET_REG_SUP;

    put_header(t, "FACP", FADT_LEN, FADT_REV);
    /* The 32-bit pointers only where the RSDT can exist too; where both are
     * set they agree, which is what ACPICA checks. */
    if (l->rsdt) {
        put32(t + 36, (uint32_t)gpa_of(l, l->facs));
        put32(t + 40, (uint32_t)gpa_of(l, l->dsdt));
    }
    t[45] = 0; /* preferred PM profile: unspecified */
    put16(t + 46, ACPI_CHILD_SCI_IRQ);
    /* SMI_CMD, ACPI_ENABLE, ACPI_DISABLE all 0: always in ACPI mode. */
    put32(t + 56, (uint32_t)pm + ACPI_CHILD_PM1_STS); /* PM1a_EVT_BLK */
    put32(t + 64, (uint32_t)pm + ACPI_CHILD_PM1_CNT); /* PM1a_CNT_BLK */
    put32(t + 76, (uint32_t)pm + ACPI_CHILD_PM_TMR);  /* PM_TMR_BLK */
    t[88] = 4;                                        /* PM1_EVT_LEN: STS + EN */
    t[89] = 2;                                        /* PM1_CNT_LEN */
    t[91] = 4;                                        /* PM_TMR_LEN */
    put16(t + 96, NO_C2_LATENCY);
    put16(t + 98, NO_C3_LATENCY);
    /* CENTURY: Linux's mc146818 code then reads and writes the century
     * byte instead of guessing it from the year. */
    if ((cfg->flags & (ACPI_CHILD_F_RTC | ACPI_CHILD_F_PC_LEGACY)) ==
        (ACPI_CHILD_F_RTC | ACPI_CHILD_F_PC_LEGACY))
        t[108] = ACPI_CHILD_CMOS_CENTURY;
    put16(t + 109, boot);
    put32(t + 112, flags);
    if (cfg->reset_port) {
        put_gas_io(t + 116, cfg->reset_port, 1, 1);
        t[128] = ACPI_CHILD_RESET_VALUE;
    }
    t[131] = FADT_MINOR_REV;
    put64(t + 132, gpa_of(l, l->facs)); /* X_FIRMWARE_CTRL */
    put64(t + 140, gpa_of(l, l->dsdt)); /* X_DSDT */
    /* The extended blocks repeat the legacy ones; bit widths must be the
     * legacy lengths times 8. */
    put_gas_io(t + 148, (uint16_t)(pm + ACPI_CHILD_PM1_STS), 4, 2); /* X_PM1a_EVT_BLK */
    put_gas_io(t + 172, (uint16_t)(pm + ACPI_CHILD_PM1_CNT), 2, 2); /* X_PM1a_CNT_BLK */
    put_gas_io(t + 208, (uint16_t)(pm + ACPI_CHILD_PM_TMR), 4, 3);  /* X_PM_TMR_BLK */
    seal(t, FADT_LEN);
}

static void build_madt(uint8_t *buf, const struct layout *l, const struct child_acpi_config *cfg)
{
    uint8_t *t = buf + l->madt, *e = t + MADT_HDR;

    put_header(t, "APIC", l->madt_len, MADT_REV);
    put32(t + 36, ACPI_CHILD_LAPIC_ADDR);
    put32(t + 40, (cfg->flags & ACPI_CHILD_F_PIC) ? MADT_PCAT_COMPAT : 0);

    /* The processor UID is the vCPU index, as is the _UID of the DSDT's
     * processor device: that is how the guest pairs the two. */
    for (uint32_t i = 0; i < cfg->ncpus; i++, e += LAPIC_LEN) {
        e[0] = MADT_LAPIC;
        e[1] = LAPIC_LEN;
        e[2] = (uint8_t)i;
        e[3] = (uint8_t)i;
        put32(e + 4, LAPIC_ENABLED);
    }

    e[0] = MADT_IOAPIC;
    e[1] = IOAPIC_LEN;
    e[2] = ACPI_CHILD_IOAPIC_ID;
    e[3] = 0;
    put32(e + 4, ACPI_CHILD_IOAPIC_ADDR);
    put32(e + 8, 0); /* GSI base */
    e += IOAPIC_LEN;

    /* As on a PC: the PIT's IRQ 0 is wired to I/O APIC pin 2 (pin 0 being
     * the 8259's output), and the SCI is level-triggered, active high. */
    e[0] = MADT_ISO;
    e[1] = ISO_LEN;
    e[2] = 0; /* bus: ISA */
    e[3] = 0; /* source IRQ */
    put32(e + 4, 2);
    put16(e + 8, 0); /* conforms to the bus: edge, active high */
    e += ISO_LEN;
    e[0] = MADT_ISO;
    e[1] = ISO_LEN;
    e[2] = 0;
    e[3] = ACPI_CHILD_SCI_IRQ;
    put32(e + 4, ACPI_CHILD_SCI_IRQ);
    put16(e + 8, MPS_LEVEL_HIGH);
    e += ISO_LEN;

    /* LINT1 is the NMI input on every CPU. */
    e[0] = MADT_LAPIC_NMI;
    e[1] = LAPIC_NMI_LEN;
    e[2] = ALL_PROCESSORS_UID;
    put16(e + 3, 0);
    e[5] = 1;

    seal(t, l->madt_len);
}

/* ---- the entry point ----------------------------------------------------------------- */

static bool ranges_overlap(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

static int check_config(const struct child_acpi_config *cfg, size_t buf_size, char *err,
                        size_t errlen)
{
    uint32_t pm = cfg->pm_base_port, reset = cfg->reset_port;

    if (cfg->ncpus < 1 || cfg->ncpus > ACPI_CHILD_MAX_CPUS)
        return fail(err, errlen, ACPI_CHILD_EINVAL, "acpi: %u vCPUs (1..%u supported)", cfg->ncpus,
                    ACPI_CHILD_MAX_CPUS);
    if (!cfg->base_gpa || cfg->base_gpa % 16)
        return fail(err, errlen, ACPI_CHILD_EINVAL,
                    "acpi: table address 0x%llx is 0 or not 16-byte aligned",
                    (unsigned long long)cfg->base_gpa);
    if (cfg->base_gpa > UINT64_MAX - buf_size)
        return fail(err, errlen, ACPI_CHILD_EINVAL,
                    "acpi: table area at 0x%llx, %zu bytes, wraps around",
                    (unsigned long long)cfg->base_gpa, buf_size);
    if (!pm || pm % 4 || pm + ACPI_CHILD_PM_IO_LEN > 0x10000)
        return fail(err, errlen, ACPI_CHILD_EINVAL,
                    "acpi: PM port block at 0x%x: not 0, a multiple of 4, below 0x%x", pm,
                    0x10000 - ACPI_CHILD_PM_IO_LEN + 1);
    if (ranges_overlap(pm, ACPI_CHILD_PM_IO_LEN, ACPI_CHILD_COM1_PORT, 8) ||
        (reset && (ranges_overlap(reset, 1, pm, ACPI_CHILD_PM_IO_LEN) ||
                   ranges_overlap(reset, 1, ACPI_CHILD_COM1_PORT, 8))))
        return fail(err, errlen, ACPI_CHILD_EINVAL,
                    "acpi: PM ports 0x%x, reset port 0x%x and COM1 overlap", pm, reset);
    if (cfg->flags & ~(uint32_t)ACPI_CHILD_F_ALL)
        return fail(err, errlen, ACPI_CHILD_EINVAL, "acpi: unknown flags 0x%x", cfg->flags);
    if ((cfg->flags & ACPI_CHILD_F_COM2) &&
        (ranges_overlap(pm, ACPI_CHILD_PM_IO_LEN, ACPI_CHILD_COM2_PORT, 8) ||
         (reset && ranges_overlap(reset, 1, ACPI_CHILD_COM2_PORT, 8))))
        return fail(err, errlen, ACPI_CHILD_EINVAL,
                    "acpi: PM ports 0x%x or reset port 0x%x overlap COM2", pm, reset);
    if (cfg->flags & ACPI_CHILD_F_PCI) {
        /* The reset port may be 0xCF9: the chipset's register among the
         * configuration ports. */
        if (ranges_overlap(pm, ACPI_CHILD_PM_IO_LEN, ACPI_CHILD_PCI_CONFIG_PORT, 8))
            return fail(err, errlen, ACPI_CHILD_EINVAL,
                        "acpi: PM ports 0x%x overlap the PCI configuration ports", pm);
        if (cfg->pci_hole_start < 0x100000 || cfg->pci_hole_start >= ACPI_CHILD_IOAPIC_ADDR)
            return fail(err, errlen, ACPI_CHILD_EINVAL,
                        "acpi: PCI hole start 0x%x not in [1 MiB, 0x%x)", cfg->pci_hole_start,
                        ACPI_CHILD_IOAPIC_ADDR);
    }
    return 0;
}

int child_acpi_build(const struct child_acpi_config *cfg, void *buf, size_t buf_size, size_t *used,
                     uint64_t *rsdp_gpa, char *err, size_t errlen)
{
    struct layout l = {0};
    struct aml a;
    uint8_t *b = buf;
    int rc;

    if (errlen)
        err[0] = '\0';
    if (!cfg || (!buf && buf_size) || !used || !rsdp_gpa)
        return fail(err, errlen, ACPI_CHILD_EINVAL, "acpi: missing argument");
    rc = check_config(cfg, buf_size, err, errlen);
    if (rc)
        return rc;

    l.base = cfg->base_gpa;
    l.size = buf_size;
    l.rsdt = cfg->base_gpa + buf_size <= BELOW_4G;
    l.xsdt_len = HDR_LEN + 8 * NROOT;
    l.rsdt_len = HDR_LEN + 4 * NROOT;
    l.madt_len = MADT_HDR + LAPIC_LEN * cfg->ncpus + IOAPIC_LEN + 2 * ISO_LEN + LAPIC_NMI_LEN;
    /* The DSDT last: it is the one that grows. */
    if (!place(&l, RSDP_LEN, 16, &l.rsdp) || !place(&l, FACS_LEN, 64, &l.facs) ||
        !place(&l, l.xsdt_len, TABLE_ALN, &l.xsdt) ||
        (l.rsdt && !place(&l, l.rsdt_len, TABLE_ALN, &l.rsdt_off)) ||
        !place(&l, FADT_LEN, TABLE_ALN, &l.fadt) || !place(&l, l.madt_len, TABLE_ALN, &l.madt) ||
        !place(&l, HDR_LEN, TABLE_ALN, &l.dsdt))
        goto nospace;

    /* Gaps between tables read as zeros. */
    memset(b, 0, l.off);
    a = (struct aml){b + l.dsdt + HDR_LEN, 0, buf_size - l.dsdt - HDR_LEN, false};
    aml_dsdt_body(&a, cfg->ncpus, cfg->flags, cfg->pci_hole_start);
    if (a.overflow || HDR_LEN + a.len > UINT32_MAX)
        goto nospace;
    put_header(b + l.dsdt, "DSDT", (uint32_t)(HDR_LEN + a.len), DSDT_REV);
    seal(b + l.dsdt, (uint32_t)(HDR_LEN + a.len));

    build_facs(b, &l);
    build_madt(b, &l, cfg);
    build_fadt(b, &l, cfg);
    build_xsdt(b, &l);
    if (l.rsdt)
        build_rsdt(b, &l);
    build_rsdp(b, &l);

    *used = l.dsdt + HDR_LEN + a.len;
    *rsdp_gpa = gpa_of(&l, l.rsdp);
    return 0;

nospace:
    return fail(err, errlen, ACPI_CHILD_ENOSPC, "acpi: tables for %u vCPUs do not fit in %zu bytes",
                cfg->ncpus, buf_size);
}
