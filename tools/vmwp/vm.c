// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM's run state and the VP threads' parking (see vm.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "vm.h"

#define KICK_INTERVAL_MS 10
#define PAUSE_TIMEOUT_MS 3000 /* hvctl waits 5 s for a reply */

static uint64_t monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int vm_init(struct vm *vm, unsigned nvps)
{
    pthread_condattr_t attr;

    memset(vm, 0, sizeof(*vm));
    vm->exit_fd = -1;
    if (nvps > VMWP_CPUS_MAX)
        return -1;
    vm->nvps = nvps;
    for (unsigned i = 0; i < nvps; i++) {
        vm->vps[i].vm = vm;
        vm->vps[i].index = i;
        vm->vps[i].fd = -1;
    }
    if (pthread_mutex_init(&vm->lock, NULL))
        return -1;
    /* Timed waits count on the monotonic clock: a wall-clock jump must not
     * stretch or skip a kick interval. */
    if (pthread_condattr_init(&attr) || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
        pthread_cond_init(&vm->cond, &attr))
        return -1;
    pthread_condattr_destroy(&attr);
    vm->exit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vm->exit_fd < 0)
        return -1;
    vm->start_ns = monotonic_ns();
    return 0;
}

void vm_request_exit(struct vm *vm, enum vm_exit_reason reason, const char *fmt, ...)
{
    char msg[400];
    uint64_t one = 1;
    bool first;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&vm->lock);
    first = !vm->stopping;
    if (first) {
        __atomic_store_n(&vm->stopping, true, __ATOMIC_RELAXED);
        vm->reason = reason;
        snprintf(vm->reason_msg, sizeof(vm->reason_msg), "%s", msg);
    }
    pthread_cond_broadcast(&vm->cond);
    pthread_mutex_unlock(&vm->lock);
    if (!first)
        return;
    vmwp_log("%s", msg);
    /* Wake the main thread; the counter cannot overflow with one write. */
    if (write(vm->exit_fd, &one, sizeof(one)) < 0)
        vmwp_log("eventfd write: %s", strerror(errno));
}

bool vm_stopping(struct vm *vm)
{
    return __atomic_load_n(&vm->stopping, __ATOMIC_RELAXED);
}

bool vm_vp_may_run(struct vm_vp *vp)
{
    struct vm *vm = vp->vm;
    bool run;

    pthread_mutex_lock(&vm->lock);
    while (vm->paused && !vm->stopping) {
        if (!vp->parked) {
            vp->parked = true;
            pthread_cond_broadcast(&vm->cond);
        }
        pthread_cond_wait(&vm->cond, &vm->lock);
    }
    vp->parked = false;
    run = !vm->stopping;
    pthread_mutex_unlock(&vm->lock);
    return run;
}

void vm_vp_done(struct vm_vp *vp)
{
    struct vm *vm = vp->vm;

    pthread_mutex_lock(&vm->lock);
    vp->done = true;
    vp->parked = false;
    pthread_cond_broadcast(&vm->cond);
    pthread_mutex_unlock(&vm->lock);
}

/* With vm->lock held: kick every VP thread that still runs guest code (not
 * parked, not ended); returns how many there were. */
static unsigned kick_running(struct vm *vm, bool parked_counts)
{
    unsigned n = 0;

    for (unsigned i = 0; i < vm->nvps; i++) {
        struct vm_vp *vp = &vm->vps[i];

        if (!vp->started || vp->done || (parked_counts && vp->parked))
            continue;
        pthread_kill(vp->thread, VM_KICK_SIGNAL);
        n++;
    }
    return n;
}

/* With vm->lock held: wait on the condition for @ms at most. */
static void wait_ms(struct vm *vm, unsigned ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&vm->cond, &vm->lock, &ts);
}

int vm_pause(struct vm *vm, char *err, size_t errlen)
{
    uint64_t deadline = monotonic_ns() + PAUSE_TIMEOUT_MS * 1000000ull;
    int rc = 0;

    pthread_mutex_lock(&vm->lock);
    if (vm->stopping) {
        snprintf(err, errlen, "the VM is stopping");
        rc = -1;
    } else if (vm->paused) {
        snprintf(err, errlen, "already paused");
        rc = -1;
    } else {
        vm->paused = true;
        while (!vm->stopping && kick_running(vm, true)) {
            if (monotonic_ns() > deadline) {
                /* They park as soon as their ioctl returns. */
                snprintf(err, errlen, "paused, but a VP did not stop within %u ms",
                         PAUSE_TIMEOUT_MS);
                rc = -1;
                break;
            }
            wait_ms(vm, KICK_INTERVAL_MS);
        }
    }
    pthread_mutex_unlock(&vm->lock);
    return rc;
}

int vm_resume(struct vm *vm, char *err, size_t errlen)
{
    int rc = 0;

    pthread_mutex_lock(&vm->lock);
    if (vm->stopping) {
        snprintf(err, errlen, "the VM is stopping");
        rc = -1;
    } else if (!vm->paused) {
        snprintf(err, errlen, "not paused");
        rc = -1;
    } else {
        vm->paused = false;
        pthread_cond_broadcast(&vm->cond);
    }
    pthread_mutex_unlock(&vm->lock);
    return rc;
}

bool vm_paused(struct vm *vm)
{
    bool paused;

    pthread_mutex_lock(&vm->lock);
    paused = vm->paused;
    pthread_mutex_unlock(&vm->lock);
    return paused;
}

uint64_t vm_uptime_s(struct vm *vm)
{
    return (monotonic_ns() - vm->start_ns) / 1000000000ull;
}

unsigned vm_stop_vps(struct vm *vm, unsigned timeout_ms)
{
    uint64_t deadline = monotonic_ns() + (uint64_t)timeout_ms * 1000000ull;
    unsigned left;

    pthread_mutex_lock(&vm->lock);
    __atomic_store_n(&vm->stopping, true, __ATOMIC_RELAXED);
    pthread_cond_broadcast(&vm->cond);
    /* Parked threads wake on the broadcast; the others need kicks. */
    while ((left = kick_running(vm, false)) && monotonic_ns() < deadline)
        wait_ms(vm, KICK_INTERVAL_MS);
    pthread_mutex_unlock(&vm->lock);

    for (unsigned i = 0; i < vm->nvps; i++) {
        struct vm_vp *vp = &vm->vps[i];
        bool done;

        pthread_mutex_lock(&vm->lock);
        done = vp->done;
        pthread_mutex_unlock(&vm->lock);
        if (vp->started && done) {
            pthread_join(vp->thread, NULL);
            vp->started = false;
        }
    }
    return left;
}

bool vm_crashed(struct vm *vm, char *msg, size_t msglen)
{
    bool crashed;

    pthread_mutex_lock(&vm->lock);
    crashed = vm->reason == VM_EXIT_TRIPLE_FAULT || vm->reason == VM_EXIT_BAD_VP_STATE;
    if (crashed && msglen > 0) {
        size_t n = strnlen(vm->reason_msg, msglen - 1);

        memcpy(msg, vm->reason_msg, n);
        msg[n] = '\0';
    }
    pthread_mutex_unlock(&vm->lock);
    return crashed;
}

int vm_exit_status(struct vm *vm)
{
    enum vm_exit_reason reason;

    pthread_mutex_lock(&vm->lock);
    reason = vm->reason;
    pthread_mutex_unlock(&vm->lock);
    if (reason == VM_EXIT_TRIPLE_FAULT || reason == VM_EXIT_BAD_VP_STATE)
        return 3;
    return reason == VM_EXIT_FAILURE ? 1 : 0;
}
