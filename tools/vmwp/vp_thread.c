// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VP threads' run loop and intercept dispatch (see vp_thread.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <hv/abi.h>
#include <hv/vid_ioctl.h>

#include <arch/guest_walk.h>

#include "intercept.h"
#include "log.h"
#include "vp_thread.h"

/* Unknown ports and MMIO addresses are logged, but only this many in all,
 * and each port only once: a guest probing in a loop must not fill the log. */
#define UNKNOWN_LOG_MAX 32

static uint64_t unknown_ports_logged[65536 / 64];
static unsigned unknown_logged;
static bool unexpected_message_logged;

struct vp_args {
    struct vm_vp *vp;
    struct vp_context *ctx;
};

static void kick_handler(int sig)
{
    (void)sig; /* only here to interrupt VID_VP_RUN */
}

int vp_install_kick_handler(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kick_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: the ioctl must return EINTR */
    return sigaction(VM_KICK_SIGNAL, &sa, NULL);
}

static bool log_budget(void)
{
    return __atomic_fetch_add(&unknown_logged, 1, __ATOMIC_RELAXED) < UNKNOWN_LOG_MAX;
}

static void note_unknown_port(unsigned vp, const struct io_intercept *io)
{
    uint64_t bit = 1ull << (io->port % 64);

    if (__atomic_fetch_or(&unknown_ports_logged[io->port / 64], bit, __ATOMIC_RELAXED) & bit)
        return;
    if (log_budget())
        vmwp_log("vp %u: %s of %u bytes on port 0x%x: no device (%s)", vp, io->write ? "OUT" : "IN",
                 io->size, io->port, io->write ? "dropped" : "reads all ones");
}

static int read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
    const void *src = guest_memory_ptr(ctx, pa, len);

    if (!src)
        return -1;
    memcpy(buf, src, len);
    return 0;
}

/* The guest's paging registers, for string I/O with paging on. */
static int get_paging(struct vm_vp *vp, struct guest_paging *pg)
{
    struct vid_register r[4] = {
        {.name = HV_X64_REGISTER_CR0},
        {.name = HV_X64_REGISTER_CR3},
        {.name = HV_X64_REGISTER_CR4},
        {.name = HV_X64_REGISTER_EFER},
    };
    struct vid_registers get = {.count = 4, .regs = (uint64_t)(uintptr_t)r};

    if (ioctl(vp->fd, VID_VP_GET_REGISTERS, &get) != 0)
        return -1;
    *pg = (struct guest_paging){r[0].value[0], r[1].value[0], r[2].value[0], r[3].value[0]};
    return 0;
}

/* The host's view of the @size bytes at linear @la, or NULL (not RAM, not
 * mapped, or split across two pages that are not adjacent in RAM). */
static uint8_t *string_target(struct vp_context *ctx, const struct guest_paging *pg, uint64_t la,
                              unsigned size)
{
    uint64_t pa, pa_end;

    if (!(pg->cr0 & (1ull << 31))) { /* no paging: linear is physical (32 bits) */
        pa = la & 0xFFFFFFFFull;
        pa_end = (la + size - 1) & 0xFFFFFFFFull;
    } else if (guest_linear_to_phys(pg, la, &pa, read_phys, (void *)ctx->memory) ||
               guest_linear_to_phys(pg, la + size - 1, &pa_end, read_phys, (void *)ctx->memory)) {
        return NULL;
    }
    if (pa_end != pa + size - 1)
        return NULL;
    return guest_memory_ptr(ctx->memory, pa, size);
}

/* INS and OUTS: a batch of elements between the port and guest RAM. */
static int handle_string_io(struct vm_vp *vp, struct vp_context *ctx, const struct hv_message *msg,
                            const struct io_intercept *io, struct vid_register *regs,
                            unsigned *nregs)
{
    struct guest_paging pg = {0};
    uint64_t n = io->count < IO_STRING_BATCH ? io->count : IO_STRING_BATCH, done;

    if (get_paging(vp, &pg)) {
        vm_request_exit(ctx->vm, VM_EXIT_FAILURE, "vp %u: string I/O: registers: %s", vp->index,
                        strerror(errno));
        return -1;
    }
    for (done = 0; done < n; done++) {
        uint64_t off = done * io->size;
        uint64_t ptr = (io->down ? io->ptr - off : io->ptr + off) & io->addr_mask;
        uint8_t *mem = string_target(ctx, &pg, io->seg_base + ptr, io->size);
        uint32_t v = 0;

        if (!mem) {
            vm_request_exit(ctx->vm, VM_EXIT_FAILURE,
                            "vp %u: %s on port 0x%x with memory at 0x%llx that is not RAM "
                            "(rip 0x%llx): stopping the VM",
                            vp->index, io->write ? "OUTS" : "INS", io->port,
                            (unsigned long long)(io->seg_base + ptr),
                            (unsigned long long)msg->u.io.header.rip);
            return -1;
        }
        if (io->write) {
            memcpy(&v, mem, io->size);
            platform_port_write(ctx->platform, io->port, io->size, v);
        } else {
            v = (uint32_t)platform_port_read(ctx->platform, io->port, io->size);
            memcpy(mem, &v, io->size);
        }
    }
    *nregs = io_string_complete(io, msg, done, regs);
    return 0;
}

static int handle_io(struct vm_vp *vp, struct vp_context *ctx, const struct hv_message *msg,
                     struct vid_register *regs, unsigned *nregs)
{
    struct io_intercept io;
    uint32_t data = 0;
    char err[200];

    if (io_intercept_parse(msg, &io, err, sizeof(err))) {
        vm_request_exit(ctx->vm, VM_EXIT_FAILURE, "vp %u: %s (rip 0x%llx): stopping the VM",
                        vp->index, err, (unsigned long long)msg->u.io.header.rip);
        return -1;
    }
    if (!platform_port_claimed(ctx->platform, io.port))
        note_unknown_port(vp->index, &io);
    if (io.string)
        return handle_string_io(vp, ctx, msg, &io, regs, nregs);
    if (io.write)
        platform_port_write(ctx->platform, io.port, io.size, io.value);
    else
        data = (uint32_t)platform_port_read(ctx->platform, io.port, io.size);
    *nregs = io_intercept_complete(&io, msg, data, regs);
    return 0;
}

static uint64_t mmio_read(void *opaque, uint64_t gpa, unsigned size)
{
    return platform_mmio_read(opaque, gpa, size);
}

static void mmio_write(void *opaque, uint64_t gpa, unsigned size, uint64_t value)
{
    platform_mmio_write(opaque, gpa, size, value);
}

static int get_gpr(struct vm_vp *vp, uint32_t name, uint64_t *value)
{
    struct vid_register reg = {.name = name};
    struct vid_registers regs = {.count = 1, .regs = (uint64_t)(uintptr_t)&reg};
    int rc;

    /* A kick for a pause or stop may interrupt it: not an error. */
    do
        rc = ioctl(vp->fd, VID_VP_GET_REGISTERS, &regs);
    while (rc != 0 && errno == EINTR);
    if (rc != 0)
        return -1;
    *value = reg.value[0];
    return 0;
}

static int handle_mmio(struct vm_vp *vp, struct vp_context *ctx, const struct hv_message *msg,
                       struct vid_register *regs, unsigned *nregs)
{
    const struct mmio_ops ops = {mmio_read, mmio_write, ctx->platform};
    uint64_t gpa = msg->u.memory.guest_physical_address;
    struct mmio_intercept m;
    uint64_t gpr = 0, result = 0;
    bool loaded;
    char err[240];

    /* RAM is mapped readable, writable and executable: an intercept there
     * means the mapping is not what vmwp set up. */
    if (guest_memory_is_ram(ctx->memory, gpa)) {
        vm_request_exit(ctx->vm, VM_EXIT_FAILURE,
                        "vp %u: intercepted access to RAM at 0x%llx (message 0x%x): stopping "
                        "the VM",
                        vp->index, (unsigned long long)gpa, msg->header.message_type);
        return -1;
    }
    if (mmio_intercept_parse(msg, &m, err, sizeof(err))) {
        vm_request_exit(ctx->vm, VM_EXIT_FAILURE, "vp %u: %s: stopping the VM", vp->index, err);
        return -1;
    }
    if (m.gpr && get_gpr(vp, m.gpr, &gpr)) {
        vm_request_exit(ctx->vm, VM_EXIT_FAILURE, "vp %u: VID_VP_GET_REGISTERS: %s", vp->index,
                        strerror(errno));
        return -1;
    }
    if (!platform_mmio_claimed(ctx->platform, gpa) && log_budget())
        vmwp_log("vp %u: %s of %u bytes at 0x%llx: no device (%s)", vp->index,
                 m.access.write ? "write" : "read", m.access.size, (unsigned long long)gpa,
                 m.access.write ? "dropped" : "reads all ones");
    loaded = mmio_intercept_emulate(&m, gpr, &ops, &result);
    *nregs = mmio_intercept_complete(&m, msg, loaded, result, regs);
    return 0;
}

/* Act on one message; returns 0 to run on, -1 when the VM stops. */
static int handle_message(struct vm_vp *vp, struct vp_context *ctx, const struct hv_message *msg,
                          struct vid_register *regs, unsigned *nregs)
{
    *nregs = 0;
    switch (msg->header.message_type) {
    case HVMSG_X64_IO_PORT_INTERCEPT:
        return handle_io(vp, ctx, msg, regs, nregs);
    case HVMSG_UNMAPPED_GPA:
    case HVMSG_GPA_INTERCEPT:
        return handle_mmio(vp, ctx, msg, regs, nregs);
    case HVMSG_UNRECOVERABLE_EXCEPTION:
        vm_request_exit(ctx->vm, VM_EXIT_TRIPLE_FAULT, "guest triple fault (vp %u, rip 0x%llx)",
                        vp->index, (unsigned long long)msg->u.intercept.rip);
        return -1;
    case HVMSG_INVALID_VP_REGISTER_VALUE:
        vm_request_exit(ctx->vm, VM_EXIT_BAD_VP_STATE,
                        "guest stopped: vp %u has a register state the hypervisor cannot enter "
                        "(rip 0x%llx)",
                        vp->index, (unsigned long long)msg->u.intercept.rip);
        return -1;
    case HVMSG_HYPERCALL_INTERCEPT:
        /* RIP is past the call already: only its status is ours to set. */
        regs[0].name = HV_X64_REGISTER_RAX;
        regs[0].reserved = 0;
        regs[0].value[0] = vmbus_host_hypercall(ctx->vmbus, msg);
        regs[0].value[1] = 0;
        *nregs = 1;
        return 0;
    case HVMSG_SYNIC_SINT_DELIVERABLE:
        vmbus_host_deliverable(ctx->vmbus);
        return 0;
    case HVMSG_X64_INTERRUPTION_DELIVERABLE: {
        /* LINT0 is up and the VP can take an interrupt: the INTA cycle.
         * If the 8259s have nothing any more, the VP just runs on. */
        int vector = platform_extint_ack(ctx->platform);

        if (vector >= 0) {
            regs[0].name = HV_REGISTER_PENDING_EXTINT;
            regs[0].reserved = 0;
            regs[0].value[0] = HV_PENDING_EXTINT_VALID | (uint32_t)vector;
            regs[0].value[1] = 0;
            *nregs = 1;
        }
        return 0;
    }
    case HVMSG_NONE:
        return 0; /* back in the parent with nothing to do: run again */
    default:
        /* Halts and wakes are the module's; anything else is news. */
        vmwp_log_once(&unexpected_message_logged,
                      "vp %u: unexpected message type 0x%x from VID_VP_RUN (ignored; logged once)",
                      vp->index, msg->header.message_type);
        return 0;
    }
}

static void *vp_main(void *arg)
{
    struct vp_args args = *(struct vp_args *)arg;
    struct vm_vp *vp = args.vp;
    struct vp_context *ctx = args.ctx;
    struct vid_register regs[INTERCEPT_MAX_REGS];
    unsigned nregs = 0;
    sigset_t kick;

    free(arg);
    /* Every other thread keeps the kick signal blocked. */
    sigemptyset(&kick);
    sigaddset(&kick, VM_KICK_SIGNAL);
    pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

    while (vm_vp_may_run(vp)) {
        struct vid_vp_run run;
        struct hv_message msg;

        memset(&run, 0, sizeof(run));
        run.nregs = nregs;
        run.regs = (uint64_t)(uintptr_t)regs;
        if (ioctl(vp->fd, VID_VP_RUN, &run) != 0) {
            if (errno == EINTR) {
                nregs = 0; /* the module applied them before it was interrupted */
                continue;
            }
            vm_request_exit(ctx->vm, VM_EXIT_FAILURE, "vp %u: VID_VP_RUN: %s", vp->index,
                            strerror(errno));
            break;
        }
        _Static_assert(sizeof(run.message) == sizeof(msg), "a message is 256 bytes");
        memcpy(&msg, run.message, sizeof(msg));
        if (handle_message(vp, ctx, &msg, regs, &nregs))
            break;
    }
    vm_vp_done(vp);
    return NULL;
}

int vp_thread_start(struct vm_vp *vp, struct vp_context *ctx)
{
    struct vp_args *args = malloc(sizeof(*args));
    int rc;

    if (!args)
        return ENOMEM;
    args->vp = vp;
    args->ctx = ctx;
    rc = pthread_create(&vp->thread, NULL, vp_main, args);
    if (rc) {
        free(args);
        return rc;
    }
    vp->started = true;
    return 0;
}
