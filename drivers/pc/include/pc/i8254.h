/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PC's 8254 programmable interval timer: three 16-bit down counters
 * clocked at 1.193182 MHz, ports 0x40-0x42 (counters 0-2) and 0x43 (the
 * control word).  Pure logic: the owner passes the guest's port accesses
 * and the time, a monotonic clock in nanoseconds, with every call that
 * needs it; the model calls irq0() when counter 0's OUT, the PC's IRQ 0
 * line, changes.
 *
 * Wiring on a PC: counters 0 and 1 have GATE tied high; counter 1's OUT
 * (DRAM refresh) goes nowhere; counter 2's GATE and OUT are port 0x61's
 * bits 0 and 5 (the speaker), which belongs to the platform and reaches
 * them through i8254_set_gate() and i8254_out().
 *
 * Control word (port 0x43): counter select (3 = read-back), access
 * (0 = counter latch command, 1 = LSB only, 2 = MSB only, 3 = LSB then
 * MSB), mode, BCD.  Every mode is emulated:
 *   0  interrupt on terminal count: OUT low, high when the count expires;
 *      writing a count (in LSB-then-MSB access, its first byte) stops
 *      counting and drops OUT; the complete count restarts it.
 *   1  hardware one-shot: GATE's rising edge starts it, OUT low until the
 *      count expires.
 *   2  rate generator: OUT low for one clock every N clocks (N >= 2).
 *   3  square wave: OUT high for ceil(N/2) clocks, low for floor(N/2).
 *      In modes 2 and 3 a count written while counting takes effect at
 *      the end of the current period (mode 3: half-period); GATE low stops
 *      counting and forces OUT high, its rising edge reloads the count.
 *   4  software strobe: OUT low for one clock when the count expires.
 *   5  hardware strobe: as 4, started by GATE's rising edge.
 * In modes 0 and 4 GATE low suspends counting; in 1 and 5 only its rising
 * edge counts.  Mode bits 6 and 7 are modes 2 and 3, as on the chip.
 * BCD counting (four decades) is emulated too; a count written with
 * nibbles above 9 takes each nibble's binary value (0x00A0 is 100 clocks).
 * A count of 0 is the largest: 65536 (BCD: 10000).  A count of 1 is
 * illegal in modes 2 and 3 (the datasheet's minimum is 2) and counts as 2
 * there.
 *
 * Reading a counter returns, in order: a status latched by a read-back
 * command, a latched count (one or two bytes per the access mode), or the
 * count computed from the time of the read.  Latch commands while a latch
 * is unread are ignored; a control word clears both latches.  Reading
 * port 0x43 (write-only) returns 0xFF, what the ISA bus floats to.
 *
 * Time: the counters count the edges of one clock at I8254_CLOCK_HZ that
 * started at the owner's time 0, so that where a write falls between two
 * edges does not move the edges.  A count written is in the counting
 * element at once (and OUT changes on a control word or a count write at
 * once), not on the next edge as on the chip: counts expire one clock
 * (838 ns) early.  After reset every counter is as after control word
 * 0x30 (LSB then MSB, mode 0, no count yet: OUT low, reads 0) until the
 * guest programs it: there is no firmware here that would have started
 * the 18.2 Hz tick.
 *
 * IRQ 0: after every call that takes a time, irq0() has been told OUT 0's
 * level at that time.  A call that finds OUT 0 rose since the previous one
 * pulses the line low then high, so that an edge-triggered PIC input
 * latches one request, then leaves it at its level now.  One pulse however
 * many rises: periodic edges the owner was too late for are coalesced
 * (the PIC's IRR bit would merge edges the CPU has not acknowledged in
 * between anyway), so a guest that keeps time by counting ticks loses
 * them; Linux reads a clocksource instead.  i8254_irq0_deadline() says when
 * the next rise is due, for the owner's timer; calling i8254_advance() at
 * or after it delivers it.  A guest may program a period of 2 clocks
 * (1.7 us): an owner that bounds its timer rate (KVM's PIT allows no
 * period under 200 us by default) just arms later and gets the edges
 * coalesced.  A time earlier than the previous call's is taken as the
 * previous call's (the clock never runs backwards for the model).
 */
#ifndef PC_I8254_H
#define PC_I8254_H

#include <stdbool.h>
#include <stdint.h>

#define I8254_CLOCK_HZ     1193182u
#define I8254_PORT_BASE    0x40
#define I8254_PORTS        4
#define I8254_COUNTERS     3
#define I8254_PORT_CONTROL 3 /* offset of the control word register */
#define I8254_NO_DEADLINE  UINT64_MAX

/* Control word fields (port 0x43). */
#define I8254_CW_SELECT_SHIFT 6
#define I8254_CW_READ_BACK    3 /* select value of the read-back command */
#define I8254_CW_ACCESS_SHIFT 4
#define I8254_ACCESS_LATCH    0
#define I8254_ACCESS_LSB      1
#define I8254_ACCESS_MSB      2
#define I8254_ACCESS_WORD     3 /* LSB then MSB */
#define I8254_CW_MODE_SHIFT   1
#define I8254_CW_BCD          0x01

/* Read-back command: 11 /COUNT /STATUS C2 C1 C0 0 (a 0 bit latches). */
#define I8254_RB_NO_COUNT   0x20
#define I8254_RB_NO_STATUS  0x10
#define I8254_RB_COUNTER(n) (0x02u << (n))

/* Status byte: OUT, null count, then the control word's bits 5-0. */
#define I8254_STATUS_OUT        0x80
#define I8254_STATUS_NULL_COUNT 0x40

typedef void (*i8254_irq_fn)(void *opaque, bool level);

/* Where a counter's counting element is. */
enum i8254_phase {
    I8254_IDLE,    /* control word written, no count yet (or mode 0's first byte) */
    I8254_ARMED,   /* modes 1 and 5: count written, waiting for GATE's rising edge */
    I8254_RUNNING, /* counting (unless GATE holds it) */
};

struct i8254_counter {
    /* As programmed by the control word. */
    uint8_t control; /* its bits 5-0, as written: the status byte reports them */
    uint8_t mode;    /* 0..5 (6 and 7 folded into 2 and 3) */
    uint8_t access;  /* I8254_ACCESS_LSB, _MSB or _WORD */
    bool bcd;
    /* Count register and the byte flip-flops of LSB-then-MSB access. */
    uint16_t count_reg; /* last count written, in the guest's format */
    bool write_msb_next;
    bool read_msb_next; /* reading the live count */
    /* Output latches. */
    bool status_latched;
    uint8_t status;
    uint8_t latched_bytes; /* bytes of the latched count left to read */
    uint16_t latched_count;
    /* Counting element.  Its clock: ticks_base + the ticks since
     * run_since_ns while running.  The current cycle of @initial clocks
     * began at tick cycle_start, @phase0 clocks in (mode 3's low half). */
    enum i8254_phase phase;
    bool null_count;     /* a count written has not reached the counting element */
    uint16_t idle_count; /* what reads return while not running (guest format) */
    uint32_t initial;    /* clocks per cycle: 1..65536 (BCD: up to 16665) */
    bool running;        /* the clock advances the count */
    uint64_t ticks_base;
    uint64_t run_since_ns;
    uint64_t cycle_start;
    uint32_t phase0;
    /* Modes 2 and 3: a count written while counting, loaded at tick reload_tick. */
    bool reload_pending;
    uint64_t reload_tick;
    bool reload_low_half; /* mode 3: the reload starts the low half-period */
    bool gate;
};

struct i8254 {
    struct i8254_counter counter[I8254_COUNTERS];
    uint64_t last_ns; /* the latest time a call passed */
    bool irq0_level;  /* OUT 0 as last told to irq0() */
    i8254_irq_fn irq0;
    void *opaque;
};

/* Reset state at @now_ns: every counter unprogrammed (OUT 0 low: irq0() is
 * told so), gates of counters 0 and 1 high, counter 2's low. */
void i8254_init(struct i8254 *pit, i8254_irq_fn irq0, void *opaque, uint64_t now_ns);

/* A guest access at @offset (0 .. I8254_PORTS - 1) of @size bytes (1..8).
 * The chip is 8 bits wide: a wider access is that many byte accesses at
 * consecutive offsets, little-endian; bytes past port 0x43 read 0xFF and
 * are not written.  Other sizes read all ones and write nothing. */
uint64_t i8254_io_read(struct i8254 *pit, uint64_t offset, unsigned size, uint64_t now_ns);
void i8254_io_write(struct i8254 *pit, uint64_t offset, unsigned size, uint64_t value,
                    uint64_t now_ns);

/* Bring IRQ 0 up to @now_ns: what the owner's timer calls. */
void i8254_advance(struct i8254 *pit, uint64_t now_ns);

/* When OUT 0 next rises after the latest call's time, as counter 0 is
 * programmed now, or I8254_NO_DEADLINE (not counting, or a one-shot
 * that has fired).  Any call that reprograms counter 0 can change it. */
uint64_t i8254_irq0_deadline(const struct i8254 *pit);

/* GATE input of counter @counter (0..2; others: ignored, read false). */
void i8254_set_gate(struct i8254 *pit, unsigned counter, bool level, uint64_t now_ns);
bool i8254_gate(const struct i8254 *pit, unsigned counter);

/* OUT of counter @counter at @now_ns (port 0x61 bit 5 for counter 2). */
bool i8254_out(struct i8254 *pit, unsigned counter, uint64_t now_ns);

#endif
