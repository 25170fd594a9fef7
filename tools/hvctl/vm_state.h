/* SPDX-License-Identifier: GPL-2.0-only */
/* A VM's state as hvctl reports it: off, or what its worker says. */
#ifndef HVCTL_VM_STATE_H
#define HVCTL_VM_STATE_H

#include <stdint.h>

enum vm_state {
    VM_STATE_OFF,     /* no worker */
    VM_STATE_RUNNING, /* the worker says so */
    VM_STATE_PAUSED,  /* the worker says so */
    VM_STATE_UNKNOWN, /* a worker runs but did not answer on its control socket */
    VM_STATE_CRASHED, /* no worker; the last one stopped on a guest fault (its crash record) */
};

/* The guest's heartbeat integration service, as the worker reports it. */
enum vm_heartbeat {
    VM_HEARTBEAT_UNKNOWN, /* not running, or a worker that does not report it */
    VM_HEARTBEAT_NONE,    /* the guest's heartbeat service never answered */
    VM_HEARTBEAT_OK,      /* it answers */
    VM_HEARTBEAT_LOST,    /* it answered, then stopped */
};

/* What the worker's "status" reply carries. */
struct vm_status {
    enum vm_state state;
    uint64_t uptime_s;
    unsigned cpus;
    uint64_t memory; /* bytes */
    enum vm_heartbeat heartbeat;
    char crash_reason[256]; /* VM_STATE_CRASHED: the worker's crash record */
};

static inline const char *vm_state_name(enum vm_state state)
{
    switch (state) {
    case VM_STATE_OFF:
        return "off";
    case VM_STATE_RUNNING:
        return "running";
    case VM_STATE_PAUSED:
        return "paused";
    case VM_STATE_CRASHED:
        return "crashed";
    case VM_STATE_UNKNOWN:
        break;
    }
    return "unknown";
}

#endif
