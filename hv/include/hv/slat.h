/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Second-level address translation tables: guest-physical to host-physical
 * maps in AMD NPT or Intel EPT format, 4 levels, 48-bit guest addresses.
 * Pure logic over an allocator callback: compiled into the hypervisor and for
 * the host's unit tests.
 *
 * Every entry is written with one 64-bit store after whatever it points to is
 * complete, so a CPU walking the tables meanwhile (and the tables after a
 * failed call) only ever sees the old or the new mapping of a page.  The
 * caller flushes the TLBs (INVEPT, ASID flush) after changes; page tables
 * this module frees may still sit in paging-structure caches until then, so a
 * free_page callback used on live tables must defer reuse until the flush.
 * NPT leaves use NX: the hypervisor must run with EFER.NXE set.
 */
#ifndef HV_SLAT_H
#define HV_SLAT_H

#include <stdint.h>

enum slat_format { SLAT_NPT, SLAT_EPT };

/* Attributes: permissions, then the memory type (default write-back). */
#define SLAT_R  0x01
#define SLAT_W  0x02
#define SLAT_X  0x04
#define SLAT_UC 0x10 /* uncached: EPT memory type 0, NPT PCD|PWT */
/* Flags for slat_map only: limit the leaf size (CPUs without 1 GiB SLAT pages). */
#define SLAT_NO_LARGE 0x100 /* 4 KiB leaves only */
#define SLAT_NO_1G    0x200 /* 4 KiB and 2 MiB leaves */

/* Errors (negative returns). */
#define SLAT_ENOMEM -1 /* an allocation failed; the tables stay consistent */
#define SLAT_EINVAL -2 /* misaligned, empty, wrapping or out-of-range arguments; bad attrs */

#define SLAT_GPA_LIMIT (1ULL << 48) /* 4 levels */
#define SLAT_HPA_LIMIT (1ULL << 52) /* architectural MAXPHYADDR limit */

struct slat_mm {
    uint64_t (*alloc_page)(void *ctx); /* a zeroed 4 KiB page's physical address, or 0 */
    void (*free_page)(void *ctx, uint64_t pa);
    void *(*to_virt)(void *ctx, uint64_t pa); /* where the hypervisor sees a table */
    void *ctx;
};

struct slat {
    enum slat_format fmt;
    uint64_t root; /* physical address of the top-level table */
    struct slat_mm mm;
};

/* Allocate an empty top-level table.  0, SLAT_ENOMEM or SLAT_EINVAL. */
int slat_init(struct slat *s, enum slat_format fmt, const struct slat_mm *mm);

/*
 * Map [gpa, gpa+size) to [hpa, hpa+size) with @attrs = permissions | SLAT_UC
 * | leaf-size flags, replacing what was mapped there.  All three 4 KiB
 * aligned, size > 0.  Uses 1 GiB and 2 MiB leaves wherever gpa, hpa and size
 * allow; a large leaf only partly covered is split first, keeping the rest of
 * its mapping.  Permissions must include R, except that EPT may map
 * execute-only; write without read is rejected by both (the hardware cannot
 * express it).
 */
int slat_map(struct slat *s, uint64_t gpa, uint64_t hpa, uint64_t size, unsigned attrs);

/* Make [gpa, gpa+size) not present, splitting large leaves as needed; page
 * tables left empty are freed. */
int slat_unmap(struct slat *s, uint64_t gpa, uint64_t size);

/* Translate one address.  0 with the host address, attributes (permissions |
 * SLAT_UC) and leaf size (any pointer may be NULL), or -1 if not mapped. */
int slat_lookup(const struct slat *s, uint64_t gpa, uint64_t *hpa, unsigned *attrs,
                uint64_t *leaf_size);

/* The value for the VMCB's nCR3 (NPT) or the VMCS's EPT pointer (EPT:
 * write-back walks, 4 levels, no accessed/dirty flags). */
uint64_t slat_hw_root(const struct slat *s);

/* Free every page table, the root included. */
void slat_destroy(struct slat *s);

#endif
