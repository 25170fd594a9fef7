/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The child's synthetic NICs in the worker: one netvsp (drivers/netvsp) per
 * NIC on the child's VMBus, each joined to a TAP device that is a port of
 * its virtual switch (a Linux bridge in the parent).  The guest's frames go
 * out through the TAP from the VMBus path; one receive thread per NIC
 * reads the TAP and hands frames to netvsp under the VMBus lock, waiting
 * (not dropping) while the guest has no free receive slot.  A generation 1
 * child's legacy NICs (DEC 21140, pc_platform.h) use the same TAP ports and
 * threads, under the platform's lock instead.
 */
#ifndef VMWP_NETWORK_H
#define VMWP_NETWORK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "vmbus_host.h"

#define NETWORK_NICS_MAX 8

struct netvsp;
struct vm_network;

struct vm_nic_port {
    struct vm_network *net;
    unsigned index;
    pthread_mutex_t *lock; /* the VMBus lock, or the platform's for a legacy NIC */
    struct netvsp *nic;    /* a synthetic NIC, or */
    bool legacy;           /* a DEC 21140 on the generation 1 platform: */
    struct platform *platform;
    unsigned legacy_nic; /* its number there (pc_platform_add_nic) */
    int tap_fd;
    char tap_name[16];
    pthread_t rx_thread;
    bool rx_started;
    /* Under *lock: the receive thread waits for the guest to free a slot
     * or read its ring, or to give the legacy NIC descriptors (rx_resume
     * signals). */
    pthread_cond_t rx_room;
    bool rx_room_ready;
    bool rx_waiting;
};

struct vm_network {
    struct vmbus_host_ctx *vmbus;
    int stop_fd;   /* an eventfd: readable once the receive threads must end */
    bool stopping; /* atomic: the receive threads stop waiting */
    unsigned count;
    struct vm_nic_port ports[NETWORK_NICS_MAX];
};

/* Ready for NICs on @vmbus (started).  0, or -1 with a message in @err. */
int network_start(struct vm_network *net, struct vmbus_host_ctx *vmbus, char *err, size_t errlen);

/*
 * Offer NIC number @index with address @mac and @mtu (payload bytes) to
 * the guest, joined to the open TAP device @tap_fd named @tap_name (which
 * the network now owns and closes), and start its receive thread.  0, or
 * -1 with a message in @err (then @tap_fd is closed too).
 */
int network_add_nic(struct vm_network *net, unsigned index, const uint8_t mac[6], uint32_t mtu,
                    int tap_fd, const char *tap_name, char *err, size_t errlen);

/*
 * The same for a generation 1 child's legacy NIC: a DEC 21140 plugged into
 * @platform's PCI bus (pc_platform_add_nic), before the VPs start.  Its
 * receive thread waits for descriptors while the guest's receiver runs, and
 * drops frames while it is stopped.
 */
int network_add_legacy_nic(struct vm_network *net, struct platform *platform, unsigned index,
                           const uint8_t mac[6], int tap_fd, const char *tap_name, char *err,
                           size_t errlen);

/* End the receive threads, withdraw the NICs and close their TAPs.
 * Before vmbus_host_stop(); no VP runs any more. */
void network_stop(struct vm_network *net);

#endif
