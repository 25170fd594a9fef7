// SPDX-License-Identifier: GPL-2.0-only
/* "hvctl list": every VM with its state (see list_format.h for the output). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "list_format.h"
#include "msg.h"
#include "vm_lookup.h"
#include "worker.h"

/* One VM's row: its configuration, and what its worker says if it runs. */
static int fill_row(const struct hvctl_paths *paths, const char *name, struct vm_row *row)
{
    static struct vm_config c; /* 64 disk paths: too large for the stack */
    struct vm_status st;
    char err[HVCTL_ERR_MAX];

    if (vm_read_config(paths, name, &c, err, sizeof(err)) != 0) {
        hvctl_warning("left out of the list: %s", err);
        return -1;
    }
    memset(row, 0, sizeof(*row));
    strcpy(row->name, name);
    row->cpus = c.cpus;
    row->memory_bytes = c.memory;
    row->state = worker_state(paths, name, -1, &st, err, sizeof(err));
    if (row->state == VM_STATE_RUNNING || row->state == VM_STATE_PAUSED) {
        /* What the worker really has, should it ever differ from the file. */
        row->cpus = st.cpus;
        row->memory_bytes = st.memory;
        row->has_uptime = true;
        row->uptime_s = st.uptime_s;
        row->heartbeat = st.heartbeat;
    } else if (row->state == VM_STATE_UNKNOWN) {
        hvctl_warning("%s has a worker, but it did not answer: %s", name, err);
    }
    return 0;
}

int cmd_list(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    char vms_dir[VM_PATH_MAX];
    struct vm_row *rows = NULL;
    size_t n = 0, capacity = 0;
    int status = HVCTL_EXIT_OK;
    struct dirent *e;
    DIR *d;

    path_vms_dir(paths, vms_dir);
    d = opendir(vms_dir);
    if (d == NULL && errno != ENOENT) {
        hvctl_error("%s: %s", vms_dir, strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    /* No vms directory: no VM created yet, an empty list. */
    while (d != NULL && (e = readdir(d)) != NULL) {
        char why[128];
        struct stat st;

        /* Not a name: ".", "..", what delete is removing, anything else not ours. */
        if (!vm_name_valid(e->d_name, why, sizeof(why)) ||
            fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (n == capacity) {
            struct vm_row *bigger;

            capacity = capacity ? capacity * 2 : 16;
            bigger = realloc(rows, capacity * sizeof(*rows));
            if (bigger == NULL) {
                hvctl_error("out of memory");
                free(rows);
                closedir(d);
                return HVCTL_EXIT_ERROR;
            }
            rows = bigger;
        }
        if (fill_row(paths, e->d_name, &rows[n]) == 0)
            n++;
        else
            status = HVCTL_EXIT_ERROR; /* the others are still listed */
    }
    if (d != NULL)
        closedir(d);
    list_sort(rows, n);
    if (((args->given & OPT_JSON) ? list_print_json(stdout, rows, n)
                                  : list_print_table(stdout, rows, n)) != 0 ||
        fflush(stdout) != 0) {
        hvctl_error("writing the list: %s", strerror(errno));
        status = HVCTL_EXIT_ERROR;
    }
    free(rows);
    return status;
}
