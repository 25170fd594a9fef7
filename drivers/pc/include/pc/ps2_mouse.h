/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A PS/2 mouse, with the IntelliMouse wheel and the IntelliMouse Explorer's
 * buttons 4 and 5, as it sits behind the 8042's auxiliary port
 * (pc/i8042.h).  Pure logic: the controller hands it the bytes the host
 * sends (command D4) and takes the bytes it has to send; the owner reports
 * movement and buttons with ps2_mouse_event() (through i8042_mouse()).
 *
 * Commands (every one is ACKed, 0xFA, unless said otherwise):
 *   FF  reset: ACK, AA, then the device ID 00; defaults, stream mode, wrap
 *       mode off, ID back to 0, both queues emptied first.
 *   FE  resend: the last byte sent again (no ACK).
 *   F6  set defaults: sample rate 100, resolution 2 (4 counts/mm), scaling
 *       1:1, reporting off.
 *   F5, F4  reporting off, on.
 *   F3  sample rate: ACK, then the rate, ACKed.  Any value is taken (no
 *       clock: packets go out as events come, whatever the rate), and the
 *       last three make the IntelliMouse knocks: 200, 100, 80 with ID 0
 *       gives ID 3 (a wheel, 4-byte packets), then 200, 200, 80 gives ID 4
 *       (wheel and buttons 4 and 5).
 *   F2  identify: ACK and the ID (0, 3 or 4).
 *   F0, EA  remote, stream mode.
 *   EE, EC  wrap mode on, off.  In wrap mode every byte but EC and FF comes
 *       straight back.
 *   EB  read data: ACK and a packet of the movement so far, in any mode.
 *   E9  status: ACK, then flags (bit 6 remote, 5 reporting, 4 scaling
 *       2:1, 2 left, 1 middle, 0 right button), resolution, sample rate.
 *   E8  resolution: ACK, then 0..3, ACKed (another value gets FE).  Kept
 *       and reported, but movement is the owner's counts, unscaled.
 *   E7, E6  scaling 2:1, 1:1 (2:1 maps a stream packet's 1..5 to 1, 1, 3,
 *       6, 9 and above that doubles).
 *   Anything else gets FE.  A byte of E6h or above where a parameter is
 *   awaited is taken as a new command.
 * Every command that changes the mode or reporting (FF, F6, F5, F4, F0,
 * EA, EE, EC) and F2 also forget the movement not reported yet and the
 * packets not sent, as the mouse resets its counters.
 *
 * Movement: ps2_mouse_event() adds to counters; in stream mode with
 * reporting on (not wrap) the counters go out in packets at once, as many
 * as fit in the data queue, each carrying at most -256..255 on X and Y
 * and -8..7 on the wheel (what a packet can say), the rest in the next
 * packets; a button change makes a packet of its own.  What does not fit
 * waits for room, which ps2_mouse_read() makes: movement is delayed,
 * never lost, but button changes that come while the queue is full are
 * merged (a click can vanish).  Counters saturate at +-2^20.  In remote
 * mode they wait for EB.  Axes are PS/2's: X right, Y up, wheel positive
 * towards the user (scrolling down).
 *
 * Packets: byte 0 = bit 3 set, bits 0-2 left, right, middle, bits 4-5 the
 * signs of X and Y, bits 6-7 their overflow (only 2:1 scaling can set it);
 * bytes 1-2 X, Y (low 8 bits); ID 3 adds the wheel (-8..7); ID 4 adds the
 * wheel in bits 0-3 and buttons 4 and 5 in bits 4-5.
 */
#ifndef PC_PS2_MOUSE_H
#define PC_PS2_MOUSE_H

#include <stdbool.h>
#include <stdint.h>

#include <pc/ps2_queue.h>

#define PS2_MOUSE_CMD_SCALE_1_1   0xE6
#define PS2_MOUSE_CMD_SCALE_2_1   0xE7
#define PS2_MOUSE_CMD_RESOLUTION  0xE8
#define PS2_MOUSE_CMD_STATUS      0xE9
#define PS2_MOUSE_CMD_STREAM      0xEA
#define PS2_MOUSE_CMD_READ_DATA   0xEB
#define PS2_MOUSE_CMD_WRAP_OFF    0xEC
#define PS2_MOUSE_CMD_WRAP_ON     0xEE
#define PS2_MOUSE_CMD_REMOTE      0xF0
#define PS2_MOUSE_CMD_IDENTIFY    0xF2
#define PS2_MOUSE_CMD_SAMPLE_RATE 0xF3
#define PS2_MOUSE_CMD_ENABLE      0xF4
#define PS2_MOUSE_CMD_DISABLE     0xF5
#define PS2_MOUSE_CMD_DEFAULTS    0xF6
#define PS2_MOUSE_CMD_RESEND      0xFE
#define PS2_MOUSE_CMD_RESET       0xFF

/* Device IDs. */
#define PS2_MOUSE_ID_STANDARD 0
#define PS2_MOUSE_ID_INTELLI  3
#define PS2_MOUSE_ID_EXPLORER 4

/* Buttons (ps2_mouse_event()). */
#define PS2_MOUSE_LEFT    0x01
#define PS2_MOUSE_RIGHT   0x02
#define PS2_MOUSE_MIDDLE  0x04
#define PS2_MOUSE_BUTTON4 0x08
#define PS2_MOUSE_BUTTON5 0x10
#define PS2_MOUSE_BUTTONS 0x1F

/* Status byte (E9). */
#define PS2_MOUSE_STATUS_REMOTE    0x40
#define PS2_MOUSE_STATUS_REPORTING 0x20
#define PS2_MOUSE_STATUS_SCALE_2_1 0x10

#define PS2_MOUSE_DEFAULT_RATE       100
#define PS2_MOUSE_DEFAULT_RESOLUTION 2
#define PS2_MOUSE_COUNTER_MAX        (1 << 20)
#define PS2_MOUSE_MAX_PACKET         4

struct ps2_mouse {
    struct ps2_queue q;
    uint8_t id;
    uint8_t rate;
    uint8_t resolution;
    bool scale_2_1;
    bool remote;
    bool reporting;
    bool wrap;
    uint8_t awaiting;   /* the command whose parameter comes next, or 0 */
    uint8_t last_sent;  /* for the resend command */
    uint8_t knock[3];   /* the last three sample rates set, oldest first */
    int32_t dx, dy, dz; /* movement not reported yet */
    uint8_t buttons;
    bool buttons_changed; /* since the last packet */
};

/* Power-on state: as after a reset, with nothing to send. */
void ps2_mouse_init(struct ps2_mouse *mouse);

/* A byte from the host. */
void ps2_mouse_write(struct ps2_mouse *mouse, uint8_t byte);

/* The owner's event: movement to add (X right, Y up, wheel towards the
 * user) and the buttons held now (PS2_MOUSE_*; others ignored). */
void ps2_mouse_event(struct ps2_mouse *mouse, int32_t dx, int32_t dy, int32_t dz, uint8_t buttons);

/* A byte to send, and the next one. */
bool ps2_mouse_pending(const struct ps2_mouse *mouse);
uint8_t ps2_mouse_read(struct ps2_mouse *mouse);

#endif
