/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CRC-32C (Castagnoli), the checksum of VHDX headers, region tables and
 * log entries: reflected polynomial 0x82F63B78, initial value and final
 * XOR 0xFFFFFFFF, so crc32c(buf, len) is the standard value ("123456789"
 * gives 0xE3069283).
 */
#ifndef DISK_CRC32C_H
#define DISK_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c(const void *buf, size_t len);
/* Continue a running CRC: start with 0, feed pieces, the result is the CRC of all. */
uint32_t crc32c_update(uint32_t crc, const void *buf, size_t len);

#endif
