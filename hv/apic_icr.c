/* SPDX-License-Identifier: GPL-2.0-only */
/* Decoding the parent's ICR writes (see hv/apic_icr.h). */
#include <hv/apic_icr.h>

#define ICR_DM_SHIFT        8
#define ICR_DM_MASK         7u
#define ICR_DEST_LOGICAL    (1u << 11)
#define ICR_LEVEL_ASSERT    (1u << 14)
#define ICR_TRIGGER_LEVEL   (1u << 15)
#define ICR_SHORTHAND_SHIFT 18

#define DM_SMI     2u
#define DM_INIT    5u
#define DM_STARTUP 6u

struct icr_decoded icr_decode(uint32_t low, uint32_t dest_field)
{
    struct icr_decoded d = {ICR_FORWARD, ICR_DEST_ONE, dest_field, (uint8_t)low};
    uint32_t mode = (low >> ICR_DM_SHIFT) & ICR_DM_MASK;

    d.dest = (enum icr_dest)((low >> ICR_SHORTHAND_SHIFT) & 3u);
    if (mode == DM_SMI) {
        d.action = ICR_DROP;
        return d;
    }
    if (mode != DM_INIT && mode != DM_STARTUP)
        return d;
    /* A logical destination would need every APIC's LDR to resolve; Linux
     * starts CPUs by physical id, so refuse rather than guess. */
    if (d.dest == ICR_DEST_ONE && (low & ICR_DEST_LOGICAL)) {
        d.action = ICR_DROP;
        return d;
    }
    if (mode == DM_STARTUP)
        d.action = ICR_STARTUP;
    else if ((low & ICR_TRIGGER_LEVEL) && !(low & ICR_LEVEL_ASSERT))
        d.action = ICR_IGNORE; /* INIT level de-assert (old MP protocol) */
    else
        d.action = ICR_INIT;
    return d;
}
