/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Hyper-V enlightenments a child partition sees (TLFS): the partition's
 * reference time (TIME_REF_COUNT and the reference TSC page), the guest OS
 * id and the hypercall page, and the per-VP MSRs that are not the SynIC's
 * (VP_INDEX, the frequency MSRs, VP_ASSIST_PAGE).  synic.h has the SynIC.
 *
 * The hypercall page and the reference TSC page are written into the page
 * of guest RAM the guest names (as KVM does), not mapped over it: the guest
 * picks a page of its own RAM for them anyway, and the SLAT stays a plain
 * map of the worker's memory.  Pure logic over struct guest_mem.
 */
#ifndef HV_ENLIGHTEN_H
#define HV_ENLIGHTEN_H

#include <stdbool.h>
#include <stdint.h>

#define HV_X64_MSR_GUEST_OS_ID    0x40000000u
#define HV_X64_MSR_HYPERCALL      0x40000001u
#define HV_X64_MSR_VP_INDEX       0x40000002u
#define HV_X64_MSR_TIME_REF_COUNT 0x40000020u
#define HV_X64_MSR_REFERENCE_TSC  0x40000021u
#define HV_X64_MSR_TSC_FREQUENCY  0x40000022u
#define HV_X64_MSR_APIC_FREQUENCY 0x40000023u
#define HV_X64_MSR_VP_ASSIST_PAGE 0x40000073u

#define HV_MSR_ENABLE       0x1ULL /* HYPERCALL, REFERENCE_TSC, VP_ASSIST_PAGE */
#define HV_HYPERCALL_LOCKED 0x2ULL
#define HV_MSR_PAGE_MASK    (~0xFFFULL)

/* 100 ns units per second: the reference time's rate. */
#define HV_REF_TIME_HZ 10000000ULL

/* A guest's RAM as the hypervisor reaches it. */
struct guest_mem {
    void *ctx;
    /* The host address of the guest page at @gpa (page aligned), or NULL if
     * it is not RAM of this guest. */
    void *(*page)(void *ctx, uint64_t gpa);
};

/* The partition's reference clock: 100 ns units since base_tsc (the host
 * TSC when the partition was created). */
struct ref_clock {
    uint64_t base_tsc;
    uint64_t tsc_hz;
    uint64_t tsc_scale; /* 2^64 * HV_REF_TIME_HZ / tsc_hz: the TSC page's scale */
};

void ref_clock_init(struct ref_clock *c, uint64_t base_tsc, uint64_t tsc_hz);
/* Reference time at host TSC @host_tsc (0 before base). */
uint64_t ref_clock_time(const struct ref_clock *c, uint64_t host_tsc);
/* The first host TSC at which the reference time is >= @ref. */
uint64_t ref_clock_host_tsc(const struct ref_clock *c, uint64_t ref);

/* The reference TSC page (TLFS HV_REFERENCE_TSC_PAGE). */
struct hv_ref_tsc_page {
    volatile uint32_t sequence; /* 0: invalid, use TIME_REF_COUNT */
    uint32_t reserved1;
    volatile uint64_t scale;
    volatile int64_t offset;
};

/* Partition-wide state (shared by the VPs; the guest's boot processor sets
 * it, so updates take a lock). */
struct enlight_partition {
    struct ref_clock clock;
    uint64_t guest_os_id;
    uint64_t hypercall;        /* the MSR as the guest reads it */
    uint64_t reference_tsc;    /* likewise */
    uint8_t hypercall_insn[3]; /* VMMCALL or VMCALL: the vendor's */
    volatile int lock;
};

void enlight_init(struct enlight_partition *e, uint64_t base_tsc, uint64_t tsc_hz,
                  const uint8_t hypercall_insn[3]);

/* What a VP's MSR access needs to know about the VP. */
struct enlight_vp {
    unsigned vp_index;
    uint64_t host_tsc;   /* now */
    uint64_t tsc_offset; /* the VP's guest TSC minus the host TSC */
    uint64_t apic_hz;    /* its local APIC timer's frequency */
    uint64_t *vp_assist; /* its VP_ASSIST_PAGE MSR */
    const struct guest_mem *mem;
};

/* Whether @msr is one of these (then read/write decide); the results are
 * 0, or -1 for #GP. */
bool enlight_msr_is_ours(uint32_t msr);
int enlight_msr_read(struct enlight_partition *e, const struct enlight_vp *vp, uint32_t msr,
                     uint64_t *val);
int enlight_msr_write(struct enlight_partition *e, const struct enlight_vp *vp, uint32_t msr,
                      uint64_t val);

/* Whether the guest enabled its hypercall page (else the hypercall
 * instruction is #UD, as on Hyper-V). */
bool enlight_hypercalls_enabled(const struct enlight_partition *e);

#endif
