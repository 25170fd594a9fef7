// SPDX-License-Identifier: GPL-2.0-only
/*
 * The worker's I/O threads (see io_pool.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_pool.h"

#define IO_POOL_INITIAL_CAP 256

static void *io_thread(void *arg)
{
    struct io_pool *p = arg;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        void *item;

        while (!p->count && !p->stop)
            pthread_cond_wait(&p->work, &p->lock);
        if (!p->count)
            break; /* stop, and nothing left */
        item = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        pthread_mutex_unlock(&p->lock);

        p->execute(item);
        pthread_mutex_lock(p->complete_lock);
        p->complete(item);
        pthread_mutex_unlock(p->complete_lock);

        pthread_mutex_lock(&p->lock);
        if (--p->in_flight == 0)
            pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int io_pool_start(struct io_pool *p, unsigned threads, pthread_mutex_t *complete_lock,
                  void (*execute)(void *item), void (*complete)(void *item), char *err,
                  size_t errlen)
{
    memset(p, 0, sizeof(*p));
    if (threads < 1 || threads > IO_POOL_THREADS_MAX) {
        snprintf(err, errlen, "I/O pool: %u threads (1..%u)", threads, IO_POOL_THREADS_MAX);
        return -1;
    }
    p->ring = calloc(IO_POOL_INITIAL_CAP, sizeof(*p->ring));
    if (!p->ring) {
        snprintf(err, errlen, "I/O pool: out of memory");
        return -1;
    }
    p->cap = IO_POOL_INITIAL_CAP;
    p->complete_lock = complete_lock;
    p->execute = execute;
    p->complete = complete;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->idle, NULL);
    p->initialized = true;
    for (unsigned i = 0; i < threads; i++) {
        int rc = pthread_create(&p->threads[i], NULL, io_thread, p);

        if (rc != 0) {
            snprintf(err, errlen, "I/O pool: cannot start a thread: %s", strerror(rc));
            io_pool_destroy(p);
            return -1;
        }
        p->nthreads++;
    }
    return 0;
}

/* Double the ring, keeping the queue's order.  With p->lock held. */
static int grow(struct io_pool *p)
{
    size_t cap = p->cap * 2;
    void **ring;

    if (cap < p->cap || cap > SIZE_MAX / sizeof(*ring))
        return -1;
    ring = malloc(cap * sizeof(*ring));
    if (!ring)
        return -1;
    for (size_t i = 0; i < p->count; i++)
        ring[i] = p->ring[(p->head + i) % p->cap];
    free(p->ring);
    p->ring = ring;
    p->cap = cap;
    p->head = 0;
    return 0;
}

int io_pool_submit(struct io_pool *p, void *item)
{
    int rc = 0;

    pthread_mutex_lock(&p->lock);
    if (p->stop || !p->nthreads || (p->count == p->cap && grow(p) != 0)) {
        rc = -1;
    } else {
        p->ring[(p->head + p->count) % p->cap] = item;
        p->count++;
        p->in_flight++;
        pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

void io_pool_counts(struct io_pool *p, size_t *queued, size_t *in_flight)
{
    pthread_mutex_lock(&p->lock);
    *queued = p->count;
    *in_flight = p->in_flight;
    pthread_mutex_unlock(&p->lock);
}

void io_pool_drain(struct io_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->in_flight)
        pthread_cond_wait(&p->idle, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void io_pool_stop(struct io_pool *p)
{
    if (!p->ring)
        return;
    io_pool_drain(p);
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    p->nthreads = 0;
    free(p->ring);
    p->ring = NULL;
}

void io_pool_destroy(struct io_pool *p)
{
    io_pool_stop(p);
    if (!p->initialized)
        return;
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->idle);
    p->initialized = false;
}
