/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The child's VMBus in the worker: the VMBus server (vmbus/) and the
 * integration services (drivers/ic/) on top of the partition's SynIC.
 *
 *  - A child's HvPostMessage and HvSignalEvent reach a VP thread as
 *    HVMSG_HYPERCALL_INTERCEPT; vmbus_host_hypercall() serves them and gives
 *    the status the thread writes into the VP's RAX.
 *  - The server's messages to the guest go in with VID_POST_MESSAGE; a full
 *    slot (EAGAIN) keeps them queued in the server until a VP thread sees
 *    HVMSG_SYNIC_SINT_DELIVERABLE (vmbus_host_deliverable()).
 *  - A channel's interrupt is VID_SIGNAL_EVENT.
 *  - A thread ticks the integration services once a second (heartbeat,
 *    time samples, KVP).
 *
 * The server and the services take no locks of their own: every call into
 * them holds vmbus_host's mutex.
 */
#ifndef VMWP_VMBUS_HOST_H
#define VMWP_VMBUS_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <hv/abi.h>

#include "guest_memory.h"

struct vmbus_server;
struct ic_services;

struct vmbus_host_ctx {
    pthread_mutex_t lock;
    struct vmbus_server *server;
    struct ic_services *ics;
    int partition_fd;
    const struct guest_memory *memory;
    uint64_t ref_tsc_base, tsc_hz; /* the child's reference clock */
    pthread_t ticker;
    bool ticker_started;
    bool stop; /* under lock */
    bool post_failure_logged;
    pthread_cond_t stop_cond;
};

/* Set up the server and offer the integration services.  Returns 0, or -1
 * with a message in @err. */
int vmbus_host_start(struct vmbus_host_ctx *h, int partition_fd, const struct guest_memory *memory,
                     uint64_t ref_tsc_base, uint64_t tsc_hz, char *err, size_t errlen);
void vmbus_host_stop(struct vmbus_host_ctx *h);

/* Log every open channel's rings as the guest's memory holds them now
 * (SIGUSR1: a child that stopped answering). */
void vmbus_host_dump(struct vmbus_host_ctx *h);

/* A VP thread's HVMSG_HYPERCALL_INTERCEPT: the TLFS status for RAX. */
uint16_t vmbus_host_hypercall(struct vmbus_host_ctx *h, const struct hv_message *msg);

/* A VP thread's HVMSG_SYNIC_SINT_DELIVERABLE. */
void vmbus_host_deliverable(struct vmbus_host_ctx *h);

/* The child's reference time now (100 ns units). */
uint64_t vmbus_host_reference_time(const struct vmbus_host_ctx *h);

#endif
