// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child's synthetic storage in the worker (see storage.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <disk/disk.h>
#include <storvsp/storvsp.h>

#include "log.h"
#include "storage.h"

/* The SCSI controller's instance GUID: unique within the child, which is
 * all the guest needs (Linux names the device after it). */
static const struct vmbus_guid scsi_instance = {{0x5c, 0x1d, 0x3a, 0x2e, 0x00, 0x00, 0x4d, 0x00,
                                                 0x8a, 0x3b, 0x53, 0x43, 0x53, 0x49, 0x00, 0x00}};

static void io_execute(void *item)
{
    storvsp_io_execute(item);
}

static void io_complete(void *item)
{
    storvsp_io_complete(item);
}

/* storvsp's submit, with the VMBus lock held.  If the pool cannot take the
 * request (out of memory), it is done here, on the VP's thread: slower,
 * but the guest still gets its answer. */
static void submit(void *opaque, struct storvsp_io *io)
{
    struct vm_storage *st = opaque;

    if (io_pool_submit(&st->pool, io) == 0)
        return;
    storvsp_io_execute(io);
    storvsp_io_complete(io);
}

int storage_start(struct vm_storage *st, struct vmbus_host_ctx *vmbus, char *err, size_t errlen)
{
    const struct storvsp_host host = {.opaque = st, .submit = submit};

    memset(st, 0, sizeof(*st));
    st->vmbus = vmbus;
    if (io_pool_start(&st->pool, STORAGE_IO_THREADS, &vmbus->lock, io_execute, io_complete, err,
                      errlen) != 0)
        return -1;
    st->pool_started = true;
    pthread_mutex_lock(&vmbus->lock);
    st->scsi = storvsp_create(vmbus->server, &host, &scsi_instance);
    pthread_mutex_unlock(&vmbus->lock);
    if (!st->scsi) {
        snprintf(err, errlen, "cannot offer the SCSI controller");
        storage_stop(st);
        return -1;
    }
    return 0;
}

void storage_dump(struct vm_storage *st)
{
    char line[160];
    size_t queued, in_flight;

    pthread_mutex_lock(&st->vmbus->lock);
    storvsp_describe(st->scsi, line, sizeof(line));
    pthread_mutex_unlock(&st->vmbus->lock);
    io_pool_counts(&st->pool, &queued, &in_flight);
    vmwp_log("%s; I/O threads: %zu queued, %zu not completed", line, queued, in_flight);
}

int storage_attach(struct vm_storage *st, unsigned lun, const char *path, bool read_only, char *err,
                   size_t errlen)
{
    struct disk *d;
    int rc;

    if (lun >= STORVSP_MAX_LUNS) {
        snprintf(err, errlen, "LUN %u is not 0..%u", lun, STORVSP_MAX_LUNS - 1);
        return -1;
    }
    pthread_mutex_lock(&st->vmbus->lock);
    rc = storvsp_has_lun(st->scsi, lun);
    pthread_mutex_unlock(&st->vmbus->lock);
    if (rc) {
        snprintf(err, errlen, "LUN %u has a disk", lun);
        return -1;
    }
    /* Opening may take a while (a VHDX log to replay): not under the lock. */
    if (disk_open(path, read_only ? DISK_OPEN_READ_ONLY : 0, &d, err, errlen) != 0)
        return -1;
    pthread_mutex_lock(&st->vmbus->lock);
    rc = storvsp_attach(st->scsi, lun, d);
    pthread_mutex_unlock(&st->vmbus->lock);
    if (rc != 0) {
        disk_close(d);
        snprintf(err, errlen, "LUN %u: %s", lun, rc == -EBUSY ? "has a disk" : strerror(-rc));
        return -1;
    }
    vmwp_log("storage: %s at LUN %u (%s)", path, lun, read_only ? "read-only" : "read-write");
    return 0;
}

int storage_detach(struct vm_storage *st, unsigned lun, char *err, size_t errlen)
{
    int rc;

    if (lun >= STORVSP_MAX_LUNS) {
        snprintf(err, errlen, "LUN %u is not 0..%u", lun, STORVSP_MAX_LUNS - 1);
        return -1;
    }
    pthread_mutex_lock(&st->vmbus->lock);
    rc = storvsp_detach(st->scsi, lun);
    pthread_mutex_unlock(&st->vmbus->lock);
    if (rc != 0) {
        snprintf(err, errlen, "LUN %u has no disk", lun);
        return -1;
    }
    vmwp_log("storage: LUN %u detached", lun);
    return 0;
}

void storage_stop(struct vm_storage *st)
{
    if (st->pool_started) {
        io_pool_stop(&st->pool);
        st->pool_started = false;
    }
    if (st->scsi) {
        pthread_mutex_lock(&st->vmbus->lock);
        storvsp_destroy(st->scsi);
        st->scsi = NULL;
        pthread_mutex_unlock(&st->vmbus->lock);
    }
    /* Only now: until the controller is gone, a request may still come
     * (and is done inline, the pool refusing it). */
    io_pool_destroy(&st->pool);
}
