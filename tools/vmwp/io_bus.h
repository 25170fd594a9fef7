/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Address decoding for emulated devices: one bus for I/O ports, one for
 * MMIO.  A device claims [base, base + len); an access is little-endian, 1
 * to 8 bytes.  Pure logic, not locked: the owner registers every device
 * before the VPs run and serialises accesses.
 *
 * An access that lies inside one device goes to it whole, unless the device
 * asked for single bytes (registers one byte wide, as on an 8-bit ISA
 * device, where a 16-bit IN is two byte reads).  Any other access is split
 * into bytes and each byte goes where its address leads.  A byte no device
 * claims reads as 0xFF and its write is dropped: what a PC's bus does for
 * an absent device.
 */
#ifndef VMWP_IO_BUS_H
#define VMWP_IO_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IO_BUS_MAX_DEVICES 48

typedef uint64_t (*io_read_fn)(void *opaque, uint64_t offset, unsigned size);
typedef void (*io_write_fn)(void *opaque, uint64_t offset, unsigned size, uint64_t value);

struct io_device {
    const char *name;
    uint64_t base;
    uint64_t len;
    bool byte_wide; /* split every access into single bytes */
    io_read_fn read;
    io_write_fn write;
    void *opaque;
};

struct io_bus {
    struct io_device devices[IO_BUS_MAX_DEVICES];
    size_t count;
};

void io_bus_init(struct io_bus *bus);

/* Claim a range: -1 if it is empty, wraps, overlaps another device, has no
 * handlers, or the bus is full. */
int io_bus_add(struct io_bus *bus, const struct io_device *dev);

/* The device claiming @addr, or NULL. */
const struct io_device *io_bus_find(const struct io_bus *bus, uint64_t addr);

/* An access of @size bytes (1..8; others read all ones and write nothing). */
uint64_t io_bus_read(const struct io_bus *bus, uint64_t addr, unsigned size);
void io_bus_write(const struct io_bus *bus, uint64_t addr, unsigned size, uint64_t value);

#endif
