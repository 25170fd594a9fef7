/* SPDX-License-Identifier: GPL-2.0-only */
/* Running VPs with AMD-V. */
#ifndef ARCH_SVM_VP_H
#define ARCH_SVM_VP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/guest_walk.h>
#include <arch/insn.h>
#include <hv/linux_boot.h>
#include <hv/page_alloc.h>
#include <hv/vp.h>

/* Check the CPU has what we need (SVM, NPT), enable SVM on this CPU, set up
 * its host save area and host state, and clear GIF for good: interrupts and
 * NMIs then wait for a guest to take them.  0, or -1 with a reason. */
int svm_cpu_init(struct percpu *cpu, struct page_pool *pool, char *err, size_t errlen);

/* Whether the CPU reports the next RIP on exits (NRIP save). */
bool svm_has_nrip(void);

/* The parent's MSR and I/O permission maps (allocated from @pool). */
int svm_partition_init(struct partition *part, struct page_pool *pool);

/* A VMCB for @vp with the parent's intercepts. */
int svm_vp_init(struct vp *vp, struct page_pool *pool);

/* Entry states: the Linux 64-bit boot protocol, or real mode after SIPI. */
void svm_vp_set_long_mode(struct vp *vp, const struct linux_entry_state *st);
void svm_vp_set_startup(struct vp *vp, uint8_t vector);

/* Run @vp on this CPU for ever. */
__attribute__((noreturn)) void svm_vp_loop(struct percpu *cpu, struct vp *vp);

/* Shared by the parent's and the children's exit handlers. */

/* The mode the VP's code runs in (CS.L, CS.D, CR0.PE, EFER.LMA). */
enum cpu_mode svm_code_mode(const struct vmcb *v);

/* The instruction bytes at CS:RIP: the decode assist's if the CPU gave
 * them, else read through the guest's page tables with @rd; up to the end
 * of a readable page.  How many bytes, 0 if none could be read. */
unsigned svm_fetch_at_rip(const struct vmcb *v, uint8_t bytes[INSN_MAX_LEN], guest_read_phys_fn rd,
                          void *ctx);

/* EVENTINJ for the event the last exit interrupted (EXITINTINFO), or 0. */
uint64_t svm_event_to_reinject(const struct vmcb *v);

#endif
