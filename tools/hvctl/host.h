/* SPDX-License-Identifier: GPL-2.0-only */
/* What the parent partition has, to check a VM's size against. */
#ifndef HVCTL_HOST_H
#define HVCTL_HOST_H

#include <stdint.h>

/* The parent's total RAM in bytes, or 0 if it cannot be known. */
uint64_t host_total_ram(void);

/* The parent's online CPUs, or 0 if it cannot be known. */
unsigned host_cpus(void);

#endif
