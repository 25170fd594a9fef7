/* SPDX-License-Identifier: GPL-2.0-only */
/* What the hypervisor knows about itself. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdint.h>

#define HV_NAME           "hvcore"
#define HV_VERSION        "0.1"
#define HV_VERSION_NUMBER 0x00000001u /* major << 16 | minor */

struct hv_self {
    uint64_t base;       /* physical = virtual address it was loaded at */
    uint64_t size;       /* all memory reserved for it (image + heap) */
    uint64_t image_size; /* the part hv.elf occupies */
    uint16_t debug_exit_port;
    uint32_t trace_exits; /* exits still to print (trace-exits=N) */
    uint64_t cr3;         /* the hypervisor's page-table root, on every CPU */
};

extern struct hv_self hv_self;

void hv_main(void *handoff, uint64_t load_base);

#endif
