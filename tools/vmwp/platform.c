// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child's devices and their wiring (see platform.h).  The bus handlers
 * below run with p->lock held (taken by the platform_* entry points); after
 * every access that can change an interrupt line, the line is re-driven
 * into the I/O APIC, which sees the edges.
 */
#include <string.h>
#include <time.h>

#include "acpi_tables.h"
#include "boot.h"
#include "log.h"
#include "pc_platform.h"
#include "platform.h"

static bool sleep_refused_logged;

static uint64_t now_ns(const struct platform *p)
{
    struct timespec ts;

    if (p->hooks.monotonic_ns)
        return p->hooks.monotonic_ns(p->hooks.opaque);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int64_t now_s(const struct platform *p)
{
    struct timespec ts;

    if (p->hooks.realtime_s)
        return p->hooks.realtime_s(p->hooks.opaque);
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

/* ---- interrupt lines ------------------------------------------------------ */

/* The RTC runs on wall-clock time: its registers are the date. */
static int64_t now_rt_ns(const struct platform *p)
{
    struct timespec ts;

    if (p->hooks.realtime_s)
        return p->hooks.realtime_s(p->hooks.opaque) * 1000000000ll;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

uint64_t platform_rtc_update(struct platform *p)
{
    int64_t rt = now_rt_ns(p), due;
    bool line;

    cmos_rtc_advance(&p->rtc, rt);
    line = cmos_rtc_irq(&p->rtc);
    if (line != p->rtc_line) {
        p->rtc_line = line;
        platform_isa_irq(p, ACPI_CHILD_RTC_IRQ, line);
    }
    due = cmos_rtc_next_deadline(&p->rtc);
    if (due == CMOS_RTC_NO_DEADLINE)
        return UINT64_MAX;
    /* From the wall clock to the monotonic one the timer thread waits on. */
    return due <= rt ? now_ns(p) : now_ns(p) + (uint64_t)(due - rt);
}

uint64_t platform_now_ns(const struct platform *p)
{
    return now_ns(p);
}

int64_t platform_now_s(const struct platform *p)
{
    return now_s(p);
}

void platform_isa_irq(struct platform *p, unsigned irq, bool level)
{
    if (irq >= 16)
        return;
    if (p->pc)
        i8259_set_irq(&p->pc->pic, irq, level);
    /* The MADT's interrupt source override: the PIT's IRQ 0 is pin 2. */
    ioapic_set_irq(&p->ioapic, irq == 0 ? 2 : irq, level);
}

int platform_extint_ack(struct platform *p)
{
    int vector = -1;

    pthread_mutex_lock(&p->lock);
    if (p->pc && i8259_intr_pending(&p->pc->pic))
        vector = i8259_acknowledge(&p->pc->pic);
    pthread_mutex_unlock(&p->lock);
    return vector;
}

static void drive_com1_line(struct platform *p)
{
    bool line = uart_irq_line(&p->com1);

    if (line != p->com1_line) {
        p->com1_line = line;
        platform_isa_irq(p, ACPI_CHILD_COM1_IRQ, line);
    }
}

static void drive_sci_line(struct platform *p)
{
    bool line = pm_sci_level(&p->pm, now_ns(p));

    if (line != p->sci_line) {
        p->sci_line = line;
        platform_isa_irq(p, ACPI_CHILD_SCI_IRQ, line);
    }
}

static void ioapic_deliver(void *opaque, const struct ioapic_irq *irq)
{
    struct platform *p = opaque;

    if (p->hooks.assert_interrupt)
        p->hooks.assert_interrupt(p->hooks.opaque, irq);
}

void platform_request(struct platform *p, enum platform_request what)
{
    if (p->hooks.request)
        p->hooks.request(p->hooks.opaque, what);
}

/* ---- COM1 ------------------------------------------------------------------ */

static void com1_tx(void *opaque, uint8_t byte)
{
    struct platform *p = opaque;

    if (p->hooks.serial_output)
        p->hooks.serial_output(p->hooks.opaque, byte);
}

/* Move buffered console input into the UART's FIFO, as far as it has room. */
static void com1_refill(struct platform *p)
{
    while (p->rx_count) {
        size_t run = PLATFORM_RX_BUFFER - p->rx_head, took;

        if (run > p->rx_count)
            run = p->rx_count;
        took = uart_receive(&p->com1, p->rx_buf + p->rx_head, run);
        p->rx_head = (p->rx_head + took) % PLATFORM_RX_BUFFER;
        p->rx_count -= took;
        if (took < run)
            break;
    }
}

static uint64_t com1_read(void *opaque, uint64_t offset, unsigned size)
{
    struct platform *p = opaque;
    uint8_t v;

    (void)size; /* byte-wide device */
    v = uart_read(&p->com1, (unsigned)offset);
    com1_refill(p);
    drive_com1_line(p);
    return v;
}

static void com1_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct platform *p = opaque;

    (void)size;
    uart_write(&p->com1, (unsigned)offset, (uint8_t)value);
    /* A FIFO reset or leaving loopback can make room for waiting input. */
    com1_refill(p);
    drive_com1_line(p);
}

/* ---- ACPI PM block --------------------------------------------------------- */

static uint64_t pm_io_read(void *opaque, uint64_t offset, unsigned size)
{
    struct platform *p = opaque;
    uint32_t v = pm_read(&p->pm, (unsigned)offset, size, now_ns(p));

    drive_sci_line(p);
    return v;
}

static void pm_io_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct platform *p = opaque;
    enum pm_event ev = pm_write(&p->pm, (unsigned)offset, size, (uint32_t)value, now_ns(p));

    drive_sci_line(p);
    if (ev == PM_EVENT_POWER_OFF)
        platform_request(p, PLATFORM_POWER_OFF);
    else if (ev == PM_EVENT_SLEEP_REFUSED)
        vmwp_log_once(&sleep_refused_logged,
                      "guest asked for a sleep state other than S5: not supported, it keeps "
                      "running (logged once)");
}

/* ---- CMOS RTC, reset ------------------------------------------------------- */

/* After a guest access: IRQ 8 follows register C at once; generation 1's
 * timer thread re-reads the next periodic, alarm or update event.  (A
 * generation 2 child has no timer thread: its RTC events show when it
 * next reads the chip, which is how Linux there uses it.) */
static void rtc_changed(struct platform *p)
{
    platform_rtc_update(p);
    if (p->pc)
        pc_platform_timers_changed(p->pc);
}

static uint64_t rtc_io_read(void *opaque, uint64_t offset, unsigned size)
{
    struct platform *p = opaque;
    uint8_t v;

    (void)size;
    v = cmos_rtc_read_ns(&p->rtc, (uint16_t)(CMOS_PORT_INDEX + offset), now_rt_ns(p));
    rtc_changed(p); /* reading register C drops IRQ 8 */
    return v;
}

static void rtc_io_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct platform *p = opaque;

    (void)size;
    cmos_rtc_write_ns(&p->rtc, (uint16_t)(CMOS_PORT_INDEX + offset), (uint8_t)value, now_rt_ns(p));
    rtc_changed(p);
}

/* One handler for the three reset ports: the opaque pointer carries the
 * port so that the model sees real port numbers. */
static uint64_t reset_io_read(void *opaque, uint64_t offset, unsigned size)
{
    const struct platform_port_ctx *c = opaque;

    (void)size;
    return reset_ports_read(&c->p->reset, (uint16_t)(c->port + offset));
}

static void reset_io_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    const struct platform_port_ctx *c = opaque;

    (void)size;
    if (reset_ports_write(&c->p->reset, (uint16_t)(c->port + offset), (uint8_t)value))
        platform_request(c->p, PLATFORM_RESET);
}

/* ---- I/O APIC ------------------------------------------------------------- */

static uint64_t ioapic_io_read(void *opaque, uint64_t offset, unsigned size)
{
    struct platform *p = opaque;

    return ioapic_mmio_read(&p->ioapic, offset, size);
}

static void ioapic_io_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct platform *p = opaque;

    ioapic_mmio_write(&p->ioapic, offset, size, value);
}

/* ---- set-up and entry points ------------------------------------------------ */

int platform_init(struct platform *p, const struct platform_hooks *hooks, struct pc_platform *pc)
{
    uint64_t now;
    int rc = 0;

    memset(p, 0, sizeof(*p));
    if (pthread_mutex_init(&p->lock, NULL))
        return -1;
    if (hooks)
        p->hooks = *hooks;
    now = now_ns(p);
    io_bus_init(&p->ports);
    io_bus_init(&p->mmio);
    uart_init(&p->com1, com1_tx, p);
    ioapic_init(&p->ioapic, ACPI_CHILD_IOAPIC_ID, ioapic_deliver, p);
    pm_init(&p->pm, now);
    cmos_rtc_init(&p->rtc, now_s(p));
    reset_ports_init(&p->reset);
    p->reset_ctx[0] = (struct platform_port_ctx){p, RESET_PORT_CF9};
    p->reset_ctx[1] = (struct platform_port_ctx){p, I8042_PORT_DATA};
    p->reset_ctx[2] = (struct platform_port_ctx){p, I8042_PORT_CMD};

    rc |= io_bus_add(&p->ports, &(struct io_device){"com1", ACPI_CHILD_COM1_PORT, UART_REGS, true,
                                                    com1_read, com1_write, p});
    rc |= io_bus_add(&p->ports,
                     &(struct io_device){"acpi-pm", BOOT_PM_BASE_PORT, ACPI_CHILD_PM_IO_LEN, false,
                                         pm_io_read, pm_io_write, p});
    rc |= io_bus_add(&p->ports, &(struct io_device){"cmos", CMOS_PORT_INDEX, 2, true, rtc_io_read,
                                                    rtc_io_write, p});
    if (pc) {
        /* The chipset owns 0xCF8-0xCFF and the real 8042. */
        p->pc = pc;
        rc |= pc_platform_init(pc, p);
    } else {
        rc |= io_bus_add(&p->ports,
                         &(struct io_device){"reset-cf9", RESET_PORT_CF9, 1, true, reset_io_read,
                                             reset_io_write, &p->reset_ctx[0]});
        rc |= io_bus_add(&p->ports,
                         &(struct io_device){"i8042-data", I8042_PORT_DATA, 1, true, reset_io_read,
                                             reset_io_write, &p->reset_ctx[1]});
        rc |= io_bus_add(&p->ports,
                         &(struct io_device){"i8042-cmd", I8042_PORT_CMD, 1, true, reset_io_read,
                                             reset_io_write, &p->reset_ctx[2]});
    }
    rc |=
        io_bus_add(&p->mmio, &(struct io_device){"ioapic", ACPI_CHILD_IOAPIC_ADDR, IOAPIC_MMIO_SIZE,
                                                 false, ioapic_io_read, ioapic_io_write, p});
    return rc ? -1 : 0;
}

uint64_t platform_port_read(struct platform *p, uint16_t port, unsigned size)
{
    uint64_t v;

    pthread_mutex_lock(&p->lock);
    if (!p->pc || !pc_platform_port_read(p->pc, port, size, &v))
        v = io_bus_read(&p->ports, port, size);
    pthread_mutex_unlock(&p->lock);
    return v;
}

void platform_port_write(struct platform *p, uint16_t port, unsigned size, uint64_t value)
{
    pthread_mutex_lock(&p->lock);
    if (!p->pc || !pc_platform_port_write(p->pc, port, size, value))
        io_bus_write(&p->ports, port, size, value);
    pthread_mutex_unlock(&p->lock);
}

uint64_t platform_mmio_read(struct platform *p, uint64_t gpa, unsigned size)
{
    uint64_t v;

    pthread_mutex_lock(&p->lock);
    if (!p->pc || !pc_platform_mmio_read(p->pc, gpa, size, &v))
        v = io_bus_read(&p->mmio, gpa, size);
    pthread_mutex_unlock(&p->lock);
    return v;
}

void platform_mmio_write(struct platform *p, uint64_t gpa, unsigned size, uint64_t value)
{
    pthread_mutex_lock(&p->lock);
    if (!p->pc || !pc_platform_mmio_write(p->pc, gpa, size, value))
        io_bus_write(&p->mmio, gpa, size, value);
    pthread_mutex_unlock(&p->lock);
}

bool platform_port_claimed(struct platform *p, uint16_t port)
{
    bool bar;

    /* The buses do not change after platform_init(): no lock needed. */
    if (io_bus_find(&p->ports, port))
        return true;
    if (!p->pc)
        return false;
    pthread_mutex_lock(&p->lock);
    bar = pc_platform_port_decoded(p->pc, port);
    pthread_mutex_unlock(&p->lock);
    return bar;
}

bool platform_mmio_claimed(struct platform *p, uint64_t gpa)
{
    bool bar;

    if (io_bus_find(&p->mmio, gpa))
        return true;
    if (!p->pc)
        return false;
    pthread_mutex_lock(&p->lock);
    bar = pc_platform_mmio_decoded(p->pc, gpa);
    pthread_mutex_unlock(&p->lock);
    return bar;
}

size_t platform_console_input(struct platform *p, const uint8_t *bytes, size_t n)
{
    size_t took = 0;

    pthread_mutex_lock(&p->lock);
    while (took < n && p->rx_count < PLATFORM_RX_BUFFER) {
        p->rx_buf[(p->rx_head + p->rx_count) % PLATFORM_RX_BUFFER] = bytes[took++];
        p->rx_count++;
    }
    com1_refill(p);
    drive_com1_line(p);
    pthread_mutex_unlock(&p->lock);
    return took;
}

void platform_eoi(struct platform *p, uint8_t vector)
{
    pthread_mutex_lock(&p->lock);
    ioapic_eoi(&p->ioapic, vector);
    pthread_mutex_unlock(&p->lock);
}
