/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading the hypervisor ELF image.  hv.elf is a static position-independent
 * executable (ET_DYN, x86-64) whose only dynamic relocations are
 * R_X86_64_RELATIVE.  The loader picks a physical base (2 MiB aligned), copies
 * the PT_LOAD segments there, zeroes their BSS tails and applies the
 * relocations, so the hypervisor runs at base + its link addresses.
 *
 * The file comes from a USB stick and may be damaged: every offset, size and
 * count is checked against the file and the destination before it is used.
 * Pure logic: compiled for the host in the unit tests.
 */
#ifndef BOOT_ELF_LOAD_H
#define BOOT_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct elf_image_info {
    uint64_t
        span; /* bytes from link address 0 to the end of the last PT_LOAD (memsz), page rounded */
    uint64_t entry;     /* e_entry, relative to the link base (0) */
    uint64_t max_align; /* largest p_align of the PT_LOAD segments */
};

/*
 * Validate @file (@size bytes) and describe it.  Accepts ELFCLASS64,
 * ELFDATA2LSB, EM_X86_64, ET_DYN (or ET_EXEC linked at 0) with at least one
 * PT_LOAD, segments inside the file (p_offset + p_filesz <= size),
 * p_filesz <= p_memsz, no overflow, entry inside a loaded segment, span at
 * most 1 GiB.  Returns 0, or -1 with a one-line reason in @err.
 */
int elf_inspect(const void *file, size_t size, struct elf_image_info *info, char *err,
                size_t errlen);

/*
 * Copy the segments of @file into @dest (which must hold info->span bytes and
 * is zeroed first), then apply the RELA relocations found through PT_DYNAMIC
 * (DT_RELA/DT_RELASZ/DT_RELAENT) for load address @load_base:
 * R_X86_64_RELATIVE writes load_base + addend at offset r_offset; R_X86_64_NONE
 * is skipped; any other type, or an r_offset outside [0, span-8], is an error.
 * Call elf_inspect() first.  Returns 0, or -1 with a reason in @err.
 */
int elf_load(const void *file, size_t size, const struct elf_image_info *info, void *dest,
             uint64_t load_base, char *err, size_t errlen);

#endif
