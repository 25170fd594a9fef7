/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/uart16550.c, COM1's 16550A model: reset values,
 * transmit through the callback, LSR, IER read-back and the THRE interrupt
 * (including the re-assertion Linux tests for), IIR priorities and FIFO
 * bits, the receive FIFO (order, capacity, trigger levels, clearing, with
 * the FIFO off), DLAB, loopback, the IRQ line's OUT2 gate, and hostile
 * offsets and sequences that must not break the FIFO's indexes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../tools/vmwp/uart16550.h"

static uint8_t sent[256];
static size_t nsent;

static void tx(void *opaque, uint8_t byte)
{
    assert_ptr_equal(opaque, &nsent);
    assert_true(nsent < sizeof(sent));
    sent[nsent++] = byte;
}

static struct uart16550 u;

static int setup(void **state)
{
    (void)state;
    nsent = 0;
    uart_init(&u, tx, &nsent);
    return 0;
}

static void receive_str(const char *s)
{
    size_t n = strlen(s);

    assert_int_equal(uart_receive(&u, (const uint8_t *)s, n), n);
}

static void test_reset_state(void **state)
{
    (void)state;
    assert_int_equal(uart_read(&u, UART_IER), 0);
    assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_NO_INT); /* no FIFO bits */
    assert_int_equal(uart_read(&u, UART_LCR), 0);
    assert_int_equal(uart_read(&u, UART_MCR), 0);
    assert_int_equal(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(uart_read(&u, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    assert_false(uart_irq_line(&u));
    /* The divisor latch starts at 12 (9600 baud). */
    uart_write(&u, UART_LCR, UART_LCR_DLAB);
    assert_int_equal(uart_read(&u, UART_DLL), 12);
    assert_int_equal(uart_read(&u, UART_DLM), 0);
}

static void test_transmit(void **state)
{
    (void)state;
    uart_write(&u, UART_THR, 'h');
    uart_write(&u, UART_THR, 'i');
    assert_int_equal(nsent, 2);
    assert_memory_equal(sent, "hi", 2);
    /* Sent at once: the transmitter is always empty. */
    assert_int_equal(uart_read(&u, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
                     UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_scratch_and_ier_readback(void **state)
{
    (void)state;
    uart_write(&u, UART_SCR, 0xA5);
    assert_int_equal(uart_read(&u, UART_SCR), 0xA5);
    uart_write(&u, UART_SCR, 0x5A);
    assert_int_equal(uart_read(&u, UART_SCR), 0x5A);
    /* Only the low four IER bits exist (Linux's probe writes 0x0F and
     * reads it back). */
    uart_write(&u, UART_IER, 0xFF);
    assert_int_equal(uart_read(&u, UART_IER), 0x0F);
    uart_write(&u, UART_IER, 0);
    assert_int_equal(uart_read(&u, UART_IER), 0);
    /* MCR keeps five bits. */
    uart_write(&u, UART_MCR, 0xFF);
    assert_int_equal(uart_read(&u, UART_MCR), 0x1F);
}

static void test_dlab(void **state)
{
    (void)state;
    uart_write(&u, UART_LCR, UART_LCR_DLAB | 0x03);
    uart_write(&u, UART_DLL, 0x01);
    uart_write(&u, UART_DLM, 0x02);
    /* With DLAB, offsets 0 and 1 are the divisor: no transmit, IER kept. */
    assert_int_equal(nsent, 0);
    assert_int_equal(uart_read(&u, UART_DLL), 0x01);
    assert_int_equal(uart_read(&u, UART_DLM), 0x02);
    assert_int_equal(uart_read(&u, UART_LCR), UART_LCR_DLAB | 0x03);
    uart_write(&u, UART_LCR, 0x03);
    assert_int_equal(uart_read(&u, UART_IER), 0);
    /* And a received byte is not read through the divisor latch. */
    receive_str("x");
    uart_write(&u, UART_LCR, UART_LCR_DLAB);
    assert_int_equal(uart_read(&u, UART_RBR), 0x01);
    assert_true(uart_read(&u, UART_LSR) & UART_LSR_DR);
    uart_write(&u, UART_LCR, 0);
    assert_int_equal(uart_read(&u, UART_RBR), 'x');
    assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
}

static void test_thre_interrupt(void **state)
{
    (void)state;
    uart_write(&u, UART_MCR, UART_MCR_OUT2);
    /* Enabling THRI with THR empty raises it at once ... */
    uart_write(&u, UART_IER, UART_IER_THRI);
    assert_int_equal(uart_iir(&u), UART_IIR_THRI);
    assert_true(uart_irq_line(&u));
    /* ... reading IIR while it reports THRE clears it ... */
    assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_THRI);
    assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_NO_INT);
    assert_false(uart_irq_line(&u));
    /* ... and a THR write makes it pending again (the byte has left). */
    uart_write(&u, UART_THR, 'a');
    assert_int_equal(uart_iir(&u), UART_IIR_THRI);
    assert_true(uart_irq_line(&u));
    /* Linux's UART_BUG_THRE test: IER 0 then THRI again re-asserts. */
    assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_THRI);
    uart_write(&u, UART_IER, 0);
    assert_int_equal(uart_iir(&u), UART_IIR_NO_INT);
    uart_write(&u, UART_IER, UART_IER_THRI);
    assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_THRI);
    /* Rewriting IER with THRI already on does not raise it again. */
    uart_write(&u, UART_IER, UART_IER_THRI);
    assert_int_equal(uart_iir(&u), UART_IIR_NO_INT);
}

static void test_iir_priorities(void **state)
{
    uint8_t big[UART_FIFO_SIZE + 1];

    (void)state;
    memset(big, 'z', sizeof(big));
    uart_write(&u, UART_FCR, UART_FCR_ENABLE); /* trigger level 1 */
    uart_write(&u, UART_IER, UART_IER_THRI | UART_IER_RDI | UART_IER_RLSI);
    assert_int_equal(uart_iir(&u), UART_IIR_FIFO_ON | UART_IIR_THRI);
    receive_str("a");
    assert_int_equal(uart_iir(&u), UART_IIR_FIFO_ON | UART_IIR_RDI);
    /* A loopback overrun: the line-status interrupt comes first. */
    uart_write(&u, UART_MCR, UART_MCR_LOOP);
    for (size_t i = 0; i < sizeof(big); i++)
        uart_write(&u, UART_THR, big[i]);
    assert_int_equal(uart_iir(&u), UART_IIR_FIFO_ON | UART_IIR_RLSI);
    /* Reading IIR does not clear RLS; reading LSR does, and shows OE once. */
    assert_int_equal(uart_read(&u, UART_IIR), UART_IIR_FIFO_ON | UART_IIR_RLSI);
    assert_int_equal(uart_read(&u, UART_LSR) & (UART_LSR_OE | UART_LSR_DR),
                     UART_LSR_OE | UART_LSR_DR);
    assert_false(uart_read(&u, UART_LSR) & UART_LSR_OE);
    assert_int_equal(uart_iir(&u), UART_IIR_FIFO_ON | UART_IIR_RDI);
    /* Drain: then THRE (still pending from the writes) shows. */
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        uart_read(&u, UART_RBR);
    assert_int_equal(uart_iir(&u), UART_IIR_FIFO_ON | UART_IIR_THRI);
    /* Masked sources do not show. */
    uart_write(&u, UART_IER, 0);
    assert_int_equal(uart_iir(&u), UART_IIR_FIFO_ON | UART_IIR_NO_INT);
}

static void test_fifo_order_and_capacity(void **state)
{
    uint8_t data[48], out[UART_FIFO_SIZE];

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(0x30 + i);
    uart_write(&u, UART_FCR, UART_FCR_ENABLE);
    assert_int_equal(uart_rx_room(&u), UART_FIFO_SIZE);
    /* Only what fits is taken; the rest stays with the caller. */
    assert_int_equal(uart_receive(&u, data, sizeof(data)), UART_FIFO_SIZE);
    assert_int_equal(uart_rx_room(&u), 0);
    assert_int_equal(uart_receive(&u, data, 1), 0);
    assert_false(uart_read(&u, UART_LSR) & UART_LSR_OE);
    /* Read some, receive more: wrap-around keeps the order. */
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 5; i++)
            out[i] = uart_read(&u, UART_RBR);
        assert_int_equal(uart_rx_room(&u), 5);
        assert_int_equal(uart_receive(&u, data + UART_FIFO_SIZE + 5 * round, 5), 5);
        for (int i = 0; i < 5; i++)
            assert_int_equal(out[i], data[5 * round + i]);
    }
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        assert_int_equal(uart_read(&u, UART_RBR), data[25 + i]);
    /* Empty: DR clear, RBR reads 0, nothing breaks. */
    assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
    assert_int_equal(uart_read(&u, UART_RBR), 0);
    assert_int_equal(uart_rx_room(&u), UART_FIFO_SIZE);
}

static void test_fifo_off_holds_one_byte(void **state)
{
    (void)state;
    assert_int_equal(uart_rx_room(&u), 1);
    assert_int_equal(uart_receive(&u, (const uint8_t *)"ab", 2), 1);
    assert_int_equal(uart_read(&u, UART_RBR), 'a');
    assert_int_equal(uart_rx_room(&u), 1);
    /* Without the FIFO there are no timeout codes: plain RDI. */
    uart_write(&u, UART_IER, UART_IER_RDI);
    receive_str("b");
    assert_int_equal(uart_iir(&u), UART_IIR_RDI);
}

static void test_trigger_levels(void **state)
{
    static const uint8_t levels[4] = {1, 4, 8, 14};

    (void)state;
    uart_write(&u, UART_IER, UART_IER_RDI);
    for (unsigned t = 0; t < 4; t++) {
        uart_write(&u, UART_FCR, (uint8_t)(UART_FCR_ENABLE | UART_FCR_CLEAR_RX | t << 6));
        for (unsigned n = 1; n <= UART_FIFO_SIZE; n++) {
            receive_str("q");
            /* Below the trigger level: the character-timeout code, so the
             * guest is told at once. */
            assert_int_equal(uart_iir(&u),
                             UART_IIR_FIFO_ON | (n < levels[t] ? UART_IIR_TIMEOUT : UART_IIR_RDI));
        }
    }
}

static void test_fcr_clears(void **state)
{
    (void)state;
    uart_write(&u, UART_FCR, UART_FCR_ENABLE);
    receive_str("abc");
    uart_write(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
    assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
    receive_str("de");
    /* Turning the FIFO off empties it too. */
    uart_write(&u, UART_FCR, 0);
    assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
    assert_int_equal(uart_iir(&u) & UART_IIR_FIFO_ON, 0);
    receive_str("f");
    /* And on again. */
    uart_write(&u, UART_FCR, UART_FCR_ENABLE);
    assert_false(uart_read(&u, UART_LSR) & UART_LSR_DR);
    assert_int_equal(uart_iir(&u) & UART_IIR_FIFO_ON, UART_IIR_FIFO_ON);
}

static void test_loopback(void **state)
{
    (void)state;
    uart_write(&u, UART_FCR, UART_FCR_ENABLE);
    /* Linux's probe: MCR = LOOP | OUT2 | RTS, MSR's top nibble 0x90. */
    uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
    assert_int_equal(uart_read(&u, UART_MSR) & 0xF0, UART_MSR_DCD | UART_MSR_CTS);
    uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
    assert_int_equal(uart_read(&u, UART_MSR) & 0xF0, UART_MSR_DSR | UART_MSR_RI);
    /* Transmitted bytes come back, nothing goes out; the line takes none. */
    uart_write(&u, UART_THR, 'L');
    assert_int_equal(nsent, 0);
    assert_int_equal(uart_rx_room(&u), 0);
    assert_int_equal(uart_receive(&u, (const uint8_t *)"x", 1), 0);
    assert_int_equal(uart_read(&u, UART_RBR), 'L');
    /* No IRQ in loopback, even with OUT2 and an interrupt pending. */
    uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
    uart_write(&u, UART_IER, UART_IER_THRI);
    assert_int_equal(uart_iir(&u) & UART_IIR_ID_MASK, UART_IIR_THRI);
    assert_false(uart_irq_line(&u));
    uart_write(&u, UART_MCR, UART_MCR_OUT2);
    assert_true(uart_irq_line(&u));
    uart_write(&u, UART_THR, 'O');
    assert_int_equal(nsent, 1);
}

static void test_irq_line_gated_by_out2(void **state)
{
    (void)state;
    uart_write(&u, UART_IER, UART_IER_RDI);
    receive_str("k");
    assert_int_equal(uart_iir(&u), UART_IIR_RDI);
    assert_false(uart_irq_line(&u));
    uart_write(&u, UART_MCR, UART_MCR_OUT2);
    assert_true(uart_irq_line(&u));
    uart_read(&u, UART_RBR);
    assert_false(uart_irq_line(&u));
}

static void test_hostile_offsets(void **state)
{
    (void)state;
    /* Offsets wrap at 8: offset 15 is the scratch register. */
    uart_write(&u, 15, 0x77);
    assert_int_equal(uart_read(&u, 7), 0x77);
    assert_int_equal(uart_read(&u, 0xFFFFFFFFu), 0x77);
    /* LSR and MSR writes are ignored. */
    uart_write(&u, UART_LSR, 0xFF);
    uart_write(&u, UART_MSR, 0x00);
    assert_int_equal(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    assert_int_equal(uart_read(&u, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    /* Random register traffic never breaks the FIFO invariants. */
    uint32_t x = 12345;
    for (int i = 0; i < 100000; i++) {
        x = x * 1103515245u + 12345u;
        unsigned off = (x >> 8) & 7;
        uint8_t v = (uint8_t)(x >> 16);

        if (x & 0x80000000u)
            uart_write(&u, off, v);
        else
            uart_read(&u, off);
        if ((x & 0x3000) == 0x3000)
            uart_receive(&u, &v, 1);
        assert_true(u.rx_count <= UART_FIFO_SIZE);
        assert_true(u.rx_head < UART_FIFO_SIZE);
        assert_true(uart_rx_room(&u) <= UART_FIFO_SIZE);
        if (nsent == sizeof(sent))
            nsent = 0; /* the log of sent bytes is not what this test checks */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_state, setup),
        cmocka_unit_test_setup(test_transmit, setup),
        cmocka_unit_test_setup(test_scratch_and_ier_readback, setup),
        cmocka_unit_test_setup(test_dlab, setup),
        cmocka_unit_test_setup(test_thre_interrupt, setup),
        cmocka_unit_test_setup(test_iir_priorities, setup),
        cmocka_unit_test_setup(test_fifo_order_and_capacity, setup),
        cmocka_unit_test_setup(test_fifo_off_holds_one_byte, setup),
        cmocka_unit_test_setup(test_trigger_levels, setup),
        cmocka_unit_test_setup(test_fcr_clears, setup),
        cmocka_unit_test_setup(test_loopback, setup),
        cmocka_unit_test_setup(test_irq_line_gated_by_out2, setup),
        cmocka_unit_test_setup(test_hostile_offsets, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
