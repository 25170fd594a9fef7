/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * storvsp: a synthetic SCSI controller on VMBus, the host side of the
 * guest's storvsc driver (Linux hv_storvsc).  One controller is one VMBus
 * channel offer (class ba6163d9-04a1-4d29-b605-72e2ffb1dc7f) with up to
 * STORVSP_MAX_LUNS disks on target 0, each backed by a struct disk
 * (disk/include/disk/disk.h).
 *
 * Protocol: the vstor packets of storvsc (BEGIN_INIT, QUERY_PROTOCOL_VERSION
 * for 6.2, 6.0 or 5.1, QUERY_PROPERTIES, END_INIT, EXECUTE_SRB, ...); SCSI
 * commands are those a Linux initiator sends (INQUIRY with VPD pages,
 * REPORT LUNS, READ CAPACITY 10/16, TEST UNIT READY, MODE SENSE 6/10,
 * READ/WRITE 6/10/16, SYNCHRONIZE CACHE, UNMAP where the disk can discard),
 * with sense data for everything else.  Data moves straight between the
 * disk and the guest pages a GPA-direct packet names, each page checked to
 * be the guest's RAM.  Everything the guest sends is hostile: a bad packet
 * gets a failed completion or is dropped, a bad command a CHECK CONDITION.
 *
 * Threads: like the VMBus server (server.h), storvsp is called with the
 * caller's VMBus lock held, except storvsp_io_execute(), which runs on an
 * I/O thread without it, so that a slow disk holds up only its own
 * requests.
 */
#ifndef STORVSP_STORVSP_H
#define STORVSP_STORVSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmbus/server.h>

#define STORVSP_MAX_LUNS 64u
/* What QUERY_PROPERTIES announces as the largest transfer (the guest's
 * max_sectors follows from it). */
#define STORVSP_MAX_TRANSFER_BYTES (512u * 1024u)

struct disk;
struct storvsp;
struct storvsp_io; /* one request that needs the disk */

struct storvsp_host {
    void *opaque;
    /* Run @io: call storvsp_io_execute(@io) on an I/O thread (without the
     * VMBus lock), then storvsp_io_complete(@io) with the lock held.  Every
     * submitted request must be completed, also when the VM stops. */
    void (*submit)(void *opaque, struct storvsp_io *io);
};

/* Offer a controller with no disks on @srv.  NULL on failure. */
struct storvsp *storvsp_create(struct vmbus_server *srv, const struct storvsp_host *host,
                               const struct vmbus_guid *instance);

/* Rescind the offer, close every disk and free.  No request may be in
 * flight (the host has completed everything it was given). */
void storvsp_destroy(struct storvsp *s);

/*
 * Put @d at @lun (0 .. STORVSP_MAX_LUNS - 1); storvsp owns @d from here on
 * and closes it.  A disk opened read-only is write-protected for the guest.
 * If the guest's storvsc runs, it is told to rescan its bus and finds the
 * new disk.  0; -EINVAL for a bad @lun, -EBUSY if @lun has a disk (then
 * @d stays the caller's).
 */
int storvsp_attach(struct storvsp *s, unsigned lun, struct disk *d);

/*
 * Take the disk at @lun away: new commands to it fail as for a LUN that is
 * not there, the guest is told to rescan (Linux then removes the disk),
 * and the disk is closed once its requests in flight are done.  0, or
 * -ENOENT if @lun has no disk.
 */
int storvsp_detach(struct storvsp *s, unsigned lun);

/* Whether @lun has a disk (one being detached counts as gone). */
bool storvsp_has_lun(const struct storvsp *s, unsigned lun);

/* One line on the controller's state for a worker's diagnostics: protocol
 * state, requests with the host, completions waiting for ring space. */
void storvsp_describe(const struct storvsp *s, char *buf, size_t len);

/* On an I/O thread, without the VMBus lock: do @io's disk operation. */
void storvsp_io_execute(struct storvsp_io *io);

/* With the VMBus lock: send @io's completion to the guest (or drop it if
 * the channel closed meanwhile) and free @io. */
void storvsp_io_complete(struct storvsp_io *io);

#endif
