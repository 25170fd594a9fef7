/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parent partition's writes to its local APIC's interrupt command
 * register.  Ordinary IPIs go straight to the hardware, but INIT and STARTUP
 * would reset or restart a CPU the hypervisor runs on, so they are turned
 * into changes of the target VP's state; SMIs are dropped.  Pure logic.
 */
#ifndef HV_APIC_ICR_H
#define HV_APIC_ICR_H

#include <stdint.h>

enum icr_action {
    ICR_FORWARD, /* write it to the physical APIC unchanged */
    ICR_INIT,    /* put the targets in wait-for-SIPI */
    ICR_STARTUP, /* start the targets at vector << 12 in real mode */
    ICR_IGNORE,  /* INIT de-assert: nothing to do */
    ICR_DROP,    /* refused (SMI, INIT/SIPI with logical destination) */
};

enum icr_dest {
    ICR_DEST_ONE, /* dest_id */
    ICR_DEST_SELF,
    ICR_DEST_ALL,
    ICR_DEST_ALL_BUT_SELF,
};

struct icr_decoded {
    enum icr_action action;
    enum icr_dest dest;
    uint32_t dest_id; /* physical APIC id for ICR_DEST_ONE */
    uint8_t vector;
};

/* @low: the value written to ICR (low 32 bits); @dest_field: the destination
 * as the APIC holds it (xAPIC: ICR high >> 24; x2APIC: the high 32 bits). */
struct icr_decoded icr_decode(uint32_t low, uint32_t dest_field);

#endif
