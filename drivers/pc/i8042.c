// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8042 keyboard controller (pc/i8042.h).
 *
 * Every entry point ends in settle(): fill the output buffer if it is
 * empty, then drive the IRQ lines from it.  The lines are functions of
 * the output buffer and the command byte, so nothing can leave them stale.
 */
#include <string.h>

#include <pc/i8042.h>
#include <pc/ps2_xlate.h>

#define CTR(c) ((c)->ram[0])

void i8042_init(struct i8042 *c, const struct i8042_callbacks *cb, void *opaque)
{
    memset(c, 0, sizeof(*c));
    ps2_kbd_init(&c->kbd);
    ps2_mouse_init(&c->mouse);
    CTR(c) = I8042_POWER_ON_CTR;
    c->outport = I8042_OUT_IDLE | I8042_OUT_A20 | I8042_OUT_RESET;
    if (cb)
        c->cb = *cb;
    c->opaque = opaque;
}

/* ---- output buffer and interrupts ------------------------------------------ */

static void set_line(struct i8042 *c, unsigned idx, bool level)
{
    if (c->irq_level[idx] == level)
        return;
    c->irq_level[idx] = level;
    if (c->cb.irq)
        c->cb.irq(c->opaque, idx == 0 ? I8042_KBD_IRQ : I8042_AUX_IRQ, level);
}

static void update_lines(struct i8042 *c)
{
    set_line(c, 0, c->obf && !c->obuf_aux && (CTR(c) & I8042_CTR_KBDINT));
    set_line(c, 1, c->obf && c->obuf_aux && (CTR(c) & I8042_CTR_AUXINT));
}

static void load(struct i8042 *c, uint8_t byte, bool aux)
{
    c->obuf = byte;
    c->obuf_aux = aux;
    c->obf = true;
}

/* The next keyboard byte, translated if the command byte says so; false if
 * the keyboard has nothing (translation may have swallowed an F0). */
static bool keyboard_byte(struct i8042 *c, uint8_t *out)
{
    while (ps2_kbd_pending(&c->kbd)) {
        uint8_t b = ps2_kbd_read(&c->kbd);

        if (!(CTR(c) & I8042_CTR_XLATE)) {
            *out = b;
            return true;
        }
        if (b == PS2_SET2_BREAK) {
            c->xlate_break = true;
            continue;
        }
        *out = (uint8_t)(ps2_set2_to_set1(b) | (c->xlate_break ? PS2_SET1_BREAK : 0));
        c->xlate_break = false;
        return true;
    }
    return false;
}

static void fill(struct i8042 *c)
{
    uint8_t b;

    if (c->obf)
        return;
    if (c->ctrl_count > 0) {
        load(c, c->ctrl[c->ctrl_head].byte, c->ctrl[c->ctrl_head].aux);
        c->ctrl_head = (uint8_t)((c->ctrl_head + 1) % I8042_CTRL_QUEUE);
        c->ctrl_count--;
    } else if (!(CTR(c) & I8042_CTR_KBDDIS) && keyboard_byte(c, &b)) {
        load(c, b, false);
    } else if (!(CTR(c) & I8042_CTR_AUXDIS) && ps2_mouse_pending(&c->mouse)) {
        load(c, ps2_mouse_read(&c->mouse), true);
    }
}

static void settle(struct i8042 *c)
{
    fill(c);
    update_lines(c);
}

/* A byte from the controller itself. */
static void ctrl_reply(struct i8042 *c, uint8_t byte, bool aux)
{
    if (c->ctrl_count == I8042_CTRL_QUEUE)
        return;
    c->ctrl[(c->ctrl_head + c->ctrl_count) % I8042_CTRL_QUEUE].byte = byte;
    c->ctrl[(c->ctrl_head + c->ctrl_count) % I8042_CTRL_QUEUE].aux = aux;
    c->ctrl_count++;
}

/* ---- command byte, output port ---------------------------------------------- */

static void write_ctr(struct i8042 *c, uint8_t v)
{
    /* An F0 swallowed under translation means nothing without it. */
    if (!(v & I8042_CTR_XLATE))
        c->xlate_break = false;
    CTR(c) = v;
}

static uint8_t output_port(const struct i8042 *c)
{
    return (uint8_t)(c->outport | (c->irq_level[0] ? I8042_OUT_IRQ1 : 0) |
                     (c->irq_level[1] ? I8042_OUT_IRQ12 : 0));
}

static void request_reset(struct i8042 *c)
{
    if (c->cb.reset)
        c->cb.reset(c->opaque);
}

static void set_a20(struct i8042 *c, bool on)
{
    bool was = c->outport & I8042_OUT_A20;

    if (on)
        c->outport |= I8042_OUT_A20;
    else
        c->outport &= (uint8_t)~I8042_OUT_A20;
    if (was != on && c->cb.a20)
        c->cb.a20(c->opaque, on);
}

static void write_output_port(struct i8042 *c, uint8_t v)
{
    /* The IRQ bits are the controller's outputs; the rest is latched, A20
     * by set_a20(), which needs the old value.  The reset line reads high
     * again: the owner resets the machine. */
    c->outport = (uint8_t)((v & ~(I8042_OUT_IRQ1 | I8042_OUT_IRQ12 | I8042_OUT_A20)) |
                           I8042_OUT_RESET | (c->outport & I8042_OUT_A20));
    set_a20(c, v & I8042_OUT_A20);
    if (!(v & I8042_OUT_RESET))
        request_reset(c);
}

/* ---- commands and data --------------------------------------------------------- */

static void command(struct i8042 *c, uint8_t cmd)
{
    c->pending = 0;
    if (cmd >= I8042_CMD_READ_RAM && cmd < I8042_CMD_READ_RAM + I8042_RAM_SIZE) {
        ctrl_reply(c, c->ram[cmd - I8042_CMD_READ_RAM], false);
        return;
    }
    if (cmd >= I8042_CMD_WRITE_RAM && cmd < I8042_CMD_WRITE_RAM + I8042_RAM_SIZE) {
        c->pending = cmd;
        return;
    }
    if (cmd >= I8042_CMD_PULSE) {
        if (!(cmd & I8042_OUT_RESET))
            request_reset(c);
        return;
    }
    switch (cmd) {
    case I8042_CMD_PASSWORD_TEST:
        ctrl_reply(c, I8042_NO_PASSWORD, false);
        break;
    case I8042_CMD_AUX_DISABLE:
        CTR(c) |= I8042_CTR_AUXDIS;
        break;
    case I8042_CMD_AUX_ENABLE:
        CTR(c) &= (uint8_t)~I8042_CTR_AUXDIS;
        break;
    case I8042_CMD_AUX_TEST:
    case I8042_CMD_KBD_TEST:
        ctrl_reply(c, I8042_PORT_TEST_OK, false);
        break;
    case I8042_CMD_SELF_TEST:
        CTR(c) |= I8042_CTR_SYS;
        ctrl_reply(c, I8042_SELF_TEST_OK, false);
        break;
    case I8042_CMD_KBD_DISABLE:
        CTR(c) |= I8042_CTR_KBDDIS;
        break;
    case I8042_CMD_KBD_ENABLE:
        CTR(c) &= (uint8_t)~I8042_CTR_KBDDIS;
        break;
    case I8042_CMD_READ_INPUT:
        ctrl_reply(c, I8042_INPUT_PORT, false);
        break;
    case I8042_CMD_READ_OUTPUT:
        ctrl_reply(c, output_port(c), false);
        break;
    case I8042_CMD_WRITE_OUTPUT:
    case I8042_CMD_WRITE_KBD_OBUF:
    case I8042_CMD_WRITE_AUX_OBUF:
    case I8042_CMD_WRITE_AUX:
        c->pending = cmd;
        break;
    case I8042_CMD_A20_OFF:
        set_a20(c, false);
        break;
    case I8042_CMD_A20_ON:
        set_a20(c, true);
        break;
    default:
        break;
    }
}

static void data(struct i8042 *c, uint8_t v)
{
    uint8_t cmd = c->pending;

    c->pending = 0;
    if (cmd >= I8042_CMD_WRITE_RAM && cmd < I8042_CMD_WRITE_RAM + I8042_RAM_SIZE) {
        if (cmd == I8042_CMD_WRITE_RAM)
            write_ctr(c, v);
        else
            c->ram[cmd - I8042_CMD_WRITE_RAM] = v;
        return;
    }
    switch (cmd) {
    case I8042_CMD_WRITE_OUTPUT:
        write_output_port(c, v);
        break;
    case I8042_CMD_WRITE_KBD_OBUF:
        ctrl_reply(c, v, false);
        break;
    case I8042_CMD_WRITE_AUX_OBUF:
        ctrl_reply(c, v, true);
        break;
    case I8042_CMD_WRITE_AUX:
        CTR(c) &= (uint8_t)~I8042_CTR_AUXDIS;
        ps2_mouse_write(&c->mouse, v);
        break;
    default:
        CTR(c) &= (uint8_t)~I8042_CTR_KBDDIS;
        ps2_kbd_write(&c->kbd, v);
        break;
    }
}

uint8_t i8042_read(struct i8042 *c, uint16_t port)
{
    uint8_t v;

    switch (port) {
    case I8042_PORT_DATA:
        v = c->obuf;
        if (c->obf) {
            c->obf = false;
            /* The line drops here, so the next byte is a new edge. */
            update_lines(c);
            settle(c);
        }
        return v;
    case I8042_PORT_CMD:
        return (uint8_t)((c->obf ? I8042_STR_OBF : 0) |
                         (CTR(c) & I8042_CTR_SYS ? I8042_STR_SYS : 0) |
                         (c->last_was_cmd ? I8042_STR_CMD : 0) | I8042_STR_INH |
                         (c->obf && c->obuf_aux ? I8042_STR_AUXOBF : 0));
    default:
        return 0xFF;
    }
}

void i8042_write(struct i8042 *c, uint16_t port, uint8_t value)
{
    switch (port) {
    case I8042_PORT_DATA:
        c->last_was_cmd = false;
        data(c, value);
        break;
    case I8042_PORT_CMD:
        c->last_was_cmd = true;
        command(c, value);
        break;
    default:
        return;
    }
    settle(c);
}

bool i8042_key(struct i8042 *c, uint16_t key, bool pressed)
{
    bool queued = ps2_kbd_key(&c->kbd, key, pressed);

    settle(c);
    return queued;
}

void i8042_mouse(struct i8042 *c, int32_t dx, int32_t dy, int32_t dz, uint8_t buttons)
{
    ps2_mouse_event(&c->mouse, dx, dy, dz, buttons);
    settle(c);
}

bool i8042_a20(const struct i8042 *c)
{
    return c->outport & I8042_OUT_A20;
}
