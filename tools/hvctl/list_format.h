/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The output of "hvctl list": a table for people,
 *   NAME  STATE    CPUS  MEMORY  UPTIME  HEARTBEAT
 *   db    off      1     512M    -       -
 *   web   running  2     2G      1h02m   OK
 * or, with --json, an array for scripts:
 *   [{"name": "web", "state": "running", "cpus": 2, "memory_bytes": 2147483648,
 *     "uptime_s": 3720, "heartbeat": "ok"}]
 * (uptime_s and heartbeat are null when the VM is not running).  HEARTBEAT
 * is the guest's heartbeat service: OK, lost (it answered, then stopped) or
 * no contact (it never answered: no hv_utils, or still booting).
 */
#ifndef HVCTL_LIST_FORMAT_H
#define HVCTL_LIST_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "names.h"
#include "vm_state.h"

#define UPTIME_TEXT_MAX 32

struct vm_row {
    char name[VM_NAME_MAX + 1];
    enum vm_state state;
    unsigned cpus;
    uint64_t memory_bytes;
    bool has_uptime; /* false when off (or the worker did not say) */
    uint64_t uptime_s;
    enum vm_heartbeat heartbeat; /* VM_HEARTBEAT_UNKNOWN when off (or the worker did not say) */
};

/* "OK", "lost", "no contact"; "-" for VM_HEARTBEAT_UNKNOWN. */
const char *heartbeat_text(enum vm_heartbeat heartbeat);

/* "35s", "4m05s", "1h02m", "3d04h"; "-" without an uptime. */
void uptime_format(bool has_uptime, uint64_t seconds, char *buf, size_t buf_size);

/* Sorts by name (byte order, as the names are ASCII). */
void list_sort(struct vm_row *rows, size_t n);

/* Print the rows; 0, or -1 if writing failed. */
int list_print_table(FILE *out, const struct vm_row *rows, size_t n);
int list_print_json(FILE *out, const struct vm_row *rows, size_t n);

/* Writes @s as a JSON string, quotes included. */
void json_print_string(FILE *out, const char *s);

#endif
