/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMBus server: the host side of a child's VMBus connection, run by the
 * child's worker (vmwp).  It speaks the control protocol the guest's
 * hv_vmbus driver starts with HvPostMessage (version negotiation, offers,
 * GPADLs, open/close, rescind, unload) and hands opened channels to the
 * devices (VSPs) that offered them; channel.h is the devices' side.
 *
 * The server owns no thread and takes no lock: its user calls it from one
 * thread at a time (vmwp holds one mutex around every call), and the
 * callbacks (struct vmbus_host, struct vmbus_device_ops) run inside those
 * calls.  Everything the guest sends is hostile: a malformed message is
 * answered with an error or ignored, never trusted, and the server stays
 * usable.
 *
 * Connection ids (the host's choice; the guest echoes them back):
 *  - VMBUS_MESSAGE_CONNECTION_ID (1): control messages for versions < 5.0,
 *    and the id VERSION_RESPONSE gives the guest for >= 5.0;
 *  - VMBUS_MESSAGE_CONNECTION_ID_4 (4): INITIATE_CONTACT for versions >= 5.0;
 *  - a channel's event connection: VMBUS_CHANNEL_CONNECTION_BASE + relid,
 *    the offer's connection_id, which the guest passes to HvSignalEvent.
 * Host-to-guest messages go to SINT VMBUS_MESSAGE_SINT (2) of the VP the
 * guest named in INITIATE_CONTACT; a channel's interrupt is event flag
 * <relid> in SINT 2 of the VP named at OPENCHANNEL (MODIFYCHANNEL moves it).
 */
#ifndef VMBUS_SERVER_H
#define VMBUS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMBUS_MESSAGE_CONNECTION_ID   1u
#define VMBUS_MESSAGE_CONNECTION_ID_4 4u
#define VMBUS_CHANNEL_CONNECTION_BASE 0x100u
#define VMBUS_MESSAGE_SINT            2u
#define VMBUS_MESSAGE_TYPE            1u   /* HvPostMessage message_type for VMBus */
#define VMBUS_MAX_CHANNELS            64u  /* relids 1 .. 64 */
#define VMBUS_MESSAGE_MAX             240u /* an HvPostMessage payload */

/* A GUID as it travels on the wire (Linux guid_t: the first three fields
 * little-endian). */
struct vmbus_guid {
    uint8_t b[16];
};

/* Results of struct vmbus_host's post_message. */
#define VMBUS_HOST_OK   0
#define VMBUS_HOST_BUSY 1 /* the SINT's message slot is full: queued, retried later */

/* What the server needs from its user. */
struct vmbus_host {
    void *opaque;
    /* Post @len bytes (<= VMBUS_MESSAGE_MAX) as a VMBus message into SINT
     * @sint of VP @vp (HvPostMessageDirect).  VMBUS_HOST_OK; VMBUS_HOST_BUSY
     * if the slot is occupied (the server keeps the message and the ones
     * after it, in order, until vmbus_server_retry()); negative: the message
     * cannot be delivered (no such VP, SIMP disabled) and is dropped. */
    int (*post_message)(void *opaque, uint32_t vp, uint32_t sint, const void *msg, size_t len);
    /* Set event flag @flag of SINT @sint on VP @vp (HvSignalEventDirect). */
    void (*signal_event)(void *opaque, uint32_t vp, uint32_t sint, uint32_t flag);
    /* Map the guest pages @pfns[0..@count) (guest page frame numbers) into
     * one host-contiguous, readable and writable view.  NULL if any page is
     * not guest RAM (or on failure).  The view stays valid until
     * unmap_pages(). */
    void *(*map_pages)(void *opaque, const uint64_t *pfns, size_t count);
    void (*unmap_pages)(void *opaque, void *view, size_t count);
    /* The host's view of guest-physical [gpa, gpa + len), or NULL if any
     * of it is not guest RAM (or the range wraps).  Pure: the devices'
     * I/O threads call it too, without the server's lock.  May be NULL
     * (then no guest memory is reachable this way). */
    void *(*guest_ptr)(void *opaque, uint64_t gpa, uint64_t len);
};

struct vmbus_server;
struct vmbus_channel;

struct vmbus_server *vmbus_server_create(const struct vmbus_host *host);
/* Closes every open channel (device close callbacks run) and frees all. */
void vmbus_server_destroy(struct vmbus_server *srv);

/*
 * The guest's HvPostMessage with message_type VMBUS_MESSAGE_TYPE on
 * connection @connection_id, @size bytes of payload (a channel message,
 * starting with its header).  Returns the TLFS status for the hypercall:
 * HV_STATUS_SUCCESS (0) when the message was taken (even if it was
 * malformed and ignored: the guest learns through the protocol), 18
 * (HV_STATUS_INVALID_CONNECTION_ID) for a connection id the server does not
 * serve in its current state (INITIATE_CONTACT of a version < 5.0 on id 4
 * is answered, the others ids are 1 and 4 only), 19
 * (HV_STATUS_INSUFFICIENT_BUFFERS) when its queue for the guest is full.
 */
uint16_t vmbus_server_post_message(struct vmbus_server *srv, uint32_t connection_id,
                                   const void *payload, size_t size);

/*
 * The guest's HvSignalEvent on @connection_id: a channel's event connection
 * (the device's notify callback runs if the channel is open).  Status 0, or
 * 18 (HV_STATUS_INVALID_CONNECTION_ID) if no open channel has that id, or
 * 5 (HV_STATUS_INVALID_PARAMETER) for a @flag that is not an event flag
 * number (>= 2048).  Linux signals flag 0; any valid flag is taken.
 */
uint16_t vmbus_server_signal_event(struct vmbus_server *srv, uint32_t connection_id, uint16_t flag);

/* A message slot became free (the guest wrote EOM): post what is queued. */
void vmbus_server_retry(struct vmbus_server *srv);

/* The VM reset or the guest's VMBus went away without UNLOAD: close every
 * channel, forget GPADLs and the negotiated version.  Offers stay, and are
 * sent again when the next guest asks. */
void vmbus_server_reset(struct vmbus_server *srv);

/* The negotiated version (major << 16 | minor), 0 before negotiation. */
uint32_t vmbus_server_version(const struct vmbus_server *srv);

/*
 * For a worker asked what its VMBus is doing (a child that stopped
 * answering): one line per open channel into @line, with both rings'
 * indices, interrupt masks and pending send sizes as they are in guest
 * memory now.  Under the caller's lock, like every call here.
 */
void vmbus_server_dump(const struct vmbus_server *srv, void (*line)(void *ctx, const char *text),
                       void *ctx);

#endif
