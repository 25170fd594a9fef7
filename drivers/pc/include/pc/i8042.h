/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PC's 8042 keyboard controller, with a PS/2 keyboard on its first
 * port and a PS/2 mouse on its auxiliary port (pc/ps2_kbd.h,
 * pc/ps2_mouse.h).  Pure logic: the owner passes the guest's accesses to
 * ports 0x60 and 0x64 and the host's key and mouse events; the model
 * reports IRQ 1 and IRQ 12, the A20 gate and reset requests through
 * callbacks.
 *
 * Ports:
 *   0x60  read: the output buffer (reading empties it; with nothing in it,
 *         the last byte again, as the register keeps it).  write: the
 *         parameter of the last command if it takes one, else a byte for
 *         the keyboard.
 *   0x64  read: status.  write: a controller command.
 * Status: OBF (bit 0) a byte waits in the output buffer; IBF (bit 1) is
 * always 0, the model being synchronous (every write is taken at once);
 * SYS (bit 2) the system flag, which is command byte bit 2; A2 (bit 3)
 * the last write was to 0x64; INH (bit 4) 1, the keyboard not inhibited
 * by a key lock; AUXB (bit 5) the byte waiting is the mouse's; timeouts
 * and parity (bits 6, 7) 0.
 *
 * Commands:
 *   20-3F  read byte 0-31 of the controller's RAM; byte 0 is the command
 *          byte: bit 0 IRQ 1 enabled, 1 IRQ 12 enabled, 2 system flag, 3
 *          ignore key lock (kept, nothing locks), 4 keyboard port disabled,
 *          5 aux port disabled, 6 translation to set 1, 7 kept.
 *   60-7F  write byte 0-31 (the next byte written to 0x60).
 *   A4     password installed?  F1: no.
 *   A7, A8 disable, enable the aux port (command byte bit 5).
 *   A9, AB test the aux, keyboard port: 00 (no fault).
 *   AA     self test: 55, and the system flag set.  The rest of the
 *          command byte is kept: some chipsets reset it, so Linux and
 *          SeaBIOS write it again after a self test, and nothing relies
 *          on it changing.
 *   AD, AE disable, enable the keyboard port (command byte bit 4).
 *   C0     read the input port: 80 (keyboard not inhibited).
 *   D0     read the output port: bit 0 not in reset, 1 A20, 4 IRQ 1
 *          output, 5 IRQ 12 output, 2-3 and 6-7 high as on an idle board.
 *   D1     write the output port (next byte): bit 0 clear asks for a reset
 *          (then reads back set again), bit 1 is the A20 gate; bits 4-5
 *          are outputs of the controller and not written.
 *   D2, D3 the next byte goes to the output buffer as if the keyboard,
 *          the mouse had sent it (untranslated, AUXB set for D3, with
 *          their interrupts), what Linux's aux loopback tests use.
 *   D4     the next byte goes to the mouse.
 *   DD, DF A20 gate off, on.
 *   F0-FF  pulse output port bits 0-3 where the command's bit is 0: bit 0
 *          (FE, and any even command) asks for a reset; pulsing the other
 *          lines has no lasting effect.
 *   Others: ignored.  A command aborts the wait for a parameter of the
 *   one before it.
 * Writing a byte to the keyboard (or, with D4, to the mouse) enables its
 * port (clears bit 4, 5 of the command byte): the controller has to
 * release the clock line to send, as real controllers and QEMU do.
 *
 * Output buffer: one byte, filled when empty from, in this order, the
 * controller's own replies (in order, up to I8042_CTRL_QUEUE of them
 * waiting; more are dropped), the keyboard (unless its port is
 * disabled), the mouse (likewise).  A device whose port is disabled
 * keeps its bytes: the controller inhibits its clock and the device
 * buffers.  A controller reply waits behind a device byte already in the
 * buffer, as the 8042 waits for the host to read.  With translation on, keyboard bytes go
 * through the 8042's table (pc/ps2_xlate.h): F0 is swallowed and sets
 * bit 7 of the next byte.
 *
 * Interrupts: IRQ 1 is high while the output buffer holds a byte that is
 * not the mouse's and command byte bit 0 is set; IRQ 12 while it holds a
 * mouse byte and bit 1 is set.  irq() is told every change.  Reading
 * port 0x60 drops the line before the next byte raises it again, so each
 * byte is one rising edge, which is what the PC's edge-triggered IRQ 1
 * and 12 latch: wire irq() straight to i8259_set_irq() (or pulse the
 * input on each rise).  Setting an enable bit while a byte waits raises
 * the line, as on the chip.
 *
 * Reset and A20: reset() is called for each request (the model goes on as
 * if nothing happened: the owner resets the machine, and this model with
 * i8042_init(), if it wants); a20() for each change of the gate.  A20
 * starts enabled and is not reported at init.
 *
 * Power-on state: command byte 0x03 (both interrupts on, both ports
 * enabled, no translation: QEMU's, which firmware and Linux cope with),
 * system flag clear, output port 0xCF, devices as after their own reset.
 *
 * Callbacks may be NULL and must not call back into the model.
 */
#ifndef PC_I8042_H
#define PC_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include <pc/ps2_kbd.h>
#include <pc/ps2_mouse.h>

#define I8042_PORT_DATA 0x60
#define I8042_PORT_CMD  0x64 /* status when read */
#define I8042_KBD_IRQ   1
#define I8042_AUX_IRQ   12

/* Status register. */
#define I8042_STR_OBF    0x01
#define I8042_STR_IBF    0x02
#define I8042_STR_SYS    0x04
#define I8042_STR_CMD    0x08 /* A2 */
#define I8042_STR_INH    0x10 /* 1: not inhibited */
#define I8042_STR_AUXOBF 0x20

/* Command byte. */
#define I8042_CTR_KBDINT    0x01
#define I8042_CTR_AUXINT    0x02
#define I8042_CTR_SYS       0x04
#define I8042_CTR_IGNKEYLCK 0x08
#define I8042_CTR_KBDDIS    0x10
#define I8042_CTR_AUXDIS    0x20
#define I8042_CTR_XLATE     0x40

/* Output port. */
#define I8042_OUT_RESET 0x01 /* 0: reset */
#define I8042_OUT_A20   0x02
#define I8042_OUT_IRQ1  0x10
#define I8042_OUT_IRQ12 0x20
#define I8042_OUT_IDLE  0xCC /* lines that read high, untouched */

/* Commands. */
#define I8042_CMD_READ_RAM       0x20 /* ..0x3F */
#define I8042_CMD_WRITE_RAM      0x60 /* ..0x7F */
#define I8042_CMD_PASSWORD_TEST  0xA4
#define I8042_CMD_AUX_DISABLE    0xA7
#define I8042_CMD_AUX_ENABLE     0xA8
#define I8042_CMD_AUX_TEST       0xA9
#define I8042_CMD_SELF_TEST      0xAA
#define I8042_CMD_KBD_TEST       0xAB
#define I8042_CMD_KBD_DISABLE    0xAD
#define I8042_CMD_KBD_ENABLE     0xAE
#define I8042_CMD_READ_INPUT     0xC0
#define I8042_CMD_READ_OUTPUT    0xD0
#define I8042_CMD_WRITE_OUTPUT   0xD1
#define I8042_CMD_WRITE_KBD_OBUF 0xD2
#define I8042_CMD_WRITE_AUX_OBUF 0xD3
#define I8042_CMD_WRITE_AUX      0xD4
#define I8042_CMD_A20_OFF        0xDD
#define I8042_CMD_A20_ON         0xDF
#define I8042_CMD_PULSE          0xF0 /* ..0xFF: low nibble 0 = pulse that line */
#define I8042_CMD_RESET          0xFE

/* Replies. */
#define I8042_SELF_TEST_OK 0x55
#define I8042_PORT_TEST_OK 0x00
#define I8042_NO_PASSWORD  0xF1
#define I8042_INPUT_PORT   0x80

#define I8042_RAM_SIZE     32
#define I8042_CTRL_QUEUE   8
#define I8042_POWER_ON_CTR (I8042_CTR_KBDINT | I8042_CTR_AUXINT)

struct i8042_callbacks {
    void (*irq)(void *opaque, unsigned irq, bool level); /* I8042_KBD_IRQ or I8042_AUX_IRQ */
    void (*a20)(void *opaque, bool enabled);
    void (*reset)(void *opaque);
};

struct i8042 {
    struct ps2_kbd kbd;
    struct ps2_mouse mouse;
    uint8_t ram[I8042_RAM_SIZE]; /* ram[0]: the command byte */
    uint8_t outport;             /* bits other than the IRQ outputs */
    bool last_was_cmd;           /* A2 */
    uint8_t pending;             /* command waiting for its parameter, or 0 */
    /* The output buffer. */
    bool obf;
    bool obuf_aux;
    uint8_t obuf;
    bool xlate_break; /* translation swallowed an F0: bit 7 for the next byte */
    /* Controller replies waiting for the output buffer. */
    struct {
        uint8_t byte;
        bool aux;
    } ctrl[I8042_CTRL_QUEUE];
    uint8_t ctrl_head, ctrl_count;
    bool irq_level[2]; /* IRQ 1, IRQ 12 as last told */
    struct i8042_callbacks cb;
    void *opaque;
};

/* Power-on state (see above); @cb may be NULL.  The lines start low and
 * are not reported. */
void i8042_init(struct i8042 *c, const struct i8042_callbacks *cb, void *opaque);

/* A guest's byte access to I8042_PORT_DATA or I8042_PORT_CMD; other ports
 * read 0xFF and ignore writes. */
uint8_t i8042_read(struct i8042 *c, uint16_t port);
void i8042_write(struct i8042 *c, uint16_t port, uint8_t value);

/* The host's key event (see pc/ps2_kbd.h for @key): true if queued. */
bool i8042_key(struct i8042 *c, uint16_t key, bool pressed);

/* The host's mouse event (see pc/ps2_mouse.h). */
void i8042_mouse(struct i8042 *c, int32_t dx, int32_t dy, int32_t dz, uint8_t buttons);

/* The A20 gate as the guest last set it. */
bool i8042_a20(const struct i8042 *c);

#endif
