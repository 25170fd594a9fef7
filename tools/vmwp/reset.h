/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ways a PC guest asks to be reset:
 *   0xCF9  the reset control register (PIIX/ICH), the FADT's reset register:
 *          a write with RST_CPU (bit 2) set resets (Linux's ACPI reboot
 *          writes ACPI_CHILD_RESET_VALUE 0x06, "full reset" is 0x0E); the
 *          other bits read back, as Linux's "pci" reboot method needs.
 *   0x64   the 8042 keyboard controller's command port: command 0xFE pulses
 *          the reset line.  There is no keyboard controller otherwise (the
 *          FADT says so): status reads 0, "nothing to read, ready for a
 *          command", so that a reboot through it does not wait for a
 *          controller that never answers; port 0x60 reads 0.
 * Pure logic.
 */
#ifndef VMWP_RESET_H
#define VMWP_RESET_H

#include <stdbool.h>
#include <stdint.h>

#define RESET_PORT_CF9     0xCF9
#define RESET_CF9_SYS_RST  0x02
#define RESET_CF9_RST_CPU  0x04
#define RESET_CF9_FULL_RST 0x08
#define I8042_PORT_DATA    0x60
#define I8042_PORT_CMD     0x64
#define I8042_CMD_RESET    0xFE

struct reset_ports {
    uint8_t cf9; /* the reset control register's kept bits */
};

void reset_ports_init(struct reset_ports *r);

/* A guest access to one of the ports above; other ports read 0xFF.  A write
 * returns true when it asks for a reset. */
uint8_t reset_ports_read(struct reset_ports *r, uint16_t port);
bool reset_ports_write(struct reset_ports *r, uint16_t port, uint8_t value);

#endif
