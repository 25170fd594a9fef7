// SPDX-License-Identifier: GPL-2.0-only
/*
 * A PS/2 device's output queues (pc/ps2_queue.h): two rings, data in
 * units and replies.
 */
#include <string.h>

#include <pc/ps2_queue.h>

void ps2_queue_init(struct ps2_queue *q)
{
    memset(q, 0, sizeof(*q));
}

void ps2_queue_clear_data(struct ps2_queue *q)
{
    q->head = 0;
    q->count = 0;
    q->unit_left = 0;
    memset(q->unit, 0, sizeof(q->unit));
}

void ps2_queue_clear_replies(struct ps2_queue *q)
{
    q->reply_head = 0;
    q->reply_count = 0;
}

unsigned ps2_queue_room(const struct ps2_queue *q)
{
    return PS2_QUEUE_DATA - q->count;
}

bool ps2_queue_put_unit(struct ps2_queue *q, const uint8_t *bytes, unsigned len)
{
    if (len == 0 || len > ps2_queue_room(q))
        return false;
    for (unsigned i = 0; i < len; i++) {
        unsigned at = (q->head + q->count) % PS2_QUEUE_DATA;

        q->data[at] = bytes[i];
        q->unit[at] = (uint8_t)(i == 0 ? len : 0);
        q->count++;
    }
    return true;
}

void ps2_queue_put_reply(struct ps2_queue *q, const uint8_t *bytes, unsigned len)
{
    for (unsigned i = 0; i < len && q->reply_count < PS2_QUEUE_REPLY; i++) {
        q->reply[(q->reply_head + q->reply_count) % PS2_QUEUE_REPLY] = bytes[i];
        q->reply_count++;
    }
}

bool ps2_queue_empty(const struct ps2_queue *q)
{
    return q->count == 0 && q->reply_count == 0;
}

static uint8_t pop_data(struct ps2_queue *q)
{
    uint8_t b = q->data[q->head];

    if (q->unit_left > 0)
        q->unit_left--;
    else if (q->unit[q->head] > 0)
        q->unit_left = (uint8_t)(q->unit[q->head] - 1);
    q->unit[q->head] = 0;
    q->head = (uint8_t)((q->head + 1) % PS2_QUEUE_DATA);
    q->count--;
    return b;
}

uint8_t ps2_queue_pop(struct ps2_queue *q)
{
    uint8_t b;

    if (q->unit_left > 0 && q->count > 0)
        return pop_data(q);
    if (q->reply_count > 0) {
        b = q->reply[q->reply_head];
        q->reply_head = (uint8_t)((q->reply_head + 1) % PS2_QUEUE_REPLY);
        q->reply_count--;
        return b;
    }
    if (q->count > 0)
        return pop_data(q);
    return 0;
}
