/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The loader-to-hypervisor handoff: a flattened device tree built by hvloader
 * with libfdt and parsed by the hypervisor with libfdt.  Layout (all numbers
 * big-endian as FDT wants; u64 = two cells):
 *
 *   / { compatible = "hvboot,handoff-v1";
 *       chosen {
 *           hv,loader       = "hvloader 0.1";          who built this
 *           hv,options      = "console=com1 ...";      hypervisor command line
 *           hv,memory       = <u64 base, u64 size>;     all memory reserved for hv
 *           hv,image-size   = <u64>;                    bytes of it the ELF image uses
 *           hv,trampoline   = <u64>;                    AP start-up page (< 1 MiB)
 *           hv,acpi-rsdp    = <u64>;                    absent without ACPI
 *       };
 *       memory-map {                                   raw UEFI map, set after ExitBootServices
 *           efi,descriptor-size    = <u32>;
 *           efi,descriptor-version = <u32>;
 *           efi,descriptors        = [bytes];
 *       };
 *       modules {
 *           module@N { hv,kind = "parent-kernel" | "parent-initrd";
 *                      hv,name = "vmlinuz"; reg = <u64 base, u64 size>;
 *                      hv,cmdline = "...";  (parent-kernel only) };
 *       };
 *   };
 */
#ifndef HV_HANDOFF_H
#define HV_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#define HANDOFF_COMPATIBLE  "hvboot,handoff-v1"
#define HANDOFF_MAX_MODULES 8
#define HANDOFF_KIND_KERNEL "parent-kernel"
#define HANDOFF_KIND_INITRD "parent-initrd"

struct handoff_module {
    const char *kind;    /* HANDOFF_KIND_* */
    const char *name;    /* file name, for messages */
    uint64_t base, size; /* where the loader put it */
    const char *cmdline; /* NULL or "" if none */
};

/* What the loader knows before ExitBootServices. */
struct handoff_params {
    const char *loader;     /* loader name and version */
    const char *hv_options; /* may be "" */
    uint64_t hv_base, hv_size, hv_image_size;
    uint64_t trampoline;
    uint64_t acpi_rsdp; /* 0 = none */
    const struct handoff_module *modules;
    size_t nmodules;
};

/* What the hypervisor reads back.  Strings and the map point into the blob. */
struct handoff_info {
    const char *loader;
    const char *hv_options;
    uint64_t hv_base, hv_size, hv_image_size;
    uint64_t trampoline;
    uint64_t acpi_rsdp;
    const void *efi_map;
    uint32_t efi_map_size, efi_desc_size, efi_desc_version;
    struct handoff_module modules[HANDOFF_MAX_MODULES];
    size_t nmodules;
};

/* Loader side (boot/handoff_build.c).  Build the tree into @buf, leaving the
 * rest of @bufsize free so the memory map can be added without allocating.
 * Returns 0 or a negative libfdt error. */
int handoff_build(void *buf, size_t bufsize, const struct handoff_params *p);

/* Loader side, after ExitBootServices: store the final memory map.  Only
 * touches @buf.  Returns 0 or a negative libfdt error (-FDT_ERR_NOSPACE if
 * the buffer is too small). */
int handoff_set_memory_map(void *buf, const void *map, uint32_t map_size, uint32_t desc_size,
                           uint32_t desc_version);

/* Hypervisor side (hv/handoff.c).  Validate the tree at @fdt (at most
 * @max_size bytes readable) and fill @out.  Every property must be present
 * with the right length, except hv,acpi-rsdp and the modules.  Returns 0, or
 * -1 with a one-line reason in @err. */
int handoff_parse(const void *fdt, size_t max_size, struct handoff_info *out, char *err,
                  size_t errlen);

#endif
