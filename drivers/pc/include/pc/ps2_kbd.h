/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A PS/2 (MF2) keyboard, as it sits behind the 8042 (pc/i8042.h).  Pure
 * logic: the controller hands it the bytes the host sends and takes the
 * bytes it has to send, one at a time; the owner reports keys with
 * ps2_kbd_key() (through i8042_key(), which also moves the bytes on).
 *
 * Commands (every one is ACKed, 0xFA, unless said otherwise):
 *   FF  reset: ACK, then the self-test result AA; defaults, scanning on,
 *       both queues emptied first (a reset aborts whatever was to be sent).
 *   FE  resend: the last byte sent again (no ACK).
 *   F6  set defaults, scanning on; F5 set defaults, scanning off; F4
 *       scanning on.  All three empty the data queue, as the keyboard
 *       clears its buffer.  Defaults: scan code set 2, LEDs off, typematic
 *       0x2B (10.9 characters/s after 500 ms).
 *   F3  typematic rate and delay: ACK, then a parameter byte (bit 7 clear),
 *       ACKed and kept.  The model has no clock, so it does not repeat
 *       keys itself: a key the owner reports pressed again while held is
 *       the repeat.
 *   F2  identify: ACK, AB 83 (the controller's translation makes it AB 41).
 *   F0  scan code set: ACK, then 0 (get: ACK and the set, 1 or 2) or 1 or
 *       2 (ACK; keys queued in the old set are dropped).  Set 3 is not
 *       emulated: its parameter gets a resend (FE) and the set stays,
 *       which Linux's atkbd takes as "no set 3".
 *   EE  echo: EE (no ACK).
 *   ED  LEDs: ACK, then a parameter byte (bit 0 Scroll, 1 Num, 2 Caps Lock).
 *   Anything else (the set-3 key-type commands F7-FD included) gets FE.
 * A byte of EDh or above where a parameter is awaited is taken as a new
 * command: the parameter was lost, as a real keyboard assumes.  A
 * parameter out of range gets FE and is forgotten.
 *
 * Keys: ps2_kbd_key() takes a key as its set-2 make code: 0x00NN for a
 * one-byte code (0x01-0x7F, and 0x83 F7, 0x84 Alt+Print Screen),
 * 0xE0NN for an E0-prefixed one (NN 0x01-0x7F), and two codes that are
 * sequences rather than keys:
 *   PS2_KEY_PRINT_SCREEN (E0 7C): E0 12 E0 7C with its fake left shift;
 *       E0 7C alone while a Shift or Ctrl is held; 84 while an Alt is
 *       held (SysRq).  Its release mirrors that.
 *   PS2_KEY_PAUSE: E1 14 77 E1 F0 14 F0 77; E0 7E E0 F0 7E (Break) while
 *       a Ctrl is held.  Its release sends nothing.
 * A make is the code (E0 first for extended keys), a break adds F0 before
 * the code.  The other fake shifts of an MF2 keyboard (around the
 * navigation keys with Num Lock on, keypad / with Shift) are not sent:
 * every OS throws them away.  In set 1 the keyboard sends what the
 * 8042's translation makes of the set-2 bytes (pc/ps2_xlate.h).
 *
 * A key is dropped (false) while scanning is off, or if its bytes do not
 * fit in the data queue with one byte to spare; the first dropped key
 * after a queued one puts an overrun code in that spare byte (00 in set 2,
 * FF in set 1, as real keyboards do), which Linux logs and ignores.  A
 * dropped release can leave a key stuck down in the guest, as on real
 * hardware: an owner that feeds keys faster than the guest reads them
 * should hold them back while ps2_kbd_key() says false.
 */
#ifndef PC_PS2_KBD_H
#define PC_PS2_KBD_H

#include <stdbool.h>
#include <stdint.h>

#include <pc/ps2_queue.h>

/* Replies shared by PS/2 devices. */
#define PS2_ACK    0xFA
#define PS2_RESEND 0xFE
#define PS2_BAT_OK 0xAA /* self-test passed */

/* Keyboard commands. */
#define PS2_KBD_CMD_LEDS      0xED
#define PS2_KBD_CMD_ECHO      0xEE
#define PS2_KBD_CMD_SCANSET   0xF0
#define PS2_KBD_CMD_IDENTIFY  0xF2
#define PS2_KBD_CMD_TYPEMATIC 0xF3
#define PS2_KBD_CMD_ENABLE    0xF4
#define PS2_KBD_CMD_DISABLE   0xF5 /* defaults, scanning off */
#define PS2_KBD_CMD_DEFAULTS  0xF6 /* defaults, scanning on */
#define PS2_KBD_CMD_RESEND    0xFE
#define PS2_KBD_CMD_RESET     0xFF

#define PS2_KBD_ID0 0xAB /* MF2 keyboard */
#define PS2_KBD_ID1 0x83

#define PS2_KBD_TYPEMATIC_DEFAULT 0x2B
#define PS2_KBD_LED_SCROLL        0x01
#define PS2_KBD_LED_NUM           0x02
#define PS2_KBD_LED_CAPS          0x04

/* Keys (see above). */
#define PS2_KEY_EXTENDED     0xE000
#define PS2_KEY_PRINT_SCREEN 0xE07C
#define PS2_KEY_PAUSE        0xE177
#define PS2_KBD_MAX_SEQUENCE 8 /* Pause */

struct ps2_kbd {
    struct ps2_queue q;
    uint8_t set; /* scan code set: 1 or 2 */
    bool scanning;
    uint8_t leds;
    uint8_t typematic;
    uint8_t awaiting;  /* the command whose parameter comes next, or 0 */
    uint8_t last_sent; /* for the resend command */
    bool overrun_last; /* the last data queued is an overrun code */
    uint8_t modifiers; /* Shift, Ctrl and Alt keys held, for Print Screen and Pause */
};

/* Power-on state: defaults, scanning on, nothing to send.  (A real
 * keyboard sends AA after power-on; firmware flushes it anyway.) */
void ps2_kbd_init(struct ps2_kbd *kbd);

/* A byte from the host. */
void ps2_kbd_write(struct ps2_kbd *kbd, uint8_t byte);

/* The owner's key event: true if its bytes were queued (a Pause release,
 * which has none, counts as queued); false if dropped, or if @key is not
 * a key (see above). */
bool ps2_kbd_key(struct ps2_kbd *kbd, uint16_t key, bool pressed);

/* A byte to send, and the next one. */
bool ps2_kbd_pending(const struct ps2_kbd *kbd);
uint8_t ps2_kbd_read(struct ps2_kbd *kbd);

/* The LEDs the host last set (PS2_KBD_LED_*). */
uint8_t ps2_kbd_leds(const struct ps2_kbd *kbd);

#endif
