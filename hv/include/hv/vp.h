/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Partitions and virtual processors.  Today there is one partition, the
 * parent, with one VP pinned to each physical CPU (as Hyper-V's root).
 */
#ifndef HV_VP_H
#define HV_VP_H

#include <stdint.h>

#include <arch/percpu.h>
#include <arch/svm.h>
#include <hv/slat.h>

enum vp_state {
    VP_OFF,       /* its CPU never came up, or nothing started it */
    VP_WAIT_SIPI, /* after INIT: waiting for a STARTUP IPI */
    VP_STARTING,  /* STARTUP received: its CPU enters it at sipi_vector */
    VP_RUNNING,
};

#define PARTITION_MAX_HOLES 4

struct hole {
    uint64_t base, end; /* guest-physical, exclusive end */
};

struct partition {
    struct slat slat;
    uint64_t msrpm_pa, iopm_pa;
    uint64_t lapic_gpa;                     /* the xAPIC page whose writes we check */
    uint64_t dummy_page_pa;                 /* what the parent sees in the holes: all ones */
    struct hole holes[PARTITION_MAX_HOLES]; /* hypervisor memory, trampoline */
    unsigned nholes;
    unsigned nvps;
    struct vp *vps[MAX_CPUS];
    uint64_t hole_writes; /* writes into holes that were dropped */
};

/* The last exits of a VP, for post-mortems. */
#define VP_EXIT_HISTORY 16
struct vp_exit_record {
    uint64_t code, info1, info2, rip, exitintinfo, eventinj;
};

struct vp {
    struct partition *part;
    unsigned index;
    uint32_t apic_id;
    struct vmcb *vmcb; /* identity-mapped: also its physical address */
    struct guest_regs regs;
    volatile int state; /* enum vp_state */
    volatile uint8_t sipi_vector;
    uint64_t exits;
    struct vp_exit_record history[VP_EXIT_HISTORY]; /* indexed by exits % size */
};

#endif
