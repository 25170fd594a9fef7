/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvloader.efi: loads the hypervisor and the parent partition's kernel and
 * initrd named in hv.cfg (beside the loader), describes everything in a
 * flattened device tree, leaves boot services and jumps to the hypervisor.
 *
 * Anything that goes wrong before ExitBootServices is reported on the
 * console and the loader returns to the firmware, which can then try its next
 * boot option; nothing is left allocated.  Past ExitBootServices there is no
 * way back, so every check happens before it.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include <hv/handoff.h>

#include "config.h"
#include "efi_util.h"
#include "elf_load.h"
#include "fdt_guard.h"

#define LOADER_NAME           "hvloader 0.1"
#define CONFIG_FILE           "hv.cfg"
#define HV_ALIGN              (2ULL << 20)
#define HV_MIN_HEAP           (4ULL << 20)
#define BELOW_4G              0xFFFFFFFFULL
#define TRAMPOLINE_MAX        0x9FFFFULL /* below the legacy VGA hole */
#define HANDOFF_BASE_SIZE     (16 * 1024)
#define MAP_SLACK_DESCRIPTORS 32
#define EXIT_BOOT_TRIES       4
#define ERROR_PAUSE_US        (3 * 1000 * 1000)

/* The hypervisor's entry point: System V ABI, never returns. */
typedef void __attribute__((sysv_abi, noreturn)) (*hv_entry_fn)(void *handoff, UINT64 load_base);

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

struct boot_state {
    struct hv_config cfg;
    struct loaded_file cfg_file, hv_file, kernel, initrd;
    EFI_PHYSICAL_ADDRESS hv_base, trampoline, handoff;
    UINTN hv_pages, handoff_pages;
    struct elf_image_info hv_info;
    void *map;
    UINTN map_alloc;
};

static UINT64 find_acpi_rsdp(void)
{
    UINT64 v1 = 0;

    for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];

        if (!CompareGuid(&t->VendorGuid, &acpi20_guid))
            return (UINT64)(UINTN)t->VendorTable;
        if (!CompareGuid(&t->VendorGuid, &acpi10_guid))
            v1 = (UINT64)(UINTN)t->VendorTable;
    }
    return v1;
}

static void release(struct boot_state *s)
{
    file_free(&s->cfg_file);
    file_free(&s->hv_file);
    file_free(&s->kernel);
    file_free(&s->initrd);
    if (s->hv_base)
        BS->FreePages(s->hv_base, s->hv_pages);
    if (s->trampoline)
        BS->FreePages(s->trampoline, 1);
    if (s->handoff)
        BS->FreePages(s->handoff, s->handoff_pages);
    if (s->map)
        FreePool(s->map);
}

static EFI_STATUS read_config(struct boot_state *s)
{
    char err[160];
    EFI_STATUS st = file_read(CONFIG_FILE, "the loader's configuration", FALSE, &s->cfg_file);

    if (EFI_ERROR(st))
        return st;
    if (hv_config_parse(s->cfg_file.data, s->cfg_file.size, &s->cfg, err, sizeof(err))) {
        say("%s", err);
        return EFI_INVALID_PARAMETER;
    }
    return EFI_SUCCESS;
}

/* hv.elf goes into memory the OS will never reuse: EfiUnusableMemory (as
 * BitVisor does), EfiReservedMemoryType if the firmware refuses that.  Below
 * 4 GiB so that the AP trampoline can reach the hypervisor's page tables
 * from 32-bit mode. */
static EFI_STATUS load_hypervisor(struct boot_state *s)
{
    char err[160];
    EFI_STATUS st;

    st = file_read(s->cfg.hypervisor, "hypervisor= in hv.cfg", FALSE, &s->hv_file);
    if (EFI_ERROR(st))
        return st;
    if (elf_inspect(s->hv_file.data, s->hv_file.size, &s->hv_info, err, sizeof(err))) {
        say("%s: %s", s->cfg.hypervisor, err);
        return EFI_LOAD_ERROR;
    }
    if (s->hv_info.span + HV_MIN_HEAP > s->cfg.hv_memory) {
        say("hv_memory=%lluM is too small: the image needs %llu KiB plus %llu MiB",
            (unsigned long long)(s->cfg.hv_memory >> 20),
            (unsigned long long)(s->hv_info.span >> 10), (unsigned long long)(HV_MIN_HEAP >> 20));
        return EFI_BUFFER_TOO_SMALL;
    }
    s->hv_pages = EFI_SIZE_TO_PAGES(s->cfg.hv_memory);
    st = pages_alloc_aligned(EfiUnusableMemory, s->hv_pages, HV_ALIGN, BELOW_4G, &s->hv_base);
    if (EFI_ERROR(st))
        st = pages_alloc_aligned(EfiReservedMemoryType, s->hv_pages, HV_ALIGN, BELOW_4G,
                                 &s->hv_base);
    if (EFI_ERROR(st)) {
        say("cannot reserve %llu MiB below 4 GiB for the hypervisor",
            (unsigned long long)(s->cfg.hv_memory >> 20));
        s->hv_base = 0;
        return st;
    }
    if (elf_load(s->hv_file.data, s->hv_file.size, &s->hv_info, (void *)(UINTN)s->hv_base,
                 s->hv_base, err, sizeof(err))) {
        say("%s: %s", s->cfg.hypervisor, err);
        return EFI_LOAD_ERROR;
    }
    file_free(&s->hv_file);
    say("hypervisor %s at 0x%llx (%llu KiB image, %llu MiB reserved)", s->cfg.hypervisor,
        (unsigned long long)s->hv_base, (unsigned long long)(s->hv_info.span >> 10),
        (unsigned long long)(s->cfg.hv_memory >> 20));
    return EFI_SUCCESS;
}

static EFI_STATUS load_modules(struct boot_state *s)
{
    EFI_STATUS st;

    if (s->cfg.kernel[0]) {
        st = file_read(s->cfg.kernel, "kernel= in hv.cfg", TRUE, &s->kernel);
        if (EFI_ERROR(st))
            return st;
        say("parent kernel %s: %llu KiB at 0x%llx", s->cfg.kernel,
            (unsigned long long)(s->kernel.size >> 10), (unsigned long long)s->kernel.pages);
    }
    if (s->cfg.initrd[0]) {
        st = file_read(s->cfg.initrd, "initrd= in hv.cfg", TRUE, &s->initrd);
        if (EFI_ERROR(st))
            return st;
        say("parent initrd %s: %llu KiB at 0x%llx", s->cfg.initrd,
            (unsigned long long)(s->initrd.size >> 10), (unsigned long long)s->initrd.pages);
    }
    /* One page below 1 MiB where the hypervisor starts its other CPUs. */
    s->trampoline = TRAMPOLINE_MAX;
    st = BS->AllocatePages(AllocateMaxAddress, EfiUnusableMemory, 1, &s->trampoline);
    if (EFI_ERROR(st)) {
        s->trampoline = 0;
        say("no free page below 640 KiB for the CPU start-up trampoline");
        return st;
    }
    return EFI_SUCCESS;
}

/* Size the memory-map buffer now, with room for the descriptors that the
 * allocations still to come (and the firmware) may add. */
static EFI_STATUS alloc_map_and_handoff(struct boot_state *s)
{
    UINTN size = 0, key, desc_size;
    UINT32 version;
    EFI_STATUS st;

    st = BS->GetMemoryMap(&size, NULL, &key, &desc_size, &version);
    if (st != EFI_BUFFER_TOO_SMALL)
        return EFI_ERROR(st) ? st : EFI_DEVICE_ERROR;
    s->map_alloc = size + MAP_SLACK_DESCRIPTORS * desc_size;
    s->handoff_pages = EFI_SIZE_TO_PAGES(HANDOFF_BASE_SIZE + s->map_alloc);
    st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, s->handoff_pages, &s->handoff);
    if (EFI_ERROR(st)) {
        s->handoff = 0;
        return st;
    }
    st = BS->AllocatePool(EfiLoaderData, s->map_alloc, &s->map);
    if (EFI_ERROR(st))
        s->map = NULL;
    return st;
}

static EFI_STATUS build_handoff(struct boot_state *s)
{
    struct handoff_module mods[2];
    struct handoff_params p = {
        .loader = LOADER_NAME,
        .hv_options = s->cfg.hv_options,
        .hv_base = s->hv_base,
        .hv_size = s->hv_pages * EFI_PAGE_SIZE,
        .hv_image_size = s->hv_info.span,
        .trampoline = s->trampoline,
        .acpi_rsdp = find_acpi_rsdp(),
        .modules = mods,
    };
    struct fdt_guard g;
    int rc;

    if (s->kernel.data)
        mods[p.nmodules++] =
            (struct handoff_module){HANDOFF_KIND_KERNEL, s->cfg.kernel, s->kernel.pages,
                                    s->kernel.size, s->cfg.kernel_options};
    if (s->initrd.data)
        mods[p.nmodules++] = (struct handoff_module){HANDOFF_KIND_INITRD, s->cfg.initrd,
                                                     s->initrd.pages, s->initrd.size, NULL};
    if (!p.acpi_rsdp)
        say("warning: the firmware publishes no ACPI tables");

    fdt_guard_enter(&g, TRUE);
    rc = handoff_build((void *)(UINTN)s->handoff, s->handoff_pages * EFI_PAGE_SIZE, &p);
    fdt_guard_leave(&g);
    if (rc) {
        say("cannot build the handoff: libfdt error %d", rc);
        return EFI_OUT_OF_RESOURCES;
    }
    return EFI_SUCCESS;
}

/*
 * GetMemoryMap immediately followed by ExitBootServices: nothing in between
 * may allocate or print, or the map key goes stale.  If the firmware changed
 * the map anyway (EFI_INVALID_PARAMETER), read it again and retry; after a
 * failed ExitBootServices only the memory-map calls are allowed, so the
 * buffer is the one sized before.
 */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, struct boot_state *s, UINTN *map_size,
                                     UINTN *desc_size, UINT32 *desc_version)
{
    EFI_STATUS st = EFI_INVALID_PARAMETER;

    for (int tries = 0; tries < EXIT_BOOT_TRIES && st == EFI_INVALID_PARAMETER; tries++) {
        UINTN key;

        *map_size = s->map_alloc;
        st = BS->GetMemoryMap(map_size, s->map, &key, desc_size, desc_version);
        if (EFI_ERROR(st))
            return st;
        st = BS->ExitBootServices(image, key);
    }
    return st;
}

/*
 * hypervisor=none: start the parent kernel through its own EFI stub, with
 * no hypervisor underneath.  A rescue path for operators, and the baseline
 * `make bench` compares against (same firmware, same loader, same kernel).
 */
static EFI_STATUS boot_bare(EFI_HANDLE image, const struct hv_config *cfg)
{
    static char options[HVCFG_TEXT_MAX + 2 * HVCFG_PATH_MAX + 16];
    char initrd[2 * HVCFG_PATH_MAX];
    int n = 0;

    if (!cfg->kernel[0]) {
        say("hypervisor=none needs a kernel= line");
        return EFI_INVALID_PARAMETER;
    }
    /* The EFI stub reads initrd= itself, by path on its own boot volume. */
    if (cfg->initrd[0]) {
        if (esp_path(cfg->initrd, initrd, sizeof(initrd)))
            return EFI_BAD_BUFFER_SIZE;
        n = snprintf(options, sizeof(options), "initrd=%s ", initrd);
    }
    snprintf(options + n, sizeof(options) - (size_t)n, "%s", cfg->kernel_options);
    say("hypervisor=none: starting %s directly: %s", cfg->kernel, options);
    return start_efi_image(image, cfg->kernel, options);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    struct boot_state s;
    UINTN map_size, desc_size;
    UINT32 desc_version;
    struct fdt_guard g;
    EFI_STATUS st;

    InitializeLib(image, systab);
    SetMem(&s, sizeof(s), 0);
    say("%s", LOADER_NAME);

    st = loader_dir_open(image);
    if (!EFI_ERROR(st))
        st = read_config(&s);
    if (!EFI_ERROR(st) && !strcmp(s.cfg.hypervisor, "none")) {
        st = boot_bare(image, &s.cfg);
        Print(L"hvloader: the kernel returned (%r); returning to the firmware\r\n", st);
        release(&s);
        return st;
    }
    if (!EFI_ERROR(st))
        st = load_hypervisor(&s);
    if (!EFI_ERROR(st))
        st = load_modules(&s);
    if (!EFI_ERROR(st))
        st = alloc_map_and_handoff(&s);
    if (!EFI_ERROR(st))
        st = build_handoff(&s);
    if (EFI_ERROR(st)) {
        Print(L"hvloader: boot stopped (%r); returning to the firmware\r\n", st);
        release(&s);
        BS->Stall(ERROR_PAUSE_US); /* time to read the message on a screen */
        return st;
    }

    say("starting the hypervisor");
    st = exit_boot_services(image, &s, &map_size, &desc_size, &desc_version);
    if (EFI_ERROR(st)) {
        /* Boot services may be half gone: no console, no way back. */
        for (;;)
            __asm__ volatile("cli; hlt");
    }
    __asm__ volatile("cli");

    fdt_guard_enter(&g, FALSE);
    int rc = handoff_set_memory_map((void *)(UINTN)s.handoff, s.map, (UINT32)map_size,
                                    (UINT32)desc_size, desc_version);
    fdt_guard_leave(&g);
    if (rc) {
        for (;;)
            __asm__ volatile("cli; hlt");
    }

    hv_entry_fn entry = (hv_entry_fn)(UINTN)(s.hv_base + s.hv_info.entry);
    entry((void *)(UINTN)s.handoff, s.hv_base);
}
