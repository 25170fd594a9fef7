/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One thread per virtual processor: VID_VP_RUN in a loop, each intercept
 * dispatched to the platform's devices and completed through the register
 * writes passed with the next VID_VP_RUN.
 *
 *   I/O port       IN/OUT on the port bus (unknown ports: reads all ones,
 *                  writes dropped, each port logged once); INS/OUTS in
 *                  batches through the guest's page tables (memory that is
 *                  not RAM stops the VM)
 *   unmapped GPA   the instruction is decoded and done on the MMIO bus
 *                  (unknown addresses likewise); one that cannot be decoded
 *                  or emulated stops the VM, logged
 *   triple fault   "guest triple fault": the VM stops (exit status 3)
 *   invalid VP register state: the VM stops (exit status 3)
 *   interruption deliverable  generation 1: the 8259s' vector, acknowledged
 *                  there, goes back in HV_REGISTER_PENDING_EXTINT
 *   hypercall      the child's HvPostMessage / HvSignalEvent: the VMBus
 *                  server (vmbus_host.h) serves it, its status goes to RAX
 *   SINT deliverable  the VMBus server posts what it had to queue
 * A failing ioctl stops the VM with exit status 1.
 */
#ifndef VMWP_VP_THREAD_H
#define VMWP_VP_THREAD_H

#include "guest_memory.h"
#include "platform.h"
#include "vm.h"
#include "vmbus_host.h"

/* What every VP thread shares. */
struct vp_context {
    struct vm *vm;
    struct platform *platform;
    const struct guest_memory *memory;
    struct vmbus_host_ctx *vmbus;
};

/* Install the kick signal's no-op handler (without SA_RESTART, so that it
 * interrupts VID_VP_RUN).  Returns 0 or -1. */
int vp_install_kick_handler(void);

/* Start the thread of @vp (whose fd is open).  Returns 0, or an errno. */
int vp_thread_start(struct vm_vp *vp, struct vp_context *ctx);

#endif
