// SPDX-License-Identifier: GPL-2.0-only
/*
 * "hvctl kvp NAME [--set KEY=VALUE]": the guest's key-value pairs, read from
 * its worker, or a host-to-guest pair given to it (kvp_format.h has the
 * output and the checks).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "control.h"
#include "kvp_format.h"
#include "lock.h"
#include "msg.h"
#include "vm_lookup.h"
#include "worker.h"

/* The VM's worker, if it runs and answers; else -1 after saying why not. */
static int check_running(const struct hvctl_paths *paths, const char *name, int lock_fd)
{
    struct vm_status st;
    char err[HVCTL_ERR_MAX];
    enum vm_state state = worker_state(paths, name, lock_fd, &st, err, sizeof(err));

    if (state == VM_STATE_OFF || state == VM_STATE_CRASHED) {
        hvctl_error("%s is not running%s", name, state == VM_STATE_CRASHED ? " (it crashed)" : "");
        return -1;
    }
    if (state == VM_STATE_UNKNOWN) {
        hvctl_error("%s has a worker, but it did not answer: %s", name, err);
        return -1;
    }
    return 0;
}

static int kvp_set(const struct hvctl_paths *paths, const char *name, const char *arg)
{
    char request[KVP_REQUEST_MAX], err[HVCTL_ERR_MAX];
    int lock_fd, status = HVCTL_EXIT_ERROR;

    if (kvp_set_request(arg, request, sizeof(request), err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    lock_fd = vm_lock_existing(paths, name);
    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    if (check_running(paths, name, lock_fd) == 0) {
        if (worker_request(paths, name, request, err, sizeof(err)) != 0)
            hvctl_error("cannot give %s the pair: %s", name, err);
        else
            status = HVCTL_EXIT_OK;
    }
    vm_unlock(lock_fd);
    return status;
}

static int kvp_list(const struct hvctl_paths *paths, const char *name)
{
    char err[HVCTL_ERR_MAX];
    char *reply = malloc(CONTROL_KVP_REPLY_MAX);
    struct kvp_pair *pairs = NULL;
    size_t count, total;
    int status = HVCTL_EXIT_ERROR;

    if (reply == NULL) {
        hvctl_error("out of memory");
        return HVCTL_EXIT_ERROR;
    }
    if (check_running(paths, name, -1) != 0) {
        /* said */
    } else if (worker_ask(paths, name, "kvp", reply, CONTROL_KVP_REPLY_MAX, err, sizeof(err)) !=
                   0 ||
               control_parse_kvp(reply, &pairs, &count, &total, err, sizeof(err)) != 0) {
        hvctl_error("cannot read %s's pairs: %s", name, err);
    } else if (kvp_print_pairs(stdout, pairs, count) != 0 || fflush(stdout) != 0) {
        hvctl_error("writing the pairs: %s", strerror(errno));
    } else {
        if (count < total)
            hvctl_warning("%s has %zu pairs: only the first %zu fit in the worker's reply", name,
                          total, count);
        status = HVCTL_EXIT_OK;
    }
    free(pairs);
    free(reply);
    return status;
}

int cmd_kvp(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    if (vm_check_exists(paths, args->name) != 0)
        return HVCTL_EXIT_ERROR;
    if (args->given & OPT_SET)
        return kvp_set(paths, args->name, args->set);
    return kvp_list(paths, args->name);
}
