/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of the Hyper-V integration services (ICs) a child's hv_utils
 * driver talks to: shutdown, time synchronisation, heartbeat and key-value
 * pair exchange (KVP).  The child's worker (vmwp) creates one struct
 * ic_services per child; it offers the four VMBus channels and runs each
 * conversation once the guest opens the channel:
 *
 *  - the host starts with a version negotiation (framework 3.0/1.0 and the
 *    service's message versions); the service is ready once the guest
 *    answered with versions from those lists;
 *  - shutdown: ic_shutdown_request() asks the guest to power off or reboot;
 *  - timesync: a SYNC sample right after negotiation (the guest sets its
 *    clock), then a SAMPLE every 5 s;
 *  - heartbeat: one request per tick; the state turns LOST after 10 s
 *    without an answer;
 *  - KVP: the guest's "auto" and "guest" pools are enumerated every 10 s,
 *    and pairs set with ic_kvp_set() are written into the guest's
 *    "external" pool.
 *
 * Threading follows the VMBus server (vmbus/server.h): no locks, one thread
 * at a time; ic_services_tick() and every other call here must be made under
 * the same serialisation as the server's calls, because they use the
 * channels too.  Everything the guest sends is hostile and checked: a
 * malformed packet is dropped and the services stay usable.
 */
#ifndef IC_IC_H
#define IC_IC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmbus_server;

struct ic_host {
    void *opaque;
    /* The parent's UTC clock in 100 ns units since 1601-01-01. */
    uint64_t (*wall_time)(void *opaque);
    /* The child's partition reference time now (TIME_REF_COUNT, 100 ns). */
    uint64_t (*reference_time)(void *opaque);
    /* A monotonic clock in milliseconds, for periods and timeouts. */
    uint64_t (*monotonic_ms)(void *opaque);
};

struct ic_services;

/* Offers the four channels.  NULL on a NULL argument or clock, on
 * allocation failure, or when the server refuses an offer.  @host is
 * copied. */
struct ic_services *ic_services_create(struct vmbus_server *srv, const struct ic_host *host);
/* Rescinds the channels (their close callbacks run) and frees everything.
 * Call it before vmbus_server_destroy(). */
void ic_services_destroy(struct ic_services *ics);
/* Call about once a second: heartbeats, time samples, KVP refresh and
 * timeouts; also reads any guest packet a missed signal left behind. */
void ic_services_tick(struct ic_services *ics);

/* Service states, for the worker's status output. */
enum ic_service_state {
    IC_SERVICE_CLOSED,      /* the guest has not opened the channel */
    IC_SERVICE_NEGOTIATING, /* negotiation sent, no valid answer yet */
    IC_SERVICE_READY,       /* versions agreed */
    IC_SERVICE_FAILED,      /* the guest answered with no usable version */
};

enum ic_service_id { IC_SHUTDOWN, IC_TIMESYNC, IC_HEARTBEAT, IC_KVP, IC_SERVICE_COUNT };

enum ic_service_state ic_service_state(const struct ic_services *ics, enum ic_service_id id);
/* The negotiated message version (major << 16 | minor), 0 if not ready. */
uint32_t ic_service_version(const struct ic_services *ics, enum ic_service_id id);

/* Shutdown. */

/* Ask the guest to power off (@reboot false) or restart.  0: sent; -1: the
 * shutdown service is not ready (channel not open or not negotiated) or the
 * guest's ring is full; nothing was sent then. */
int ic_shutdown_request(struct ic_services *ics, bool reboot);
bool ic_shutdown_ready(const struct ic_services *ics);

enum ic_shutdown_result {
    IC_SHUTDOWN_NONE,     /* no request since the channel opened */
    IC_SHUTDOWN_PENDING,  /* the last request is not answered yet */
    IC_SHUTDOWN_ACCEPTED, /* the guest answered with status 0: it is going down */
    IC_SHUTDOWN_REFUSED,  /* the guest answered with an error status */
};

/* The guest's answer to the last request; *status (if not NULL) is its
 * status code (HV_S_OK 0, HV_E_FAIL 0x80004005, ...). */
enum ic_shutdown_result ic_shutdown_result(const struct ic_services *ics, uint32_t *status);

/* Heartbeat. */

enum ic_heartbeat_state {
    IC_HEARTBEAT_NO_CONTACT, /* no valid answer since the channel opened */
    IC_HEARTBEAT_OK,         /* answers arrive */
    IC_HEARTBEAT_LOST,       /* answered before, but not for IC_HEARTBEAT_LOST_MS */
};

#define IC_HEARTBEAT_LOST_MS 10000u

enum ic_heartbeat_state ic_heartbeat_state(const struct ic_services *ics);

/* KVP. */

/* Limits of the protocol (Linux include/uapi/linux/hyperv.h): key and value
 * are UTF-16 with their NUL, in bytes. */
#define IC_KVP_KEY_BYTES   512u
#define IC_KVP_VALUE_BYTES 2048u
/* Largest UTF-8 strings ic_kvp_set() takes: Linux converts to UTF-8 into a
 * buffer of the UTF-16 size, NUL included. */
#define IC_KVP_KEY_UTF8_MAX   (IC_KVP_KEY_BYTES - 1)
#define IC_KVP_VALUE_UTF8_MAX (IC_KVP_VALUE_BYTES - 1)
/* Pairs kept per guest pool, and host pairs set with ic_kvp_set(). */
#define IC_KVP_POOL_MAX 64u
#define IC_KVP_SET_MAX  64u

/*
 * The pairs the guest published, from its last complete enumeration: pool
 * "auto" (FullyQualifiedDomainName, OSName, NetworkAddressIPv4, ...) first,
 * then pool "guest".  Strings are UTF-8, valid until the next call that
 * takes a non-const struct ic_services (tick, set, destroy) or the next
 * channel callback.  ic_kvp_get() returns 0, or -1 if @i is out of range.
 */
size_t ic_kvp_count(const struct ic_services *ics);
int ic_kvp_get(const struct ic_services *ics, size_t i, const char **pool, const char **key,
               const char **value);

/*
 * Set a host-to-guest pair (pool "external", the guest's
 * /var/lib/hyperv/.kvp_pool_0).  Kept and written whenever the KVP channel
 * becomes ready (again after a guest reboot); setting a key again replaces
 * its value.  0: accepted; -1: bad input (NULL, empty key, not UTF-8, longer
 * than the protocol allows) or IC_KVP_SET_MAX keys already.
 */
int ic_kvp_set(struct ic_services *ics, const char *key, const char *value);

#endif
