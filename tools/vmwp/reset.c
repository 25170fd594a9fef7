// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reset requests through 0xCF9 and the 8042 (see reset.h).
 */
#include "reset.h"

void reset_ports_init(struct reset_ports *r)
{
    r->cf9 = 0;
}

uint8_t reset_ports_read(struct reset_ports *r, uint16_t port)
{
    switch (port) {
    case RESET_PORT_CF9:
        return r->cf9;
    case I8042_PORT_DATA:
    case I8042_PORT_CMD:
        return 0;
    default:
        return 0xFF;
    }
}

bool reset_ports_write(struct reset_ports *r, uint16_t port, uint8_t value)
{
    switch (port) {
    case RESET_PORT_CF9:
        /* RST_CPU is the trigger; SYS_RST and FULL_RST only say how hard,
         * and all kinds are the same "reset" to us. */
        r->cf9 = value & (RESET_CF9_SYS_RST | RESET_CF9_FULL_RST);
        return value & RESET_CF9_RST_CPU;
    case I8042_PORT_CMD:
        return value == I8042_CMD_RESET;
    default:
        return false;
    }
}
