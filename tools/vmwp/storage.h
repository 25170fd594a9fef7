/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The child's synthetic storage in the worker: one SCSI controller
 * (drivers/storvsp) on the child's VMBus, its disks (disk/) opened from the
 * VM's configuration at start and attached or detached while it runs, and
 * the I/O threads that move their data (io_pool).
 */
#ifndef VMWP_STORAGE_H
#define VMWP_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "io_pool.h"
#include "vmbus_host.h"

#define STORAGE_IO_THREADS 4

struct storvsp;

struct vm_storage {
    struct vmbus_host_ctx *vmbus;
    struct storvsp *scsi; /* under vmbus->lock */
    struct io_pool pool;
    bool pool_started;
};

/* Offer the SCSI controller on @vmbus (started) and start the I/O threads.
 * 0, or -1 with a message in @err. */
int storage_start(struct vm_storage *st, struct vmbus_host_ctx *vmbus, char *err, size_t errlen);

/* Log the controller's and the I/O threads' state (SIGUSR1). */
void storage_dump(struct vm_storage *st);

/* Open the image @path (read-only if @read_only) and put it at @lun; the
 * guest, if its storvsc runs, is told to rescan.  0, or -1 with the
 * message for the user in @err ("LUN 3 has a disk", the disk library's
 * reason the image does not open). */
int storage_attach(struct vm_storage *st, unsigned lun, const char *path, bool read_only, char *err,
                   size_t errlen);

/* Take the disk at @lun away (closed once its requests are done).  0, or
 * -1 with a message in @err. */
int storage_detach(struct vm_storage *st, unsigned lun, char *err, size_t errlen);

/* Finish every request in flight, then close the disks and withdraw the
 * controller.  Before vmbus_host_stop(); no VP runs any more. */
void storage_stop(struct vm_storage *st);

#endif
