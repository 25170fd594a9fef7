/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parent partition: built at boot over all of the machine's memory and
 * devices except the hypervisor's own memory, and the policy its exits obey.
 */
#ifndef HV_PARENT_H
#define HV_PARENT_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/handoff.h>
#include <hv/memmap.h>
#include <hv/page_alloc.h>
#include <hv/vp.h>

extern struct partition parent;

/* Build the parent: its NPT, one VP per started CPU (cpus[]), and VP0 ready
 * to enter the Linux kernel from the boot modules.  Panics with a reason if
 * that cannot be done. */
void parent_build(const struct handoff_info *boot, struct memmap *map, struct page_pool *heap,
                  uint64_t lapic_base);

/* MSR accesses the parent is not allowed to make as it likes. */
enum msr_verdict {
    MSR_PASS,   /* do it on the physical CPU (#GP if the CPU refuses) */
    MSR_DONE,   /* handled: *value holds what a read returns */
    MSR_REFUSE, /* #GP */
};
enum msr_verdict parent_msr_read(struct vp *vp, uint32_t msr, uint64_t *value);
enum msr_verdict parent_msr_write(struct vp *vp, uint32_t msr, uint64_t value);

/* A nested page fault at @gpa: the xAPIC page or a hole.  Returns 0 when
 * handled (the VP continues), -1 when the partition cannot go on. */
int parent_npf(struct vp *vp, uint64_t gpa, bool write, bool fetch);

/* The management hypercalls (hv/parent_hypercall.c): set up once the memory
 * map is final; then each VMMCALL of the parent's kernel lands in
 * parent_hypercall(), which returns the value for RAX. */
int parent_hypercalls_init(struct page_pool *heap, const struct memmap *map);
uint64_t parent_hypercall(struct vp *vp, uint64_t control, uint64_t in_gpa, uint64_t out_gpa);

/* Whether [gpa, gpa+len) touches a hole (hypervisor memory). */
bool parent_in_hole(const struct partition *p, uint64_t gpa, uint64_t len);

#endif
