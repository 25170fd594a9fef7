/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical memory map the hypervisor takes over from the firmware.
 *
 * The loader hands over the raw UEFI memory map (read right before
 * ExitBootServices).  memmap_from_efi() turns it into a sorted list of
 * non-overlapping ranges with e820-style types; the hypervisor then marks its
 * own memory, the boot modules and the AP trampoline with memmap_set_type().
 * The result feeds the hypervisor's accounting now and the parent partition's
 * e820 later.  Pure logic: compiled for the host in the unit tests.
 */
#ifndef HV_MEMMAP_H
#define HV_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

/* Values 1..7 are the e820 types Linux understands; higher ones are ours. */
enum mem_type {
    MEM_USABLE = 1,      /* free RAM after ExitBootServices */
    MEM_RESERVED = 2,    /* firmware, MMIO, runtime services */
    MEM_ACPI = 3,        /* ACPI tables, reclaimable once parsed */
    MEM_NVS = 4,         /* ACPI NVS: must be preserved */
    MEM_UNUSABLE = 5,    /* bad RAM, or RAM not cacheable write-back */
    MEM_PMEM = 7,        /* persistent memory */
    MEM_HYPERVISOR = 16, /* owned by the hypervisor: never mapped for a partition */
    MEM_MODULE = 17,     /* a boot module (kernel, initrd, handoff) still in use */
    MEM_TRAMPOLINE = 18, /* the AP start-up page below 1 MiB */
};

struct mem_range {
    uint64_t base;
    uint64_t end; /* exclusive */
    uint32_t type;
};

struct memmap {
    struct mem_range *ranges; /* storage provided by the caller */
    size_t count;
    size_t capacity;
};

/* UEFI memory descriptor as the firmware lays it out (spec 2.x, version 1).
 * Walk an array of them by the firmware's DescriptorSize, never by sizeof. */
struct efi_memory_descriptor {
    uint32_t type;
    uint32_t pad;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
};

#define EFI_PAGE_SIZE      4096ULL
#define EFI_MEMORY_WB      0x0000000000000008ULL
#define EFI_MEMORY_RUNTIME 0x8000000000000000ULL

/* UEFI memory types (EFI_MEMORY_TYPE). */
enum efi_memory_type {
    EFI_RESERVED_MEMORY = 0,
    EFI_LOADER_CODE = 1,
    EFI_LOADER_DATA = 2,
    EFI_BOOT_SERVICES_CODE = 3,
    EFI_BOOT_SERVICES_DATA = 4,
    EFI_RUNTIME_SERVICES_CODE = 5,
    EFI_RUNTIME_SERVICES_DATA = 6,
    EFI_CONVENTIONAL_MEMORY = 7,
    EFI_UNUSABLE_MEMORY = 8,
    EFI_ACPI_RECLAIM_MEMORY = 9,
    EFI_ACPI_MEMORY_NVS = 10,
    EFI_MEMORY_MAPPED_IO = 11,
    EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
    EFI_PAL_CODE = 13,
    EFI_PERSISTENT_MEMORY = 14,
    EFI_UNACCEPTED_MEMORY = 15,
};

/* Errors returned (negative) by the functions below. */
#define MEMMAP_ERR_INVAL 1 /* malformed input: bad stride, size not a multiple, ... */
#define MEMMAP_ERR_NOSPC 2 /* the caller's range array is full */

/*
 * Convert a raw UEFI memory map (as after ExitBootServices) into @out:
 * sorted by base, no overlaps, adjacent ranges of equal type merged.
 * Mapping: loader/boot-services code and data and conventional memory with
 * the WB attribute -> MEM_USABLE (without WB -> MEM_UNUSABLE); ACPI NVS ->
 * MEM_NVS; anything else with EFI_MEMORY_RUNTIME, and runtime-services
 * code/data -> MEM_RESERVED; ACPI reclaim -> MEM_ACPI; unusable -> MEM_UNUSABLE;
 * persistent -> MEM_PMEM; everything else (reserved, MMIO, PAL, unaccepted,
 * unknown) -> MEM_RESERVED.  Where descriptors overlap (buggy firmware) the
 * more restrictive type wins (USABLE < ACPI < NVS < PMEM < UNUSABLE < RESERVED).
 * Descriptors with zero pages are ignored; one whose end overflows 2^64 is
 * clamped.  desc_size must be >= sizeof(struct efi_memory_descriptor) and a
 * multiple of 8, map_size a multiple of desc_size.  Returns 0 or -MEMMAP_ERR_*.
 */
int memmap_from_efi(struct memmap *out, const void *map, size_t map_size, size_t desc_size);

/* Give [base, base+size) the type @type, splitting and merging ranges as
 * needed; parts of the span not in the map are added.  Returns 0 or -errno. */
int memmap_set_type(struct memmap *map, uint64_t base, uint64_t size, uint32_t type);

/* Sum of the sizes of all ranges of @type. */
uint64_t memmap_total(const struct memmap *map, uint32_t type);

/* Short lowercase name of a type for the console ("usable", "reserved", ...). */
const char *memmap_type_name(uint32_t type);

#endif
