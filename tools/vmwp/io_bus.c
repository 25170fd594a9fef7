// SPDX-License-Identifier: GPL-2.0-only
/*
 * Port and MMIO address decoding (see io_bus.h).  A handful of devices per
 * bus: a linear search is the simplest thing that is obviously right.
 */
#include <string.h>

#include "io_bus.h"

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

void io_bus_init(struct io_bus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

int io_bus_add(struct io_bus *bus, const struct io_device *dev)
{
    if (bus->count >= IO_BUS_MAX_DEVICES || !dev->len || !dev->read || !dev->write ||
        dev->base > UINT64_MAX - (dev->len - 1))
        return -1;
    for (size_t i = 0; i < bus->count; i++) {
        const struct io_device *d = &bus->devices[i];

        /* Inclusive ends: a device may end at the top of the space. */
        if (dev->base <= d->base + (d->len - 1) && d->base <= dev->base + (dev->len - 1))
            return -1;
    }
    bus->devices[bus->count++] = *dev;
    return 0;
}

const struct io_device *io_bus_find(const struct io_bus *bus, uint64_t addr)
{
    for (size_t i = 0; i < bus->count; i++) {
        const struct io_device *d = &bus->devices[i];

        if (addr >= d->base && addr - d->base < d->len)
            return d;
    }
    return NULL;
}

/* The device that takes the whole access, or NULL if it must be split. */
static const struct io_device *whole(const struct io_bus *bus, uint64_t addr, unsigned size)
{
    const struct io_device *d = io_bus_find(bus, addr);

    if (!d || d->byte_wide || size > d->len - (addr - d->base))
        return NULL;
    return d;
}

uint64_t io_bus_read(const struct io_bus *bus, uint64_t addr, unsigned size)
{
    const struct io_device *d;
    uint64_t value = 0;

    if (size < 1 || size > 8)
        return ~0ull;
    d = whole(bus, addr, size);
    if (d)
        return d->read(d->opaque, addr - d->base, size) & size_mask(size);
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = addr + i, byte = 0xFF;

        /* Past the top of the address space there is nothing. */
        d = a >= addr ? io_bus_find(bus, a) : NULL;
        if (d)
            byte = d->read(d->opaque, a - d->base, 1) & 0xFF;
        value |= byte << (8 * i);
    }
    return value;
}

void io_bus_write(const struct io_bus *bus, uint64_t addr, unsigned size, uint64_t value)
{
    const struct io_device *d;

    if (size < 1 || size > 8)
        return;
    d = whole(bus, addr, size);
    if (d) {
        d->write(d->opaque, addr - d->base, size, value & size_mask(size));
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = addr + i;

        d = a >= addr ? io_bus_find(bus, a) : NULL;
        if (d)
            d->write(d->opaque, a - d->base, 1, (value >> (8 * i)) & 0xFF);
    }
}
