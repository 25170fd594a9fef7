// SPDX-License-Identifier: GPL-2.0-only
/*
 * Powering on a generation 1 child (see pc_boot.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <hv/vid_ioctl.h>

#include "acpi_tables.h"
#include "boot.h"
#include "pc_boot.h"
#include "platform.h"
#include "seabios_cfg.h"

/* ---- the firmware ----------------------------------------------------------- */

static int load_rom(struct pc_boot *b, const char *path, int partition_fd, char *err, size_t errlen)
{
    struct stat st;
    ssize_t got;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "firmware %s: %s", path, strerror(errno));
        goto fail;
    }
    /* A BIOS image fills the top of the 4 GiB space in 64 KiB units; its
     * last 128 KiB (or all of a smaller one) also show below 1 MiB. */
    if (!S_ISREG(st.st_mode) || st.st_size < PC_ROM_MIN || st.st_size > PC_BIOS_SIZE_MAX ||
        st.st_size % PC_ROM_MIN) {
        snprintf(err, errlen,
                 "firmware %s: %lld bytes; a BIOS image is 64 to 256 KiB, in 64 KiB units", path,
                 (long long)st.st_size);
        goto fail;
    }
    b->rom_size = (size_t)st.st_size;
    b->rom = mmap(NULL, b->rom_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (b->rom == MAP_FAILED) {
        b->rom = NULL;
        snprintf(err, errlen, "firmware %s: %s", path, strerror(errno));
        goto fail;
    }
    got = pread(fd, b->rom, b->rom_size, 0);
    if (got != (ssize_t)b->rom_size) {
        snprintf(err, errlen, "firmware %s: short read", path);
        goto fail;
    }
    close(fd);
    fd = -1;
    /* Read-only for the guest: a write there is an intercept the MMIO path
     * drops, as a ROM ignores it. */
    b->rom_gpa = GUEST_HIGH_RAM_BASE - b->rom_size;
    struct vid_memory_region r = {
        .user_addr = (uint64_t)(uintptr_t)b->rom,
        .size = b->rom_size,
        .guest_pa = b->rom_gpa,
        .flags = VID_MEM_READ | VID_MEM_EXEC,
    };
    if (ioctl(partition_fd, VID_MAP_MEMORY, &r) != 0) {
        snprintf(err, errlen, "firmware: VID_MAP_MEMORY at 0x%llx: %s",
                 (unsigned long long)b->rom_gpa, strerror(errno));
        goto fail;
    }
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    return -1;
}

/* What the shadow RAM holds once the BIOS copied itself there. */
static int shadow_rom(struct pc_boot *b, struct guest_memory *gm, char *err, size_t errlen)
{
    size_t n = b->rom_size < PC_SHADOW_SIZE ? b->rom_size : PC_SHADOW_SIZE;
    uint8_t *dst = guest_memory_ptr(gm, 0x100000 - n, n);

    if (!dst) {
        snprintf(err, errlen, "firmware: no RAM below 1 MiB");
        return -1;
    }
    memcpy(dst, (uint8_t *)b->rom + b->rom_size - n, n);
    return 0;
}

/* ---- IDE drives ---------------------------------------------------------- */

static int drive_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    struct iovec iov = {buf, len};

    return disk_readv(opaque, offset, &iov, 1);
}

static int drive_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    struct iovec iov = {(void *)buf, len};

    return disk_writev(opaque, offset, &iov, 1);
}

static int drive_flush(void *opaque)
{
    return disk_flush(opaque);
}

static const struct ide_backend_ops drive_ops = {drive_read, drive_write, drive_flush};

static int attach_drives(struct pc_boot *b, struct pc_platform *pc, const struct vmwp_config *cfg,
                         char *err, size_t errlen)
{
    for (unsigned i = 0; i < cfg->ide_count; i++) {
        const struct vmwp_ide *d = &cfg->ide[i];
        unsigned slot = d->channel * 2 + d->device;
        bool dvd = d->media == VMWP_IDE_DVD;
        struct ide_drive_config dc = {.kind = dvd ? IDE_CDROM : IDE_DISK};
        char msg[300];
        int rc;

        rc = disk_open(d->path, d->media == VMWP_IDE_RW ? 0 : DISK_OPEN_READ_ONLY, &b->drives[slot],
                       msg, sizeof(msg));
        if (rc) {
            snprintf(err, errlen, "IDE %u:%u: %s", d->channel, d->device, msg);
            return -1;
        }
        b->backends[slot] =
            (struct ide_backend){&drive_ops, b->drives[slot], disk_size(b->drives[slot])};
        dc.backend = b->backends[slot];
        dc.model = dvd ? "Virtual CD/DVD" : "Virtual HD";
        if (ide_attach(&pc->ide, d->channel, d->device, &dc) != 0) {
            snprintf(err, errlen, "IDE %u:%u: %s: the drive model refused it", d->channel,
                     d->device, d->path);
            return -1;
        }
    }
    return 0;
}

/* ---- ACPI and fw_cfg --------------------------------------------------------- */

static int describe_machine(struct pc_boot *b, struct pc_platform *pc,
                            const struct vmwp_config *cfg, struct guest_memory *gm, char *err,
                            size_t errlen)
{
    uint64_t acpi_gpa = gm->low_size - PC_ACPI_SIZE;
    struct child_acpi_config acfg = {
        .ncpus = cfg->cpus,
        .base_gpa = acpi_gpa,
        .pm_base_port = BOOT_PM_BASE_PORT,
        .reset_port = BOOT_RESET_PORT,
        .flags = ACPI_CHILD_F_ALL,
        .pci_hole_start = (uint32_t)gm->low_size,
    };
    /* What QEMU's PC tells SeaBIOS: RAM, with our ACPI tables reserved at
     * the top of the low bank; SeaBIOS adds its own areas and the BIOS's. */
    struct fw_cfg_e820_entry e820[3] = {
        {0, acpi_gpa, 1},
        {acpi_gpa, PC_ACPI_SIZE, E820_ACPI},
        {GUEST_HIGH_RAM_BASE, gm->high_size, 1},
    };
    char paths[VMWP_IDE_MAX][SEABIOS_CFG_PATH_MAX];
    const char *order[VMWP_IDE_MAX];
    size_t norder = 0;
    void *buf = guest_memory_ptr(gm, acpi_gpa, PC_ACPI_SIZE);
    size_t used;
    char msg[200];

    if (!buf) {
        snprintf(err, errlen, "ACPI tables: guest memory not mapped");
        return -1;
    }
    if (child_acpi_build(&acfg, buf, PC_ACPI_SIZE, &used, &b->rsdp_gpa, msg, sizeof(msg))) {
        snprintf(err, errlen, "ACPI tables: %s", msg);
        return -1;
    }
    /* Boot from the IDE drives in the order the config names them, as
     * Hyper-V's generation 1 boots from its IDE controller. */
    for (unsigned i = 0; i < cfg->ide_count; i++) {
        if (seabios_cfg_ata_path(paths[norder], sizeof(paths[norder]), PC_PIIX4_DEVICE, 1,
                                 cfg->ide[i].channel, cfg->ide[i].device) < 0)
            continue;
        order[norder] = paths[norder];
        norder++;
    }
    b->fw = calloc(1, sizeof(*b->fw));
    if (!b->fw) {
        snprintf(err, errlen, "fw_cfg: out of memory");
        return -1;
    }
    const struct seabios_cfg_params params = {
        .cpus = cfg->cpus,
        .ram_size = cfg->memory,
        .e820 = e820,
        .e820_count = gm->high_size ? 3 : 2,
        .rsdp = guest_memory_ptr(gm, b->rsdp_gpa, SEABIOS_CFG_RSDP_SIZE),
        .boot_order = order,
        .boot_count = norder,
        .boot_fail_wait_ms = 5000,
        .sercon_port = SEABIOS_SERCON_COM1,
    };
    if (seabios_cfg_build(b->fw, &pc->fw_cfg, &params, msg, sizeof(msg))) {
        snprintf(err, errlen, "fw_cfg: %s", msg);
        return -1;
    }
    return 0;
}

int pc_boot_setup(struct pc_boot *b, struct pc_platform *pc, const struct vmwp_config *cfg,
                  struct guest_memory *gm, int partition_fd, char *err, size_t errlen)
{
    memset(b, 0, sizeof(*b));
    if (load_rom(b, cfg->firmware, partition_fd, err, errlen) || shadow_rom(b, gm, err, errlen) ||
        attach_drives(b, pc, cfg, err, errlen) || describe_machine(b, pc, cfg, gm, err, errlen))
        return -1;
    cmos_rtc_set_memory(&pc->p->rtc, gm->low_size, gm->high_size, cfg->cpus);
    return 0;
}

void pc_boot_teardown(struct pc_boot *b)
{
    for (unsigned i = 0; i < VMWP_IDE_MAX; i++) {
        if (b->drives[i])
            disk_close(b->drives[i]);
        b->drives[i] = NULL;
    }
    if (b->rom)
        munmap(b->rom, b->rom_size);
    b->rom = NULL;
    free(b->fw);
    b->fw = NULL;
}
