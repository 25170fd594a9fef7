// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child's synthetic NICs in the worker (see network.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <netvsp/netvsp.h>

#include "log.h"
#include "network.h"
#include "pc_platform.h"

/* The largest frame a TAP hands over: more than any MTU netvsp takes, so a
 * frame too long is read whole and refused, never split. */
#define TAP_FRAME_MAX 65536

/* How long the receive thread waits for a free slot before it looks again
 * (whether the worker stops, whether the guest gave up its buffer). */
#define RX_WAIT_MS 100

/* Instance GUIDs: unique within the child, one per NIC index (Linux names
 * the device after it; the last byte is the index). */
static void nic_instance(unsigned index, struct vmbus_guid *g)
{
    static const uint8_t base[16] = {0x6e, 0x65, 0x74, 0x76, 0x00, 0x00, 0x4e, 0x00,
                                     0x9b, 0x1c, 0x4e, 0x49, 0x43, 0x00, 0x00, 0x00};

    memcpy(g->b, base, sizeof(base));
    g->b[15] = (uint8_t)index;
}

/* netvsp's transmit, with the VMBus lock held: the frame goes to the
 * switch.  The TAP is non-blocking: when its queue is full the frame is
 * dropped, as a NIC whose wire is busy would, instead of stopping every VP
 * that needs the VMBus lock. */
static void nic_transmit(void *opaque, const uint8_t *frame, size_t len)
{
    struct vm_nic_port *p = opaque;

    while (write(p->tap_fd, frame, len) < 0 && errno == EINTR)
        ;
}

/* netvsp's or the legacy NIC's rx_resume, with the port's lock held. */
static void nic_rx_resume(void *opaque)
{
    struct vm_nic_port *p = opaque;

    if (p->rx_waiting)
        pthread_cond_signal(&p->rx_room);
}

/* With the port's lock held: wait up to RX_WAIT_MS for rx_resume. */
static void wait_for_room(struct vm_nic_port *p)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += RX_WAIT_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    p->rx_waiting = true;
    pthread_cond_timedwait(&p->rx_room, p->lock, &ts);
    p->rx_waiting = false;
}

static bool stopping(const struct vm_network *net)
{
    return __atomic_load_n(&net->stopping, __ATOMIC_ACQUIRE);
}

/* Hand one frame from the switch to the guest, waiting while it has no
 * room; a frame it does not take for any other reason is dropped.  A
 * legacy NIC whose receiver is off drops it at once, as the chip would. */
static void deliver(struct vm_nic_port *p, const uint8_t *frame, size_t len)
{
    struct vm_network *net = p->net;

    pthread_mutex_lock(p->lock);
    if (p->legacy) {
        struct pc_platform *pc = p->platform->pc;

        while (!stopping(net) && pc_platform_nic_rx_running(pc, p->legacy_nic) &&
               !pc_platform_nic_rx_ready(pc, p->legacy_nic))
            wait_for_room(p);
        if (!stopping(net))
            pc_platform_nic_receive(pc, p->legacy_nic, frame, len);
    } else {
        while (!stopping(net)) {
            enum netvsp_rx_result r = netvsp_receive_frame(p->nic, frame, len);

            if (r != NETVSP_RX_NO_SLOT && r != NETVSP_RX_RING_FULL)
                break;
            wait_for_room(p);
        }
    }
    pthread_mutex_unlock(p->lock);
}

static void *rx_main(void *arg)
{
    struct vm_nic_port *p = arg;
    uint8_t *frame = malloc(TAP_FRAME_MAX);

    if (!frame) {
        vmwp_log("network: NIC %u: out of memory; its receive path stops", p->index);
        return NULL;
    }

    for (;;) {
        struct pollfd fds[2] = {{.fd = p->tap_fd, .events = POLLIN},
                                {.fd = p->net->stop_fd, .events = POLLIN}};
        ssize_t n;

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            vmwp_log("network: NIC %u: poll: %s; its receive path stops", p->index,
                     strerror(errno));
            break;
        }
        if (fds[1].revents)
            break;
        n = read(p->tap_fd, frame, TAP_FRAME_MAX);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            vmwp_log("network: NIC %u: reading %s: %s; its receive path stops", p->index,
                     p->tap_name, strerror(errno));
            break;
        }
        if (n > 0)
            deliver(p, frame, (size_t)n);
    }
    free(frame);
    return NULL;
}

int network_start(struct vm_network *net, struct vmbus_host_ctx *vmbus, char *err, size_t errlen)
{
    memset(net, 0, sizeof(*net));
    net->vmbus = vmbus;
    net->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (net->stop_fd < 0) {
        snprintf(err, errlen, "eventfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* A new port on @tap_fd (non-blocking from here), its receive wait set
 * up; NULL with a message (and @tap_fd closed) if not. */
static struct vm_nic_port *port_open(struct vm_network *net, unsigned index, int tap_fd,
                                     const char *tap_name, char *err, size_t errlen)
{
    struct vm_nic_port *p;
    pthread_condattr_t attr;

    if (net->count >= NETWORK_NICS_MAX) {
        snprintf(err, errlen, "more than %u NICs", NETWORK_NICS_MAX);
        close(tap_fd);
        return NULL;
    }
    p = &net->ports[net->count];
    memset(p, 0, sizeof(*p));
    p->net = net;
    p->index = index;
    p->tap_fd = tap_fd;
    p->lock = &net->vmbus->lock;
    snprintf(p->tap_name, sizeof(p->tap_name), "%s", tap_name);
    if (fcntl(tap_fd, F_SETFL, fcntl(tap_fd, F_GETFL) | O_NONBLOCK) < 0) {
        snprintf(err, errlen, "%s: %s", tap_name, strerror(errno));
        close(tap_fd);
        return NULL;
    }
    if (pthread_condattr_init(&attr) || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
        pthread_cond_init(&p->rx_room, &attr)) {
        snprintf(err, errlen, "cannot set up NIC %u's receive path", index);
        close(tap_fd);
        return NULL;
    }
    pthread_condattr_destroy(&attr);
    p->rx_room_ready = true;
    return p;
}

/* Counted from here on (network_stop() cleans up whatever exists): start
 * the receive thread. */
static int port_start(struct vm_nic_port *p, char *err, size_t errlen)
{
    int rc = pthread_create(&p->rx_thread, NULL, rx_main, p);

    if (rc != 0) {
        snprintf(err, errlen, "cannot start NIC %u's receive thread: %s", p->index, strerror(rc));
        return -1;
    }
    p->rx_started = true;
    return 0;
}

int network_add_nic(struct vm_network *net, unsigned index, const uint8_t mac[6], uint32_t mtu,
                    int tap_fd, const char *tap_name, char *err, size_t errlen)
{
    struct netvsp_config cfg = {.mtu = mtu, .link_up = true};
    struct vm_nic_port *p = port_open(net, index, tap_fd, tap_name, err, errlen);

    if (!p)
        return -1;

    const struct netvsp_host host = {
        .opaque = p, .transmit = nic_transmit, .rx_resume = nic_rx_resume};

    nic_instance(index, &cfg.instance);
    memcpy(cfg.mac, mac, 6);
    pthread_mutex_lock(&net->vmbus->lock);
    p->nic = netvsp_create(net->vmbus->server, &host, &cfg);
    pthread_mutex_unlock(&net->vmbus->lock);
    net->count++;
    if (!p->nic) {
        snprintf(err, errlen, "cannot offer NIC %u (MTU %u)", index, mtu);
        return -1;
    }
    if (port_start(p, err, errlen))
        return -1;
    vmwp_log("network: NIC %u (%02x:%02x:%02x:%02x:%02x:%02x, MTU %u) on %s", index, mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5], mtu, tap_name);
    return 0;
}

int network_add_legacy_nic(struct vm_network *net, struct platform *platform, unsigned index,
                           const uint8_t mac[6], int tap_fd, const char *tap_name, char *err,
                           size_t errlen)
{
    struct vm_nic_port *p = port_open(net, index, tap_fd, tap_name, err, errlen);
    int slot;

    if (!p)
        return -1;
    p->legacy = true;
    p->platform = platform;
    p->lock = &platform->lock;

    const struct pc_nic_host host = {
        .transmit = nic_transmit, .rx_resume = nic_rx_resume, .opaque = p};

    pthread_mutex_lock(&platform->lock);
    slot = pc_platform_add_nic(platform->pc, mac, &host);
    pthread_mutex_unlock(&platform->lock);
    net->count++;
    if (slot < 0) {
        snprintf(err, errlen, "NIC %u: more than %u legacy NICs", index, PC_NICS_MAX);
        return -1;
    }
    p->legacy_nic = (unsigned)slot;
    if (port_start(p, err, errlen))
        return -1;
    vmwp_log("network: NIC %u (%02x:%02x:%02x:%02x:%02x:%02x), legacy DEC 21140 at 00:%02x.0, on "
             "%s",
             index, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], PC_NIC_FIRST_DEV + slot,
             tap_name);
    return 0;
}

void network_stop(struct vm_network *net)
{
    uint64_t one = 1;

    if (net->stop_fd < 0)
        return;
    __atomic_store_n(&net->stopping, true, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < net->count; i++) {
        struct vm_nic_port *p = &net->ports[i];

        if (p->rx_room_ready) {
            pthread_mutex_lock(p->lock);
            pthread_cond_signal(&p->rx_room);
            pthread_mutex_unlock(p->lock);
        }
    }
    while (write(net->stop_fd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
    for (unsigned i = 0; i < net->count; i++) {
        struct vm_nic_port *p = &net->ports[i];

        if (p->rx_started)
            pthread_join(p->rx_thread, NULL);
        if (p->nic) {
            struct netvsp_stats st;

            pthread_mutex_lock(&net->vmbus->lock);
            netvsp_get_stats(p->nic, &st);
            vmwp_log("network: NIC %u: sent %llu frames (%llu bytes, %llu dropped), received "
                     "%llu (%llu bytes, %llu dropped), %llu bad packets",
                     p->index, (unsigned long long)st.tx_frames, (unsigned long long)st.tx_bytes,
                     (unsigned long long)st.tx_dropped, (unsigned long long)st.rx_frames,
                     (unsigned long long)st.rx_bytes, (unsigned long long)st.rx_dropped,
                     (unsigned long long)st.bad_packets);
            netvsp_destroy(p->nic);
            p->nic = NULL;
            pthread_mutex_unlock(&net->vmbus->lock);
        }
        if (p->rx_room_ready)
            pthread_cond_destroy(&p->rx_room);
        close(p->tap_fd);
    }
    net->count = 0;
    close(net->stop_fd);
    net->stop_fd = -1;
}
