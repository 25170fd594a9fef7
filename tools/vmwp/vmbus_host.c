// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child's VMBus in the worker (see vmbus_host.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <x86intrin.h>

#include <hv/vid_ioctl.h>
#include <ic/ic.h>
#include <vmbus/channel.h>
#include <vmbus/server.h>

#include "log.h"
#include "vmbus_host.h"

#define PAGE 4096ULL
/* 1601-01-01 to 1970-01-01 in seconds: the integration services count
 * wall-clock time from 1601 (Windows FILETIME). */
#define EPOCH_1601_TO_1970 11644473600ULL

/* ---- what the server needs ---------------------------------------------------------------- */

static int post_message(void *opaque, uint32_t vp, uint32_t sint, const void *data, size_t len)
{
    struct vmbus_host_ctx *h = opaque;
    struct vid_post_message pm;
    struct hv_message *m = (struct hv_message *)pm.message;

    if (len > HV_MESSAGE_PAYLOAD_SIZE)
        return -1;
    memset(&pm, 0, sizeof(pm));
    pm.vp_index = vp;
    pm.sint = sint;
    m->header.message_type = VMBUS_MESSAGE_TYPE;
    m->header.payload_size = (uint8_t)len;
    memcpy(m->u.payload, data, len);
    if (ioctl(h->partition_fd, VID_POST_MESSAGE, &pm) == 0)
        return VMBUS_HOST_OK;
    if (errno == EAGAIN)
        return VMBUS_HOST_BUSY;
    /* The guest turned its SynIC off, or names a VP it does not have. */
    vmwp_log_once(
        &h->post_failure_logged,
        "VMBus: a message for VP %u SINT %u is dropped: VID_POST_MESSAGE: %s (logged once)", vp,
        sint, strerror(errno));
    return -1;
}

static void signal_event(void *opaque, uint32_t vp, uint32_t sint, uint32_t flag)
{
    struct vmbus_host_ctx *h = opaque;
    struct vid_signal_event se = {.vp_index = vp, .sint = (uint8_t)sint, .flag = (uint16_t)flag};

    /* A guest that disabled its SynIC loses the interrupt, as on Hyper-V. */
    (void)ioctl(h->partition_fd, VID_SIGNAL_EVENT, &se);
}

/*
 * A host-contiguous view of guest pages.  Pages that are contiguous in the
 * guest's RAM mapping (the common case: Linux allocates its rings in one
 * piece) are used in place; otherwise each page is aliased into a fresh
 * range with mremap(old_size = 0), which maps the same pages of a shared
 * mapping a second time.
 */
static void *map_pages(void *opaque, const uint64_t *pfns, size_t count)
{
    struct vmbus_host_ctx *h = opaque;
    uint8_t *first, *view;
    bool contiguous = true;

    if (!count || count > (1u << 20))
        return NULL;
    for (size_t i = 0; i < count; i++) {
        if (pfns[i] > (UINT64_MAX >> 12) || !guest_memory_ptr(h->memory, pfns[i] * PAGE, PAGE))
            return NULL;
        if (i && pfns[i] != pfns[i - 1] + 1)
            contiguous = false;
    }
    first = guest_memory_ptr(h->memory, pfns[0] * PAGE, count * PAGE);
    if (contiguous && first)
        return first;
    view = mmap(NULL, count * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (view == MAP_FAILED)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        void *src = guest_memory_ptr(h->memory, pfns[i] * PAGE, PAGE);

        if (mremap(src, 0, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, view + i * PAGE) == MAP_FAILED) {
            munmap(view, count * PAGE);
            return NULL;
        }
    }
    return view;
}

static void unmap_pages(void *opaque, void *view, size_t count)
{
    struct vmbus_host_ctx *h = opaque;
    uint8_t *v = view;

    if (v >= h->memory->host && v < h->memory->host + h->memory->size)
        return; /* in place */
    munmap(view, count * PAGE);
}

static void *guest_ptr(void *opaque, uint64_t gpa, uint64_t len)
{
    struct vmbus_host_ctx *h = opaque;

    return guest_memory_ptr(h->memory, gpa, len);
}

/* ---- clocks for the integration services --------------------------------------------------- */

uint64_t vmbus_host_reference_time(const struct vmbus_host_ctx *h)
{
    uint64_t now = __rdtsc();

    if (now <= h->ref_tsc_base || !h->tsc_hz)
        return 0;
    return (uint64_t)((unsigned __int128)(now - h->ref_tsc_base) * 10000000u / h->tsc_hz);
}

static uint64_t ic_reference_time(void *opaque)
{
    return vmbus_host_reference_time(opaque);
}

static uint64_t ic_wall_time(void *opaque)
{
    struct timespec ts;

    (void)opaque;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec + EPOCH_1601_TO_1970) * 10000000u + (uint64_t)ts.tv_nsec / 100;
}

static uint64_t ic_monotonic_ms(void *opaque)
{
    struct timespec ts;

    (void)opaque;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the ticker --------------------------------------------------------------------------- */

static void *ticker_main(void *arg)
{
    struct vmbus_host_ctx *h = arg;
    struct timespec next;

    clock_gettime(CLOCK_MONOTONIC, &next);
    pthread_mutex_lock(&h->lock);
    while (!h->stop) {
        next.tv_sec++;
        pthread_cond_timedwait(&h->stop_cond, &h->lock, &next);
        if (h->stop)
            break;
        ic_services_tick(h->ics);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* ---- set-up ------------------------------------------------------------------------------- */

int vmbus_host_start(struct vmbus_host_ctx *h, int partition_fd, const struct guest_memory *memory,
                     uint64_t ref_tsc_base, uint64_t tsc_hz, char *err, size_t errlen)
{
    pthread_condattr_t ca;

    memset(h, 0, sizeof(*h));
    h->partition_fd = partition_fd;
    h->memory = memory;
    h->ref_tsc_base = ref_tsc_base;
    h->tsc_hz = tsc_hz;
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&h->stop_cond, &ca);
    pthread_condattr_destroy(&ca);

    const struct vmbus_host host = {
        .opaque = h,
        .post_message = post_message,
        .signal_event = signal_event,
        .map_pages = map_pages,
        .unmap_pages = unmap_pages,
        .guest_ptr = guest_ptr,
    };
    h->server = vmbus_server_create(&host);
    if (!h->server) {
        snprintf(err, errlen, "VMBus: cannot create the server");
        return -1;
    }
    const struct ic_host ich = {
        .opaque = h,
        .wall_time = ic_wall_time,
        .reference_time = ic_reference_time,
        .monotonic_ms = ic_monotonic_ms,
    };
    h->ics = ic_services_create(h->server, &ich);
    if (!h->ics) {
        snprintf(err, errlen, "VMBus: cannot offer the integration services");
        vmbus_server_destroy(h->server);
        h->server = NULL;
        return -1;
    }
    if (pthread_create(&h->ticker, NULL, ticker_main, h) != 0) {
        snprintf(err, errlen, "VMBus: cannot start the integration services' timer thread");
        ic_services_destroy(h->ics);
        vmbus_server_destroy(h->server);
        h->ics = NULL;
        h->server = NULL;
        return -1;
    }
    h->ticker_started = true;
    return 0;
}

static void log_line(void *ctx, const char *text)
{
    (void)ctx;
    vmwp_log("%s", text);
}

void vmbus_host_dump(struct vmbus_host_ctx *h)
{
    pthread_mutex_lock(&h->lock);
    vmbus_server_dump(h->server, log_line, NULL);
    pthread_mutex_unlock(&h->lock);
}

void vmbus_host_stop(struct vmbus_host_ctx *h)
{
    if (h->ticker_started) {
        pthread_mutex_lock(&h->lock);
        h->stop = true;
        pthread_cond_broadcast(&h->stop_cond);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->ticker, NULL);
        h->ticker_started = false;
    }
    pthread_mutex_lock(&h->lock);
    if (h->ics)
        ic_services_destroy(h->ics);
    if (h->server)
        vmbus_server_destroy(h->server);
    h->ics = NULL;
    h->server = NULL;
    pthread_mutex_unlock(&h->lock);
}

/* ---- the guest's calls -------------------------------------------------------------------- */

uint16_t vmbus_host_hypercall(struct vmbus_host_ctx *h, const struct hv_message *msg)
{
    const struct hv_x64_hypercall_intercept_message *c = &msg->u.hypercall;
    uint8_t payload[HV_MESSAGE_PAYLOAD_SIZE];
    uint32_t before, after;
    const void *src;
    uint16_t st;

    if (c->call_code == HVCALL_SIGNAL_EVENT) {
        pthread_mutex_lock(&h->lock);
        st = vmbus_server_signal_event(h->server, c->connection_id, c->flag_number);
        pthread_mutex_unlock(&h->lock);
        return st;
    }
    if (c->call_code != HVCALL_POST_MESSAGE)
        return HV_STATUS_INVALID_HYPERCALL_CODE;
    /* The hypervisor checked the header; the payload is copied once from
     * guest RAM (the guest may be changing it) and only the copy is read. */
    if (c->payload_size > sizeof(payload) ||
        !(src = guest_memory_ptr(h->memory, c->payload_gpa, c->payload_size ? c->payload_size : 1)))
        return HV_STATUS_INVALID_ALIGNMENT;
    memcpy(payload, src, c->payload_size);
    if (c->message_type != VMBUS_MESSAGE_TYPE)
        return HV_STATUS_INVALID_CONNECTION_ID; /* no one listens for other types */
    pthread_mutex_lock(&h->lock);
    before = vmbus_server_version(h->server);
    st = vmbus_server_post_message(h->server, c->connection_id, payload, c->payload_size);
    after = vmbus_server_version(h->server);
    pthread_mutex_unlock(&h->lock);
    if (after != before) {
        if (after)
            vmwp_log("VMBus: the guest connected (version %u.%u)", after >> 16, after & 0xFFFF);
        else
            vmwp_log("VMBus: the guest disconnected");
    }
    return st;
}

void vmbus_host_deliverable(struct vmbus_host_ctx *h)
{
    pthread_mutex_lock(&h->lock);
    vmbus_server_retry(h->server);
    pthread_mutex_unlock(&h->lock);
}
