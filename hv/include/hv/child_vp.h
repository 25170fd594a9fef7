/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual processors of child partitions.
 *
 * A child VP runs only inside the parent's HVCALL_DISPATCH_VP, on the CPU
 * that made the call (Hyper-V's root scheduler model: the parent's threads
 * decide who runs where).  The hypervisor handles what it can without the
 * parent (CPUID, MSRs, the local APIC, HLT with an interrupt pending) and
 * returns to the parent with a TLFS intercept message for the rest.
 *
 * Interrupts for a VP come from any CPU (IPIs from its siblings, the
 * parent's HVCALL_ASSERT_VIRTUAL_INTERRUPT).  They are posted lock-free
 * (posted_irr, posted_events) and merged into the VP's local APIC by the
 * CPU that runs it, at its next entry; a VP that is running elsewhere is
 * kicked with the partition's kick vector, and one that halted in the parent
 * is reported so that the parent wakes the thread that waits for it.
 */
#ifndef HV_CHILD_VP_H
#define HV_CHILD_VP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/abi.h>
#include <hv/synic.h>
#include <hv/vlapic.h>
#include <hv/vp.h>

struct child_env;
struct child_partition;
struct hypercall;

/* run_state: the CPU index while it runs inside a dispatch, or one of: */
#define CHILD_VP_IDLE   (-1) /* in the parent, which will dispatch it again */
#define CHILD_VP_HALTED (-2) /* halted: the parent waits to be told to wake it */

/* posted_events bits */
#define CHILD_EVENT_NMI   (1u << 0)
#define CHILD_EVENT_INIT  (1u << 1)
#define CHILD_EVENT_SIPI  (1u << 2) /* vector in posted_sipi_vector */
#define CHILD_EVENT_LINT0 (1u << 3) /* lint0 went up: look at it (a halted VP wakes) */

struct child_vp {
    struct vp vp; /* VMCB and registers; vp.part is NULL for a child */
    struct child_partition *child;
    int run_state; /* see above; changed atomically */
    /* Set from the claim of a dispatch to its very end (atomic): a halted
     * VP's run_state is published before its dispatcher's last look at
     * it (the posted-interrupt re-check), and until then nothing may free
     * it, touch its registers or dispatch it again. */
    bool dispatching;
    bool in_hlt; /* executed HLT, waits for an interrupt */
    bool dead;   /* triple fault: it does not run again */
    bool nmi_pending;
    /* The 8259s' INTR wire on LINT0 (atomic; HV_INTERRUPT_TYPE_LINT0), and
     * the vector the parent acknowledged from them for the VP to take
     * (HV_REGISTER_PENDING_EXTINT; -1: none). */
    bool lint0;
    int extint_vector;
    struct vlapic vlapic;
    uint64_t posted_irr[4]; /* vectors posted by other CPUs (atomic) */
    uint32_t posted_events; /* CHILD_EVENT_* (atomic) */
    uint8_t posted_sipi_vector;
    uint64_t xcr0;  /* the guest's XCR0 */
    void *fpu_area; /* its x87/SSE/AVX state between dispatches */
    struct synic synic;
    uint64_t vp_assist; /* VP_ASSIST_PAGE */
    int last_cpu;       /* where it last ran, for TLB flushes */
    uint64_t tlb_gen;   /* the partition's tlb_generation it last ran with */
};

/* Set up the VP's state after creation (VP 0 ready to run at the state the
 * parent sets; the others waiting for SIPI). */
uint16_t child_vp_create(struct child_env *env, struct child_partition *p, unsigned index);
void child_vp_destroy(struct child_env *env, struct child_vp *cvp);

/* Register access for the hypercalls; the VP must not be running.  Each
 * returns an HV_STATUS_*. */
uint16_t child_vp_get_register(struct child_vp *cvp, uint32_t name, union hv_register_value *out);
uint16_t child_vp_set_register(struct child_vp *cvp, uint32_t name,
                               const union hv_register_value *in);

bool child_vp_running(const struct child_vp *cvp);

/* Make the CPU @cpu leave the child VP it runs: an IPI with the
 * partition's kick vector (nothing without one, or for this CPU). */
void child_vp_kick(const struct child_partition *p, int cpu);

/* Post an interrupt to VP @index of @p from any CPU; kicks it if it runs
 * elsewhere.  Returns true if the VP halted in the parent and must be woken. */
bool child_vp_post(struct child_partition *p, unsigned index, enum vlapic_dm mode, uint8_t vector);

/* Run @cvp on this CPU until the parent must act; the message says why.
 * @timer_armed is the host TSC the parent's timer for this VP is set for. */
void child_vp_dispatch(struct child_vp *cvp, uint64_t timer_armed, struct hv_message *msg);

/* For the run loop: whether anything is posted, and the VPs that IPIs
 * sent from this CPU found halted (cleared by the call). */
bool child_vp_has_posted(struct child_vp *cvp);
uint64_t child_vp_take_wakes(void);

/*
 * The parent's VP calls (docs/abi.md), decoded and checked.  @in is the
 * hypervisor's copy of the input, @in_room the bytes of it up to the end of
 * the parent's page; @out is the output buffer and @out_room its bytes up to
 * the end of its page (0 if it is not in the parent's RAM).  The caller has
 * checked the control word's form (hypercall_check_form) and holds the
 * hypercalls' lock.  Each returns an HV_STATUS_*; the rep call sets
 * *reps_done to the index after the last element it completed.
 */
uint16_t child_vp_call_create(struct child_env *env, const void *in, size_t in_room);
uint16_t child_vp_call_registers(struct child_env *env, const struct hypercall *hc, const void *in,
                                 size_t in_room, void *out, size_t out_room, unsigned *reps_done);
uint16_t child_vp_call_assert_interrupt(struct child_env *env, const void *in, size_t in_room,
                                        void *out, size_t out_room);

/* HVCALL_POST_MESSAGE_DIRECT and HVCALL_SIGNAL_EVENT_DIRECT: into a
 * child VP's SynIC, from the parent's worker. */
uint16_t child_vp_call_post_message(struct child_env *env, const void *in, size_t in_room,
                                    void *out, size_t out_room);
uint16_t child_vp_call_signal_event(struct child_env *env, const void *in, size_t in_room,
                                    void *out, size_t out_room);

/* Set up a new partition's enlightenments and its RAM accessor; fills the
 * clock fields of @out. */
void child_vp_partition_init(struct child_partition *p, uint64_t now_tsc, uint64_t tsc_hz,
                             const uint8_t hypercall_insn[3],
                             struct hv_output_create_partition *out);

/* A VP's access to one of the Hyper-V MSRs (enlighten.h, synic.h).  0, -1
 * for #GP, or 1 if @msr is not one of them.  A write to EOM that the parent
 * must hear of sets *deliverable to the SINTs to report. */
int child_vp_synthetic_rdmsr(struct child_vp *cvp, uint32_t msr, uint64_t host_tsc,
                             uint64_t tsc_offset, uint64_t *val);
int child_vp_synthetic_wrmsr(struct child_vp *cvp, uint32_t msr, uint64_t val, uint64_t host_tsc,
                             uint64_t tsc_offset, uint32_t *deliverable);

/* The synthetic timers: give the VP the interrupts of those due at
 * @host_tsc; and the host TSC the next one is due at (UINT64_MAX: none). */
void child_vp_synthetic_tick(struct child_vp *cvp, uint64_t host_tsc);
uint64_t child_vp_synthetic_deadline(const struct child_vp *cvp);

/* HVCALL_DISPATCH_VP, in two steps: the checks of the input that need no
 * lock (this one checks the control word too), then, under the lock, the
 * VP's register writes and its claim for CPU @cpu (run_state), so that no
 * other call touches it while it runs.  The caller then runs *cvp. */
uint16_t child_vp_call_dispatch_check(const struct hypercall *hc, const void *in, size_t in_room,
                                      size_t out_room);
uint16_t child_vp_call_dispatch_claim(struct child_env *env, const void *in, int cpu,
                                      struct child_vp **cvp);

#endif
