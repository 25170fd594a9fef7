/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A pool of I/O threads for the worker's devices (storvsp): a request is
 * queued by the device (under the VMBus lock), executed on one of the
 * threads without any lock, so that a slow disk holds up only the requests
 * waiting on it, and completed on that thread with the completion lock
 * (the VMBus lock) held, as the device's completion needs.
 *
 * The queue is a ring that grows as needed: a guest can have no more
 * requests outstanding than its VMBus ring holds, so it stays small.
 */
#ifndef VMWP_IO_POOL_H
#define VMWP_IO_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define IO_POOL_THREADS_MAX 16

struct io_pool {
    pthread_mutex_t lock; /* the queue's; never held with the completion lock */
    pthread_cond_t work;  /* a request was queued, or stop */
    pthread_cond_t idle;  /* in_flight dropped to 0 */
    void **ring;
    size_t cap, head, count;
    size_t in_flight; /* queued or executing, not yet completed */
    bool stop;
    bool initialized; /* the lock and conditions exist (until io_pool_destroy) */
    pthread_t threads[IO_POOL_THREADS_MAX];
    unsigned nthreads;
    pthread_mutex_t *complete_lock;
    void (*execute)(void *item);
    void (*complete)(void *item);
};

/*
 * Start @threads (1..IO_POOL_THREADS_MAX) threads that run execute(item)
 * and then, holding @complete_lock, complete(item) for each submitted item.
 * 0, or -1 with a message in @err.
 */
int io_pool_start(struct io_pool *p, unsigned threads, pthread_mutex_t *complete_lock,
                  void (*execute)(void *item), void (*complete)(void *item), char *err,
                  size_t errlen);

/* Queue @item.  0; -1 if it cannot be queued (out of memory, stopping):
 * the caller must then finish the item itself. */
int io_pool_submit(struct io_pool *p, void *item);

/* Items queued and not yet picked up by a thread, and items submitted and
 * not yet completed (for diagnostics). */
void io_pool_counts(struct io_pool *p, size_t *queued, size_t *in_flight);

/* Wait until every submitted item is completed.  The caller must not hold
 * the completion lock (the threads need it to complete). */
void io_pool_drain(struct io_pool *p);

/* Drain, then end the threads and free the queue.  The pool stays valid:
 * io_pool_submit() refuses from now on, so a device that is still
 * reachable finishes its requests itself. */
void io_pool_stop(struct io_pool *p);

/* Stop if not stopped, then free the lock and conditions. */
void io_pool_destroy(struct io_pool *p);

#endif
