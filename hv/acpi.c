/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI table lookup and MADT parsing for CPU enumeration (API in
 * hv/include/hv/acpi.h).  Tables come from firmware and are read through the
 * caller's map callback: nothing is dereferenced before the callback said the
 * range is readable, lengths are bounded, checksums checked, and fields read
 * with memcpy because tables are not aligned.  Freestanding: no libc.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/acpi.h>

#define HDR_LEN       36 /* the common table header */
#define RSDP_V1_LEN   20
#define RSDP_MAX_LEN  4096 /* 36 in every revision so far; bounds what we map */
#define MADT_HDR_LEN  44   /* header, local APIC address, flags */
#define MADT_REV_OCAP 5    /* the first MADT revision with the online-capable flag */

#define MADT_LAPIC          0
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9
#define CPU_ENABLED         0x1
#define CPU_ONLINE_CAPABLE  0x2

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s += *p++;
    return s;
}

/* Address 0 is never a table: a zero pointer in a table means "none". */
static const uint8_t *map(const struct acpi_mem *mem, uint64_t pa, size_t len)
{
    if (!pa || pa > UINT64_MAX - len)
        return NULL;
    return mem->map(mem->ctx, pa, len);
}

/* ---- error messages: "acpi: WHAT at 0xPA: WHY[EXTRA]" ---------------------------- */

struct msg {
    char *buf;
    size_t size, pos;
};

static void put(struct msg *m, const char *s)
{
    while (*s && m->pos + 1 < m->size)
        m->buf[m->pos++] = *s++;
    m->buf[m->pos] = '\0';
}

static int fail(char *err, size_t errlen, int rc, const char *what, uint64_t pa, const char *why,
                const char *extra)
{
    struct msg m = {err, errlen, 0};
    char hex[19] = "0x", *h = hex + 2;
    int shift = 60;

    if (!errlen)
        return rc;
    while (shift > 0 && !((pa >> shift) & 0xf))
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        *h++ = "0123456789abcdef"[(pa >> shift) & 0xf];
    *h = '\0';
    put(&m, "acpi: ");
    put(&m, what);
    put(&m, " at ");
    put(&m, hex);
    put(&m, ": ");
    put(&m, why);
    put(&m, extra);
    return rc;
}

/* ---- tables -------------------------------------------------------------------- */

/* The whole table at @pa if its header's length is sane, it is all readable
 * and its checksum is right; else NULL with the reason in @why. */
static const uint8_t *get_table(const struct acpi_mem *mem, uint64_t pa, uint32_t *len,
                                const char **why)
{
    const uint8_t *t = map(mem, pa, HDR_LEN);

    if (!t) {
        *why = "unreadable";
        return NULL;
    }
    *len = rd32(t + 4);
    if (*len < HDR_LEN || *len > ACPI_MAX_TABLE_LEN) {
        *why = "length out of range";
        return NULL;
    }
    t = map(mem, pa, *len);
    if (!t)
        *why = "length runs into unreadable memory";
    else if (sum(t, *len))
        *why = "bad checksum";
    else
        return t;
    return NULL;
}

/* Find @sig (NUL-terminated copy of the signature); on success the table's
 * address, contents and length. */
static int find(const struct acpi_mem *mem, uint64_t rsdp_pa, const char *sig, uint64_t *table_pa,
                const uint8_t **table, uint32_t *table_len, char *err, size_t errlen)
{
    const uint8_t *r = map(mem, rsdp_pa, RSDP_V1_LEN), *root;
    uint64_t root_pa, bad_pa = 0;
    uint32_t len, root_len, esize = 4;
    const char *why, *bad_why = NULL, *name = "RSDT";

    if (!r)
        return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "unreadable", "");
    if (__builtin_memcmp(r, "RSD PTR ", 8))
        return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "bad signature", "");
    if (sum(r, RSDP_V1_LEN))
        return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "bad checksum", "");
    root_pa = rd32(r + 16);
    /* ACPI 1.0 RSDPs have revision 0; 2 and later add the length, the XSDT
     * address and a checksum over the whole structure. */
    if (r[15] >= 2) {
        r = map(mem, rsdp_pa, HDR_LEN);
        if (!r)
            return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "unreadable", "");
        len = rd32(r + 20);
        if (len < HDR_LEN || len > RSDP_MAX_LEN)
            return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "bad length", "");
        r = map(mem, rsdp_pa, len);
        if (!r)
            return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "unreadable", "");
        if (sum(r, len))
            return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "bad extended checksum", "");
        if (rd64(r + 24)) {
            root_pa = rd64(r + 24);
            esize = 8;
            name = "XSDT";
        }
    }
    if (!root_pa)
        return fail(err, errlen, ACPI_EINVAL, "RSDP", rsdp_pa, "no RSDT or XSDT address", "");
    root = get_table(mem, root_pa, &root_len, &why);
    if (!root)
        return fail(err, errlen, ACPI_EINVAL, name, root_pa, why, "");
    if (__builtin_memcmp(root, name, 4))
        return fail(err, errlen, ACPI_EINVAL, name, root_pa, "bad signature", "");

    /* A trailing partial entry is ignored; entries that lead nowhere
     * readable or to a different table are skipped. */
    for (uint32_t off = HDR_LEN; off + esize <= root_len; off += esize) {
        uint64_t pa = esize == 8 ? rd64(root + off) : rd32(root + off);
        const uint8_t *h = map(mem, pa, HDR_LEN);

        if (!h || __builtin_memcmp(h, sig, 4))
            continue;
        *table = get_table(mem, pa, table_len, &why);
        if (*table) {
            *table_pa = pa;
            return 0;
        }
        /* A corrupt copy: keep looking, report it if nothing better turns up. */
        if (!bad_why) {
            bad_why = why;
            bad_pa = pa;
        }
    }
    if (bad_why)
        return fail(err, errlen, ACPI_EINVAL, sig, bad_pa, bad_why, "");
    return fail(err, errlen, ACPI_ENOTFOUND, name, root_pa, "no table ", sig);
}

int acpi_find_table(const struct acpi_mem *mem, uint64_t rsdp_pa, const char sig[4],
                    uint64_t *table_pa, char *err, size_t errlen)
{
    char name[5] = {sig[0], sig[1], sig[2], sig[3], '\0'};
    const uint8_t *t;
    uint32_t len;

    if (errlen)
        err[0] = '\0';
    return find(mem, rsdp_pa, name, table_pa, &t, &len, err, errlen);
}

/* ---- MADT ---------------------------------------------------------------------- */

static void add_cpu(struct acpi_madt_info *out, uint32_t id, uint32_t uid, uint32_t flags,
                    bool x2apic, uint8_t madt_rev)
{
    bool ocap = madt_rev >= MADT_REV_OCAP && (flags & CPU_ONLINE_CAPABLE);

    /* Neither enabled nor able to come online, or no real id. */
    if (!(flags & CPU_ENABLED) && !ocap)
        return;
    if (id == (x2apic ? UINT32_MAX : 0xff))
        return;
    /* Firmware may list a CPU twice (a local APIC and an x2APIC entry):
     * the first entry wins. */
    for (size_t i = 0; i < out->ncpus; i++)
        if (out->cpus[i].apic_id == id)
            return;
    if (out->ncpus == ACPI_MAX_CPUS) {
        out->truncated = true;
        return;
    }
    out->cpus[out->ncpus++] = (struct acpi_cpu){id, uid, flags & CPU_ENABLED, x2apic};
}

int acpi_parse_madt(const struct acpi_mem *mem, uint64_t rsdp_pa, struct acpi_madt_info *out,
                    char *err, size_t errlen)
{
    const uint8_t *t;
    uint64_t pa;
    uint32_t len, off, elen;
    int rc;

    __builtin_memset(out, 0, sizeof(*out));
    if (errlen)
        err[0] = '\0';
    rc = find(mem, rsdp_pa, "APIC", &pa, &t, &len, err, errlen);
    if (rc)
        return rc;
    if (len < MADT_HDR_LEN)
        return fail(err, errlen, ACPI_EINVAL, "APIC", pa, "too short", "");
    out->lapic_base = rd32(t + 36);
    out->madt_flags = rd32(t + 40);

    for (off = MADT_HDR_LEN; off < len; off += elen) {
        const uint8_t *e = t + off;

        /* Walking on past a bad length would read garbage as entries. */
        elen = len - off >= 2 ? e[1] : 0;
        if (elen < 2 || elen > len - off || (e[0] == MADT_LAPIC && elen < 8) ||
            (e[0] == MADT_LAPIC_OVERRIDE && elen < 12) || (e[0] == MADT_X2APIC && elen < 16)) {
            out->malformed = true;
            break;
        }
        if (e[0] == MADT_LAPIC)
            add_cpu(out, e[3], e[2], rd32(e + 4), false, t[8]);
        else if (e[0] == MADT_X2APIC)
            add_cpu(out, rd32(e + 4), rd32(e + 12), rd32(e + 8), true, t[8]);
        else if (e[0] == MADT_LAPIC_OVERRIDE)
            out->lapic_base = rd64(e + 4);
    }
    return 0;
}
