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

int vm_option_generation(const char *text, unsigned *generation, char *err, size_t err_size)
{
    if (strcmp(text, "1") != 0 && strcmp(text, "2") != 0) {
        snprintf(err, err_size,
                 "--generation %s is neither 1 nor 2 (1: an emulated PC with BIOS firmware and IDE "
                 "disks; 2: a kernel booted directly)",
                 text);
        return -1;
    }
    *generation = (unsigned)(text[0] - '0');
    return 0;
}

/*
 * The options @c's generation does not take, whatever their values: a
 * generation 1 VM boots its firmware (a kernel to load would be ignored),
 * a generation 2 VM its kernel (it has no firmware).  create checks this
 * on its command line already; for set it is the VM's generation.
 */
static int check_generation_options(const struct hvctl_args *args, const struct vm_config *c,
                                    char *err, size_t err_size)
{
    static const struct {
        unsigned bit;
        const char *name;
    } kernel_options[] = {{OPT_KERNEL, "--kernel"},
                          {OPT_INITRD, "--initrd"},
                          {OPT_NO_INITRD, "--no-initrd"},
                          {OPT_CMDLINE, "--cmdline"}};

    if (c->generation == 1) {
        for (size_t i = 0; i < sizeof(kernel_options) / sizeof(kernel_options[0]); i++) {
            if (args->given & kernel_options[i].bit) {
                snprintf(err, err_size,
                         "%s is for generation 2 VMs: %s is a generation 1 VM, which boots its "
                         "firmware from its disks",
                         kernel_options[i].name, c->name);
                return -1;
            }
        }
    } else if (args->given & OPT_FIRMWARE) {
        snprintf(err, err_size,
                 "--firmware is for generation 1 VMs: %s is a generation 2 VM, which boots its "
                 "kernel directly",
                 c->name);
        return -1;
    }
    return 0;
}

int vm_options_apply(const struct hvctl_args *args, uint64_t host_ram, struct vm_config *c,
                     char *err, size_t err_size)
{
    /* Work on a copy: the caller's configuration changes only if every option is right. */
    struct vm_config next;
    char why[VM_PATH_MAX + 128];

    next = *c;
    if (check_generation_options(args, &next, err, err_size) != 0)
        return -1;
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
    if ((args->given & OPT_FIRMWARE) &&
        boot_file_resolve(args->firmware, next.firmware, sizeof(next.firmware), why, sizeof(why)) !=
            0) {
        snprintf(err, err_size, "--firmware %s", why);
        return -1;
    }
    if (next.generation == 1 && next.firmware[0] == '\0') {
        /* create without --firmware: SeaBIOS where Debian installs it, if it is there. */
        if (boot_file_check(VM_FIRMWARE_DEFAULT, why, sizeof(why)) != 0) {
            snprintf(err, err_size,
                     "the default firmware %s (install Debian's seabios, or give --firmware PATH)",
                     why);
            return -1;
        }
        strcpy(next.firmware, VM_FIRMWARE_DEFAULT);
    }
    /* The name was checked before, so what fails here came from an option: "--KEY ...". */
    if (vm_config_validate(&next, why, sizeof(why)) != 0) {
        snprintf(err, err_size, "--%s", why);
        return -1;
    }
    *c = next;
    return 0;
}
