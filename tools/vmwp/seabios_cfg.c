// SPDX-License-Identifier: GPL-2.0-only
/*
 * SeaBIOS's configuration through fw_cfg (see seabios_cfg.h).  Everything
 * is checked before the first item goes in, so that a refused call leaves
 * the struct fw_cfg as it was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "seabios_cfg.h"

#define RSDP_SIG     "RSD PTR "
#define RSDP_V1_LEN  20 /* the part the first checksum covers */
#define RSDP_REV_OFF 15
#define RSDP_LEN_OFF 20

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

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t sum8(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* What SeaBIOS's find_acpi_rsdp() accepts (src/fw/biostables.c,
 * get_acpi_rsdp_length), with the length we copy: revision 2, 36 bytes. */
static bool rsdp_ok(const uint8_t *r)
{
    uint32_t len = r[RSDP_LEN_OFF] | r[RSDP_LEN_OFF + 1] << 8 |
                   (uint32_t)r[RSDP_LEN_OFF + 2] << 16 | (uint32_t)r[RSDP_LEN_OFF + 3] << 24;

    return !memcmp(r, RSDP_SIG, 8) && sum8(r, RSDP_V1_LEN) == 0 && r[RSDP_REV_OFF] >= 2 &&
           len == SEABIOS_CFG_RSDP_SIZE && sum8(r, SEABIOS_CFG_RSDP_SIZE) == 0;
}

/* A bootorder line: SeaBIOS splits the file at '\n' and trims trailing
 * spaces, so a path must be printable and must not end in a space. */
static bool path_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= SEABIOS_CFG_PATH_MAX || s[n - 1] == ' ')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7E)
            return false;
    return true;
}

/* The bootorder file: the paths joined by '\n', "HALT" last when strict,
 * then the NUL, as QEMU's get_boot_devices_list() makes it.  Its size
 * (NUL included), or 0 when it does not fit. */
static size_t make_bootorder(char *out, const struct seabios_cfg_params *p)
{
    size_t n = 0;

    for (size_t i = 0; i <= p->boot_count; i++) {
        const char *line = i < p->boot_count ? p->boot_order[i] : p->boot_strict ? "HALT" : NULL;
        size_t len;

        if (!line)
            break;
        len = strlen(line);
        if (len + 1 > SEABIOS_CFG_BOOTORDER_MAX - n)
            return 0;
        if (n)
            out[n - 1] = '\n';
        memcpy(out + n, line, len + 1);
        n += len + 1;
    }
    return n;
}

static int check_params(const struct seabios_cfg_params *p, char *err, size_t errlen)
{
    bool ram = false;

    if (p->cpus < 1 || p->cpus > UINT16_MAX)
        return fail(err, errlen, -EINVAL, "seabios: %u vCPUs (1..%u)", p->cpus, UINT16_MAX);
    if (p->max_cpus && (p->max_cpus < p->cpus || p->max_cpus > UINT16_MAX))
        return fail(err, errlen, -EINVAL, "seabios: at most %u vCPUs, with %u present", p->max_cpus,
                    p->cpus);
    if (!p->e820 || p->e820_count < 1 || p->e820_count > SEABIOS_CFG_MAX_E820)
        return fail(err, errlen, -EINVAL, "seabios: %zu memory map entries (1..%u)",
                    p->e820 ? p->e820_count : 0, SEABIOS_CFG_MAX_E820);
    for (size_t i = 0; i < p->e820_count; i++) {
        const struct fw_cfg_e820_entry *e = &p->e820[i];

        if (!e->length || !e->type || e->base > UINT64_MAX - (e->length - 1))
            return fail(err, errlen, -EINVAL,
                        "seabios: memory map entry %zu (0x%llx, 0x%llx bytes, type %u) is empty "
                        "or wraps",
                        i, (unsigned long long)e->base, (unsigned long long)e->length, e->type);
        ram |= e->type == FW_CFG_E820_RAM;
    }
    if (!ram)
        return fail(err, errlen, -EINVAL, "seabios: the memory map has no RAM");
    if (!p->rsdp || !rsdp_ok(p->rsdp))
        return fail(err, errlen, -EINVAL, "seabios: no valid 36-byte RSDP (revision 2)");
    if (p->boot_count > SEABIOS_CFG_MAX_BOOT || (p->boot_count && !p->boot_order))
        return fail(err, errlen, -EINVAL, "seabios: %zu boot devices (0..%u)", p->boot_count,
                    SEABIOS_CFG_MAX_BOOT);
    if (p->boot_strict && !p->boot_count)
        return fail(err, errlen, -EINVAL, "seabios: a strict boot order with no device");
    for (size_t i = 0; i < p->boot_count; i++)
        if (!p->boot_order[i] || !path_ok(p->boot_order[i]))
            return fail(err, errlen, -EINVAL,
                        "seabios: boot device %zu: not a printable path of 1..%u bytes", i,
                        SEABIOS_CFG_PATH_MAX - 1);
    return 0;
}

/* The files this call adds must be new, and there must be room for them. */
static int check_room(const struct fw_cfg *fw, const char *const *names, size_t n, char *err,
                      size_t errlen)
{
    if (fw->nfiles > FW_CFG_MAX_FILES || n > FW_CFG_MAX_FILES - fw->nfiles)
        return fail(err, errlen, -ENOSPC, "seabios: no room for %zu more fw_cfg files", n);
    for (size_t i = 0; i < n; i++)
        if (fw_cfg_file_key(fw, names[i]) >= 0)
            return fail(err, errlen, -EEXIST, "seabios: fw_cfg already has %s", names[i]);
    return 0;
}

/* etc/e820: RAM entries first, then every other one as reserved (see
 * seabios_cfg.h), each group in the caller's order. */
static void make_e820(uint8_t *out, const struct seabios_cfg_params *p)
{
    struct fw_cfg_e820_entry e[SEABIOS_CFG_MAX_E820];
    size_t n = 0;

    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < p->e820_count; i++) {
            bool is_ram = p->e820[i].type == FW_CFG_E820_RAM;

            if (is_ram != (pass == 0))
                continue;
            e[n] = p->e820[i];
            if (!is_ram)
                e[n].type = FW_CFG_E820_RESERVED;
            n++;
        }
    }
    /* Cannot fail: the entries were checked and the buffer holds them all. */
    fw_cfg_e820_build(e, n, out, SEABIOS_CFG_MAX_E820 * FW_CFG_E820_ENTRY_SIZE);
}

static void make_loader(uint8_t *out)
{
    memset(out, 0, SEABIOS_LOADER_ENTRY_SIZE);
    put_le(out, SEABIOS_LOADER_ALLOCATE, 4);
    memcpy(out + SEABIOS_LOADER_FILE_OFF, SEABIOS_CFG_RSDP_FILE, sizeof(SEABIOS_CFG_RSDP_FILE));
    /* The ACPI spec's RSDP alignment; SeaBIOS scans the F segment for it
     * in steps of 16 too. */
    put_le(out + SEABIOS_LOADER_ALIGN_OFF, 16, 4);
    out[SEABIOS_LOADER_ZONE_OFF] = SEABIOS_LOADER_ZONE_FSEG;
}

int seabios_cfg_build(struct seabios_cfg *sc, struct fw_cfg *fw, const struct seabios_cfg_params *p,
                      char *err, size_t errlen)
{
    const char *names[SEABIOS_CFG_FILES];
    size_t nnames = 0, bootorder_len = 0;
    int rc;

    if (errlen)
        err[0] = '\0';
    if (!sc || !fw || !p)
        return fail(err, errlen, -EINVAL, "seabios: missing argument");
    rc = check_params(p, err, errlen);
    if (rc)
        return rc;
    names[nnames++] = "etc/e820";
    names[nnames++] = SEABIOS_CFG_RSDP_FILE;
    names[nnames++] = SEABIOS_CFG_LOADER_FILE;
    names[nnames++] = "etc/boot-fail-wait";
    if (p->sercon_port)
        names[nnames++] = "etc/sercon-port";
    if (p->boot_count)
        names[nnames++] = "bootorder";
    rc = check_room(fw, names, nnames, err, errlen);
    if (rc)
        return rc;

    memset(sc, 0, sizeof(*sc));
    if (p->boot_count) {
        bootorder_len = make_bootorder(sc->bootorder, p);
        if (!bootorder_len)
            return fail(err, errlen, -EINVAL, "seabios: the boot order is over %u bytes",
                        SEABIOS_CFG_BOOTORDER_MAX);
    }
    make_e820(sc->e820, p);
    memcpy(sc->rsdp, p->rsdp, SEABIOS_CFG_RSDP_SIZE);
    make_loader(sc->table_loader);
    put_le(sc->sercon_port, p->sercon_port, sizeof(sc->sercon_port));
    put_le(sc->boot_fail_wait, p->boot_fail_wait_ms, sizeof(sc->boot_fail_wait));

    /* From here nothing can fail: the keys are valid, the names new, the
     * room there (any error would be a bug in the checks above). */
    rc = fw_cfg_add_u16(fw, FW_CFG_NB_CPUS, (uint16_t)p->cpus);
    rc |= fw_cfg_add_u16(fw, FW_CFG_MAX_CPUS, (uint16_t)(p->max_cpus ? p->max_cpus : p->cpus));
    rc |= fw_cfg_add_u64(fw, FW_CFG_RAM_SIZE, p->ram_size);
    rc |= fw_cfg_add_u16(fw, FW_CFG_NOGRAPHIC, p->sercon_port ? 1 : 0);
    rc |= fw_cfg_add_u16(fw, FW_CFG_BOOT_MENU, p->boot_menu ? 1 : 0);
    rc |= fw_cfg_add_u32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    rc |= fw_cfg_add_file(fw, "etc/e820", sc->e820, p->e820_count * FW_CFG_E820_ENTRY_SIZE);
    rc |= fw_cfg_add_file(fw, SEABIOS_CFG_RSDP_FILE, sc->rsdp, sizeof(sc->rsdp));
    rc |= fw_cfg_add_file(fw, SEABIOS_CFG_LOADER_FILE, sc->table_loader, sizeof(sc->table_loader));
    rc |= fw_cfg_add_file(fw, "etc/boot-fail-wait", sc->boot_fail_wait, sizeof(sc->boot_fail_wait));
    if (p->sercon_port)
        rc |= fw_cfg_add_file(fw, "etc/sercon-port", sc->sercon_port, sizeof(sc->sercon_port));
    if (bootorder_len)
        rc |= fw_cfg_add_file(fw, "bootorder", sc->bootorder, bootorder_len);
    if (rc)
        return fail(err, errlen, -EINVAL, "seabios: fw_cfg refused an item");
    return 0;
}

/* snprintf's result as the helpers return it. */
static int fitted(int n, size_t len)
{
    return n < 0 || (size_t)n >= len ? -1 : n;
}

int seabios_cfg_pci_path(char *buf, size_t len, const char *name, unsigned dev, unsigned fn)
{
    if (!buf || !len || !name || dev > 31 || fn > 7)
        return -1;
    /* SeaBIOS's build_pci_path(): the device in hex, ",fn" only if not 0. */
    if (fn)
        return fitted(snprintf(buf, len, "/pci@i0cf8/%s@%x,%x", name, dev, fn), len);
    return fitted(snprintf(buf, len, "/pci@i0cf8/%s@%x", name, dev), len);
}

int seabios_cfg_ata_path(char *buf, size_t len, unsigned dev, unsigned fn, unsigned channel,
                         unsigned device)
{
    int n;

    if (channel > 1 || device > 1)
        return -1;
    n = seabios_cfg_pci_path(buf, len, "ide", dev, fn);
    if (n < 0)
        return -1;
    return fitted(n + snprintf(buf + n, len - (size_t)n, "/drive@%x/disk@%x", channel, device),
                  len);
}
