/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The child's emulated platform: the devices on the I/O port and MMIO
 * buses and the wires between them.
 *
 *   ports 0x3F8-0x3FF  COM1 (uart16550), IRQ 4 -> I/O APIC pin 4
 *   ports 0x600-0x60B  ACPI PM block (pm_ports), SCI -> pin 9
 *   ports 0x70-0x71    CMOS RTC (cmos_rtc)
 *   ports 0x60, 0x64   8042 reset command (reset)
 *   port  0xCF9        reset control register (reset)
 *   MMIO 0xFEC00000    I/O APIC (ioapic), whose interrupts go to the
 *                      hypervisor's local APICs (the assert_interrupt hook)
 *
 * A generation 1 child adds the PC around them (pc_platform.h), which
 * takes over the 8042 and 0xCF9 and drives the RTC's IRQ 8 from its timer
 * thread.
 *
 * Every device sits behind one mutex: accesses are short, and one lock
 * makes the UART -> I/O APIC -> hook chain free of lock-order questions.
 * The hooks are called with that lock held and must not call back in.
 */
#ifndef VMWP_PLATFORM_H
#define VMWP_PLATFORM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmos_rtc.h"
#include "io_bus.h"
#include "ioapic.h"
#include "pm_ports.h"
#include "reset.h"
#include "uart16550.h"

/* Console input waiting for room in the UART's FIFO. */
#define PLATFORM_RX_BUFFER 4096

enum platform_request {
    PLATFORM_POWER_OFF, /* PM1a_CNT: SLP_EN with S5 */
    PLATFORM_RESET,     /* 0xCF9 or the 8042 */
};

struct platform_hooks {
    /* An interrupt for the local APICs (VID_ASSERT_INTERRUPT). */
    void (*assert_interrupt)(void *opaque, const struct ioapic_irq *irq);
    /* A byte the guest sent on COM1. */
    void (*serial_output)(void *opaque, uint8_t byte);
    /* The guest asked to be powered off or reset. */
    void (*request)(void *opaque, enum platform_request what);
    /* Generation 1: the 8259s' INTR output, the LINT0 wire of the VPs
     * (VID_ASSERT_INTERRUPT, HV_INTERRUPT_TYPE_LINT0). */
    void (*lint0)(void *opaque, bool level);
    /* Generation 1: guest RAM for device DMA (IDE bus master, fw_cfg), as
     * ide_map_fn: NULL unless [gpa, gpa + len) is all RAM. */
    void *(*guest_map)(void *opaque, uint64_t gpa, size_t len, bool to_memory);
    /* Clocks; NULL for the system's (CLOCK_MONOTONIC ns, CLOCK_REALTIME s). */
    uint64_t (*monotonic_ns)(void *opaque);
    int64_t (*realtime_s)(void *opaque);
    void *opaque;
};

/* A device behind several single ports: which port a handler was called for. */
struct platform_port_ctx {
    struct platform *p;
    uint16_t port;
};

struct pc_platform;

struct platform {
    pthread_mutex_t lock;
    struct pc_platform *pc; /* generation 1's devices (pc_platform.h), or NULL */
    struct platform_hooks hooks;
    struct io_bus ports;
    struct io_bus mmio;
    struct uart16550 com1;
    bool com1_line; /* IRQ 4 as last driven */
    struct ioapic ioapic;
    struct pm_ports pm;
    bool sci_line; /* IRQ 9 as last driven */
    struct cmos_rtc rtc;
    bool rtc_line; /* IRQ 8 as last driven */
    struct reset_ports reset;
    struct platform_port_ctx reset_ctx[3]; /* 0xCF9, 0x60, 0x64 */
    uint8_t rx_buf[PLATFORM_RX_BUFFER];    /* ring of console input */
    size_t rx_head, rx_count;
};

/* Set up every device in its reset state and claim their addresses; with
 * @pc (generation 1) the PC's legacy devices and chipset as well, and the
 * 8042 and 0xCF9 are theirs.  Returns 0, or -1 (a device could not be
 * registered: a bug). */
int platform_init(struct platform *p, const struct platform_hooks *hooks, struct pc_platform *pc);

/* With p->lock held: ISA interrupt @irq's line, to the 8259s (generation 1)
 * and to the I/O APIC pin the MADT names for it. */
void platform_isa_irq(struct platform *p, unsigned irq, bool level);

/* A VP can take the 8259s' interrupt: acknowledge it (the INTA cycle).
 * The vector, or -1 if the PIC no longer asks for one. */
int platform_extint_ack(struct platform *p);

/* With p->lock held: bring the RTC's events up to now and drive IRQ 8;
 * the monotonic time (platform_now_ns) of its next event, or UINT64_MAX. */
uint64_t platform_rtc_update(struct platform *p);

/* Generation 1: the clock the devices run on, for their timer thread. */
uint64_t platform_now_ns(const struct platform *p);
int64_t platform_now_s(const struct platform *p);
void platform_request(struct platform *p, enum platform_request what);

/* Guest accesses (sizes 1..8; the I/O instructions use 1, 2, 4). */
uint64_t platform_port_read(struct platform *p, uint16_t port, unsigned size);
void platform_port_write(struct platform *p, uint16_t port, unsigned size, uint64_t value);
uint64_t platform_mmio_read(struct platform *p, uint64_t gpa, unsigned size);
void platform_mmio_write(struct platform *p, uint64_t gpa, unsigned size, uint64_t value);

/* Whether a device claims the port / address (unknown ones are logged). */
bool platform_port_claimed(struct platform *p, uint16_t port);
bool platform_mmio_claimed(struct platform *p, uint64_t gpa);

/* Console input for COM1: takes what fits in the buffer (returns how many
 * bytes), moves what fits into the UART and raises its interrupt. */
size_t platform_console_input(struct platform *p, const uint8_t *bytes, size_t n);

/* The local APICs' EOI for @vector, when the hypervisor reports them. */
void platform_eoi(struct platform *p, uint8_t vector);

#endif
