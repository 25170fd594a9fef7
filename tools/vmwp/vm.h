/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM's lifetime: running or paused, and why it ends.  Shared by the VP
 * threads (which park while paused and leave when the VM stops), the main
 * thread (control requests, signals) and the devices (power-off, reset).
 *
 * VP threads sit in VID_VP_RUN most of the time.  To make one look at the
 * state, it is sent VM_KICK_SIGNAL (a no-op handler installed without
 * SA_RESTART), which ends VID_VP_RUN with EINTR.  A kick can land just
 * before the thread enters the ioctl and be lost, so pause and stop kick
 * again every few milliseconds until every thread has answered.
 */
#ifndef VMWP_VM_H
#define VMWP_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define VM_KICK_SIGNAL SIGUSR1

enum vm_exit_reason {
    VM_EXIT_NONE,
    VM_EXIT_POWER_OFF,    /* the guest powered off (ACPI S5) */
    VM_EXIT_RESET,        /* the guest asked for a reset: the worker restarts in place */
    VM_EXIT_TRIPLE_FAULT, /* a VP triple-faulted */
    VM_EXIT_BAD_VP_STATE, /* a VP's registers cannot be entered */
    VM_EXIT_STOP,         /* "stop" on the control socket */
    VM_EXIT_SIGNAL,       /* SIGTERM, SIGINT or SIGHUP */
    VM_EXIT_FAILURE,      /* vmwp could not go on (an ioctl failed, an exit it cannot emulate) */
};

struct vm;

struct vm_vp {
    struct vm *vm;
    unsigned index;
    int fd;
    pthread_t thread;
    bool started; /* the thread exists */
    bool parked;  /* waiting while paused (vm->lock) */
    bool done;    /* the thread has left its loop (vm->lock) */
};

struct vm {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* parked/done changes; pause, resume, stop */
    bool paused;
    bool stopping;
    enum vm_exit_reason reason; /* the first one wins */
    char reason_msg[400];       /* its log message */
    int exit_fd;                /* eventfd: readable once the VM stops */
    uint64_t start_ns;          /* CLOCK_MONOTONIC at start */
    unsigned nvps;
    struct vm_vp vps[VMWP_CPUS_MAX];
};

/* Returns 0, or -1 (eventfd or thread primitives failed). */
int vm_init(struct vm *vm, unsigned nvps);

/* Stop the VM for @reason (logged with the message), once: later requests
 * are ignored.  Safe from any thread. */
void vm_request_exit(struct vm *vm, enum vm_exit_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether the VM is stopping (no locking: a hint for loops). */
bool vm_stopping(struct vm *vm);

/* For a VP thread before each VID_VP_RUN: parks while paused; false when
 * the VM is stopping (leave the loop). */
bool vm_vp_may_run(struct vm_vp *vp);

/* A VP thread leaves its loop. */
void vm_vp_done(struct vm_vp *vp);

/* Control requests.  Each returns 0, or -1 with a reply message in @err
 * ("already paused", ...).  vm_pause() returns once every VP thread is
 * parked (or has ended). */
int vm_pause(struct vm *vm, char *err, size_t errlen);
int vm_resume(struct vm *vm, char *err, size_t errlen);
bool vm_paused(struct vm *vm);

/* Seconds since vm_init(). */
uint64_t vm_uptime_s(struct vm *vm);

/*
 * After a stop request: kick the VP threads until all have ended, for at
 * most @timeout_ms, and join those that did.  Returns the number that did
 * not end (their ioctl did not return: the process exits anyway).
 */
unsigned vm_stop_vps(struct vm *vm, unsigned timeout_ms);

/* Whether the guest itself made the VM stop by a fault it cannot go on
 * from (a triple fault, a register state no VP can enter); the message is
 * copied to @msg if so. */
bool vm_crashed(struct vm *vm, char *msg, size_t msglen);

/* The process's exit status for the reason the VM stopped: 1 for
 * VM_EXIT_FAILURE, 3 for a guest crash (vm_crashed), else 0. */
int vm_exit_status(struct vm *vm);

#endif
