/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scan code set 2 to set 1, byte by byte: the 8042's translation table.
 * With translation on (command byte bit 6) the controller passes every
 * byte from the keyboard through it, replies included (an MF2 keyboard's
 * ID AB 83 reaches the host as AB 41), and swallows a break prefix F0,
 * setting bit 7 of the byte after it instead.  A set-1 keyboard sends what
 * translation makes of its set-2 sequences, the E0/E1 prefixes and the
 * fake shifts of Print Screen and Pause included, so the keyboard model
 * uses the same table.
 *
 * Bytes 0x00-0x7F map as on every PC (set 2's overrun code 0x00 becomes
 * set 1's 0xFF); above them only 0x83 (F7, whose set-2 code does not fit
 * in 7 bits) and 0x84 (Alt+Print Screen, SysRq) change, to 0x41 and 0x54;
 * the rest (prefixes, ACK, BAT, IDs) pass unchanged.
 */
#ifndef PC_PS2_XLATE_H
#define PC_PS2_XLATE_H

#include <stdint.h>

#define PS2_SET2_BREAK 0xF0 /* set 2's break prefix */
#define PS2_SET1_BREAK 0x80 /* set 1's break bit */

uint8_t ps2_set2_to_set1(uint8_t set2);

#endif
