// SPDX-License-Identifier: GPL-2.0-only
/* The configuration options of create and set (see vm_options.h). */
#include <stdio.h>
#include <string.h>

#include "boot_files.h"
#include "size.h"
#include "vm_options.h"

int vm_option_memory(const char *text, uint64_t host_ram, uint64_t *bytes, char *err,
                     size_t err_size)
{
    char why[128], host[SIZE_TEXT_MAX];
    uint64_t value;

    if (size_parse(text, &value, why, sizeof(why)) != 0) {
        snprintf(err, err_size, "--memory %s %s", text, why);
        return -1;
    }
    if (value % VM_MEMORY_ALIGN != 0) {
        /* "--memory 512" is 512 bytes: the usual slip is a missing M. */
        snprintf(err, err_size, "--memory %s is not a multiple of 1M%s", text,
                 value < VM_MEMORY_ALIGN ? " (sizes without a suffix are in bytes)" : "");
        return -1;
    }
    if (value < VM_MEMORY_MIN) {
        snprintf(err, err_size, "--memory %s is less than the minimum, 64M", text);
        return -1;
    }
    if (host_ram != 0 && value > host_ram) {
        size_format_approx(host_ram, host, sizeof(host));
        snprintf(err, err_size, "--memory %s is more than the parent's total RAM (%s)", text, host);
        return -1;
    }
    *bytes = value;
    return 0;
}

int vm_option_cpus(const char *text, unsigned *cpus, char *err, size_t err_size)
{
    unsigned long value = 0;
    size_t i;

    for (i = 0; text[i] >= '0' && text[i] <= '9'; i++) {
        /* Any number past the limit is out of range: stop before it can overflow. */
        if (value <= VM_CPUS_MAX)
            value = value * 10 + (unsigned long)(text[i] - '0');
    }
    if (i == 0 || text[i] != '\0') {
        snprintf(err, err_size, "--cpus %s is not a whole number", text);
        return -1;
    }
    if (value < VM_CPUS_MIN || value > VM_CPUS_MAX) {
        snprintf(err, err_size, "--cpus %s is out of range (%d to %d)", text, VM_CPUS_MIN,
                 VM_CPUS_MAX);
        return -1;
    }
    *cpus = (unsigned)value;
    return 0;
}

int vm_options_apply(const struct hvctl_args *args, uint64_t host_ram, struct vm_config *c,
                     char *err, size_t err_size)
{
    /* Work on a copy: the caller's configuration changes only if every option is right. */
    struct vm_config next;
    char why[VM_PATH_MAX + 128];

    next = *c;
    if ((args->given & OPT_MEMORY) &&
        vm_option_memory(args->memory, host_ram, &next.memory, err, err_size) != 0)
        return -1;
    if ((args->given & OPT_CPUS) && vm_option_cpus(args->cpus, &next.cpus, err, err_size) != 0)
        return -1;
    if ((args->given & OPT_KERNEL) &&
        boot_file_resolve(args->kernel, next.kernel, sizeof(next.kernel), why, sizeof(why)) != 0) {
        snprintf(err, err_size, "--kernel %s", why);
        return -1;
    }
    if ((args->given & OPT_INITRD) &&
        boot_file_resolve(args->initrd, next.initrd, sizeof(next.initrd), why, sizeof(why)) != 0) {
        snprintf(err, err_size, "--initrd %s", why);
        return -1;
    }
    if (args->given & OPT_NO_INITRD)
        next.initrd[0] = '\0';
    if (args->given & OPT_CMDLINE) {
        if (strlen(args->cmdline) >= sizeof(next.cmdline)) {
            snprintf(err, err_size, "--cmdline is longer than %d bytes (the Linux limit)",
                     VM_CMDLINE_MAX - 1);
            return -1;
        }
        strcpy(next.cmdline, args->cmdline);
    }
    /* The name was checked before, so what fails here came from an option: "--KEY ...". */
    if (vm_config_validate(&next, why, sizeof(why)) != 0) {
        snprintf(err, err_size, "--%s", why);
        return -1;
    }
    *c = next;
    return 0;
}
