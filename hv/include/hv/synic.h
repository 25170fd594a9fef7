/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A child VP's synthetic interrupt controller (TLFS "Inter-partition
 * communication" and "Timers"): SCONTROL, SVERSION, SIEFP, SIMP, EOM, the 16
 * SINTs, the message slots and event flags in the guest's SIMP and SIEFP
 * pages, and the four synthetic timers in direct mode.  Pure logic over
 * struct guest_mem; the caller turns the vectors it returns into interrupts
 * of the VP's local APIC.
 *
 * Messages come from the parent (HvPostMessageDirect, the worker's VMBus
 * server): the hypervisor keeps no queue.  A message for a slot the guest
 * has not emptied yet is refused with HV_STATUS_INSUFFICIENT_BUFFERS and the
 * slot's message is flagged msg_pending, so the guest writes EOM when it has
 * emptied it; that EOM is reported to the parent (the SINT is deliverable
 * again) and the parent posts again.  The slot is the guest's memory, read
 * and written by both sides at once: the header is claimed with a
 * compare-and-swap so that a guest emptying the slot and the flag being set
 * cannot cross unseen.
 */
#ifndef HV_SYNIC_H
#define HV_SYNIC_H

#include <stdbool.h>
#include <stdint.h>

#include <hv/abi.h>
#include <hv/enlighten.h>

#define HV_X64_MSR_SCONTROL       0x40000080u
#define HV_X64_MSR_SVERSION       0x40000081u
#define HV_X64_MSR_SIEFP          0x40000082u
#define HV_X64_MSR_SIMP           0x40000083u
#define HV_X64_MSR_EOM            0x40000084u
#define HV_X64_MSR_SINT0          0x40000090u
#define HV_X64_MSR_SINT15         0x4000009Fu
#define HV_X64_MSR_STIMER0_CONFIG 0x400000B0u /* CONFIG/COUNT pairs up to timer 3 */
#define HV_X64_MSR_STIMER3_COUNT  0x400000B7u

#define HV_SYNIC_VERSION      1
#define HV_SYNIC_SINT_COUNT   16
#define HV_SYNIC_STIMER_COUNT 4
#define HV_SYNIC_FLAG_COUNT   2048 /* event flags per SINT */

#define HV_SINT_VECTOR_MASK 0xFFULL
#define HV_SINT_MASKED      (1ULL << 16)
#define HV_SINT_AUTO_EOI    (1ULL << 17)
#define HV_SINT_POLLING     (1ULL << 18)
#define HV_SINT_RESET       HV_SINT_MASKED

#define HV_STIMER_ENABLE       (1ULL << 0)
#define HV_STIMER_PERIODIC     (1ULL << 1)
#define HV_STIMER_LAZY         (1ULL << 2)
#define HV_STIMER_AUTO_ENABLE  (1ULL << 3)
#define HV_STIMER_VECTOR_SHIFT 4
#define HV_STIMER_DIRECT       (1ULL << 12)
#define HV_STIMER_SINT_SHIFT   16

/* message_flags bit 0 (TLFS MessagePending) */
#define HV_MESSAGE_FLAG_PENDING 0x1

/* The shortest periodic timer period (100 ns units): a guest must not make
 * the host take an interrupt every few microseconds. */
#define HV_STIMER_MIN_PERIOD 500 /* 50 us */

struct synic_timer {
    uint64_t config;
    uint64_t count;
    uint64_t expiry; /* reference time it fires at; 0: not armed */
};

struct synic {
    uint64_t scontrol, siefp, simp;
    uint64_t sint[HV_SYNIC_SINT_COUNT];
    /* SINTs whose slot refused a message: the parent hears of the guest's
     * next EOM (atomic). */
    uint32_t notify_sints;
    volatile int lock; /* posting against the VP's own MSR writes */
    struct synic_timer timer[HV_SYNIC_STIMER_COUNT];
};

/* The state at VP creation and reset: everything disabled, SINTs masked. */
void synic_reset(struct synic *s);

bool synic_msr_is_ours(uint32_t msr);

/* The VP's own MSR accesses: 0, or -1 for #GP.  @ref_now is the reference
 * time (for the timers).  A write to EOM sets *eom. */
int synic_msr_read(struct synic *s, uint32_t msr, uint64_t *val);
int synic_msr_write(struct synic *s, uint32_t msr, uint64_t val, uint64_t ref_now,
                    const struct guest_mem *mem, bool *eom);

/* From the parent, on any CPU.  Each returns an HV_STATUS_*; *vector is
 * the interrupt to give the VP (-1: none: masked, polled, or nothing new). */
uint16_t synic_post_message(struct synic *s, uint32_t sint, const struct hv_message *msg,
                            const struct guest_mem *mem, int *vector);
uint16_t synic_signal_event(struct synic *s, uint32_t sint, uint32_t flag,
                            const struct guest_mem *mem, bool *newly_signaled, int *vector);

/* The SINTs the parent must be told are deliverable again (after an EOM),
 * cleared by the call. */
uint32_t synic_take_deliverable(struct synic *s);

/* Fire the timers due at @ref_now: their vectors go to @vectors (at most
 * HV_SYNIC_STIMER_COUNT); returns how many. */
unsigned synic_timers_fire(struct synic *s, uint64_t ref_now, uint8_t *vectors);
/* The reference time the next timer fires at, or UINT64_MAX. */
uint64_t synic_timers_next(const struct synic *s);

#endif
