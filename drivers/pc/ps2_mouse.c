// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PS/2 mouse (pc/ps2_mouse.h).
 *
 * Movement lives in counters until a packet carries it, so that a guest
 * slower than the owner's events gets fewer, larger packets instead of
 * losing motion; flush() turns counters into packets whenever there is
 * room for one.
 */
#include <string.h>

#include <pc/ps2_kbd.h> /* PS2_ACK, PS2_RESEND, PS2_BAT_OK */
#include <pc/ps2_mouse.h>

#define PACKET_SYNC   0x08 /* bit 3 of byte 0, always set */
#define PACKET_X_SIGN 0x10
#define PACKET_Y_SIGN 0x20
#define PACKET_X_OVF  0x40
#define PACKET_Y_OVF  0x80
#define XY_MIN        (-256)
#define XY_MAX        255
#define WHEEL_MIN     (-8)
#define WHEEL_MAX     7

static int32_t clamp(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void set_defaults(struct ps2_mouse *m)
{
    m->rate = PS2_MOUSE_DEFAULT_RATE;
    m->resolution = PS2_MOUSE_DEFAULT_RESOLUTION;
    m->scale_2_1 = false;
    m->reporting = false;
}

/* The counters are reset: nothing moved, nothing waits to be sent. */
static void reset_counters(struct ps2_mouse *m)
{
    m->dx = m->dy = m->dz = 0;
    m->buttons_changed = false;
    ps2_queue_clear_data(&m->q);
}

void ps2_mouse_init(struct ps2_mouse *m)
{
    memset(m, 0, sizeof(*m));
    ps2_queue_init(&m->q);
    set_defaults(m);
}

static unsigned packet_size(const struct ps2_mouse *m)
{
    return m->id == PS2_MOUSE_ID_STANDARD ? 3 : 4;
}

/* 2:1 scaling of one axis. */
static int32_t scale_2_1(int32_t v)
{
    static const int32_t small[] = {0, 1, 1, 3, 6, 9};
    int32_t mag = v < 0 ? -v : v;
    int32_t s = mag < 6 ? small[mag] : 2 * mag;

    return v < 0 ? -s : s;
}

/* One packet out of the counters, taking from them what it carries. */
static unsigned make_packet(struct ps2_mouse *m, bool scaled, uint8_t *p)
{
    int32_t x = clamp(m->dx, XY_MIN, XY_MAX), y = clamp(m->dy, XY_MIN, XY_MAX);
    int32_t z = clamp(m->dz, WHEEL_MIN, WHEEL_MAX);
    uint8_t b0 = PACKET_SYNC | (m->buttons & (PS2_MOUSE_LEFT | PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE));

    m->dx -= x;
    m->dy -= y;
    m->dz -= z;
    m->buttons_changed = false;
    if (scaled) {
        x = scale_2_1(x);
        y = scale_2_1(y);
    }
    if (x < XY_MIN || x > XY_MAX) {
        b0 |= PACKET_X_OVF;
        x = clamp(x, XY_MIN, XY_MAX);
    }
    if (y < XY_MIN || y > XY_MAX) {
        b0 |= PACKET_Y_OVF;
        y = clamp(y, XY_MIN, XY_MAX);
    }
    if (x < 0)
        b0 |= PACKET_X_SIGN;
    if (y < 0)
        b0 |= PACKET_Y_SIGN;
    p[0] = b0;
    p[1] = (uint8_t)x;
    p[2] = (uint8_t)y;
    if (m->id == PS2_MOUSE_ID_INTELLI)
        p[3] = (uint8_t)z;
    else if (m->id == PS2_MOUSE_ID_EXPLORER)
        p[3] = (uint8_t)((z & 0x0F) | (m->buttons & (PS2_MOUSE_BUTTON4 | PS2_MOUSE_BUTTON5)) << 1);
    return packet_size(m);
}

static bool streaming(const struct ps2_mouse *m)
{
    return m->reporting && !m->remote && !m->wrap;
}

/* Counters to packets, while they fit. */
static void flush(struct ps2_mouse *m)
{
    uint8_t p[PS2_MOUSE_MAX_PACKET];

    /* Only a wheel mouse has anywhere to put the wheel. */
    if (m->id == PS2_MOUSE_ID_STANDARD)
        m->dz = 0;
    if (!streaming(m))
        return;
    while ((m->dx || m->dy || m->dz || m->buttons_changed) &&
           ps2_queue_room(&m->q) >= packet_size(m)) {
        unsigned n = make_packet(m, m->scale_2_1, p);

        ps2_queue_put_unit(&m->q, p, n);
    }
}

static void reply(struct ps2_mouse *m, uint8_t byte)
{
    ps2_queue_put_reply(&m->q, &byte, 1);
}

static void sample_rate(struct ps2_mouse *m, uint8_t rate)
{
    m->rate = rate;
    m->knock[0] = m->knock[1];
    m->knock[1] = m->knock[2];
    m->knock[2] = rate;
    if (m->knock[0] == 200 && m->knock[2] == 80) {
        if (m->knock[1] == 100 && m->id == PS2_MOUSE_ID_STANDARD)
            m->id = PS2_MOUSE_ID_INTELLI;
        else if (m->knock[1] == 200 && m->id == PS2_MOUSE_ID_INTELLI)
            m->id = PS2_MOUSE_ID_EXPLORER;
    }
}

static void parameter(struct ps2_mouse *m, uint8_t cmd, uint8_t byte)
{
    if (cmd == PS2_MOUSE_CMD_SAMPLE_RATE) {
        sample_rate(m, byte);
        reply(m, PS2_ACK);
    } else if (byte <= 3) {
        m->resolution = byte;
        reply(m, PS2_ACK);
    } else {
        reply(m, PS2_RESEND);
    }
}

static void command(struct ps2_mouse *m, uint8_t byte)
{
    uint8_t r[1 + PS2_MOUSE_MAX_PACKET];

    switch (byte) {
    case PS2_MOUSE_CMD_RESET:
        ps2_queue_clear_replies(&m->q);
        set_defaults(m);
        m->remote = m->wrap = false;
        m->id = PS2_MOUSE_ID_STANDARD;
        memset(m->knock, 0, sizeof(m->knock));
        reset_counters(m);
        r[0] = PS2_ACK;
        r[1] = PS2_BAT_OK;
        r[2] = PS2_MOUSE_ID_STANDARD;
        ps2_queue_put_reply(&m->q, r, 3);
        return;
    case PS2_MOUSE_CMD_RESEND:
        reply(m, m->last_sent);
        return;
    case PS2_MOUSE_CMD_DEFAULTS:
        set_defaults(m);
        break;
    case PS2_MOUSE_CMD_DISABLE:
        m->reporting = false;
        break;
    case PS2_MOUSE_CMD_ENABLE:
        m->reporting = true;
        break;
    case PS2_MOUSE_CMD_REMOTE:
        m->remote = true;
        break;
    case PS2_MOUSE_CMD_STREAM:
        m->remote = false;
        break;
    case PS2_MOUSE_CMD_WRAP_ON:
        m->wrap = true;
        break;
    case PS2_MOUSE_CMD_WRAP_OFF:
        m->wrap = false;
        break;
    case PS2_MOUSE_CMD_IDENTIFY:
        reset_counters(m);
        r[0] = PS2_ACK;
        r[1] = m->id;
        ps2_queue_put_reply(&m->q, r, 2);
        return;
    case PS2_MOUSE_CMD_READ_DATA:
        if (m->id == PS2_MOUSE_ID_STANDARD)
            m->dz = 0;
        r[0] = PS2_ACK;
        ps2_queue_put_reply(&m->q, r, 1 + make_packet(m, false, r + 1));
        return;
    case PS2_MOUSE_CMD_STATUS:
        r[0] = PS2_ACK;
        r[1] = (uint8_t)((m->remote ? PS2_MOUSE_STATUS_REMOTE : 0) |
                         (m->reporting ? PS2_MOUSE_STATUS_REPORTING : 0) |
                         (m->scale_2_1 ? PS2_MOUSE_STATUS_SCALE_2_1 : 0) |
                         (m->buttons & PS2_MOUSE_LEFT ? 0x04 : 0) |
                         (m->buttons & PS2_MOUSE_MIDDLE ? 0x02 : 0) |
                         (m->buttons & PS2_MOUSE_RIGHT ? 0x01 : 0));
        r[2] = m->resolution;
        r[3] = m->rate;
        ps2_queue_put_reply(&m->q, r, 4);
        return;
    case PS2_MOUSE_CMD_SCALE_1_1:
    case PS2_MOUSE_CMD_SCALE_2_1:
        m->scale_2_1 = byte == PS2_MOUSE_CMD_SCALE_2_1;
        reply(m, PS2_ACK);
        return;
    case PS2_MOUSE_CMD_RESOLUTION:
    case PS2_MOUSE_CMD_SAMPLE_RATE:
        m->awaiting = byte;
        reply(m, PS2_ACK);
        return;
    default:
        reply(m, PS2_RESEND);
        return;
    }
    /* The mode and reporting commands that broke out of the switch. */
    reset_counters(m);
    reply(m, PS2_ACK);
}

void ps2_mouse_write(struct ps2_mouse *m, uint8_t byte)
{
    uint8_t cmd = m->awaiting;

    m->awaiting = 0;
    if (m->wrap && byte != PS2_MOUSE_CMD_WRAP_OFF && byte != PS2_MOUSE_CMD_RESET)
        reply(m, byte);
    else if (cmd != 0 && byte < PS2_MOUSE_CMD_SCALE_1_1)
        parameter(m, cmd, byte);
    else
        command(m, byte);
}

static int32_t add_counter(int32_t counter, int32_t delta)
{
    int64_t sum = (int64_t)counter + delta;

    return (int32_t)(sum < -PS2_MOUSE_COUNTER_MAX  ? -PS2_MOUSE_COUNTER_MAX
                     : sum > PS2_MOUSE_COUNTER_MAX ? PS2_MOUSE_COUNTER_MAX
                                                   : sum);
}

void ps2_mouse_event(struct ps2_mouse *m, int32_t dx, int32_t dy, int32_t dz, uint8_t buttons)
{
    buttons &= PS2_MOUSE_BUTTONS;
    m->dx = add_counter(m->dx, dx);
    m->dy = add_counter(m->dy, dy);
    m->dz = add_counter(m->dz, dz);
    if (buttons != m->buttons) {
        m->buttons = buttons;
        m->buttons_changed = true;
    }
    flush(m);
}

bool ps2_mouse_pending(const struct ps2_mouse *m)
{
    return !ps2_queue_empty(&m->q);
}

uint8_t ps2_mouse_read(struct ps2_mouse *m)
{
    if (!ps2_mouse_pending(m))
        return 0;
    m->last_sent = ps2_queue_pop(&m->q);
    flush(m);
    return m->last_sent;
}
