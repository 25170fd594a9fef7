// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI bus 0 and configuration mechanism #1 (pc/pci_bus.h).
 *
 * A function's registers are bytes with per-byte masks, so that every
 * access width and alignment goes through one byte loop and nothing
 * depends on how the guest splits its accesses.  The owner's view of a
 * function (command register, BAR windows) is kept as last reported and
 * compared after each write: a report happens exactly when something the
 * owner maps changed, whichever bytes the guest wrote to get there.
 */
#include <string.h>

#include <pc/pci_bus.h>

#define IO_SPACE_LAST 0xFFFFu       /* the x86 port space */
#define FLASH_TOP     0xFFFFFFFFull /* the last byte below 4 GiB */
#define BAR_IO_FLAGS  0x3u          /* an I/O BAR's low bits */
#define BAR_MEM_FLAGS 0xFu          /* a memory BAR's low bits */

static uint32_t all_ones(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static bool valid_size(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Store @size bytes of @value at @offset of @regs; bytes past the end are dropped. */
static void put_bytes(uint8_t *regs, unsigned offset, unsigned size, uint32_t value)
{
    for (unsigned i = 0; i < size && offset + i < PCI_CONFIG_SIZE; i++)
        regs[offset + i] = (uint8_t)(value >> (8 * i));
}

static bool is_power_of_two(uint64_t v)
{
    return v && !(v & (v - 1));
}

/* ---- functions ---------------------------------------------------------------- */

void pci_function_init(struct pci_function *fn, const struct pci_id *id,
                       const struct pci_function_ops *ops, void *opaque)
{
    memset(fn, 0, sizeof(*fn));
    pci_function_set_reg(fn, PCI_CFG_VENDOR_ID, 2, id->vendor);
    pci_function_set_reg(fn, PCI_CFG_DEVICE_ID, 2, id->device);
    pci_function_set_reg(fn, PCI_CFG_REVISION, 1, id->revision);
    pci_function_set_reg(fn, PCI_CFG_CLASS_PROG, 1, id->class_code & 0xFF);
    pci_function_set_reg(fn, PCI_CFG_CLASS_PROG + 1, 2, id->class_code >> 8 & 0xFFFF);
    pci_function_set_reg(fn, PCI_CFG_HEADER_TYPE, 1, id->header_type);
    /* Software keeps the IRQ it routed the function to here (SeaBIOS and
     * Linux both write it), whether or not the device interrupts. */
    pci_function_set_wmask(fn, PCI_CFG_INTERRUPT_LINE, 1, 0xFF);
    pci_function_set_w1c(fn, PCI_CFG_STATUS, 2, PCI_STS_ERRORS);
    fn->ops = ops;
    fn->opaque = opaque;
}

void pci_function_set_reg(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value)
{
    put_bytes(fn->config, offset, size, value);
}

void pci_function_set_wmask(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask)
{
    put_bytes(fn->wmask, offset, size, mask);
}

void pci_function_set_w1c(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask)
{
    put_bytes(fn->w1c, offset, size, mask);
}

int pci_function_set_bar(struct pci_function *fn, unsigned n, enum pci_bar_type type, uint64_t size,
                         bool prefetchable)
{
    unsigned reg = PCI_CFG_BAR0 + 4 * n;
    uint64_t address_mask = ~(size - 1);
    uint32_t flags;

    if (n >= PCI_BARS || !is_power_of_two(size) || fn->bar[n].type != PCI_BAR_NONE)
        return -1;
    switch (type) {
    case PCI_BAR_IO:
        if (size < 4 || size > 256 || prefetchable)
            return -1;
        flags = PCI_BAR_SPACE_IO;
        pci_function_set_wmask(fn, reg, 4, (uint32_t)address_mask & ~BAR_IO_FLAGS);
        break;
    case PCI_BAR_MEM32:
        if (size < 16 || size > 0x80000000ull)
            return -1;
        flags = prefetchable ? PCI_BAR_MEM_PREFETCH : 0;
        pci_function_set_wmask(fn, reg, 4, (uint32_t)address_mask & ~BAR_MEM_FLAGS);
        break;
    case PCI_BAR_MEM64:
        if (size < 16 || size > 1ull << 63 || n + 1 >= PCI_BARS ||
            fn->bar[n + 1].type != PCI_BAR_NONE)
            return -1;
        flags = PCI_BAR_MEM_TYPE_64 | (prefetchable ? PCI_BAR_MEM_PREFETCH : 0);
        pci_function_set_wmask(fn, reg, 4, (uint32_t)address_mask & ~BAR_MEM_FLAGS);
        pci_function_set_wmask(fn, reg + 4, 4, (uint32_t)(address_mask >> 32));
        pci_function_set_reg(fn, reg + 4, 4, 0);
        fn->bar[n + 1] = (struct pci_bar){.type = PCI_BAR_MEM64_UPPER};
        break;
    default:
        return -1;
    }
    pci_function_set_reg(fn, reg, 4, flags);
    fn->bar[n] = (struct pci_bar){.type = type, .prefetchable = prefetchable, .size = size};
    return 0;
}

uint16_t pci_function_command(const struct pci_function *fn)
{
    return (uint16_t)(fn->config[PCI_CFG_COMMAND] | fn->config[PCI_CFG_COMMAND + 1] << 8);
}

struct pci_bar_window pci_function_bar_window(const struct pci_function *fn, unsigned n)
{
    struct pci_bar_window w = {0};
    const struct pci_bar *bar;
    const uint8_t *reg;
    uint16_t command = pci_function_command(fn);
    uint64_t last;

    if (n >= PCI_BARS)
        return w;
    bar = &fn->bar[n];
    reg = &fn->config[PCI_CFG_BAR0 + 4 * n];
    w.size = bar->size;
    switch (bar->type) {
    case PCI_BAR_IO:
        w.base = get32(reg) & ~BAR_IO_FLAGS;
        last = w.base + w.size - 1;
        w.mapped = (command & PCI_CMD_IO) && w.base && last <= IO_SPACE_LAST;
        break;
    case PCI_BAR_MEM32:
    case PCI_BAR_MEM64:
        w.base = get32(reg) & ~BAR_MEM_FLAGS;
        if (bar->type == PCI_BAR_MEM64)
            w.base |= (uint64_t)get32(reg + 4) << 32;
        /* Sizing leaves ones up to the top of the BAR's space; a 64-bit
         * BAR sized one half at a time passes through ranges over 4 GiB's
         * last byte.  Nothing can live there anyway. */
        last = w.base + w.size - 1;
        w.mapped = (command & PCI_CMD_MEMORY) && w.base && last >= w.base &&
                   !(w.base <= FLASH_TOP && last >= FLASH_TOP) && last != UINT64_MAX;
        break;
    default:
        w.size = 0;
        break;
    }
    return w;
}

/* Where an unmapped BAR points is no news to the owner. */
static bool same_window(const struct pci_bar_window *a, const struct pci_bar_window *b)
{
    return a->mapped == b->mapped && (!a->mapped || (a->base == b->base && a->size == b->size));
}

void pci_function_sync(struct pci_function *fn)
{
    uint16_t command = pci_function_command(fn);

    if (command != fn->command) {
        uint16_t old = fn->command;

        fn->command = command;
        if (fn->ops && fn->ops->command_changed)
            fn->ops->command_changed(fn, old, command);
    }
    for (unsigned n = 0; n < PCI_BARS; n++) {
        struct pci_bar_window now = pci_function_bar_window(fn, n), old = fn->window[n];

        fn->window[n] = now;
        if (same_window(&now, &old))
            continue;
        if (fn->ops && fn->ops->bar_changed)
            fn->ops->bar_changed(fn, n, &old, &now);
    }
}

void pci_function_commit(struct pci_function *fn)
{
    memcpy(fn->reset_config, fn->config, sizeof(fn->config));
    memcpy(fn->reset_wmask, fn->wmask, sizeof(fn->wmask));
    fn->command = pci_function_command(fn);
    for (unsigned n = 0; n < PCI_BARS; n++)
        fn->window[n] = pci_function_bar_window(fn, n);
}

void pci_function_reset(struct pci_function *fn)
{
    memcpy(fn->config, fn->reset_config, sizeof(fn->config));
    memcpy(fn->wmask, fn->reset_wmask, sizeof(fn->wmask));
    pci_function_sync(fn);
}

void pci_function_set_status(struct pci_function *fn, uint16_t bits)
{
    fn->config[PCI_CFG_STATUS] |= (uint8_t)bits;
    fn->config[PCI_CFG_STATUS + 1] |= (uint8_t)(bits >> 8);
}

uint32_t pci_function_read(const struct pci_function *fn, unsigned offset, unsigned size)
{
    uint32_t value = 0;

    if (!valid_size(size))
        return all_ones(4);
    for (unsigned i = 0; i < size; i++) {
        uint8_t byte = offset + i < PCI_CONFIG_SIZE ? fn->config[offset + i] : 0xFF;

        value |= (uint32_t)byte << (8 * i);
    }
    return value;
}

void pci_function_write(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value)
{
    if (!valid_size(size) || offset >= PCI_CONFIG_SIZE)
        return;
    for (unsigned i = 0; i < size && offset + i < PCI_CONFIG_SIZE; i++) {
        unsigned o = offset + i;
        uint8_t byte = (uint8_t)(value >> (8 * i));
        uint8_t reg = (uint8_t)((fn->config[o] & ~fn->wmask[o]) | (byte & fn->wmask[o]));

        fn->config[o] = (uint8_t)(reg & ~(byte & fn->w1c[o]));
    }
    pci_function_sync(fn);
    if (fn->ops && fn->ops->config_written)
        fn->ops->config_written(fn, offset, size);
}

/* ---- the bus -------------------------------------------------------------------- */

void pci_bus_init(struct pci_bus *bus)
{
    memset(bus, 0, sizeof(*bus));
}

void pci_bus_reset(struct pci_bus *bus)
{
    bus->config_address = 0;
}

int pci_bus_attach(struct pci_bus *bus, unsigned device, unsigned function, struct pci_function *fn)
{
    if (device >= PCI_DEVICES || function >= PCI_FUNCTIONS || !fn || bus->slot[device][function])
        return -1;
    bus->slot[device][function] = fn;
    return 0;
}

struct pci_function *pci_bus_function(const struct pci_bus *bus, unsigned device, unsigned function)
{
    if (device >= PCI_DEVICES || function >= PCI_FUNCTIONS)
        return NULL;
    return bus->slot[device][function];
}

/* Who answers a configuration cycle: bus 0's functions only (no bridges). */
static struct pci_function *target(const struct pci_bus *bus, unsigned bus_nr, unsigned device,
                                   unsigned function)
{
    return bus_nr == 0 ? pci_bus_function(bus, device, function) : NULL;
}

uint32_t pci_bus_config_read(const struct pci_bus *bus, unsigned bus_nr, unsigned device,
                             unsigned function, unsigned offset, unsigned size)
{
    const struct pci_function *fn = target(bus, bus_nr, device, function);

    if (!valid_size(size))
        return all_ones(4);
    return fn ? pci_function_read(fn, offset, size) : all_ones(size);
}

void pci_bus_config_write(struct pci_bus *bus, unsigned bus_nr, unsigned device, unsigned function,
                          unsigned offset, unsigned size, uint32_t value)
{
    struct pci_function *fn = target(bus, bus_nr, device, function);

    if (fn)
        pci_function_write(fn, offset, size, value);
}

/* The data port access's place, or false if it is not one of ours. */
static bool data_access(uint16_t port, unsigned size, unsigned *lane)
{
    if (!valid_size(size) || port < PCI_CONFIG_DATA_PORT ||
        port + size > PCI_CONFIG_DATA_PORT + PCI_CONFIG_DATA_PORTS)
        return false;
    *lane = port - PCI_CONFIG_DATA_PORT;
    return true;
}

bool pci_bus_io_read(struct pci_bus *bus, uint16_t port, unsigned size, uint32_t *value)
{
    uint32_t a = bus->config_address;
    unsigned lane;

    if (port == PCI_CONFIG_ADDRESS_PORT && size == 4) {
        *value = a;
        return true;
    }
    if (!data_access(port, size, &lane))
        return false;
    if (!(a & PCI_CONFIG_ENABLE)) {
        *value = all_ones(size);
        return true;
    }
    *value = pci_bus_config_read(bus, a >> 16 & 0xFF, a >> 11 & 0x1F, a >> 8 & 7, (a & 0xFC) + lane,
                                 size);
    return true;
}

bool pci_bus_io_write(struct pci_bus *bus, uint16_t port, unsigned size, uint32_t value)
{
    uint32_t a = bus->config_address;
    unsigned lane;

    if (port == PCI_CONFIG_ADDRESS_PORT && size == 4) {
        bus->config_address = value & PCI_CONFIG_ADDRESS_MASK;
        return true;
    }
    if (!data_access(port, size, &lane))
        return false;
    if (a & PCI_CONFIG_ENABLE)
        pci_bus_config_write(bus, a >> 16 & 0xFF, a >> 11 & 0x1F, a >> 8 & 7, (a & 0xFC) + lane,
                             size, value);
    return true;
}
