// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PS/2 keyboard (pc/ps2_kbd.h).
 *
 * Keys are built as set-2 sequences and, in set 1, converted with the
 * 8042's table: one source of truth for the codes of both sets.
 */
#include <string.h>

#include <pc/ps2_kbd.h>
#include <pc/ps2_xlate.h>

/* Set-2 codes the model has to recognise. */
#define SET2_LSHIFT    0x12
#define SET2_RSHIFT    0x59
#define SET2_CTRL      0x14 /* left; E0: right */
#define SET2_ALT       0x11 /* left; E0: right */
#define SET2_PRTSC     0x7C
#define SET2_SYSRQ     0x84
#define SET2_F7        0x83
#define SET2_BREAK_KEY 0x7E /* Ctrl+Pause, E0-prefixed */
#define SET2_E0        0xE0
#define SET2_E1        0xE1
#define SET2_OVERRUN   0x00

/* Bits of ps2_kbd.modifiers. */
#define MOD_LSHIFT 0x01
#define MOD_RSHIFT 0x02
#define MOD_LCTRL  0x04
#define MOD_RCTRL  0x08
#define MOD_LALT   0x10
#define MOD_RALT   0x20
#define MOD_SHIFT  (MOD_LSHIFT | MOD_RSHIFT)
#define MOD_CTRL   (MOD_LCTRL | MOD_RCTRL)
#define MOD_ALT    (MOD_LALT | MOD_RALT)

static void set_defaults(struct ps2_kbd *kbd)
{
    kbd->set = 2;
    kbd->leds = 0;
    kbd->typematic = PS2_KBD_TYPEMATIC_DEFAULT;
}

void ps2_kbd_init(struct ps2_kbd *kbd)
{
    memset(kbd, 0, sizeof(*kbd));
    ps2_queue_init(&kbd->q);
    set_defaults(kbd);
    kbd->scanning = true;
}

static void reply(struct ps2_kbd *kbd, uint8_t byte)
{
    ps2_queue_put_reply(&kbd->q, &byte, 1);
}

static void reply2(struct ps2_kbd *kbd, uint8_t b0, uint8_t b1)
{
    const uint8_t bytes[2] = {b0, b1};

    ps2_queue_put_reply(&kbd->q, bytes, 2);
}

static void clear_data(struct ps2_kbd *kbd)
{
    ps2_queue_clear_data(&kbd->q);
    kbd->overrun_last = false;
}

/* The parameter of @cmd. */
static void parameter(struct ps2_kbd *kbd, uint8_t cmd, uint8_t byte)
{
    switch (cmd) {
    case PS2_KBD_CMD_LEDS:
        kbd->leds = byte & (PS2_KBD_LED_SCROLL | PS2_KBD_LED_NUM | PS2_KBD_LED_CAPS);
        reply(kbd, PS2_ACK);
        return;
    case PS2_KBD_CMD_TYPEMATIC:
        if (byte & 0x80)
            break;
        kbd->typematic = byte;
        reply(kbd, PS2_ACK);
        return;
    case PS2_KBD_CMD_SCANSET:
        if (byte == 0) {
            reply2(kbd, PS2_ACK, kbd->set);
            return;
        }
        if (byte == 1 || byte == 2) {
            kbd->set = byte;
            /* What was queued is in the old set: gone, as on a set switch. */
            clear_data(kbd);
            reply(kbd, PS2_ACK);
            return;
        }
        break;
    }
    reply(kbd, PS2_RESEND);
}

static void command(struct ps2_kbd *kbd, uint8_t byte)
{
    switch (byte) {
    case PS2_KBD_CMD_RESET:
        ps2_queue_clear_replies(&kbd->q);
        clear_data(kbd);
        set_defaults(kbd);
        kbd->scanning = true;
        reply2(kbd, PS2_ACK, PS2_BAT_OK);
        break;
    case PS2_KBD_CMD_RESEND:
        reply(kbd, kbd->last_sent);
        break;
    case PS2_KBD_CMD_DEFAULTS:
    case PS2_KBD_CMD_DISABLE:
        set_defaults(kbd);
        /* fall through */
    case PS2_KBD_CMD_ENABLE:
        clear_data(kbd);
        kbd->scanning = byte != PS2_KBD_CMD_DISABLE;
        reply(kbd, PS2_ACK);
        break;
    case PS2_KBD_CMD_IDENTIFY: {
        const uint8_t id[3] = {PS2_ACK, PS2_KBD_ID0, PS2_KBD_ID1};

        ps2_queue_put_reply(&kbd->q, id, sizeof(id));
        break;
    }
    case PS2_KBD_CMD_ECHO:
        reply(kbd, PS2_KBD_CMD_ECHO);
        break;
    case PS2_KBD_CMD_LEDS:
    case PS2_KBD_CMD_TYPEMATIC:
    case PS2_KBD_CMD_SCANSET:
        kbd->awaiting = byte;
        reply(kbd, PS2_ACK);
        break;
    default:
        reply(kbd, PS2_RESEND);
        break;
    }
}

void ps2_kbd_write(struct ps2_kbd *kbd, uint8_t byte)
{
    uint8_t cmd = kbd->awaiting;

    kbd->awaiting = 0;
    if (cmd != 0 && byte < PS2_KBD_CMD_LEDS)
        parameter(kbd, cmd, byte);
    else
        command(kbd, byte);
}

/* ---- keys ---------------------------------------------------------------- */

static uint8_t modifier_bit(uint16_t key)
{
    switch (key) {
    case SET2_LSHIFT:
        return MOD_LSHIFT;
    case SET2_RSHIFT:
        return MOD_RSHIFT;
    case SET2_CTRL:
        return MOD_LCTRL;
    case PS2_KEY_EXTENDED | SET2_CTRL:
        return MOD_RCTRL;
    case SET2_ALT:
        return MOD_LALT;
    case PS2_KEY_EXTENDED | SET2_ALT:
        return MOD_RALT;
    default:
        return 0;
    }
}

static bool valid_key(uint16_t key)
{
    uint8_t code = key & 0xFF;

    if (key == PS2_KEY_PAUSE)
        return true;
    if ((key >> 8) == 0)
        return (code >= 0x01 && code <= 0x7F) || code == SET2_F7 || code == SET2_SYSRQ;
    return (key >> 8) == SET2_E0 && code >= 0x01 && code <= 0x7F;
}

/* Appends @n bytes at *len. */
static void emit(uint8_t *seq, unsigned *len, const uint8_t *bytes, unsigned n)
{
    memcpy(seq + *len, bytes, n);
    *len += n;
}

static unsigned print_screen_sequence(const struct ps2_kbd *kbd, bool pressed, uint8_t *seq)
{
    static const uint8_t fake_shift_make[] = {SET2_E0, SET2_LSHIFT, SET2_E0, SET2_PRTSC};
    static const uint8_t fake_shift_break[] = {SET2_E0, PS2_SET2_BREAK, SET2_PRTSC,
                                               SET2_E0, PS2_SET2_BREAK, SET2_LSHIFT};
    static const uint8_t alone_make[] = {SET2_E0, SET2_PRTSC};
    static const uint8_t alone_break[] = {SET2_E0, PS2_SET2_BREAK, SET2_PRTSC};
    static const uint8_t sysrq_make[] = {SET2_SYSRQ};
    static const uint8_t sysrq_break[] = {PS2_SET2_BREAK, SET2_SYSRQ};
    unsigned len = 0;

    if (kbd->modifiers & MOD_ALT) {
        if (pressed)
            emit(seq, &len, sysrq_make, sizeof(sysrq_make));
        else
            emit(seq, &len, sysrq_break, sizeof(sysrq_break));
    } else if (kbd->modifiers & (MOD_SHIFT | MOD_CTRL)) {
        if (pressed)
            emit(seq, &len, alone_make, sizeof(alone_make));
        else
            emit(seq, &len, alone_break, sizeof(alone_break));
    } else if (pressed) {
        emit(seq, &len, fake_shift_make, sizeof(fake_shift_make));
    } else {
        emit(seq, &len, fake_shift_break, sizeof(fake_shift_break));
    }
    return len;
}

static unsigned pause_sequence(const struct ps2_kbd *kbd, bool pressed, uint8_t *seq)
{
    static const uint8_t pause_make[] = {SET2_E1, SET2_CTRL, 0x77, SET2_E1,
                                         0xF0,    SET2_CTRL, 0xF0, 0x77};
    static const uint8_t break_make[] = {SET2_E0, SET2_BREAK_KEY, SET2_E0, PS2_SET2_BREAK,
                                         SET2_BREAK_KEY};
    unsigned len = 0;

    /* Pause has no break code: the whole press-release is in the make. */
    if (!pressed)
        return 0;
    if (kbd->modifiers & MOD_CTRL)
        emit(seq, &len, break_make, sizeof(break_make));
    else
        emit(seq, &len, pause_make, sizeof(pause_make));
    return len;
}

/* The key's set-2 sequence. */
static unsigned set2_sequence(const struct ps2_kbd *kbd, uint16_t key, bool pressed, uint8_t *seq)
{
    unsigned len = 0;

    if (key == PS2_KEY_PRINT_SCREEN)
        return print_screen_sequence(kbd, pressed, seq);
    if (key == PS2_KEY_PAUSE)
        return pause_sequence(kbd, pressed, seq);
    if (key & PS2_KEY_EXTENDED)
        seq[len++] = SET2_E0;
    if (!pressed)
        seq[len++] = PS2_SET2_BREAK;
    seq[len++] = key & 0xFF;
    return len;
}

/* Set 2 to set 1 in place: F0 becomes bit 7 of the byte after it. */
static unsigned to_set1(uint8_t *seq, unsigned len)
{
    unsigned out = 0;
    bool brk = false;

    for (unsigned i = 0; i < len; i++) {
        if (seq[i] == PS2_SET2_BREAK) {
            brk = true;
            continue;
        }
        seq[out++] = (uint8_t)(ps2_set2_to_set1(seq[i]) | (brk ? PS2_SET1_BREAK : 0));
        brk = false;
    }
    return out;
}

/* Queue a key's bytes, keeping a byte for the overrun code. */
static bool queue_key(struct ps2_kbd *kbd, const uint8_t *seq, unsigned len)
{
    uint8_t overrun = kbd->set == 1 ? ps2_set2_to_set1(SET2_OVERRUN) : SET2_OVERRUN;

    if (len + 1 <= ps2_queue_room(&kbd->q)) {
        ps2_queue_put_unit(&kbd->q, seq, len);
        kbd->overrun_last = false;
        return true;
    }
    if (!kbd->overrun_last && ps2_queue_put_unit(&kbd->q, &overrun, 1))
        kbd->overrun_last = true;
    return false;
}

bool ps2_kbd_key(struct ps2_kbd *kbd, uint16_t key, bool pressed)
{
    uint8_t seq[PS2_KBD_MAX_SEQUENCE];
    uint8_t mod = modifier_bit(key);
    unsigned len;

    if (!valid_key(key))
        return false;
    /* Physical state: it changes whether the host listens or not. */
    if (pressed)
        kbd->modifiers |= mod;
    else
        kbd->modifiers &= (uint8_t)~mod;
    if (!kbd->scanning)
        return false;
    len = set2_sequence(kbd, key, pressed, seq);
    if (len == 0)
        return true;
    if (kbd->set == 1)
        len = to_set1(seq, len);
    return queue_key(kbd, seq, len);
}

bool ps2_kbd_pending(const struct ps2_kbd *kbd)
{
    return !ps2_queue_empty(&kbd->q);
}

uint8_t ps2_kbd_read(struct ps2_kbd *kbd)
{
    if (!ps2_kbd_pending(kbd))
        return 0;
    kbd->last_sent = ps2_queue_pop(&kbd->q);
    if (ps2_queue_room(&kbd->q) == PS2_QUEUE_DATA)
        kbd->overrun_last = false;
    return kbd->last_sent;
}

uint8_t ps2_kbd_leds(const struct ps2_kbd *kbd)
{
    return kbd->leds;
}
