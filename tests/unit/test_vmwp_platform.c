/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/platform.c, the child's devices as the VP
 * threads see them: each device at its port or address, unknown ones
 * reading all ones, COM1's output and input (with the input buffer's
 * back-pressure and refill as the guest drains the FIFO), COM1's IRQ 4 and
 * the SCI going through the I/O APIC to the assert_interrupt hook as the
 * guest programmed it, power-off and the three reset paths, and the clocks
 * of the PM timer and the RTC, the RTC's IRQ 8 with its next deadline, and
 * a generation 1 legacy NIC's BAR and active-low interrupt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <hv/abi.h>

#include "../../tools/vmwp/acpi_tables.h"
#include "../../tools/vmwp/pc_platform.h"
#include "../../tools/vmwp/platform.h"

#define COM1        ACPI_CHILD_COM1_PORT
#define PM          0x600
#define IOAPIC_BASE ACPI_CHILD_IOAPIC_ADDR

static struct platform p;
static struct ioapic_irq irqs[64];
static unsigned nirqs;
static uint8_t out[8192];
static size_t nout;
static enum platform_request requests[8];
static unsigned nrequests;
static uint64_t fake_ns;
static int64_t fake_s;

static void hook_irq(void *opaque, const struct ioapic_irq *irq)
{
    assert_ptr_equal(opaque, &p);
    assert_true(nirqs < 64);
    irqs[nirqs++] = *irq;
}

static void hook_out(void *opaque, uint8_t byte)
{
    assert_ptr_equal(opaque, &p);
    assert_true(nout < sizeof(out));
    out[nout++] = byte;
}

static void hook_request(void *opaque, enum platform_request what)
{
    assert_ptr_equal(opaque, &p);
    assert_true(nrequests < 8);
    requests[nrequests++] = what;
}

static uint64_t hook_ns(void *opaque)
{
    (void)opaque;
    return fake_ns;
}

static int64_t hook_s(void *opaque)
{
    (void)opaque;
    return fake_s;
}

/* Generation 1: the same platform with the PC's devices. */
static struct pc_platform pc;
static unsigned nframes;

static void *hook_guest_map(void *opaque, uint64_t gpa, size_t len, bool to_memory)
{
    (void)opaque;
    (void)gpa;
    (void)len;
    (void)to_memory;
    return NULL; /* no guest RAM: the tests below need no DMA */
}

static void hook_lint0(void *opaque, bool level)
{
    (void)opaque;
    (void)level;
}

static void nic_transmit(void *opaque, const uint8_t *frame, size_t len)
{
    (void)opaque;
    (void)frame;
    (void)len;
    nframes++;
}

/* A fresh platform at a fixed time: generation 2's, or with @with_pc the
 * generation 1 PC's devices too. */
static void start(struct pc_platform *with_pc)
{
    const struct platform_hooks hooks = {
        .assert_interrupt = hook_irq,
        .serial_output = hook_out,
        .request = hook_request,
        .monotonic_ns = hook_ns,
        .realtime_s = hook_s,
        .lint0 = hook_lint0,
        .guest_map = hook_guest_map,
        .opaque = &p,
    };

    nirqs = 0;
    nout = 0;
    nrequests = 0;
    nframes = 0;
    fake_ns = 5000000000ull;
    fake_s = 1709214356; /* 2024-02-29 13:45:56 */
    assert_int_equal(platform_init(&p, &hooks, with_pc), 0);
}

static int setup(void **state)
{
    (void)state;
    start(NULL);
    return 0;
}

static int setup_pc(void **state)
{
    (void)state;
    start(&pc);
    return 0;
}

static void ioapic_program(unsigned pin, uint64_t rte)
{
    platform_mmio_write(&p, IOAPIC_BASE + IOAPIC_IOREGSEL, 4, IOAPIC_INDEX_REDTBL + 2 * pin + 1);
    platform_mmio_write(&p, IOAPIC_BASE + IOAPIC_IOWIN, 4, rte >> 32);
    platform_mmio_write(&p, IOAPIC_BASE + IOAPIC_IOREGSEL, 4, IOAPIC_INDEX_REDTBL + 2 * pin);
    platform_mmio_write(&p, IOAPIC_BASE + IOAPIC_IOWIN, 4, (uint32_t)rte);
}

static void test_address_map(void **state)
{
    (void)state;
    assert_true(platform_port_claimed(&p, COM1));
    assert_true(platform_port_claimed(&p, COM1 + 7));
    assert_false(platform_port_claimed(&p, COM1 + 8));
    assert_true(platform_port_claimed(&p, PM));
    assert_true(platform_port_claimed(&p, PM + ACPI_CHILD_PM_IO_LEN - 1));
    assert_false(platform_port_claimed(&p, PM + ACPI_CHILD_PM_IO_LEN));
    assert_true(platform_port_claimed(&p, 0x70));
    assert_true(platform_port_claimed(&p, 0x71));
    assert_true(platform_port_claimed(&p, 0xCF9));
    assert_true(platform_port_claimed(&p, 0x64));
    assert_true(platform_mmio_claimed(&p, IOAPIC_BASE));
    assert_true(platform_mmio_claimed(&p, IOAPIC_BASE + 0xFFF));
    assert_false(platform_mmio_claimed(&p, IOAPIC_BASE + 0x1000));
    assert_false(platform_mmio_claimed(&p, ACPI_CHILD_LAPIC_ADDR));
    /* Nobody home: all ones, writes go nowhere. */
    assert_int_equal(platform_port_read(&p, 0x21, 1), 0xFF); /* no 8259: Linux finds none */
    assert_int_equal(platform_port_read(&p, 0x40, 4), 0xFFFFFFFF);
    platform_port_write(&p, 0x80, 1, 0x55);
    assert_int_equal(platform_mmio_read(&p, 0xFED00000, 4), 0xFFFFFFFF);
    platform_mmio_write(&p, 0xFED00000, 8, 0);
    /* The I/O APIC answers at its address. */
    platform_mmio_write(&p, IOAPIC_BASE, 4, IOAPIC_INDEX_VERSION);
    assert_int_equal(platform_mmio_read(&p, IOAPIC_BASE + IOAPIC_IOWIN, 4), 0x00170020);
    assert_int_equal(nirqs + nout + nrequests, 0);
}

static void test_com1_output_and_irq(void **state)
{
    (void)state;
    /* Linux's COM1: IRQ 4 edge to vector 0x24 on APIC 0. */
    ioapic_program(ACPI_CHILD_COM1_IRQ, 0x24);
    platform_port_write(&p, COM1 + UART_THR, 1, 'o');
    platform_port_write(&p, COM1 + UART_THR, 1, 'k');
    assert_int_equal(nout, 2);
    assert_memory_equal(out, "ok", 2);
    /* IER.THRI alone raises no IRQ: OUT2 gates it. */
    platform_port_write(&p, COM1 + UART_IER, 1, UART_IER_THRI);
    assert_int_equal(nirqs, 0);
    platform_port_write(&p, COM1 + UART_MCR, 1, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
    assert_int_equal(nirqs, 1);
    assert_int_equal(irqs[0].vector, 0x24);
    assert_int_equal(irqs[0].type, HV_INTERRUPT_TYPE_FIXED);
    assert_int_equal(irqs[0].pin, ACPI_CHILD_COM1_IRQ);
    /* IIR read clears THRE: line down; the next byte raises it again. */
    assert_int_equal(platform_port_read(&p, COM1 + UART_IIR, 1), UART_IIR_THRI);
    platform_port_write(&p, COM1 + UART_THR, 1, '!');
    assert_int_equal(nirqs, 2);
    /* A 16-bit OUT to a byte-wide device is two byte writes (THR, IER). */
    platform_port_write(&p, COM1, 2, 0x0041);
    assert_int_equal(out[nout - 1], 'A');
    assert_int_equal(platform_port_read(&p, COM1 + UART_IER, 1), 0);
}

static void test_com1_input(void **state)
{
    uint8_t big[PLATFORM_RX_BUFFER + 100];

    (void)state;
    ioapic_program(ACPI_CHILD_COM1_IRQ, 0x24);
    platform_port_write(&p, COM1 + UART_FCR, 1, UART_FCR_ENABLE);
    platform_port_write(&p, COM1 + UART_IER, 1, UART_IER_RDI);
    platform_port_write(&p, COM1 + UART_MCR, 1, UART_MCR_OUT2);
    assert_int_equal(platform_console_input(&p, (const uint8_t *)"hi", 2), 2);
    assert_int_equal(nirqs, 1);
    assert_true(platform_port_read(&p, COM1 + UART_LSR, 1) & UART_LSR_DR);
    assert_int_equal(platform_port_read(&p, COM1 + UART_RBR, 1), 'h');
    assert_int_equal(platform_port_read(&p, COM1 + UART_RBR, 1), 'i');
    assert_false(platform_port_read(&p, COM1 + UART_LSR, 1) & UART_LSR_DR);
    /* More than the buffer holds: the rest is refused (the console keeps
     * it), and draining the FIFO refills it in order. */
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7);
    assert_int_equal(platform_console_input(&p, big, sizeof(big)), PLATFORM_RX_BUFFER);
    /* 16 of those went on into the UART's FIFO: room for 16 more. */
    assert_int_equal(platform_console_input(&p, big + PLATFORM_RX_BUFFER, 100), UART_FIFO_SIZE);
    assert_int_equal(platform_console_input(&p, big, 1), 0);
    for (size_t i = 0; i < PLATFORM_RX_BUFFER + UART_FIFO_SIZE; i++) {
        assert_true(platform_port_read(&p, COM1 + UART_LSR, 1) & UART_LSR_DR);
        assert_int_equal(platform_port_read(&p, COM1 + UART_RBR, 1), big[i]);
    }
    assert_false(platform_port_read(&p, COM1 + UART_LSR, 1) & UART_LSR_DR);
    /* Room again. */
    assert_int_equal(platform_console_input(&p, big, 10), 10);
}

static void test_power_off_and_reset(void **state)
{
    (void)state;
    platform_port_write(&p, PM + ACPI_CHILD_PM1_CNT, 2,
                        ACPI_CHILD_PM1_SLP_TYP(ACPI_CHILD_SLP_TYP_S5) | ACPI_CHILD_PM1_SLP_EN);
    assert_int_equal(nrequests, 1);
    assert_int_equal(requests[0], PLATFORM_POWER_OFF);
    /* Sleep states other than S5 are not a request. */
    platform_port_write(&p, PM + ACPI_CHILD_PM1_CNT, 2,
                        ACPI_CHILD_PM1_SLP_TYP(3) | ACPI_CHILD_PM1_SLP_EN);
    assert_int_equal(nrequests, 1);
    /* Linux's "pci" reboot: read 0xCF9, write |2, then |6. */
    assert_int_equal(platform_port_read(&p, 0xCF9, 1), 0);
    platform_port_write(&p, 0xCF9, 1, 0x02);
    assert_int_equal(nrequests, 1);
    assert_int_equal(platform_port_read(&p, 0xCF9, 1), 0x02);
    platform_port_write(&p, 0xCF9, 1, 0x06);
    assert_int_equal(nrequests, 2);
    assert_int_equal(requests[1], PLATFORM_RESET);
    platform_port_write(&p, 0xCF9, 1, 0x0E);
    assert_int_equal(nrequests, 3);
    /* The 8042: status 0 (ready), 0xFE resets, other commands do not. */
    assert_int_equal(platform_port_read(&p, 0x64, 1), 0);
    platform_port_write(&p, 0x64, 1, 0xAD);
    assert_int_equal(nrequests, 3);
    platform_port_write(&p, 0x64, 1, 0xFE);
    assert_int_equal(nrequests, 4);
    assert_int_equal(requests[3], PLATFORM_RESET);
}

static void test_clocks_and_sci(void **state)
{
    (void)state;
    /* The PM timer counts from platform_init() on the monotonic clock. */
    assert_int_equal(platform_port_read(&p, PM + ACPI_CHILD_PM_TMR, 4), 0);
    fake_ns += 1000000000ull;
    assert_int_equal(platform_port_read(&p, PM + ACPI_CHILD_PM_TMR, 4), 3579545);
    /* The RTC reads the wall clock. */
    platform_port_write(&p, 0x70, 1, CMOS_MINUTES);
    assert_int_equal(platform_port_read(&p, 0x71, 1), 0x45);
    /* The SCI: level, pin 9, once TMR_STS is set and enabled. */
    ioapic_program(ACPI_CHILD_SCI_IRQ, IOAPIC_RTE_LEVEL | 0x29);
    platform_port_write(&p, PM + ACPI_CHILD_PM1_EN, 2, PM1_STS_TMR);
    assert_int_equal(nirqs, 0);
    fake_ns += 700ull * 1000000000ull; /* past bit 31 of the timer */
    assert_true(platform_port_read(&p, PM + ACPI_CHILD_PM1_STS, 2) & PM1_STS_TMR);
    assert_int_equal(nirqs, 1);
    assert_int_equal(irqs[0].vector, 0x29);
    assert_true(irqs[0].level);
    /* Cleared: the line drops; nothing more is sent. */
    platform_port_write(&p, PM + ACPI_CHILD_PM1_STS, 2, PM1_STS_TMR);
    assert_false(platform_port_read(&p, PM + ACPI_CHILD_PM1_STS, 2) & PM1_STS_TMR);
    assert_int_equal(nirqs, 1);
}

/* The RTC's update-ended interrupt: IRQ 8 rises once the second has
 * passed, through the I/O APIC pin 8 the guest programmed; the deadline
 * handed to the timer thread is that second on the monotonic clock; reading
 * register C drops the line, and the next second raises it again. */
static void rtc_select(uint8_t reg)
{
    platform_port_write(&p, CMOS_PORT_INDEX, 1, reg);
}

static void test_rtc_irq8(void **state)
{
    uint64_t due;

    (void)state;
    ioapic_program(ACPI_CHILD_RTC_IRQ, 0x38);
    rtc_select(CMOS_REG_B);
    platform_port_write(&p, CMOS_PORT_DATA, 1,
                        platform_port_read(&p, CMOS_PORT_DATA, 1) | CMOS_B_UIE);
    assert_int_equal(nirqs, 0);
    pthread_mutex_lock(&p.lock);
    due = platform_rtc_update(&p);
    pthread_mutex_unlock(&p.lock);
    assert_true(due > fake_ns && due <= fake_ns + 1000000000ull);
    assert_int_equal(nirqs, 0);
    fake_s++;
    fake_ns += 1000000000ull;
    pthread_mutex_lock(&p.lock);
    platform_rtc_update(&p);
    pthread_mutex_unlock(&p.lock);
    assert_int_equal(nirqs, 1);
    assert_int_equal(irqs[0].vector, 0x38);
    rtc_select(CMOS_REG_C);
    /* (PF runs at the rate select whether PIE is set or not.) */
    assert_int_equal(platform_port_read(&p, CMOS_PORT_DATA, 1) & ~CMOS_C_PF,
                     CMOS_C_IRQF | CMOS_C_UF);
    assert_int_equal(platform_port_read(&p, CMOS_PORT_DATA, 1), 0);
    assert_int_equal(nirqs, 1);
    fake_s++;
    fake_ns += 1000000000ull;
    /* A guest access brings the chip up to date too. */
    rtc_select(CMOS_SECONDS);
    platform_port_read(&p, CMOS_PORT_DATA, 1);
    assert_int_equal(nirqs, 2);
    /* Interrupts off: no deadline. */
    rtc_select(CMOS_REG_B);
    platform_port_write(&p, CMOS_PORT_DATA, 1,
                        platform_port_read(&p, CMOS_PORT_DATA, 1) & ~CMOS_B_UIE);
    rtc_select(CMOS_REG_C);
    platform_port_read(&p, CMOS_PORT_DATA, 1);
    pthread_mutex_lock(&p.lock);
    assert_int_equal(platform_rtc_update(&p), UINT64_MAX);
    pthread_mutex_unlock(&p.lock);
}

static void pci_config_write(unsigned dev, unsigned reg, uint32_t value)
{
    platform_port_write(&p, 0xCF8, 4, 0x80000000u | dev << 11 | reg);
    platform_port_write(&p, 0xCFC, 4, value);
}

/* A legacy NIC at 00:0A.0: its CSRs at the I/O BAR the guest placed, its
 * INTA# on I/O APIC pin 17 (the _PRT's GSI for slot 10), which the guest
 * programs level-triggered and active low as ACPI says PCI lines are: the
 * idle wire does not fire, the CSR11 timer's interrupt does, and
 * acknowledging it in CSR5 ends it; a fifth NIC has no slot. */
static void test_legacy_nic(void **state)
{
    const uint8_t mac[6] = {0x00, 0x15, 0x5d, 0x0a, 0x00, 0x21};
    const struct pc_nic_host host = {.transmit = nic_transmit};
    const unsigned io = 0xC000, gsi = ACPI_CHILD_PCI_GSI(PC_NIC_FIRST_DEV, 0);

    (void)state;
    assert_int_equal(gsi, 17);
    assert_int_equal(pc_platform_add_nic(&pc, mac, &host), 0);
    assert_false(platform_port_claimed(&p, io));
    pci_config_write(PC_NIC_FIRST_DEV, 0x10, io | 1);
    pci_config_write(PC_NIC_FIRST_DEV, 0x04, 0x5); /* I/O space, bus master */
    assert_true(platform_port_claimed(&p, io));
    /* SROM and MII idle; CSR9 reads as the chip's. */
    assert_int_not_equal(platform_port_read(&p, io + 0x48, 4), 0xFFFFFFFFu);
    ioapic_program(gsi, IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW | 0x51);
    assert_int_equal(nirqs, 0);
    /* The general-purpose timer: one unit, then GTE. */
    platform_port_write(&p, io + 0x38, 4, TULIP_CSR7_MASK);
    platform_port_write(&p, io + 0x58, 4, 1);
    assert_int_equal(nirqs, 0);
    fake_ns += 1000000;
    assert_true(platform_port_read(&p, io + 0x28, 4) & TULIP_CSR5_GTE);
    assert_int_equal(nirqs, 1);
    assert_int_equal(irqs[0].vector, 0x51);
    assert_true(irqs[0].level);
    platform_port_write(&p, io + 0x28, 4, TULIP_CSR5_GTE | TULIP_CSR5_AIS | TULIP_CSR5_NIS);
    assert_false(platform_port_read(&p, io + 0x28, 4) & TULIP_CSR5_GTE);
    fake_ns += 1000000;
    platform_port_read(&p, io + 0x28, 4);
    assert_int_equal(nirqs, 1);
    /* Slots 11-13 take three more; then there is none. */
    for (int i = 1; i < PC_NICS_MAX; i++)
        assert_int_equal(pc_platform_add_nic(&pc, mac, &host), i);
    assert_int_equal(pc_platform_add_nic(&pc, mac, &host), -1);
    assert_int_equal(nframes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_address_map, setup),
        cmocka_unit_test_setup(test_com1_output_and_irq, setup),
        cmocka_unit_test_setup(test_com1_input, setup),
        cmocka_unit_test_setup(test_power_off_and_reset, setup),
        cmocka_unit_test_setup(test_clocks_and_sci, setup),
        cmocka_unit_test_setup(test_rtc_irq8, setup),
        cmocka_unit_test_setup(test_legacy_nic, setup_pc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
