/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a PS/2 device (pc/ps2_kbd.h, pc/ps2_mouse.h) has to send to its
 * controller: the replies to the host's commands, and its own data (scan
 * codes, movement packets).  Pure logic, used by the device models alone.
 *
 * Data is queued in units, a unit being one key's scan code sequence or
 * one movement packet, whole or not at all.  Replies go out ahead of data
 * that is still waiting, as a real device answers a command before it goes
 * on with its buffered keystrokes (and Linux's libps2 and SeaBIOS wait for
 * the ACK with a timeout), but never in the middle of a unit: a reply
 * between the F0 and the code of a break sequence would turn the 8042's
 * translation of that break into a make.
 *
 * Sizes: the data queue holds PS2_QUEUE_DATA bytes, a keyboard's buffer on
 * real hardware; what overflows is the device's business (the keyboard
 * queues an overrun code, the mouse keeps its movement counted).  The reply
 * queue holds PS2_QUEUE_REPLY bytes, more than the longest reply (ACK and a
 * 4-byte packet for the mouse's read-data command); a reply that does not
 * fit is cut short, which only a host that never reads can cause.
 */
#ifndef PC_PS2_QUEUE_H
#define PC_PS2_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define PS2_QUEUE_DATA  16
#define PS2_QUEUE_REPLY 8

struct ps2_queue {
    uint8_t data[PS2_QUEUE_DATA];
    uint8_t unit[PS2_QUEUE_DATA]; /* at a unit's first byte: its length; else 0 */
    uint8_t head;                 /* index of the oldest data byte */
    uint8_t count;                /* data bytes queued */
    uint8_t unit_left;            /* bytes of the unit being sent still queued */
    uint8_t reply[PS2_QUEUE_REPLY];
    uint8_t reply_head, reply_count;
};

/* Nothing queued. */
void ps2_queue_init(struct ps2_queue *q);

/* Drop the data (what a device does on reset, enable or disable); replies stay. */
void ps2_queue_clear_data(struct ps2_queue *q);

/* Drop the replies not yet sent (a reset aborts them). */
void ps2_queue_clear_replies(struct ps2_queue *q);

/* Free data bytes. */
unsigned ps2_queue_room(const struct ps2_queue *q);

/* Queue @len bytes (1..PS2_QUEUE_DATA) of data as one unit: false, and
 * nothing queued, if they do not all fit. */
bool ps2_queue_put_unit(struct ps2_queue *q, const uint8_t *bytes, unsigned len);

/* Queue a reply of @len bytes after the replies not yet sent. */
void ps2_queue_put_reply(struct ps2_queue *q, const uint8_t *bytes, unsigned len);

bool ps2_queue_empty(const struct ps2_queue *q);

/* The next byte to send (the rest of a unit begun, else a reply, else the
 * next unit's first byte); 0 if there is none. */
uint8_t ps2_queue_pop(struct ps2_queue *q);

#endif
