// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8259A pair (pc/i8259.h).
 *
 * State changes in one place per kind (input lines, commands, acknowledge)
 * and always end in update(), which re-drives the slave's INT into the
 * master's IR2 and the master's INT into intr(): the outputs are pure
 * functions of the registers, so nothing can leave them stale.
 */
#include <string.h>

#include <pc/i8259.h>

#define NO_IRQ (-1)

/* Priority rank of @ir: 0 is the highest, 7 the lowest (@lowest itself). */
static unsigned rank(const struct i8259_chip *ch, unsigned ir)
{
    return (ir - ch->lowest - 1) & 7;
}

/* The highest-priority IR among @bits, or NO_IRQ. */
static int highest(const struct i8259_chip *ch, uint8_t bits)
{
    for (unsigned i = 0; i < 8; i++) {
        unsigned ir = (ch->lowest + 1 + i) & 7;

        if (bits & (1u << ir))
            return (int)ir;
    }
    return NO_IRQ;
}

static uint8_t level_triggered(const struct i8259_chip *ch)
{
    return ch->icw1 & I8259_ICW1_LTIM ? 0xFF : ch->elcr;
}

/* The master's IR that has the slave, as its ICW1 and ICW3 say. */
static bool is_cascade_input(const struct i8259 *pic, const struct i8259_chip *ch, unsigned ir)
{
    return ch == &pic->master && !(ch->icw1 & I8259_ICW1_SNGL) && (ch->icw3 & (1u << ir));
}

/* The IR this chip would have acknowledged now, or NO_IRQ. */
static int chip_request(const struct i8259 *pic, const struct i8259_chip *ch)
{
    uint8_t in_service = ch->isr;
    int ir = highest(ch, ch->irr & (uint8_t)~ch->imr), current;

    if (ir == NO_IRQ)
        return NO_IRQ;
    if (ch->special_mask)
        in_service &= (uint8_t)~ch->imr;
    current = highest(ch, in_service);
    if (current == NO_IRQ || rank(ch, (unsigned)ir) < rank(ch, (unsigned)current))
        return ir;
    /* Special fully nested: the slave's own input, in service, may nest. */
    if ((ch->icw4 & I8259_ICW4_SFNM) && ir == current && is_cascade_input(pic, ch, (unsigned)ir))
        return ir;
    return NO_IRQ;
}

static void drive_input(struct i8259_chip *ch, unsigned ir, bool level)
{
    uint8_t bit = (uint8_t)(1u << ir);

    if (level) {
        /* A level request is there while the line is; an edge one latches. */
        if ((level_triggered(ch) & bit) || !(ch->lines & bit))
            ch->irr |= bit;
        ch->lines |= bit;
    } else {
        ch->lines &= (uint8_t)~bit;
        if (level_triggered(ch) & bit)
            ch->irr &= (uint8_t)~bit;
    }
}

static void update(struct i8259 *pic)
{
    bool slave_int = chip_request(pic, &pic->slave) != NO_IRQ, intr;
    uint8_t cascade = 1u << I8259_CASCADE_IRQ;

    /* IR2 requests exactly while the slave's INT is high, whatever the
     * trigger mode (see pc/i8259.h). */
    if (slave_int) {
        pic->master.irr |= cascade;
        pic->master.lines |= cascade;
    } else {
        pic->master.irr &= (uint8_t)~cascade;
        pic->master.lines &= (uint8_t)~cascade;
    }
    intr = chip_request(pic, &pic->master) != NO_IRQ;
    if (intr != pic->intr) {
        pic->intr = intr;
        if (pic->intr_fn)
            pic->intr_fn(pic->opaque, intr);
    }
}

/* What an INTA (or a poll) does to the chip for @ir. */
static void acknowledge_ir(struct i8259_chip *ch, unsigned ir)
{
    uint8_t bit = (uint8_t)(1u << ir);

    /* A level request stays as long as its line: ISR now blocks it. */
    if (!(level_triggered(ch) & bit))
        ch->irr &= (uint8_t)~bit;
    if (!(ch->icw4 & I8259_ICW4_AEOI))
        ch->isr |= bit;
    else if (ch->rotate_on_aeoi)
        ch->lowest = (uint8_t)ir;
}

/* ---- commands ---------------------------------------------------------------- */

static void write_icw1(struct i8259_chip *ch, uint8_t v)
{
    ch->icw1 = v;
    ch->next_icw = 2;
    ch->imr = 0;
    ch->isr = 0;
    /* Edge sensing restarts: only level requests present now remain. */
    ch->irr = ch->lines & level_triggered(ch);
    ch->lowest = 7;
    ch->read_isr = false;
    ch->poll = false;
    ch->special_mask = false;
    ch->rotate_on_aeoi = false;
    ch->icw3 = 0;
    if (!(v & I8259_ICW1_IC4))
        ch->icw4 = 0;
}

static void write_icw(struct i8259_chip *ch, uint8_t v)
{
    switch (ch->next_icw) {
    case 2:
        ch->vector_base = v & 0xF8;
        if (!(ch->icw1 & I8259_ICW1_SNGL))
            ch->next_icw = 3;
        else
            ch->next_icw = ch->icw1 & I8259_ICW1_IC4 ? 4 : 0;
        break;
    case 3:
        ch->icw3 = v;
        ch->next_icw = ch->icw1 & I8259_ICW1_IC4 ? 4 : 0;
        break;
    default:
        ch->icw4 = v & 0x1F;
        ch->next_icw = 0;
        break;
    }
}

static void write_ocw2(struct i8259_chip *ch, uint8_t v)
{
    unsigned ir = v & 7;
    uint8_t in_service = ch->isr;
    int top;

    if (ch->special_mask)
        in_service &= (uint8_t)~ch->imr;
    top = highest(ch, in_service);
    switch (v & 0xE0) {
    case I8259_OCW2_EOI:
    case I8259_OCW2_ROTATE_EOI:
        if (top == NO_IRQ)
            break;
        ch->isr &= (uint8_t) ~(1u << top);
        if ((v & 0xE0) == I8259_OCW2_ROTATE_EOI)
            ch->lowest = (uint8_t)top;
        break;
    case I8259_OCW2_SPECIFIC_EOI:
        ch->isr &= (uint8_t) ~(1u << ir);
        break;
    case I8259_OCW2_ROTATE_SPECIFIC_EOI:
        ch->isr &= (uint8_t) ~(1u << ir);
        ch->lowest = (uint8_t)ir;
        break;
    case I8259_OCW2_SET_PRIORITY:
        ch->lowest = (uint8_t)ir;
        break;
    case I8259_OCW2_ROTATE_AEOI_SET:
        ch->rotate_on_aeoi = true;
        break;
    case I8259_OCW2_ROTATE_AEOI_CLEAR:
        ch->rotate_on_aeoi = false;
        break;
    default: /* 0x40: no operation */
        break;
    }
}

static void write_ocw3(struct i8259_chip *ch, uint8_t v)
{
    if (v & 0x04)
        ch->poll = true;
    if (v & 0x02)
        ch->read_isr = v & 0x01;
    if (v & 0x40)
        ch->special_mask = v & 0x20;
}

static void chip_write(struct i8259_chip *ch, unsigned offset, uint8_t v)
{
    if (offset == 0) {
        if (v & I8259_ICW1)
            write_icw1(ch, v);
        else if (v & I8259_OCW3)
            write_ocw3(ch, v);
        else
            write_ocw2(ch, v);
    } else if (ch->next_icw) {
        write_icw(ch, v);
    } else {
        ch->imr = v;
    }
}

static uint8_t poll_word(struct i8259 *pic, struct i8259_chip *ch)
{
    int ir = chip_request(pic, ch);

    ch->poll = false;
    if (ir == NO_IRQ)
        return 0x07;
    acknowledge_ir(ch, (unsigned)ir);
    return (uint8_t)(0x80 | ir);
}

static uint8_t chip_read(struct i8259 *pic, struct i8259_chip *ch, unsigned offset)
{
    if (ch->poll)
        return poll_word(pic, ch);
    if (offset == 1)
        return ch->imr;
    return ch->read_isr ? ch->isr : ch->irr;
}

static void elcr_write(struct i8259_chip *ch, uint8_t v)
{
    ch->elcr = v & ch->elcr_mask;
    /* An input made level-triggered now requests exactly while it is high. */
    ch->irr = (uint8_t)((ch->irr & ~level_triggered(ch)) | (ch->lines & level_triggered(ch)));
}

/* ---- byte accesses ---------------------------------------------------------- */

static uint8_t read_byte(struct i8259 *pic, enum i8259_io_range range, unsigned offset)
{
    switch (range) {
    case I8259_IO_MASTER:
        return chip_read(pic, &pic->master, offset);
    case I8259_IO_SLAVE:
        return chip_read(pic, &pic->slave, offset);
    default:
        return offset ? pic->slave.elcr : pic->master.elcr;
    }
}

static void write_byte(struct i8259 *pic, enum i8259_io_range range, unsigned offset, uint8_t v)
{
    switch (range) {
    case I8259_IO_MASTER:
        chip_write(&pic->master, offset, v);
        break;
    case I8259_IO_SLAVE:
        chip_write(&pic->slave, offset, v);
        break;
    default:
        elcr_write(offset ? &pic->slave : &pic->master, v);
        break;
    }
}

static bool valid_access(enum i8259_io_range range, unsigned size)
{
    return (range == I8259_IO_MASTER || range == I8259_IO_SLAVE || range == I8259_IO_ELCR) &&
           size >= 1 && size <= 8;
}

/* ---- API ---------------------------------------------------------------------- */

static void chip_reset(struct i8259_chip *ch, uint8_t elcr_mask)
{
    memset(ch, 0, sizeof(*ch));
    ch->imr = 0xFF;
    ch->lowest = 7;
    ch->elcr_mask = elcr_mask;
}

void i8259_init(struct i8259 *pic, i8259_intr_fn intr, void *opaque)
{
    memset(pic, 0, sizeof(*pic));
    chip_reset(&pic->master, I8259_ELCR_MASTER_MASK);
    chip_reset(&pic->slave, I8259_ELCR_SLAVE_MASK);
    pic->intr_fn = intr;
    pic->opaque = opaque;
}

uint64_t i8259_io_read(struct i8259 *pic, enum i8259_io_range range, uint64_t offset, unsigned size)
{
    uint64_t v = 0;

    if (!valid_access(range, size))
        return UINT64_MAX;
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte = 0xFF;

        if (offset < I8259_PORTS && i < I8259_PORTS - offset)
            byte = read_byte(pic, range, (unsigned)(offset + i));
        v |= byte << (8 * i);
    }
    /* A poll acknowledges. */
    update(pic);
    return v;
}

void i8259_io_write(struct i8259 *pic, enum i8259_io_range range, uint64_t offset, unsigned size,
                    uint64_t value)
{
    if (!valid_access(range, size))
        return;
    for (unsigned i = 0; i < size; i++) {
        if (offset >= I8259_PORTS || i >= I8259_PORTS - offset)
            break;
        write_byte(pic, range, (unsigned)(offset + i), (uint8_t)(value >> (8 * i)));
        update(pic);
    }
}

void i8259_set_irq(struct i8259 *pic, unsigned irq, bool level)
{
    if (irq >= I8259_IRQS || irq == I8259_CASCADE_IRQ)
        return;
    drive_input(irq < 8 ? &pic->master : &pic->slave, irq & 7, level);
    update(pic);
}

bool i8259_intr_pending(const struct i8259 *pic)
{
    return pic->intr;
}

uint8_t i8259_acknowledge(struct i8259 *pic)
{
    struct i8259_chip *m = &pic->master, *s = &pic->slave;
    int ir = chip_request(pic, m), sir;
    uint8_t vector;

    if (ir == NO_IRQ) {
        vector = m->vector_base | 7; /* spurious IRQ 7 */
    } else if (!is_cascade_input(pic, m, (unsigned)ir)) {
        acknowledge_ir(m, (unsigned)ir);
        vector = (uint8_t)(m->vector_base | ir);
    } else {
        acknowledge_ir(m, (unsigned)ir);
        if (ir != I8259_CASCADE_IRQ || (s->icw1 & I8259_ICW1_SNGL) ||
            (s->icw3 & 7) != I8259_CASCADE_IRQ) {
            vector = 0xFF; /* no slave answers for that input */
        } else if ((sir = chip_request(pic, s)) == NO_IRQ) {
            /* Spurious IRQ 15: on the chip, a request gone between the two
             * INTA pulses; here IR2 follows the slave, so not reached. */
            vector = s->vector_base | 7;
        } else {
            acknowledge_ir(s, (unsigned)sir);
            vector = (uint8_t)(s->vector_base | sir);
        }
    }
    update(pic);
    return vector;
}
