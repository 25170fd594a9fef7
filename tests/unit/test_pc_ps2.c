// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/ps2_kbd.c and ps2_mouse.c, the PS/2 keyboard
 * and mouse on their own (the 8042 in front of them is test_pc_i8042.c):
 * the keyboard's commands (reset, identify, echo, resend, LEDs, typematic,
 * scan code sets 1 and 2, set 3 refused, enable and disable), parameters
 * lost to a new command, keys in both sets with Print Screen and Pause in
 * their modifier variants, replies ahead of queued keys but never inside a
 * key's sequence, the overrun code; the mouse's commands (reset, identify,
 * status, resolution, scaling, stream and remote modes, wrap mode,
 * resend), packets with signs, splitting of large movement, 2:1 scaling,
 * the IntelliMouse knocks and their 4-byte packets, movement held while
 * the queue is full and saturating counters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <pc/ps2_kbd.h>
#include <pc/ps2_mouse.h>

static struct ps2_kbd kbd;
static struct ps2_mouse mouse;

static int setup(void **state)
{
    (void)state;
    ps2_kbd_init(&kbd);
    ps2_mouse_init(&mouse);
    return 0;
}

/* Everything the keyboard has to send now, which must be @n bytes. */
static void kbd_expect(const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        assert_true(ps2_kbd_pending(&kbd));
        assert_int_equal(ps2_kbd_read(&kbd), bytes[i]);
    }
    assert_false(ps2_kbd_pending(&kbd));
}

#define KBD_EXPECT(...)                                                                            \
    do {                                                                                           \
        const uint8_t e_[] = {__VA_ARGS__};                                                        \
        kbd_expect(e_, sizeof(e_));                                                                \
    } while (0)

static void mouse_expect(const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        assert_true(ps2_mouse_pending(&mouse));
        assert_int_equal(ps2_mouse_read(&mouse), bytes[i]);
    }
    assert_false(ps2_mouse_pending(&mouse));
}

#define MOUSE_EXPECT(...)                                                                          \
    do {                                                                                           \
        const uint8_t e_[] = {__VA_ARGS__};                                                        \
        mouse_expect(e_, sizeof(e_));                                                              \
    } while (0)

static void kbd_send(uint8_t b)
{
    ps2_kbd_write(&kbd, b);
}

static void mouse_send(uint8_t b)
{
    ps2_mouse_write(&mouse, b);
}

/* ---- keyboard ------------------------------------------------------------ */

static void test_kbd_power_on(void **state)
{
    (void)state;
    /* Nothing to send, scanning, set 2. */
    assert_false(ps2_kbd_pending(&kbd));
    assert_int_equal(ps2_kbd_read(&kbd), 0);
    assert_true(ps2_kbd_key(&kbd, 0x1C, true));
    KBD_EXPECT(0x1C);
    assert_int_equal(ps2_kbd_leds(&kbd), 0);
}

static void test_kbd_reset_identify_echo(void **state)
{
    (void)state;
    kbd_send(PS2_KBD_CMD_RESET);
    KBD_EXPECT(PS2_ACK, PS2_BAT_OK);
    kbd_send(PS2_KBD_CMD_IDENTIFY);
    KBD_EXPECT(PS2_ACK, 0xAB, 0x83);
    kbd_send(PS2_KBD_CMD_ECHO);
    KBD_EXPECT(0xEE);
    /* Resend repeats the last byte sent, twice over if asked twice. */
    kbd_send(PS2_KBD_CMD_RESEND);
    KBD_EXPECT(0xEE);
    kbd_send(PS2_KBD_CMD_IDENTIFY);
    KBD_EXPECT(PS2_ACK, 0xAB, 0x83);
    kbd_send(PS2_KBD_CMD_RESEND);
    KBD_EXPECT(0x83);
    /* Unknown commands, the set-3 ones among them. */
    for (unsigned b = 0; b < 0x100; b++) {
        if (b == 0xED || b == 0xEE || b == 0xF0 || (b >= 0xF2 && b <= 0xF6) || b >= 0xFE)
            continue;
        kbd_send((uint8_t)b);
        KBD_EXPECT(PS2_RESEND);
    }
    /* A reset drops whatever was still to be sent. */
    assert_true(ps2_kbd_key(&kbd, 0x1C, true));
    kbd_send(PS2_KBD_CMD_IDENTIFY);
    kbd_send(PS2_KBD_CMD_RESET);
    KBD_EXPECT(PS2_ACK, PS2_BAT_OK);
}

static void test_kbd_leds_and_typematic(void **state)
{
    (void)state;
    kbd_send(PS2_KBD_CMD_LEDS);
    KBD_EXPECT(PS2_ACK);
    kbd_send(PS2_KBD_LED_NUM | PS2_KBD_LED_CAPS);
    KBD_EXPECT(PS2_ACK);
    assert_int_equal(ps2_kbd_leds(&kbd), PS2_KBD_LED_NUM | PS2_KBD_LED_CAPS);
    /* Undefined LED bits are dropped. */
    kbd_send(PS2_KBD_CMD_LEDS);
    kbd_send(0xDF);
    KBD_EXPECT(PS2_ACK, PS2_ACK);
    assert_int_equal(ps2_kbd_leds(&kbd), 0x07);

    kbd_send(PS2_KBD_CMD_TYPEMATIC);
    kbd_send(0x00);
    KBD_EXPECT(PS2_ACK, PS2_ACK);
    assert_int_equal(kbd.typematic, 0x00);
    /* Bit 7 is not a typematic value: resend, and the parameter is gone. */
    kbd_send(PS2_KBD_CMD_TYPEMATIC);
    kbd_send(0x80);
    KBD_EXPECT(PS2_ACK, PS2_RESEND);
    assert_int_equal(kbd.typematic, 0x00);
    kbd_send(0x20);
    KBD_EXPECT(PS2_RESEND);

    /* A command where a parameter is awaited is that command. */
    kbd_send(PS2_KBD_CMD_LEDS);
    kbd_send(PS2_KBD_CMD_ECHO);
    KBD_EXPECT(PS2_ACK, 0xEE);
    kbd_send(PS2_KBD_CMD_TYPEMATIC);
    KBD_EXPECT(PS2_ACK);
    kbd_send(PS2_KBD_CMD_RESET);
    KBD_EXPECT(PS2_ACK, PS2_BAT_OK);
    /* A reset also drops a reply not yet sent. */
    kbd_send(PS2_KBD_CMD_ECHO);
    kbd_send(PS2_KBD_CMD_RESET);
    KBD_EXPECT(PS2_ACK, PS2_BAT_OK);
    /* The reset restored the defaults. */
    assert_int_equal(ps2_kbd_leds(&kbd), 0);
    assert_int_equal(kbd.typematic, PS2_KBD_TYPEMATIC_DEFAULT);
}

static void test_kbd_scan_code_sets(void **state)
{
    (void)state;
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(0);
    KBD_EXPECT(PS2_ACK, PS2_ACK, 2);
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(1);
    KBD_EXPECT(PS2_ACK, PS2_ACK);
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(0);
    KBD_EXPECT(PS2_ACK, PS2_ACK, 1);

    /* Set 1: 'a', right Ctrl, F7, keypad Enter. */
    ps2_kbd_key(&kbd, 0x1C, true);
    ps2_kbd_key(&kbd, 0x1C, false);
    KBD_EXPECT(0x1E, 0x9E);
    ps2_kbd_key(&kbd, 0xE014, true);
    ps2_kbd_key(&kbd, 0xE014, false);
    KBD_EXPECT(0xE0, 0x1D, 0xE0, 0x9D);
    ps2_kbd_key(&kbd, 0x83, true);
    ps2_kbd_key(&kbd, 0x83, false);
    KBD_EXPECT(0x41, 0xC1);
    ps2_kbd_key(&kbd, 0xE05A, true);
    KBD_EXPECT(0xE0, 0x1C);
    /* Print Screen and Pause with their fake shifts, in set 1. */
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, true);
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, false);
    KBD_EXPECT(0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA);
    ps2_kbd_key(&kbd, PS2_KEY_PAUSE, true);
    ps2_kbd_key(&kbd, PS2_KEY_PAUSE, false);
    KBD_EXPECT(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);

    /* Set 3 is refused and the set stays. */
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(3);
    KBD_EXPECT(PS2_ACK, PS2_RESEND);
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(0);
    KBD_EXPECT(PS2_ACK, PS2_ACK, 1);
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(4);
    KBD_EXPECT(PS2_ACK, PS2_RESEND);

    /* Switching sets drops keys queued in the old one. */
    ps2_kbd_key(&kbd, 0x1C, true);
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(2);
    KBD_EXPECT(PS2_ACK, PS2_ACK);
    ps2_kbd_key(&kbd, 0x1C, true);
    ps2_kbd_key(&kbd, 0x1C, false);
    KBD_EXPECT(0x1C, 0xF0, 0x1C);
    /* F6 (defaults) brings set 2 back too. */
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(1);
    kbd_send(PS2_KBD_CMD_DEFAULTS);
    KBD_EXPECT(PS2_ACK, PS2_ACK, PS2_ACK);
    assert_int_equal(kbd.set, 2);
}

static void test_kbd_keys_set2(void **state)
{
    (void)state;
    ps2_kbd_key(&kbd, 0x1C, true);
    ps2_kbd_key(&kbd, 0x1C, false);
    KBD_EXPECT(0x1C, 0xF0, 0x1C);
    ps2_kbd_key(&kbd, 0xE075, true); /* Up */
    ps2_kbd_key(&kbd, 0xE075, false);
    KBD_EXPECT(0xE0, 0x75, 0xE0, 0xF0, 0x75);
    ps2_kbd_key(&kbd, 0x83, true); /* F7, the one code above 0x7F */
    KBD_EXPECT(0x83);

    /* Print Screen: alone, with Shift or Ctrl, with Alt (SysRq). */
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, true);
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, false);
    KBD_EXPECT(0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12);
    ps2_kbd_key(&kbd, 0x59, true); /* right Shift */
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, true);
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, false);
    ps2_kbd_key(&kbd, 0x59, false);
    KBD_EXPECT(0x59, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xF0, 0x59);
    ps2_kbd_key(&kbd, 0xE014, true); /* right Ctrl */
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, true);
    ps2_kbd_key(&kbd, 0xE014, false);
    KBD_EXPECT(0xE0, 0x14, 0xE0, 0x7C, 0xE0, 0xF0, 0x14);
    ps2_kbd_key(&kbd, 0x11, true); /* left Alt */
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, true);
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, false);
    ps2_kbd_key(&kbd, 0x11, false);
    KBD_EXPECT(0x11, 0x84, 0xF0, 0x84, 0xF0, 0x11);

    /* Pause, and Ctrl+Pause (Break); neither has a break sequence. */
    assert_true(ps2_kbd_key(&kbd, PS2_KEY_PAUSE, true));
    assert_true(ps2_kbd_key(&kbd, PS2_KEY_PAUSE, false));
    KBD_EXPECT(0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
    ps2_kbd_key(&kbd, 0x14, true); /* left Ctrl */
    ps2_kbd_key(&kbd, PS2_KEY_PAUSE, true);
    ps2_kbd_key(&kbd, PS2_KEY_PAUSE, false);
    ps2_kbd_key(&kbd, 0x14, false);
    KBD_EXPECT(0x14, 0xE0, 0x7E, 0xE0, 0xF0, 0x7E, 0xF0, 0x14);

    /* Not keys: nothing queued. */
    static const uint16_t bad[] = {0x0000, 0x0080, 0x00E0, 0x00F0, 0x00FA, 0xE000,
                                   0xE080, 0xE083, 0xE100, 0xE114, 0x1234, 0xFFFF};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(ps2_kbd_key(&kbd, bad[i], true));
    assert_false(ps2_kbd_pending(&kbd));
}

static void test_kbd_enable_disable(void **state)
{
    (void)state;
    ps2_kbd_key(&kbd, 0x1C, true);
    kbd_send(PS2_KBD_CMD_DISABLE);
    /* The buffer went with the disable. */
    KBD_EXPECT(PS2_ACK);
    assert_false(kbd.scanning);
    assert_false(ps2_kbd_key(&kbd, 0x1C, true));
    assert_false(ps2_kbd_pending(&kbd));
    /* Modifiers are tracked while not scanning: they are physical. */
    assert_false(ps2_kbd_key(&kbd, 0x11, true));
    kbd_send(PS2_KBD_CMD_ENABLE);
    KBD_EXPECT(PS2_ACK);
    ps2_kbd_key(&kbd, PS2_KEY_PRINT_SCREEN, true);
    KBD_EXPECT(0x84);
    ps2_kbd_key(&kbd, 0x11, false);
    KBD_EXPECT(0xF0, 0x11);
    /* F6: defaults and scanning. */
    kbd_send(PS2_KBD_CMD_DISABLE);
    kbd_send(PS2_KBD_CMD_DEFAULTS);
    KBD_EXPECT(PS2_ACK, PS2_ACK);
    assert_true(ps2_kbd_key(&kbd, 0x1C, true));
    KBD_EXPECT(0x1C);
}

static void test_kbd_replies_between_keys(void **state)
{
    (void)state;
    ps2_kbd_key(&kbd, 0xE075, false); /* E0 F0 75 */
    ps2_kbd_key(&kbd, 0x1C, false);   /* F0 1C */
    /* The first byte of the first key is out: the key finishes first. */
    assert_int_equal(ps2_kbd_read(&kbd), 0xE0);
    kbd_send(PS2_KBD_CMD_ECHO);
    assert_int_equal(ps2_kbd_read(&kbd), 0xF0);
    assert_int_equal(ps2_kbd_read(&kbd), 0x75);
    /* Then the reply, ahead of the keys still waiting. */
    assert_int_equal(ps2_kbd_read(&kbd), 0xEE);
    kbd_send(PS2_KBD_CMD_IDENTIFY);
    KBD_EXPECT(PS2_ACK, 0xAB, 0x83, 0xF0, 0x1C);
}

static void test_kbd_overrun(void **state)
{
    unsigned queued = 0;

    (void)state;
    /* One-byte makes: 15 fit, the 16th byte is the overrun code. */
    while (ps2_kbd_key(&kbd, 0x1C, true))
        queued++;
    assert_int_equal(queued, PS2_QUEUE_DATA - 1);
    assert_false(ps2_kbd_key(&kbd, 0x1C, true));
    for (unsigned i = 0; i < queued; i++)
        assert_int_equal(ps2_kbd_read(&kbd), 0x1C);
    assert_int_equal(ps2_kbd_read(&kbd), 0x00);
    assert_false(ps2_kbd_pending(&kbd));

    /* Partly drained: keys go in after the overrun code, and a second
     * overflow gets a second code.  Breaks of 'a' are 2 bytes: 7 fit. */
    while (ps2_kbd_key(&kbd, 0x1C, false))
        queued++;
    assert_int_equal(queued, PS2_QUEUE_DATA - 1 + 7);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(ps2_kbd_read(&kbd), i % 2 ? 0x1C : 0xF0);
    queued = 0;
    while (ps2_kbd_key(&kbd, 0x29, true))
        queued++;
    assert_int_equal(queued, 4);
    assert_false(ps2_kbd_key(&kbd, 0x29, true));
    KBD_EXPECT(0xF0, 0x1C, 0xF0, 0x1C, 0xF0, 0x1C, 0xF0, 0x1C, 0xF0, 0x1C, 0x00, 0x29, 0x29, 0x29,
               0x29, 0x00);

    /* In set 1 the code is FF.  Pause (6 bytes there) needs 7 free. */
    kbd_send(PS2_KBD_CMD_SCANSET);
    kbd_send(1);
    KBD_EXPECT(PS2_ACK, PS2_ACK);
    assert_true(ps2_kbd_key(&kbd, PS2_KEY_PAUSE, true));
    assert_true(ps2_kbd_key(&kbd, PS2_KEY_PAUSE, true));
    assert_false(ps2_kbd_key(&kbd, PS2_KEY_PAUSE, true));
    KBD_EXPECT(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0xFF);
}

/* ---- mouse ------------------------------------------------------------------ */

static void enable_stream(void)
{
    mouse_send(PS2_MOUSE_CMD_ENABLE);
    MOUSE_EXPECT(PS2_ACK);
}

static void set_rate(uint8_t rate)
{
    mouse_send(PS2_MOUSE_CMD_SAMPLE_RATE);
    mouse_send(rate);
    MOUSE_EXPECT(PS2_ACK, PS2_ACK);
}

static void test_mouse_reset_identify_status(void **state)
{
    (void)state;
    assert_false(ps2_mouse_pending(&mouse));
    mouse_send(PS2_MOUSE_CMD_RESET);
    MOUSE_EXPECT(PS2_ACK, PS2_BAT_OK, 0x00);
    mouse_send(PS2_MOUSE_CMD_IDENTIFY);
    MOUSE_EXPECT(PS2_ACK, 0x00);
    mouse_send(PS2_MOUSE_CMD_STATUS);
    MOUSE_EXPECT(PS2_ACK, 0x00, 2, 100);

    mouse_send(PS2_MOUSE_CMD_RESOLUTION);
    mouse_send(3);
    mouse_send(PS2_MOUSE_CMD_SCALE_2_1);
    mouse_send(PS2_MOUSE_CMD_REMOTE);
    mouse_send(PS2_MOUSE_CMD_ENABLE);
    MOUSE_EXPECT(PS2_ACK, PS2_ACK, PS2_ACK, PS2_ACK, PS2_ACK);
    set_rate(40);
    ps2_mouse_event(&mouse, 0, 0, 0, PS2_MOUSE_LEFT | PS2_MOUSE_RIGHT);
    mouse_send(PS2_MOUSE_CMD_STATUS);
    MOUSE_EXPECT(PS2_ACK, 0x40 | 0x20 | 0x10 | 0x04 | 0x01, 3, 40);
    mouse_send(PS2_MOUSE_CMD_RESEND);
    MOUSE_EXPECT(40);

    /* Resolution above 3: resend, kept as it was. */
    mouse_send(PS2_MOUSE_CMD_RESOLUTION);
    mouse_send(4);
    MOUSE_EXPECT(PS2_ACK, PS2_RESEND);
    assert_int_equal(mouse.resolution, 3);
    /* A command where a parameter is awaited is that command. */
    mouse_send(PS2_MOUSE_CMD_SAMPLE_RATE);
    mouse_send(PS2_MOUSE_CMD_IDENTIFY);
    MOUSE_EXPECT(PS2_ACK, PS2_ACK, 0x00);

    /* Defaults: rate, resolution, scaling, reporting; the mode stays. */
    mouse_send(PS2_MOUSE_CMD_DEFAULTS);
    mouse_send(PS2_MOUSE_CMD_STATUS);
    MOUSE_EXPECT(PS2_ACK, PS2_ACK, 0x40 | 0x04 | 0x01, 2, 100);
    mouse_send(PS2_MOUSE_CMD_STREAM);
    mouse_send(PS2_MOUSE_CMD_STATUS);
    MOUSE_EXPECT(PS2_ACK, PS2_ACK, 0x04 | 0x01, 2, 100);

    /* Unknown commands. */
    static const uint8_t unknown[] = {0x00, 0x55, 0xE1, 0xE5, 0xED, 0xEF, 0xF1, 0xF7, 0xFA, 0xFD};
    for (unsigned i = 0; i < sizeof(unknown); i++) {
        mouse_send(unknown[i]);
        MOUSE_EXPECT(PS2_RESEND);
    }
}

static void test_mouse_stream_packets(void **state)
{
    (void)state;
    /* Reporting off: nothing goes out, and enabling forgets the motion. */
    ps2_mouse_event(&mouse, 5, 5, 0, 0);
    assert_false(ps2_mouse_pending(&mouse));
    enable_stream();
    assert_false(ps2_mouse_pending(&mouse));

    ps2_mouse_event(&mouse, 10, -3, 0, 0);
    MOUSE_EXPECT(0x08 | 0x20, 10, 0xFD);
    ps2_mouse_event(&mouse, -1, 1, 0, PS2_MOUSE_LEFT);
    MOUSE_EXPECT(0x08 | 0x10 | 0x01, 0xFF, 1);
    /* A button change alone is a packet; the same buttons again are not. */
    ps2_mouse_event(&mouse, 0, 0, 0, PS2_MOUSE_MIDDLE);
    MOUSE_EXPECT(0x08 | 0x04, 0, 0);
    ps2_mouse_event(&mouse, 0, 0, 0, PS2_MOUSE_MIDDLE);
    assert_false(ps2_mouse_pending(&mouse));
    /* Buttons 4 and 5 and the wheel have no place in a 3-byte packet. */
    ps2_mouse_event(&mouse, 0, 0, 5, PS2_MOUSE_MIDDLE | PS2_MOUSE_BUTTON4);
    MOUSE_EXPECT(0x08 | 0x04, 0, 0);
    ps2_mouse_event(&mouse, 0, 0, 0, 0);
    MOUSE_EXPECT(0x08, 0, 0);

    /* Large movement is split, each packet at most -256..255. */
    ps2_mouse_event(&mouse, 600, -600, 0, 0);
    MOUSE_EXPECT(0x08 | 0x20, 255, 0x00, 0x08 | 0x20, 255, 0x00, 0x08 | 0x20, 90, 0xA8);

    /* 2:1 scaling in stream mode: 1..5 -> 1 1 3 6 9, then doubled. */
    mouse_send(PS2_MOUSE_CMD_SCALE_2_1);
    MOUSE_EXPECT(PS2_ACK);
    static const int32_t in[] = {1, 2, 3, 4, 5, 6, 100};
    static const uint8_t out[] = {1, 1, 3, 6, 9, 12, 200};
    for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        ps2_mouse_event(&mouse, in[i], -in[i], 0, 0);
        MOUSE_EXPECT(0x08 | 0x20, out[i], (uint8_t)-out[i]);
    }
    /* Scaled beyond the packet's range: overflow bits. */
    ps2_mouse_event(&mouse, 200, -200, 0, 0);
    MOUSE_EXPECT(0x08 | 0x20 | 0x40 | 0x80, 255, 0x00);
    mouse_send(PS2_MOUSE_CMD_SCALE_1_1);
    MOUSE_EXPECT(PS2_ACK);

    /* Disabling forgets what was not sent. */
    ps2_mouse_event(&mouse, 3, 3, 0, 0);
    mouse_send(PS2_MOUSE_CMD_DISABLE);
    MOUSE_EXPECT(PS2_ACK);
    enable_stream();
    assert_false(ps2_mouse_pending(&mouse));
}

static void test_mouse_remote_mode(void **state)
{
    (void)state;
    mouse_send(PS2_MOUSE_CMD_REMOTE);
    MOUSE_EXPECT(PS2_ACK);
    enable_stream();
    ps2_mouse_event(&mouse, 7, 8, 0, PS2_MOUSE_RIGHT);
    ps2_mouse_event(&mouse, 1, 0, 0, PS2_MOUSE_RIGHT);
    assert_false(ps2_mouse_pending(&mouse));
    mouse_send(PS2_MOUSE_CMD_READ_DATA);
    MOUSE_EXPECT(PS2_ACK, 0x08 | 0x02, 8, 8);
    /* The counters went with it; a read with nothing moved still answers. */
    mouse_send(PS2_MOUSE_CMD_READ_DATA);
    MOUSE_EXPECT(PS2_ACK, 0x08 | 0x02, 0, 0);
    /* No scaling for read data; large movement comes over several reads. */
    mouse_send(PS2_MOUSE_CMD_SCALE_2_1);
    MOUSE_EXPECT(PS2_ACK);
    ps2_mouse_event(&mouse, 300, 4, 0, PS2_MOUSE_RIGHT);
    mouse_send(PS2_MOUSE_CMD_READ_DATA);
    MOUSE_EXPECT(PS2_ACK, 0x08 | 0x02, 255, 4);
    mouse_send(PS2_MOUSE_CMD_READ_DATA);
    MOUSE_EXPECT(PS2_ACK, 0x08 | 0x02, 45, 0);
    /* Back to stream mode: the counters start from zero. */
    ps2_mouse_event(&mouse, 9, 9, 0, PS2_MOUSE_RIGHT);
    mouse_send(PS2_MOUSE_CMD_STREAM);
    MOUSE_EXPECT(PS2_ACK);
    ps2_mouse_event(&mouse, 1, 0, 0, PS2_MOUSE_RIGHT);
    MOUSE_EXPECT(0x08 | 0x02, 1, 0);
}

static void test_mouse_wrap_mode(void **state)
{
    (void)state;
    enable_stream();
    mouse_send(PS2_MOUSE_CMD_WRAP_ON);
    MOUSE_EXPECT(PS2_ACK);
    /* Echoed, commands included, and no movement goes out. */
    static const uint8_t bytes[] = {
        0x00, 0x5A, PS2_MOUSE_CMD_IDENTIFY, PS2_MOUSE_CMD_ENABLE, PS2_MOUSE_CMD_WRAP_ON, 0xFE};
    for (unsigned i = 0; i < sizeof(bytes); i++) {
        mouse_send(bytes[i]);
        MOUSE_EXPECT(bytes[i]);
    }
    ps2_mouse_event(&mouse, 4, 4, 0, 0);
    assert_false(ps2_mouse_pending(&mouse));
    mouse_send(PS2_MOUSE_CMD_WRAP_OFF);
    MOUSE_EXPECT(PS2_ACK);
    ps2_mouse_event(&mouse, 1, 1, 0, 0);
    MOUSE_EXPECT(0x08, 1, 1);
    /* Reset works from wrap mode and ends it. */
    mouse_send(PS2_MOUSE_CMD_WRAP_ON);
    MOUSE_EXPECT(PS2_ACK);
    mouse_send(PS2_MOUSE_CMD_RESET);
    MOUSE_EXPECT(PS2_ACK, PS2_BAT_OK, 0x00);
    assert_false(mouse.wrap);
    /* Outside wrap mode EC is just ACKed. */
    mouse_send(PS2_MOUSE_CMD_WRAP_OFF);
    MOUSE_EXPECT(PS2_ACK);
}

static void test_mouse_intellimouse(void **state)
{
    (void)state;
    /* The Explorer knock first does nothing from ID 0. */
    set_rate(200);
    set_rate(200);
    set_rate(80);
    mouse_send(PS2_MOUSE_CMD_IDENTIFY);
    MOUSE_EXPECT(PS2_ACK, 0);
    /* Linux's intellimouse_detect(): 200, 100, 80 -> 3. */
    set_rate(200);
    set_rate(100);
    set_rate(80);
    mouse_send(PS2_MOUSE_CMD_IDENTIFY);
    MOUSE_EXPECT(PS2_ACK, 3);
    enable_stream();
    ps2_mouse_event(&mouse, 1, 2, 3, 0);
    MOUSE_EXPECT(0x08, 1, 2, 3);
    /* The wheel goes at most 8 a packet. */
    ps2_mouse_event(&mouse, 0, 0, -20, 0);
    MOUSE_EXPECT(0x08, 0, 0, 0xF8, 0x08, 0, 0, 0xF8, 0x08, 0, 0, 0xFC);

    /* Then 200, 200, 80 -> 4: wheel in 4 bits, buttons 4 and 5. */
    set_rate(200);
    set_rate(200);
    set_rate(80);
    mouse_send(PS2_MOUSE_CMD_IDENTIFY);
    MOUSE_EXPECT(PS2_ACK, 4);
    enable_stream();
    ps2_mouse_event(&mouse, 0, 0, -1, PS2_MOUSE_BUTTON4 | PS2_MOUSE_BUTTON5 | PS2_MOUSE_LEFT);
    MOUSE_EXPECT(0x09, 0, 0, 0x3F);
    ps2_mouse_event(&mouse, 0, 0, 7, 0);
    MOUSE_EXPECT(0x08, 0, 0, 0x07);
    /* Read data has the 4th byte too. */
    mouse_send(PS2_MOUSE_CMD_REMOTE);
    ps2_mouse_event(&mouse, 0, 0, 2, PS2_MOUSE_BUTTON5);
    mouse_send(PS2_MOUSE_CMD_READ_DATA);
    MOUSE_EXPECT(PS2_ACK, PS2_ACK, 0x08, 0, 0, 0x22);
    /* A reset goes back to ID 0. */
    mouse_send(PS2_MOUSE_CMD_RESET);
    MOUSE_EXPECT(PS2_ACK, PS2_BAT_OK, 0x00);
    mouse_send(PS2_MOUSE_CMD_IDENTIFY);
    MOUSE_EXPECT(PS2_ACK, 0);
}

static void test_mouse_queue_full(void **state)
{
    unsigned packets = 0;

    (void)state;
    enable_stream();
    /* 255 a packet: 5 fit (15 bytes), the rest waits in the counters. */
    ps2_mouse_event(&mouse, 255 * 8, 0, 0, 0);
    assert_int_equal(mouse.q.count, 15);
    assert_int_equal(mouse.dx, 255 * 3);
    /* Reading makes room, and the counters follow. */
    while (ps2_mouse_pending(&mouse)) {
        assert_int_equal(ps2_mouse_read(&mouse), 0x08);
        assert_int_equal(ps2_mouse_read(&mouse), 255);
        assert_int_equal(ps2_mouse_read(&mouse), 0);
        packets++;
    }
    assert_int_equal(packets, 8);
    assert_int_equal(mouse.dx, 0);

    /* Counters saturate; a reply still goes ahead of the packets. */
    mouse_send(PS2_MOUSE_CMD_DISABLE);
    MOUSE_EXPECT(PS2_ACK);
    mouse_send(PS2_MOUSE_CMD_REMOTE);
    MOUSE_EXPECT(PS2_ACK);
    for (unsigned i = 0; i < 10; i++)
        ps2_mouse_event(&mouse, INT32_MAX, INT32_MIN, INT32_MAX, 0);
    assert_int_equal(mouse.dx, PS2_MOUSE_COUNTER_MAX);
    assert_int_equal(mouse.dy, -PS2_MOUSE_COUNTER_MAX);
    mouse_send(PS2_MOUSE_CMD_READ_DATA);
    MOUSE_EXPECT(PS2_ACK, 0x08 | 0x20, 255, 0x00);
    assert_int_equal(mouse.dx, PS2_MOUSE_COUNTER_MAX - 255);
    assert_int_equal(mouse.dy, -PS2_MOUSE_COUNTER_MAX + 256);
    /* A standard mouse forgets the wheel. */
    assert_int_equal(mouse.dz, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_kbd_power_on, setup),
        cmocka_unit_test_setup(test_kbd_reset_identify_echo, setup),
        cmocka_unit_test_setup(test_kbd_leds_and_typematic, setup),
        cmocka_unit_test_setup(test_kbd_scan_code_sets, setup),
        cmocka_unit_test_setup(test_kbd_keys_set2, setup),
        cmocka_unit_test_setup(test_kbd_enable_disable, setup),
        cmocka_unit_test_setup(test_kbd_replies_between_keys, setup),
        cmocka_unit_test_setup(test_kbd_overrun, setup),
        cmocka_unit_test_setup(test_mouse_reset_identify_status, setup),
        cmocka_unit_test_setup(test_mouse_stream_packets, setup),
        cmocka_unit_test_setup(test_mouse_remote_mode, setup),
        cmocka_unit_test_setup(test_mouse_wrap_mode, setup),
        cmocka_unit_test_setup(test_mouse_intellimouse, setup),
        cmocka_unit_test_setup(test_mouse_queue_full, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
