/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The generation 1 PC around the shared platform (platform.h): the models
 * of drivers/pc wired onto the child's I/O ports and interrupt lines.
 *
 *   ports 0x20-0x21, 0xA0-0xA1  8259A pair (PIC), 0x4D0-0x4D1 its ELCR
 *   ports 0x40-0x43             8254 PIT; port 0x61 its gate 2 / speaker
 *   ports 0x60, 0x64            8042 keyboard controller, PS/2 keyboard and
 *                               mouse (IRQ 1, 12); its reset line resets the VM
 *   port  0x92                  PS/2-style port A: fast reset, A20 (always on)
 *   ports 0xCF8-0xCFF           PCI configuration mechanism #1; 0xCF9 is
 *                               the reset control register (reset.c)
 *     00:00.0  host bridge (i440bx.c), PAM and SMRAM
 *     00:07.0  PIIX4 ISA bridge (PIRQ routing), 07.1 IDE, 07.3 power management
 *   ports 0x1F0-0x1F7, 0x3F6    IDE primary (IRQ 14), 0x170-0x177, 0x376
 *                               secondary (IRQ 15), bus master at PIIX4's BAR4
 *   ports 0x2F8-0x2FF           COM2 (IRQ 3)
 *   ports 0x510-0x51B           fw_cfg, what SeaBIOS reads the machine from
 *   port  0x402                 SeaBIOS's debug console, into the worker's log
 *   port  0x80 and the 8237 DMA ports: claimed and ignored (POST codes,
 *                               Linux's I/O delay, SeaBIOS's DMA set-up)
 *
 * Interrupts: an ISA IRQ goes to the 8259s and to the I/O APIC pin of the
 * same number (IRQ 0 to pin 2, as the MADT's override says), as on a PC
 * with an I/O APIC.  The 8259s' INTR output is the LINT0 wire of every VP
 * (platform_hooks.lint0); when a VP can take it the hypervisor says so and
 * the VP thread acknowledges the PIC (platform_extint_ack).
 *
 * Memory: the BIOS image is the last 256 KiB below 4 GiB; its top 128 KiB
 * also sit at 0xE0000-0xFFFFF in RAM, copied there at reset, which is what
 * the shadow RAM holds after SeaBIOS has copied itself down.  The PAM
 * registers are kept but do not remap: the range is always RAM (a BIOS
 * that write-protects it is not held to it).
 *
 *   00:0A.0 onwards: the legacy NICs (DEC 21140, pc/tulip.h), I/O and
 *                    memory BARs where the BIOS puts them, INTA# on a PIRQ
 *
 * Timers: the PIT runs on the monotonic clock, the RTC on the wall clock;
 * one thread arms for the next of their interrupts and the NICs' timers
 * (pc_platform_start).
 */
#ifndef VMWP_PC_PLATFORM_H
#define VMWP_PC_PLATFORM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <pc/fw_cfg.h>
#include <pc/i440bx.h>
#include <pc/i8042.h>
#include <pc/i8254.h>
#include <pc/i8259.h>
#include <pc/ide.h>
#include <pc/pci_bus.h>
#include <pc/piix4.h>
#include <pc/tulip.h>

#include "platform.h"
#include "uart16550.h"

#define PC_PIIX4_DEVICE  7 /* 00:07.x, as on 440BX boards and Hyper-V's generation 1 */
#define PC_COM2_PORT     0x2F8
#define PC_COM2_IRQ      3
#define PC_PORT_A        0x92
#define PC_PORT_B        0x61
#define PC_POST_PORT     0x80
#define PC_DEBUGCON      0x402
#define PC_FW_CFG_PORT   0x510
#define PC_FW_CFG_PORTS  12
#define PC_BIOS_SIZE_MAX (256u << 10)
#define PC_SHADOW_BASE   0xE0000u /* the BIOS's top 128 KiB in the first MiB */
#define PC_SHADOW_SIZE   0x20000u

/* Legacy NICs: DEC 21140s at 00:0A.0 onwards.  Their INTA# lines are
 * PIRQB, C, D, A in turn (the swizzle of pc/piix4.h and the DSDT's _PRT),
 * so that no two share a PIRQ. */
#define PC_NICS_MAX      4
#define PC_NIC_FIRST_DEV 10

/* What the worker does with a legacy NIC's traffic; called with the
 * platform lock held. */
struct pc_nic_host {
    void (*transmit)(void *opaque, const uint8_t *frame, size_t len);
    /* The guest gave the receiver descriptors or restarted it: a frame
     * waiting for room may be offered again. */
    void (*rx_resume)(void *opaque);
    void *opaque;
};

struct pc_nic {
    struct pc_platform *pc;
    struct tulip tulip;
    struct pc_nic_host host;
    unsigned pirq; /* 0..3: PIRQA..D, I/O APIC pin 16 + pirq */
};

struct pc_platform {
    struct platform *p;
    struct i8259 pic;
    struct i8254 pit;
    struct pci_bus pci;
    struct i440bx host_bridge;
    struct piix4 piix4;
    struct ide ide;
    struct i8042 kbc;
    struct fw_cfg fw_cfg;
    struct uart16550 com2;
    bool com2_line;
    uint8_t port_b; /* port 0x61's writable bits: gate 2, speaker data */
    uint8_t port_a; /* port 0x92 */
    /* Which port a handler of a device behind several ranges was called for. */
    struct platform_port_ctx port_ctx[6];
    char debug_line[160];
    size_t debug_len;
    struct pc_nic nics[PC_NICS_MAX];
    unsigned nic_count;
    /* The timer thread: the PIT's IRQ 0, the RTC's IRQ 8, the NICs' timers. */
    pthread_t timer;
    pthread_cond_t timer_cond; /* on the monotonic clock; signalled when a timer changes */
    bool timer_started, timer_stop;
};

/* Set up the devices in their reset state and claim their ports on @p
 * (called by platform_init with p->lock not yet in use).  0, or -1. */
int pc_platform_init(struct pc_platform *pc, struct platform *p);

/* An access to a port or address no fixed device claims: the PCI BARs the
 * guest placed (IDE bus master, the NICs' CSRs).  true if a device took it. */
bool pc_platform_port_read(struct pc_platform *pc, uint16_t port, unsigned size, uint64_t *value);
bool pc_platform_port_write(struct pc_platform *pc, uint16_t port, unsigned size, uint64_t value);
bool pc_platform_mmio_read(struct pc_platform *pc, uint64_t gpa, unsigned size, uint64_t *value);
bool pc_platform_mmio_write(struct pc_platform *pc, uint64_t gpa, unsigned size, uint64_t value);
/* Whether such a BAR decodes @port / @gpa now (no access made). */
bool pc_platform_port_decoded(struct pc_platform *pc, uint16_t port);
bool pc_platform_mmio_decoded(struct pc_platform *pc, uint64_t gpa);

/* Before the VPs start: plug a DEC 21140 with @mac into the next slot.
 * Its number (0..PC_NICS_MAX-1), or -1 (all slots taken). */
int pc_platform_add_nic(struct pc_platform *pc, const uint8_t mac[6],
                        const struct pc_nic_host *host);

/* With the platform lock held: one frame from the wire for NIC @nic.
 * pc_platform_nic_rx_ready(): it would be taken now (the receiver runs and
 * owns a descriptor); pc_platform_nic_rx_running(): the receiver is on, so
 * waiting for a descriptor is worth it.  receive: false if dropped. */
bool pc_platform_nic_rx_ready(const struct pc_platform *pc, unsigned nic);
bool pc_platform_nic_rx_running(const struct pc_platform *pc, unsigned nic);
bool pc_platform_nic_receive(struct pc_platform *pc, unsigned nic, const uint8_t *frame,
                             size_t len);

/* With the platform lock held: a guest access changed the PIT or the RTC,
 * whose next deadline the timer thread must take again. */
void pc_platform_timers_changed(struct pc_platform *pc);

/* Start and stop the timer thread (outside the platform lock). */
int pc_platform_start(struct pc_platform *pc);
void pc_platform_stop(struct pc_platform *pc);

/* Console input for COM2 is not wired: COM1 is the console. */

#endif
