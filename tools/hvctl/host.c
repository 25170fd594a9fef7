// SPDX-License-Identifier: GPL-2.0-only
/* The parent partition's RAM and CPUs (see host.h). */
#include <sys/sysinfo.h>
#include <unistd.h>

#include "host.h"

uint64_t host_total_ram(void)
{
    struct sysinfo si;

    if (sysinfo(&si) != 0)
        return 0;
    return (uint64_t)si.totalram * si.mem_unit;
}

unsigned host_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (unsigned)n : 0;
}
