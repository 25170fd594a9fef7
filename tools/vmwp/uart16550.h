/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 16550A UART, as the child's COM1.  Pure logic: the owner passes the
 * guest's register accesses, feeds received bytes and looks at the
 * interrupt line after each call (uart_irq_line()).
 *
 * Transmission is instantaneous: a byte written to THR goes to the tx
 * callback at once, so LSR always shows THRE and TEMT, and the THR-empty
 * interrupt is pending again right after each write (as it becomes on real
 * hardware once the byte has left).  The receiver has a 16-byte FIFO (one
 * byte with the FIFO off); uart_receive() takes only what fits, so the owner
 * keeps the rest instead of the UART overrunning.  Received data raises the
 * "data available" interrupt at once: with fewer bytes than the trigger
 * level it reports the character-timeout code (0xC), as a real UART does a
 * few character times later.
 *
 * Modem lines: DCD, DSR and CTS are always on and never change (no delta
 * bits, so no modem-status interrupt); in loopback (MCR bit 4) MSR reflects
 * MCR and transmitted bytes are received.  The interrupt reaches the PC's
 * IRQ line only with MCR.OUT2 set and not in loopback, as on a PC.
 */
#ifndef VMWP_UART16550_H
#define VMWP_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_REGS      8  /* I/O ports per UART */
#define UART_FIFO_SIZE 16 /* 16550A receive FIFO */

/* Register offsets. */
#define UART_RBR 0 /* read, DLAB 0: receive buffer */
#define UART_THR 0 /* write, DLAB 0: transmit holding */
#define UART_DLL 0 /* DLAB 1: divisor latch low */
#define UART_IER 1 /* DLAB 0 */
#define UART_DLM 1 /* DLAB 1: divisor latch high */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI  0x01 /* received data available */
#define UART_IER_THRI 0x02 /* THR empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI  0x08 /* modem status */

#define UART_IIR_NO_INT  0x01
#define UART_IIR_MSI     0x00
#define UART_IIR_THRI    0x02
#define UART_IIR_RDI     0x04
#define UART_IIR_RLSI    0x06
#define UART_IIR_TIMEOUT 0x0C
#define UART_IIR_FIFO_ON 0xC0
#define UART_IIR_ID_MASK 0x0F

#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_TRIGGER  0xC0 /* 1, 4, 8, 14 bytes */

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR   0x01
#define UART_LSR_OE   0x02
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40

#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI  0x40
#define UART_MSR_DCD 0x80

typedef void (*uart_tx_fn)(void *opaque, uint8_t byte);

struct uart16550 {
    uint8_t rx_fifo[UART_FIFO_SIZE];
    uint8_t rx_head;  /* index of the oldest byte, < UART_FIFO_SIZE */
    uint8_t rx_count; /* bytes held, <= UART_FIFO_SIZE */
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    uint8_t fcr;       /* as last written (bits 0, 6, 7 matter) */
    bool overrun;      /* LSR.OE, until LSR is read */
    bool thri_pending; /* the THR-empty interrupt, until IIR reports it or THR is written */
    uart_tx_fn tx;
    void *tx_opaque;
};

/* Reset state: no FIFO, interrupts off, DLAB 0, divisor 12 (9600 baud). */
void uart_init(struct uart16550 *u, uart_tx_fn tx, void *tx_opaque);

/* A guest read or write of register @offset (0-7; higher bits ignored). */
uint8_t uart_read(struct uart16550 *u, unsigned offset);
void uart_write(struct uart16550 *u, unsigned offset, uint8_t value);

/* Bytes uart_receive() would take now. */
size_t uart_rx_room(const struct uart16550 *u);

/* Receive up to @n bytes from the line; returns how many fit (the rest is
 * the caller's to keep).  Nothing is received in loopback mode (the line is
 * disconnected): returns 0. */
size_t uart_receive(struct uart16550 *u, const uint8_t *bytes, size_t n);

/* IIR's value now, without a read's side effects. */
uint8_t uart_iir(const struct uart16550 *u);

/* The level of the PC's IRQ line: an interrupt pending, OUT2 set, no loopback. */
bool uart_irq_line(const struct uart16550 *u);

#endif
