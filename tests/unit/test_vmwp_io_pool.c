/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/io_pool.c: every submitted item is executed and
 * then completed exactly once, completion with the completion lock held;
 * a slow item does not hold up the others; the queue grows past its
 * initial size without losing or reordering work; drain waits for the
 * last completion; submit after stop is refused.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../tools/vmwp/io_pool.h"

static pthread_mutex_t complete_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t state_cond = PTHREAD_COND_INITIALIZER;

struct item {
    int id;
    bool slow; /* waits in execute until released */
    int executed, completed;
    bool lock_held_at_completion;
};

static bool release_slow;
static int completed_total;

static void execute(void *arg)
{
    struct item *it = arg;

    pthread_mutex_lock(&state_lock);
    while (it->slow && !release_slow)
        pthread_cond_wait(&state_cond, &state_lock);
    it->executed++;
    pthread_mutex_unlock(&state_lock);
}

static void complete(void *arg)
{
    struct item *it = arg;

    /* The pool holds the completion lock: taking it again must fail. */
    it->lock_held_at_completion = pthread_mutex_trylock(&complete_lock) == EBUSY;
    pthread_mutex_lock(&state_lock);
    it->completed++;
    completed_total++;
    pthread_cond_broadcast(&state_cond);
    pthread_mutex_unlock(&state_lock);
}

static int setup(void **state)
{
    (void)state;
    release_slow = false;
    completed_total = 0;
    return 0;
}

static void test_every_item_once(void **state)
{
    enum { N = 1000 }; /* several times the initial ring */
    static struct item items[N];
    struct io_pool pool;
    char err[128];
    (void)state;

    memset(items, 0, sizeof(items));
    assert_int_equal(io_pool_start(&pool, 3, &complete_lock, execute, complete, err, sizeof(err)),
                     0);
    /* Hold the completion lock while queueing, as the device does (under
     * the VMBus lock): the ring must grow, nothing completes meanwhile. */
    pthread_mutex_lock(&complete_lock);
    for (int i = 0; i < N; i++) {
        items[i].id = i;
        assert_int_equal(io_pool_submit(&pool, &items[i]), 0);
    }
    assert_true(pool.cap >= 256);
    pthread_mutex_unlock(&complete_lock);
    io_pool_drain(&pool);
    assert_int_equal(completed_total, N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(items[i].executed, 1);
        assert_int_equal(items[i].completed, 1);
        assert_true(items[i].lock_held_at_completion);
    }
    io_pool_destroy(&pool);
}

static void test_slow_item_does_not_stall_others(void **state)
{
    struct item slow = {.id = 0, .slow = true}, fast[8];
    struct io_pool pool;
    char err[128];
    (void)state;

    memset(fast, 0, sizeof(fast));
    assert_int_equal(io_pool_start(&pool, 2, &complete_lock, execute, complete, err, sizeof(err)),
                     0);
    assert_int_equal(io_pool_submit(&pool, &slow), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(io_pool_submit(&pool, &fast[i]), 0);
    /* The fast ones finish while the slow one still waits. */
    pthread_mutex_lock(&state_lock);
    while (completed_total < 8)
        pthread_cond_wait(&state_cond, &state_lock);
    assert_int_equal(slow.completed, 0);
    release_slow = true;
    pthread_cond_broadcast(&state_cond);
    pthread_mutex_unlock(&state_lock);
    io_pool_drain(&pool);
    assert_int_equal(slow.completed, 1);
    assert_int_equal(completed_total, 9);
    io_pool_destroy(&pool);
}

static void test_refusals(void **state)
{
    struct io_pool pool;
    struct item it = {0};
    char err[128] = "";
    (void)state;

    assert_int_equal(io_pool_start(&pool, 0, &complete_lock, execute, complete, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "threads"));
    assert_int_equal(io_pool_start(&pool, IO_POOL_THREADS_MAX + 1, &complete_lock, execute,
                                   complete, err, sizeof(err)),
                     -1);
    assert_int_equal(io_pool_start(&pool, 1, &complete_lock, execute, complete, err, sizeof(err)),
                     0);
    io_pool_drain(&pool); /* nothing in flight: returns at once */
    io_pool_stop(&pool);
    /* Stopped but not destroyed: submit refuses, safely. */
    assert_int_equal(io_pool_submit(&pool, &it), -1);
    assert_int_equal(it.executed, 0);
    io_pool_destroy(&pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_item_once, setup),
        cmocka_unit_test_setup(test_slow_item_does_not_stall_others, setup),
        cmocka_unit_test_setup(test_refusals, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
