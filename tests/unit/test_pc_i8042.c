// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/i8042.c, the 8042 keyboard controller with its
 * PS/2 keyboard and mouse (the devices alone are test_pc_ps2.c): the
 * power-on state; SeaBIOS's keyboard and mouse set-up (ps2port.c,
 * mouse.c) and Linux's i8042 probe (flush, self test, command byte,
 * aux loopback and IRQ test, aux toggling, the MUX check) with atkbd's and
 * psmouse's probes behind it, as those drivers drive the ports; reset
 * through command FE and the pulse commands and through the output port;
 * the A20 gate; IRQ 1 and 12 gated by the command byte, one rising edge
 * per byte; ports disabled holding the devices' data, and re-enabled by a
 * write to the device; set 2 to set 1 translation; the order of the
 * output buffer's sources; the keyboard's overrun code through the
 * controller; the controller's RAM and system flag; parameters aborted by
 * a new command; and random port traffic and events checked against
 * invariants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <pc/i8042.h>

static struct i8042 kbc;
static bool line[2]; /* IRQ 1, IRQ 12 as told */
static unsigned rises[2], taken[2];
static unsigned resets, a20_calls;
static bool a20_level;

static unsigned line_index(unsigned irq)
{
    assert_true(irq == I8042_KBD_IRQ || irq == I8042_AUX_IRQ);
    return irq == I8042_KBD_IRQ ? 0 : 1;
}

static void irq_cb(void *opaque, unsigned irq, bool level)
{
    unsigned i = line_index(irq);

    assert_ptr_equal(opaque, &kbc);
    /* Only changes are reported. */
    assert_true(level != line[i]);
    line[i] = level;
    if (level)
        rises[i]++;
}

static void a20_cb(void *opaque, bool on)
{
    assert_ptr_equal(opaque, &kbc);
    a20_calls++;
    a20_level = on;
}

static void reset_cb(void *opaque)
{
    assert_ptr_equal(opaque, &kbc);
    resets++;
}

static const struct i8042_callbacks callbacks = {
    .irq = irq_cb,
    .a20 = a20_cb,
    .reset = reset_cb,
};

static int setup(void **state)
{
    (void)state;
    memset(line, 0, sizeof(line));
    memset(rises, 0, sizeof(rises));
    memset(taken, 0, sizeof(taken));
    resets = a20_calls = 0;
    a20_level = true;
    i8042_init(&kbc, &callbacks, &kbc);
    return 0;
}

static void outb(uint16_t port, uint8_t v)
{
    i8042_write(&kbc, port, v);
}

static uint8_t inb(uint16_t port)
{
    return i8042_read(&kbc, port);
}

static uint8_t status(void)
{
    uint8_t st = inb(I8042_PORT_CMD);

    /* Synchronous: never busy, never a timeout or parity error. */
    assert_int_equal(st & (I8042_STR_IBF | 0xC0), 0);
    return st;
}

static void cmd(uint8_t c)
{
    outb(I8042_PORT_CMD, c);
}

static void data(uint8_t v)
{
    outb(I8042_PORT_DATA, v);
}

static uint8_t ctr(void)
{
    cmd(I8042_CMD_READ_RAM);
    return inb(I8042_PORT_DATA);
}

static void write_ctr(uint8_t v)
{
    cmd(I8042_CMD_WRITE_RAM);
    data(v);
}

/* The byte in the output buffer, which must be there, from the keyboard
 * side (@aux false) or the mouse's. */
static uint8_t read_from(bool aux)
{
    uint8_t st = status();

    assert_true(st & I8042_STR_OBF);
    assert_int_equal(!!(st & I8042_STR_AUXOBF), aux);
    return inb(I8042_PORT_DATA);
}

static void expect_bytes(bool aux, const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(read_from(aux), bytes[i]);
    assert_false(status() & I8042_STR_OBF);
}

#define EXPECT_KBD(...)                                                                            \
    do {                                                                                           \
        const uint8_t e_[] = {__VA_ARGS__};                                                        \
        expect_bytes(false, e_, sizeof(e_));                                                       \
    } while (0)

#define EXPECT_AUX(...)                                                                            \
    do {                                                                                           \
        const uint8_t e_[] = {__VA_ARGS__};                                                        \
        expect_bytes(true, e_, sizeof(e_));                                                        \
    } while (0)

/* An interrupt handler's read: the line is up, the byte is that IRQ's. */
static uint8_t take(unsigned irq)
{
    unsigned i = line_index(irq);

    assert_true(line[i]);
    taken[i]++;
    return read_from(i == 1);
}

static void expect_empty(void)
{
    assert_false(status() & I8042_STR_OBF);
    assert_false(line[0] || line[1]);
}

/* ---- the drivers' ways, as Linux's i8042.c and SeaBIOS's ps2port.c ---- */

/* i8042_command()'s encoding: parameters out, bytes back, command. */
#define KBC_CMD(send, recv, code) ((send) << 12 | (recv) << 8 | (code))
#define CMD_CTL_RCTR              KBC_CMD(0, 1, 0x20)
#define CMD_CTL_WCTR              KBC_CMD(1, 0, 0x60)
#define CMD_CTL_TEST              KBC_CMD(0, 1, 0xAA)
#define CMD_KBD_TEST              KBC_CMD(0, 1, 0xAB)
#define CMD_AUX_DISABLE           KBC_CMD(0, 0, 0xA7)
#define CMD_AUX_ENABLE            KBC_CMD(0, 0, 0xA8)
#define CMD_AUX_SEND              KBC_CMD(1, 0, 0xD4)
#define CMD_AUX_LOOP              KBC_CMD(1, 1, 0xD3)

/* A controller command with its parameters and results; a synchronous
 * controller has answered by the time its status is read, so "waiting"
 * is one look at the status. */
static int kbc_command(uint8_t *param, int command)
{
    if (status() & I8042_STR_IBF)
        return -1;
    cmd(command & 0xFF);
    for (int i = 0; i < ((command >> 12) & 0xF); i++) {
        if (status() & I8042_STR_IBF)
            return -1;
        data(param[i]);
    }
    for (int i = 0; i < ((command >> 8) & 0xF); i++) {
        uint8_t st = status();

        if (!(st & I8042_STR_OBF))
            return -1;
        /* Linux: loopback data must come back from the aux side. */
        if (command == CMD_AUX_LOOP && !(st & I8042_STR_AUXOBF))
            return -1;
        param[i] = inb(I8042_PORT_DATA);
    }
    return 0;
}

/* i8042_flush(): at most 16 bytes, or the controller is not there. */
static int kbc_flush(void)
{
    unsigned count = 0;

    while (status() & I8042_STR_OBF) {
        if (count++ >= 16)
            return -1;
        (void)inb(I8042_PORT_DATA);
    }
    return 0;
}

/* SeaBIOS's ps2_recvbyte(): the next byte from @aux's side, others
 * discarded; -1 when nothing comes. */
static int sb_recvbyte(bool aux, bool needack)
{
    for (unsigned i = 0; i < 32; i++) {
        uint8_t st = status(), v;

        if (!(st & I8042_STR_OBF))
            return -1;
        v = inb(I8042_PORT_DATA);
        if (!!(st & I8042_STR_AUXOBF) == aux && (!needack || v == PS2_ACK || v == PS2_RESEND))
            return v;
    }
    return -1;
}

static int sb_sendbyte(bool aux, uint8_t b)
{
    if (aux) {
        if (kbc_command(&b, CMD_AUX_SEND))
            return -1;
    } else {
        data(b);
    }
    return sb_recvbyte(aux, true) == PS2_ACK ? 0 : -1;
}

static uint8_t sb_ps2ctr; /* SeaBIOS's Ps2ctr */

/* SeaBIOS's __ps2_command(): both ports off and no interrupts, the one
 * port needed on, the command, then the command byte back as it was. */
static int sb_ps2_command(bool aux, int command, uint8_t *param)
{
    uint8_t newctr = (uint8_t)((sb_ps2ctr | I8042_CTR_AUXDIS | I8042_CTR_KBDDIS) &
                               ~(I8042_CTR_KBDINT | I8042_CTR_AUXINT));
    int ret = -1, v;

    if (kbc_command(&newctr, CMD_CTL_WCTR))
        return -1;
    newctr &= (uint8_t) ~(aux ? I8042_CTR_AUXDIS : I8042_CTR_KBDDIS);
    if (kbc_command(&newctr, CMD_CTL_WCTR))
        goto out;
    if ((command & 0xFF) == 0xFF) {
        if (sb_sendbyte(aux, 0xFF) || (v = sb_recvbyte(aux, false)) < 0)
            goto out;
        param[0] = (uint8_t)v;
        v = sb_recvbyte(aux, false);
        param[1] = (uint8_t)(v < 0 ? 0 : v);
    } else if ((command & 0xFF) == 0xF2) {
        if (sb_sendbyte(aux, 0xF2) || (v = sb_recvbyte(aux, false)) < 0)
            goto out;
        param[0] = (uint8_t)v;
        param[1] = 0;
        if (v == 0xAB && (v = sb_recvbyte(aux, false)) >= 0)
            param[1] = (uint8_t)v;
    } else {
        if (sb_sendbyte(aux, command & 0xFF))
            goto out;
        for (int i = 0; i < ((command >> 12) & 0xF); i++)
            if (sb_sendbyte(aux, param[i]))
                goto out;
        for (int i = 0; i < ((command >> 8) & 0xF); i++) {
            if ((v = sb_recvbyte(aux, false)) < 0)
                goto out;
            param[i] = (uint8_t)v;
        }
    }
    ret = 0;
out:
    if (kbc_command(&sb_ps2ctr, CMD_CTL_WCTR))
        return -1;
    return ret;
}

/* SeaBIOS's ps2_keyboard_setup(). */
static void seabios_keyboard_setup(void)
{
    uint8_t param[2];

    assert_int_equal(kbc_flush(), 0);
    assert_int_equal(kbc_command(param, CMD_CTL_TEST), 0);
    assert_int_equal(param[0], I8042_SELF_TEST_OK);
    assert_int_equal(kbc_command(param, CMD_KBD_TEST), 0);
    assert_int_equal(param[0], I8042_PORT_TEST_OK);
    sb_ps2ctr = I8042_CTR_KBDDIS | I8042_CTR_AUXDIS;
    assert_int_equal(sb_ps2_command(false, 0x02FF, param), 0);
    assert_int_equal(param[0], PS2_BAT_OK);
    assert_int_equal(sb_ps2_command(false, 0x00F5, NULL), 0);
    param[0] = 2;
    assert_int_equal(sb_ps2_command(false, 0x10F0, param), 0);
    sb_ps2ctr = I8042_CTR_AUXDIS | I8042_CTR_XLATE | I8042_CTR_KBDINT;
    assert_int_equal(sb_ps2_command(false, 0x00F4, NULL), 0);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_power_on_state(void **state)
{
    (void)state;
    /* Nothing reported at init. */
    assert_int_equal(rises[0] + rises[1] + resets + a20_calls, 0);
    assert_int_equal(status(), I8042_STR_INH);
    assert_true(i8042_a20(&kbc));
    /* An empty buffer reads its last byte, 0 so far. */
    assert_int_equal(inb(I8042_PORT_DATA), 0);
    /* Other ports are not ours. */
    assert_int_equal(i8042_read(&kbc, 0x61), 0xFF);
    assert_int_equal(i8042_read(&kbc, 0x65), 0xFF);
    i8042_write(&kbc, 0x61, 0xFE);
    i8042_write(&kbc, 0x65, 0xFE);
    assert_int_equal(resets, 0);
    assert_int_equal(status(), I8042_STR_INH);

    assert_int_equal(ctr(), I8042_POWER_ON_CTR);
    assert_int_equal(status(), I8042_STR_INH | I8042_STR_CMD);
    cmd(I8042_CMD_READ_OUTPUT);
    EXPECT_KBD(0xCF);
    cmd(I8042_CMD_READ_INPUT);
    EXPECT_KBD(I8042_INPUT_PORT);
    cmd(I8042_CMD_PASSWORD_TEST);
    EXPECT_KBD(I8042_NO_PASSWORD);
    cmd(I8042_CMD_AUX_TEST);
    EXPECT_KBD(0x00);
    /* The keyboard is there and scanning. */
    assert_true(i8042_key(&kbc, 0x1C, true));
    EXPECT_KBD(0x1C);
    /* Unknown commands do nothing. */
    for (unsigned c = 0x80; c < 0xA0; c++)
        cmd((uint8_t)c);
    cmd(0xC8);
    cmd(0xE0);
    expect_empty();
    assert_int_equal(resets, 0);
}

static void test_seabios_setup(void **state)
{
    uint8_t param[2];

    (void)state;
    seabios_keyboard_setup();
    /* The self test's and keyboard test's replies came with IRQ 1 (the
     * power-on command byte enables it, as QEMU's does); everything after
     * SeaBIOS wrote the command byte was polled with interrupts off. */
    assert_int_equal(rises[0], 2);
    assert_int_equal(rises[1], 0);
    /* The self test set the system flag; SeaBIOS wrote the command byte
     * without it, so it is clear again. */
    assert_int_equal(ctr(), 0x61);
    assert_false(status() & I8042_STR_SYS);
    rises[0] = 0; /* the read above was one too */
    assert_int_equal(kbc.kbd.set, 2);
    assert_true(kbc.kbd.scanning);

    /* A key: IRQ 1, translated; handle_09 re-enables the keyboard. */
    i8042_key(&kbc, 0x1C, true);
    assert_int_equal(take(I8042_KBD_IRQ), 0x1E);
    cmd(I8042_CMD_KBD_ENABLE);
    i8042_key(&kbc, 0x1C, false);
    assert_int_equal(take(I8042_KBD_IRQ), 0x9E);
    expect_empty();

    /* int 15h C2: mouse reset, then enable (mouse.c). */
    assert_int_equal(sb_ps2_command(true, 0x02FF, param), 0);
    assert_int_equal(param[0], PS2_BAT_OK);
    assert_int_equal(param[1], 0x00);
    assert_int_equal(sb_ps2_command(true, 0x01F2, param), 0);
    assert_int_equal(param[0], 0x00);
    /* A key while the mouse command runs waits: the keyboard port is off. */
    sb_ps2ctr = (sb_ps2ctr | I8042_CTR_AUXINT) & (uint8_t)~I8042_CTR_AUXDIS;
    cmd(I8042_CMD_WRITE_RAM);
    data((sb_ps2ctr | I8042_CTR_AUXDIS | I8042_CTR_KBDDIS) & 0xFC);
    i8042_key(&kbc, 0x29, true);
    expect_empty();
    assert_int_equal(sb_ps2_command(true, 0x00F4, NULL), 0);
    /* Restoring the command byte let the key through. */
    assert_int_equal(take(I8042_KBD_IRQ), 0x39);
    i8042_mouse(&kbc, 1, -1, 0, PS2_MOUSE_LEFT);
    assert_int_equal(take(I8042_AUX_IRQ), 0x29);
    assert_int_equal(take(I8042_AUX_IRQ), 0x01);
    assert_int_equal(take(I8042_AUX_IRQ), 0xFF);
    expect_empty();
    /* Every byte was one rising edge. */
    assert_int_equal(rises[0], taken[0]);
    assert_int_equal(rises[1], taken[1]);

    /* SeaBIOS's i8042_reboot(): FE ten times. */
    for (unsigned i = 0; i < 10; i++)
        cmd(I8042_CMD_RESET);
    assert_int_equal(resets, 10);
}

/* atkbd's and psmouse's byte out, the ACK back through the interrupt. */
static void kbd_out(uint8_t b)
{
    data(b);
    assert_int_equal(take(I8042_KBD_IRQ), PS2_ACK);
}

static void aux_out(uint8_t b)
{
    assert_int_equal(kbc_command(&b, CMD_AUX_SEND), 0);
    assert_int_equal(take(I8042_AUX_IRQ), PS2_ACK);
}

/* i8042_probe() with i8042.reset=1; true if the controller translates. */
static bool linux_i8042_probe(void)
{
    uint8_t param, val, c[2], lctr;
    unsigned n = 0;
    bool direct;

    /* i8042_controller_check(), i8042_controller_selftest() */
    assert_int_equal(kbc_flush(), 0);
    assert_int_equal(kbc_command(&param, CMD_CTL_TEST), 0);
    assert_int_equal(param, I8042_SELF_TEST_OK);
    /* i8042_controller_init(): a stable CTR, keyboard off, no key lock. */
    do {
        assert_true(n < 10);
        assert_int_equal(kbc_command(&c[n++ % 2], CMD_CTL_RCTR), 0);
    } while (n < 2 || c[0] != c[1]);
    lctr = c[0];
    lctr |= I8042_CTR_KBDDIS;
    lctr &= (uint8_t)~I8042_CTR_KBDINT;
    assert_true(status() & I8042_STR_INH);
    direct = !(lctr & I8042_CTR_XLATE);
    assert_int_equal(kbc_command(&lctr, CMD_CTL_WCTR), 0);
    assert_int_equal(kbc_flush(), 0);

    /* i8042_check_aux(): loopback, then the bit assignment test. */
    param = 0x5A;
    assert_int_equal(kbc_command(&param, CMD_AUX_LOOP), 0);
    assert_int_equal(param, 0x5A);
    assert_int_equal(kbc_command(&param, CMD_AUX_DISABLE), 0);
    assert_int_equal(kbc_command(&param, CMD_CTL_RCTR), 0);
    assert_true(param & I8042_CTR_AUXDIS);
    assert_int_equal(kbc_command(&param, CMD_AUX_ENABLE), 0);
    assert_int_equal(kbc_command(&param, CMD_CTL_RCTR), 0);
    assert_false(param & I8042_CTR_AUXDIS);
    /* The aux IRQ test: loopback without reading, the IRQ handler reads. */
    lctr &= (uint8_t)~I8042_CTR_AUXDIS;
    lctr |= I8042_CTR_AUXINT;
    assert_int_equal(kbc_command(&lctr, CMD_CTL_WCTR), 0);
    param = 0xA5;
    assert_int_equal(kbc_command(&param, CMD_AUX_LOOP & 0xF0FF), 0);
    assert_int_equal(take(I8042_AUX_IRQ), 0xA5);
    lctr |= I8042_CTR_AUXDIS;
    lctr &= (uint8_t)~I8042_CTR_AUXINT;
    assert_int_equal(kbc_command(&lctr, CMD_CTL_WCTR), 0);

    /* i8042_check_mux(): a plain loopback fails the MUX version test. */
    assert_int_equal(kbc_flush(), 0);
    param = val = 0xF0;
    assert_true(kbc_command(&param, CMD_AUX_LOOP) == 0 && param == val);
    param = val = 0x56;
    assert_true(kbc_command(&param, CMD_AUX_LOOP) == 0 && param == val);
    param = val = 0xA4;
    assert_true(kbc_command(&param, CMD_AUX_LOOP) == 0 && param == val); /* no MUX */

    /* i8042_enable_aux_port(), i8042_enable_kbd_port() */
    lctr &= (uint8_t)~I8042_CTR_AUXDIS;
    lctr |= I8042_CTR_AUXINT;
    assert_int_equal(kbc_command(&lctr, CMD_CTL_WCTR), 0);
    lctr &= (uint8_t)~I8042_CTR_KBDDIS;
    lctr |= I8042_CTR_KBDINT;
    assert_int_equal(kbc_command(&lctr, CMD_CTL_WCTR), 0);
    expect_empty();
    return !direct;
}

/* atkbd_probe() and friends, psmouse's probe: the guest's keyboard and
 * mouse come up. */
static void linux_input_probe(bool translated)
{
    /* Count edges from here: the probe read with interrupts on at times. */
    memset(rises, 0, sizeof(rises));
    memset(taken, 0, sizeof(taken));
    /* atkbd: get ID (AB 41 through translation), deactivate, reset
     * state (LEDs, repeat rate), activate. */
    kbd_out(PS2_KBD_CMD_IDENTIFY);
    assert_int_equal(take(I8042_KBD_IRQ), 0xAB);
    assert_int_equal(take(I8042_KBD_IRQ), translated ? 0x41 : 0x83);
    kbd_out(PS2_KBD_CMD_DISABLE);
    kbd_out(PS2_KBD_CMD_LEDS);
    kbd_out(0);
    kbd_out(PS2_KBD_CMD_TYPEMATIC);
    kbd_out(0x20);
    kbd_out(PS2_KBD_CMD_ENABLE);

    /* psmouse: get ID, reset-disable, reset, IntelliMouse knock, set-up,
     * enable. */
    aux_out(PS2_MOUSE_CMD_IDENTIFY);
    assert_int_equal(take(I8042_AUX_IRQ), 0x00);
    aux_out(PS2_MOUSE_CMD_DEFAULTS);
    aux_out(PS2_MOUSE_CMD_RESET);
    assert_int_equal(take(I8042_AUX_IRQ), PS2_BAT_OK);
    assert_int_equal(take(I8042_AUX_IRQ), 0x00);
    static const uint8_t knock[] = {200, 100, 80};
    for (unsigned i = 0; i < 3; i++) {
        aux_out(PS2_MOUSE_CMD_SAMPLE_RATE);
        aux_out(knock[i]);
    }
    aux_out(PS2_MOUSE_CMD_IDENTIFY);
    assert_int_equal(take(I8042_AUX_IRQ), PS2_MOUSE_ID_INTELLI);
    aux_out(PS2_MOUSE_CMD_SAMPLE_RATE);
    aux_out(100);
    aux_out(PS2_MOUSE_CMD_RESOLUTION);
    aux_out(3);
    aux_out(PS2_MOUSE_CMD_SCALE_1_1);
    aux_out(PS2_MOUSE_CMD_ENABLE);
    expect_empty();

    /* Typing and pointing. */
    i8042_key(&kbc, 0x1C, true);
    i8042_key(&kbc, 0x1C, false);
    if (translated) {
        assert_int_equal(take(I8042_KBD_IRQ), 0x1E);
        assert_int_equal(take(I8042_KBD_IRQ), 0x9E);
    } else {
        assert_int_equal(take(I8042_KBD_IRQ), 0x1C);
        assert_int_equal(take(I8042_KBD_IRQ), 0xF0);
        assert_int_equal(take(I8042_KBD_IRQ), 0x1C);
    }
    i8042_mouse(&kbc, 3, -2, 1, PS2_MOUSE_LEFT);
    assert_int_equal(take(I8042_AUX_IRQ), 0x08 | 0x20 | 0x01);
    assert_int_equal(take(I8042_AUX_IRQ), 3);
    assert_int_equal(take(I8042_AUX_IRQ), 0xFE);
    assert_int_equal(take(I8042_AUX_IRQ), 1);
    expect_empty();
    assert_int_equal(rises[0], taken[0]);
    assert_int_equal(rises[1], taken[1]);
}

static void test_linux_after_seabios(void **state)
{
    (void)state;
    seabios_keyboard_setup();
    assert_true(linux_i8042_probe());
    linux_input_probe(true);
    /* i8042_controller_reset() at shutdown: flush, ports off, self test,
     * the BIOS's command byte back. */
    assert_int_equal(kbc_flush(), 0);
    write_ctr(0x30);
    cmd(I8042_CMD_SELF_TEST);
    EXPECT_KBD(I8042_SELF_TEST_OK);
    write_ctr(0x61);
    assert_int_equal(ctr(), 0x61);
}

static void test_linux_without_firmware(void **state)
{
    (void)state;
    /* Power-on command byte: no translation, so Linux goes direct. */
    assert_false(linux_i8042_probe());
    linux_input_probe(false);
}

static void test_reset_commands(void **state)
{
    (void)state;
    cmd(I8042_CMD_RESET);
    assert_int_equal(resets, 1);
    /* Pulse commands: only those pulsing bit 0 (bit 0 clear) reset. */
    for (unsigned c = I8042_CMD_PULSE; c <= 0xFF; c++) {
        unsigned before = resets;

        cmd((uint8_t)c);
        assert_int_equal(resets - before, (c & 1) ? 0 : 1);
    }
    /* Nothing else changed: no A20 report, no bytes. */
    assert_int_equal(a20_calls, 0);
    expect_empty();
    /* A reset request leaves the controller working. */
    assert_int_equal(ctr(), I8042_POWER_ON_CTR);
}

static void test_reset_output_port(void **state)
{
    (void)state;
    cmd(I8042_CMD_WRITE_OUTPUT);
    data(0xDF);
    assert_int_equal(resets, 0);
    cmd(I8042_CMD_WRITE_OUTPUT);
    data(0xFE); /* bit 0 clear, A20 kept */
    assert_int_equal(resets, 1);
    assert_int_equal(a20_calls, 0);
    /* The reset line reads high again; the IRQ bits are outputs. */
    cmd(I8042_CMD_READ_OUTPUT);
    EXPECT_KBD(0xCF);
    cmd(I8042_CMD_WRITE_OUTPUT);
    data(0x00); /* reset and A20 off at once */
    assert_int_equal(resets, 2);
    assert_int_equal(a20_calls, 1);
    assert_false(a20_level);
    cmd(I8042_CMD_READ_OUTPUT);
    EXPECT_KBD(0x01);
    /* The IRQ 1 output shows in D0 while the line is up. */
    write_ctr(I8042_POWER_ON_CTR);
    i8042_key(&kbc, 0x1C, true);
    cmd(I8042_CMD_READ_OUTPUT);
    assert_int_equal(read_from(false), 0x1C);
    assert_int_equal(read_from(false), 0x01 | I8042_OUT_IRQ1);
}

static void test_a20(void **state)
{
    (void)state;
    cmd(I8042_CMD_A20_OFF);
    assert_int_equal(a20_calls, 1);
    assert_false(a20_level);
    assert_false(i8042_a20(&kbc));
    cmd(I8042_CMD_A20_OFF); /* no change, no report */
    assert_int_equal(a20_calls, 1);
    cmd(I8042_CMD_READ_OUTPUT);
    EXPECT_KBD(0xCD);
    cmd(I8042_CMD_A20_ON);
    assert_int_equal(a20_calls, 2);
    assert_true(a20_level);
    assert_true(i8042_a20(&kbc));
    /* Through the output port, as DOS and old Linux do (D1 DF / D1 DD). */
    cmd(I8042_CMD_WRITE_OUTPUT);
    data(0xDD);
    assert_int_equal(a20_calls, 3);
    assert_false(a20_level);
    cmd(I8042_CMD_WRITE_OUTPUT);
    data(0xDD);
    assert_int_equal(a20_calls, 3);
    cmd(I8042_CMD_WRITE_OUTPUT);
    data(0xDF);
    assert_int_equal(a20_calls, 4);
    assert_true(a20_level);
    /* Pulsing the A20 line (FD) changes nothing lasting. */
    cmd(0xFD);
    assert_int_equal(a20_calls, 4);
    assert_int_equal(resets, 0);
    expect_empty();
}

static void test_irq_gating(void **state)
{
    (void)state;
    /* Power-on: both interrupts on; a controller reply raises IRQ 1 too. */
    cmd(I8042_CMD_KBD_TEST);
    assert_int_equal(take(I8042_KBD_IRQ), 0x00);
    assert_false(line[0]);

    /* Keyboard interrupt off: the byte waits, no line. */
    write_ctr(I8042_CTR_AUXINT);
    i8042_key(&kbc, 0x1C, true);
    assert_true(status() & I8042_STR_OBF);
    assert_false(line[0]);
    /* Turning it on with the byte there raises the line at once. */
    write_ctr(I8042_CTR_AUXINT | I8042_CTR_KBDINT);
    assert_int_equal(take(I8042_KBD_IRQ), 0x1C);
    assert_false(line[0]);
    /* Each byte of a sequence is an edge of its own. */
    unsigned before = rises[0];
    i8042_key(&kbc, 0xE014, false);
    assert_int_equal(take(I8042_KBD_IRQ), 0xE0);
    assert_int_equal(take(I8042_KBD_IRQ), 0xF0);
    assert_int_equal(take(I8042_KBD_IRQ), 0x14);
    assert_int_equal(rises[0] - before, 3);
    /* Turning the interrupt off with a byte there drops the line. */
    i8042_key(&kbc, 0x1C, true);
    assert_true(line[0]);
    write_ctr(I8042_CTR_AUXINT);
    assert_false(line[0]);
    EXPECT_KBD(0x1C);

    /* The aux side: IRQ 12 only for mouse bytes, and only if enabled. */
    cmd(I8042_CMD_WRITE_AUX_OBUF);
    data(0x42);
    assert_false(line[0]);
    assert_int_equal(take(I8042_AUX_IRQ), 0x42);
    write_ctr(I8042_CTR_KBDINT);
    cmd(I8042_CMD_WRITE_AUX);
    data(PS2_MOUSE_CMD_IDENTIFY);
    assert_false(line[0] || line[1]);
    EXPECT_AUX(PS2_ACK, 0x00);
    /* D2: as if from the keyboard, untranslated even with translation on. */
    write_ctr(I8042_CTR_KBDINT | I8042_CTR_XLATE);
    cmd(I8042_CMD_WRITE_KBD_OBUF);
    data(0x1C);
    assert_int_equal(take(I8042_KBD_IRQ), 0x1C);
    expect_empty();
}

static void test_ports_hold_data(void **state)
{
    (void)state;
    /* Keyboard port off: the key stays in the keyboard. */
    cmd(I8042_CMD_KBD_DISABLE);
    assert_true(ctr() & I8042_CTR_KBDDIS);
    assert_true(i8042_key(&kbc, 0x1C, true));
    expect_empty();
    cmd(I8042_CMD_KBD_ENABLE);
    assert_int_equal(take(I8042_KBD_IRQ), 0x1C);
    /* A byte for the keyboard turns its port back on. */
    write_ctr(I8042_POWER_ON_CTR | I8042_CTR_KBDDIS);
    data(PS2_KBD_CMD_ECHO);
    assert_int_equal(take(I8042_KBD_IRQ), 0xEE);
    assert_false(ctr() & I8042_CTR_KBDDIS);

    /* Aux port off: reporting mouse movement waits in the mouse, whole. */
    cmd(I8042_CMD_WRITE_AUX);
    data(PS2_MOUSE_CMD_ENABLE);
    assert_int_equal(take(I8042_AUX_IRQ), PS2_ACK);
    cmd(I8042_CMD_AUX_DISABLE);
    for (unsigned i = 0; i < 100; i++)
        i8042_mouse(&kbc, 10, 0, 0, 0);
    expect_empty();
    cmd(I8042_CMD_AUX_ENABLE);
    int32_t total = 0;
    while (status() & I8042_STR_OBF) {
        assert_int_equal(take(I8042_AUX_IRQ), 0x08);
        total += take(I8042_AUX_IRQ);
        assert_int_equal(take(I8042_AUX_IRQ), 0);
    }
    assert_int_equal(total, 1000);
    /* D4 turns the aux port back on. */
    cmd(I8042_CMD_AUX_DISABLE);
    cmd(I8042_CMD_WRITE_AUX);
    data(PS2_MOUSE_CMD_IDENTIFY);
    assert_int_equal(take(I8042_AUX_IRQ), PS2_ACK);
    assert_int_equal(take(I8042_AUX_IRQ), 0x00);
    expect_empty();
    assert_false(ctr() & I8042_CTR_AUXDIS);
}

static void test_translation(void **state)
{
    (void)state;
    write_ctr(I8042_CTR_XLATE); /* polled */
    static const struct {
        uint16_t key;
        bool pressed;
        uint8_t set1[8];
        unsigned n;
    } cases[] = {
        {0x1C, true, {0x1E}, 1},
        {0x1C, false, {0x9E}, 1},
        {0x76, true, {0x01}, 1},
        {0x76, false, {0x81}, 1},
        {0x83, true, {0x41}, 1}, /* F7 */
        {0x83, false, {0xC1}, 1},
        {0xE014, true, {0xE0, 0x1D}, 2},
        {0xE014, false, {0xE0, 0x9D}, 2},
        {0xE071, false, {0xE0, 0xD3}, 2}, /* Delete */
        {PS2_KEY_PRINT_SCREEN, true, {0xE0, 0x2A, 0xE0, 0x37}, 4},
        {PS2_KEY_PRINT_SCREEN, false, {0xE0, 0xB7, 0xE0, 0xAA}, 4},
        {PS2_KEY_PAUSE, true, {0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}, 6},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_true(i8042_key(&kbc, cases[i].key, cases[i].pressed));
        expect_bytes(false, cases[i].set1, cases[i].n);
    }
    /* Replies are translated too: the ID, and the scan code set. */
    data(PS2_KBD_CMD_IDENTIFY);
    EXPECT_KBD(PS2_ACK, 0xAB, 0x41);
    data(PS2_KBD_CMD_SCANSET);
    data(0);
    EXPECT_KBD(PS2_ACK, PS2_ACK, 0x41);
    data(PS2_KBD_CMD_ECHO);
    EXPECT_KBD(0xEE);
    /* Off: set 2 as the keyboard sends it. */
    write_ctr(0);
    i8042_key(&kbc, 0x1C, true);
    i8042_key(&kbc, 0x1C, false);
    EXPECT_KBD(0x1C, 0xF0, 0x1C);
    /* A set-1 keyboard behind no translation. */
    data(PS2_KBD_CMD_SCANSET);
    data(1);
    EXPECT_KBD(PS2_ACK, PS2_ACK);
    i8042_key(&kbc, 0x1C, false);
    EXPECT_KBD(0x9E);
}

static void test_output_buffer_order(void **state)
{
    (void)state;
    write_ctr(0);
    cmd(I8042_CMD_WRITE_AUX);
    data(PS2_MOUSE_CMD_ENABLE);
    /* The mouse's ACK is in the buffer; a key and movement come. */
    i8042_key(&kbc, 0x1C, true);
    i8042_mouse(&kbc, 1, 1, 0, 0);
    /* Controller replies wait for the byte already there, then go first. */
    cmd(I8042_CMD_READ_RAM);
    cmd(I8042_CMD_KBD_TEST);
    assert_int_equal(read_from(true), PS2_ACK);
    assert_int_equal(read_from(false), 0x00);
    assert_int_equal(read_from(false), 0x00);
    /* Then the keyboard, then the mouse. */
    assert_int_equal(read_from(false), 0x1C);
    EXPECT_AUX(0x08, 1, 1);
    /* The buffer register keeps its last byte. */
    assert_int_equal(inb(I8042_PORT_DATA), 1);
    assert_int_equal(inb(I8042_PORT_DATA), 1);
    /* More replies than the controller keeps (one in the buffer, the
     * queue's worth waiting): the extra ones are lost. */
    for (unsigned i = 1; i < I8042_RAM_SIZE; i++) {
        cmd((uint8_t)(I8042_CMD_WRITE_RAM + i));
        data((uint8_t)i);
    }
    for (unsigned i = 0; i < I8042_CTRL_QUEUE + 3; i++)
        cmd((uint8_t)(I8042_CMD_READ_RAM + i));
    for (unsigned i = 0; i < I8042_CTRL_QUEUE + 1; i++)
        assert_int_equal(read_from(false), i);
    expect_empty();
}

static void test_keyboard_overrun(void **state)
{
    unsigned queued = 0;

    (void)state;
    write_ctr(I8042_CTR_XLATE | I8042_CTR_KBDDIS);
    while (i8042_key(&kbc, 0x1C, true))
        queued++;
    /* One byte in the output buffer?  No: the port is off, the keyboard
     * holds 15 keys and the overrun code. */
    assert_int_equal(queued, PS2_QUEUE_DATA - 1);
    expect_empty();
    cmd(I8042_CMD_KBD_ENABLE);
    for (unsigned i = 0; i < queued; i++)
        assert_int_equal(read_from(false), 0x1E);
    /* Set 2's 00, translated. */
    assert_int_equal(read_from(false), 0xFF);
    expect_empty();
    assert_true(i8042_key(&kbc, 0x1C, false));
    EXPECT_KBD(0x9E);
}

static void test_ram_and_system_flag(void **state)
{
    (void)state;
    for (unsigned i = 1; i < I8042_RAM_SIZE; i++) {
        cmd((uint8_t)(I8042_CMD_WRITE_RAM + i));
        data((uint8_t)(0xA0 + i));
    }
    for (unsigned i = 1; i < I8042_RAM_SIZE; i++) {
        cmd((uint8_t)(I8042_CMD_READ_RAM + i));
        EXPECT_KBD((uint8_t)(0xA0 + i));
    }
    assert_int_equal(ctr(), I8042_POWER_ON_CTR);
    /* The system flag: clear at power-on, set by the self test, then as
     * the command byte is written. */
    assert_false(status() & I8042_STR_SYS);
    cmd(I8042_CMD_SELF_TEST);
    EXPECT_KBD(I8042_SELF_TEST_OK);
    assert_true(status() & I8042_STR_SYS);
    assert_int_equal(ctr(), I8042_POWER_ON_CTR | I8042_CTR_SYS);
    write_ctr(0);
    assert_false(status() & I8042_STR_SYS);
    write_ctr(I8042_CTR_SYS | 0x80);
    assert_true(status() & I8042_STR_SYS);
    assert_int_equal(ctr(), I8042_CTR_SYS | 0x80);
    /* A2: the last write was a command, or data. */
    assert_true(status() & I8042_STR_CMD);
    data(PS2_KBD_CMD_ECHO);
    assert_false(status() & I8042_STR_CMD);
    EXPECT_KBD(0xEE);
}

static void test_parameter_aborted(void **state)
{
    (void)state;
    write_ctr(0);
    /* A command where a parameter was awaited: the newer one counts. */
    cmd(I8042_CMD_WRITE_RAM);
    cmd(I8042_CMD_WRITE_AUX);
    data(PS2_MOUSE_CMD_IDENTIFY);
    EXPECT_AUX(PS2_ACK, 0x00);
    assert_int_equal(ctr(), 0);
    cmd(I8042_CMD_WRITE_OUTPUT);
    cmd(I8042_CMD_READ_RAM);
    EXPECT_KBD(0x00);
    data(0x00); /* to the keyboard, not the output port */
    assert_int_equal(resets, 0);
    EXPECT_KBD(PS2_RESEND);
    /* An unknown command aborts too. */
    cmd(I8042_CMD_WRITE_KBD_OBUF);
    cmd(0x90);
    data(PS2_KBD_CMD_ECHO);
    EXPECT_KBD(0xEE);
}

static uint64_t rng_state = 0x8042C0FFEEull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void check_invariants(void)
{
    uint8_t st = status();
    bool obf = st & I8042_STR_OBF, aux = st & I8042_STR_AUXOBF;

    assert_true(st & I8042_STR_INH);
    assert_true(obf || !aux);
    assert_int_equal(line[0], obf && !aux && (kbc.ram[0] & I8042_CTR_KBDINT));
    assert_int_equal(line[1], obf && aux && (kbc.ram[0] & I8042_CTR_AUXINT));
    assert_int_equal(a20_level, i8042_a20(&kbc));
    assert_true(kbc.ctrl_count <= I8042_CTRL_QUEUE);
    assert_true(kbc.kbd.q.count <= PS2_QUEUE_DATA && kbc.mouse.q.count <= PS2_QUEUE_DATA);
}

static void test_random_traffic(void **state)
{
    static const uint8_t cmds[] = {0x20, 0x60, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAD, 0xAE,
                                   0xC0, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xDD, 0xDF, 0xFF};
    static const uint8_t bytes[] = {0xFF, 0xF2, 0xF4, 0xF5, 0xF0, 0xF3, 0xED, 0xEE,
                                    0xEB, 0xE9, 0xE8, 0xEA, 0xEC, 0x00, 0x01, 0x02,
                                    0x43, 0x47, 0x61, 200,  100,  80};
    unsigned obf_reads = 0;

    (void)state;
    for (unsigned i = 0; i < 300000; i++) {
        uint64_t r = rnd();
        uint8_t v = (uint8_t)(r >> 40);

        switch (r % 12) {
        case 0:
        case 1:
            cmd((r >> 8) & 1 ? cmds[(r >> 16) % sizeof(cmds)] : v);
            break;
        case 2:
        case 3:
            data((r >> 8) & 1 ? bytes[(r >> 16) % sizeof(bytes)] : v);
            break;
        case 4:
        case 5:
        case 6:
            if (status() & I8042_STR_OBF)
                obf_reads++;
            (void)inb(I8042_PORT_DATA);
            break;
        case 7:
            (void)status();
            break;
        case 8:
            (void)i8042_key(&kbc, (uint16_t)(r >> 16), (r >> 8) & 1);
            break;
        case 9:
            (void)i8042_key(&kbc, (uint16_t)((r >> 9) & 1 ? 0xE000 | (v & 0x7F) : v & 0x7F),
                            (r >> 8) & 1);
            break;
        case 10:
            i8042_mouse(&kbc, (int32_t)(r >> 8) >> (r % 24), (int32_t)(r >> 20) >> 20,
                        (int32_t)(r >> 30) >> 28, (uint8_t)(r >> 56));
            break;
        default:
            if ((r >> 8) & 1)
                i8042_write(&kbc, (uint16_t)(r >> 16), v);
            else
                (void)i8042_read(&kbc, (uint16_t)(r >> 16));
            break;
        }
        check_invariants();
    }
    assert_true(obf_reads > 10000);
    assert_true(resets > 0);
    assert_true(a20_calls > 0);

    /* Still a keyboard controller: bring it up as firmware would.  The
     * devices may still hold bytes (up to a full queue of data and of
     * replies each), the controller a few replies. */
    write_ctr(0);
    for (unsigned i = 0; i < 64 && (status() & I8042_STR_OBF); i++)
        (void)inb(I8042_PORT_DATA);
    expect_empty();
    data(PS2_KBD_CMD_RESET);
    EXPECT_KBD(PS2_ACK, PS2_BAT_OK);
    cmd(I8042_CMD_WRITE_AUX);
    data(PS2_MOUSE_CMD_RESET);
    EXPECT_AUX(PS2_ACK, PS2_BAT_OK, 0x00);
    write_ctr(I8042_CTR_XLATE | I8042_CTR_KBDINT);
    i8042_key(&kbc, 0x1C, true);
    assert_int_equal(take(I8042_KBD_IRQ), 0x1E);
    expect_empty();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_power_on_state, setup),
        cmocka_unit_test_setup(test_seabios_setup, setup),
        cmocka_unit_test_setup(test_linux_after_seabios, setup),
        cmocka_unit_test_setup(test_linux_without_firmware, setup),
        cmocka_unit_test_setup(test_reset_commands, setup),
        cmocka_unit_test_setup(test_reset_output_port, setup),
        cmocka_unit_test_setup(test_a20, setup),
        cmocka_unit_test_setup(test_irq_gating, setup),
        cmocka_unit_test_setup(test_ports_hold_data, setup),
        cmocka_unit_test_setup(test_translation, setup),
        cmocka_unit_test_setup(test_output_buffer_order, setup),
        cmocka_unit_test_setup(test_keyboard_overrun, setup),
        cmocka_unit_test_setup(test_ram_and_system_flag, setup),
        cmocka_unit_test_setup(test_parameter_aborted, setup),
        cmocka_unit_test_setup(test_random_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
