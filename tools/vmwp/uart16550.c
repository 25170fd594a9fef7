// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 16550A model behind the child's COM1 (see uart16550.h).  Register
 * semantics follow the National Semiconductor PC16550D data sheet; where
 * Linux's 8250 driver probes (scratch register, IER read-back, FIFO bits in
 * IIR, loopback MSR, THRE re-assertion) it must see a 16550A.
 */
#include <string.h>

#include "uart16550.h"

static const uint8_t rx_trigger_levels[4] = {1, 4, 8, 14};

static bool fifo_on(const struct uart16550 *u)
{
    return u->fcr & UART_FCR_ENABLE;
}

static size_t rx_capacity(const struct uart16550 *u)
{
    return fifo_on(u) ? UART_FIFO_SIZE : 1;
}

static bool dlab(const struct uart16550 *u)
{
    return u->lcr & UART_LCR_DLAB;
}

void uart_init(struct uart16550 *u, uart_tx_fn tx, void *tx_opaque)
{
    memset(u, 0, sizeof(*u));
    u->dll = 12;
    u->tx = tx;
    u->tx_opaque = tx_opaque;
}

size_t uart_rx_room(const struct uart16550 *u)
{
    if (u->mcr & UART_MCR_LOOP)
        return 0;
    return rx_capacity(u) - u->rx_count;
}

/* Append one byte; with no room the byte is lost and LSR shows the overrun. */
static void rx_push(struct uart16550 *u, uint8_t byte)
{
    if (u->rx_count >= rx_capacity(u)) {
        u->overrun = true;
        return;
    }
    u->rx_fifo[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
}

static uint8_t rx_pop(struct uart16550 *u)
{
    uint8_t byte;

    if (!u->rx_count)
        return 0;
    byte = u->rx_fifo[u->rx_head];
    u->rx_head = (uint8_t)((u->rx_head + 1) % UART_FIFO_SIZE);
    u->rx_count--;
    return byte;
}

static void rx_clear(struct uart16550 *u)
{
    u->rx_head = 0;
    u->rx_count = 0;
}

size_t uart_receive(struct uart16550 *u, const uint8_t *bytes, size_t n)
{
    size_t room = uart_rx_room(u), i;

    for (i = 0; i < n && i < room; i++)
        rx_push(u, bytes[i]);
    return i;
}

uint8_t uart_iir(const struct uart16550 *u)
{
    uint8_t fifo_bits = fifo_on(u) ? UART_IIR_FIFO_ON : 0;

    /* Highest priority first (data sheet, table 4). */
    if ((u->ier & UART_IER_RLSI) && u->overrun)
        return fifo_bits | UART_IIR_RLSI;
    if ((u->ier & UART_IER_RDI) && u->rx_count) {
        if (fifo_on(u) && u->rx_count < rx_trigger_levels[(u->fcr >> 6) & 3])
            return fifo_bits | UART_IIR_TIMEOUT;
        return fifo_bits | UART_IIR_RDI;
    }
    if ((u->ier & UART_IER_THRI) && u->thri_pending)
        return fifo_bits | UART_IIR_THRI;
    /* No modem-status changes ever happen (see uart16550.h). */
    return fifo_bits | UART_IIR_NO_INT;
}

bool uart_irq_line(const struct uart16550 *u)
{
    return !(uart_iir(u) & UART_IIR_NO_INT) && (u->mcr & UART_MCR_OUT2) &&
           !(u->mcr & UART_MCR_LOOP);
}

static uint8_t msr_value(const struct uart16550 *u)
{
    uint8_t m = u->mcr, v = 0;

    if (!(m & UART_MCR_LOOP))
        return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    /* Loopback wiring: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
    if (m & UART_MCR_RTS)
        v |= UART_MSR_CTS;
    if (m & UART_MCR_DTR)
        v |= UART_MSR_DSR;
    if (m & UART_MCR_OUT1)
        v |= UART_MSR_RI;
    if (m & UART_MCR_OUT2)
        v |= UART_MSR_DCD;
    return v;
}

uint8_t uart_read(struct uart16550 *u, unsigned offset)
{
    uint8_t v;

    switch (offset % UART_REGS) {
    case UART_RBR:
        return dlab(u) ? u->dll : rx_pop(u);
    case UART_IER:
        return dlab(u) ? u->dlm : u->ier;
    case UART_IIR:
        v = uart_iir(u);
        /* Reading IIR while it reports THR empty is what clears that
         * interrupt; the others clear at their source. */
        if ((v & UART_IIR_ID_MASK) == UART_IIR_THRI)
            u->thri_pending = false;
        return v;
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        v = UART_LSR_THRE | UART_LSR_TEMT;
        if (u->rx_count)
            v |= UART_LSR_DR;
        if (u->overrun)
            v |= UART_LSR_OE;
        u->overrun = false;
        return v;
    case UART_MSR:
        return msr_value(u);
    default:
        return u->scr;
    }
}

static void write_thr(struct uart16550 *u, uint8_t value)
{
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, value);
    else if (u->tx)
        u->tx(u->tx_opaque, value);
    /* Sent at once: the holding register is empty again. */
    u->thri_pending = true;
}

static void write_fcr(struct uart16550 *u, uint8_t value)
{
    /* Switching the FIFOs on or off empties them (data sheet, FCR bit 0). */
    if ((value ^ u->fcr) & UART_FCR_ENABLE)
        rx_clear(u);
    if (value & UART_FCR_CLEAR_RX)
        rx_clear(u);
    /* Bits 1 and 2 self-clear; 3 (DMA mode) and 4-5 (reserved) are not kept. */
    u->fcr = value & (UART_FCR_ENABLE | UART_FCR_TRIGGER);
}

void uart_write(struct uart16550 *u, unsigned offset, uint8_t value)
{
    switch (offset % UART_REGS) {
    case UART_THR:
        if (dlab(u))
            u->dll = value;
        else
            write_thr(u, value);
        break;
    case UART_IER:
        if (dlab(u)) {
            u->dlm = value;
            break;
        }
        /* Enabling THRI while THR is empty (always, here) raises it: Linux
         * checks that the UART re-asserts THRE this way (UART_BUG_THRE). */
        if ((value & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
            u->thri_pending = true;
        u->ier = value & 0x0F;
        break;
    case UART_FCR:
        write_fcr(u, value);
        break;
    case UART_LCR:
        u->lcr = value;
        break;
    case UART_MCR:
        u->mcr = value & 0x1F;
        break;
    case UART_LSR:
    case UART_MSR:
        break; /* read-only (factory test registers on some parts) */
    default:
        u->scr = value;
        break;
    }
}
