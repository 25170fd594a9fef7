// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 21140's serial ROM (pc/tulip.h): a 93C46 Microwire EEPROM of 64
 * 16-bit words, and what it holds.
 *
 * Serial protocol, as the part clocks it: with chip select high, data in
 * is taken on each rising clock edge.  Leading zeros are ignored until the
 * start bit (1); then come a 2-bit opcode and a 6-bit address.  For READ
 * (opcode 10) the ROM drives a dummy 0 on data out right after the last
 * address bit, then one data bit per rising edge, most significant first,
 * and goes on with the following words for as long as it is clocked.
 * Chip select low ends any command.  Data out floats high otherwise.  The
 * other opcodes (erase, write, their enables) are taken and ignored: the
 * guest cannot change the adapter's address.
 *
 * Linux's tulip_read_eeprom() samples data out after every rising edge of
 * the command too, and sizes the part from it: reading location 0xff with
 * 8 address bits, the dummy 0 of a 6-bit part lands in bit 18 of what it
 * shifted in (tulip_core.c: "& 0x40000 ? 8 : 6").
 */
#include <string.h>

#include "tulip_internal.h"

enum srom_state {
    SROM_IDLE,   /* waiting for the start bit */
    SROM_CMD,    /* taking the opcode and address */
    SROM_READ,   /* shifting data out */
    SROM_IGNORE, /* a command that does nothing, until deselected */
};

#define SROM_OP_READ  2u
#define SROM_CMD_BITS (2u + TULIP_SROM_ADDR_BITS)
#define WORD_BITS     16u

/* Byte offsets of the DEC SROM format, version 4 (NetBSD's tulipreg.h
 * names them; Linux reads bytes 20-25, 27 and the leaf). */
#define ROM_SUBSYS_VENDOR 0
#define ROM_SUBSYS_ID     2
#define ROM_ID_CRC        16
#define ROM_VERSION       18
#define ROM_CHIP_COUNT    19
#define ROM_MAC           20
#define ROM_CHIP0_DEVICE  26
#define ROM_CHIP0_LEAF    27
#define ROM_CRC           126
#define ROM_BYTES         (TULIP_SROM_WORDS * 2u)

#define SROM_FORMAT_VERSION 4
#define CONN_AUTOSENSE      0x0800 /* selected connection type: sense it */
#define BLOCK_EXTENDED      0x80   /* a block with a length byte and a type */
#define BLOCK_21140_MII     1
#define MII_CAPABILITIES    0x7800 /* 100 FD/HD, 10 FD/HD, as BMSR bits 15-11 */
#define MII_ADVERTISEMENT   0x01E0 /* as ANAR bits 8-5 */
#define MII_FDX_MAP         0x5000 /* which of the capabilities are full duplex */
#define MII_TTM_MAP         0x1800 /* which want CSR6's TTM (the 10 Mbit/s ones) */

static void put16(uint8_t *rom, unsigned off, uint16_t v)
{
    rom[off] = (uint8_t)v;
    rom[off + 1] = (uint8_t)(v >> 8);
}

/*
 * The ID block's CRC: CRC-8 (x^8 + x^2 + x + 1) from all ones over bytes
 * 0-15 and 17, taken as 16-bit words from their most significant bit (so
 * byte 1 before byte 0), as DEC's SROM format specifies it.
 */
static uint8_t id_block_crc(const uint8_t *rom)
{
    uint8_t crc = 0xFF;

    for (unsigned bit = 0; bit < 8u * (ROM_ID_CRC + 2); bit++) {
        unsigned word = bit / 16, in_word = 15 - bit % 16;
        unsigned byte = 2 * word + in_word / 8;
        unsigned in, msb;

        if (byte == ROM_ID_CRC)
            break; /* word 8's low byte is where the CRC goes */
        in = (rom[byte] >> (in_word % 8)) & 1u;
        msb = crc >> 7;
        crc = (uint8_t)(crc << 1);
        if (in ^ msb)
            crc ^= 0x07;
    }
    return crc;
}

void tulip_srom_init(struct tulip_srom *s, const uint8_t mac[6])
{
    uint8_t rom[ROM_BYTES];
    unsigned p = TULIP_SROM_LEAF;

    memset(rom, 0, sizeof(rom));
    put16(rom, ROM_SUBSYS_VENDOR, TULIP_SUBSYSTEM_VENDOR);
    put16(rom, ROM_SUBSYS_ID, TULIP_SUBSYSTEM_ID);
    rom[ROM_VERSION] = SROM_FORMAT_VERSION;
    rom[ROM_CHIP_COUNT] = 1;
    memcpy(rom + ROM_MAC, mac, 6);
    rom[ROM_CHIP0_DEVICE] = 0;
    put16(rom, ROM_CHIP0_LEAF, TULIP_SROM_LEAF);

    /* The 21140 info leaf: connection type, then (CSR12_IN_SROM) the GP
     * port's directions, the block count, the blocks. */
    put16(rom, p, CONN_AUTOSENSE);
    p += 2;
    rom[p++] = 0x00; /* GP pins all inputs: nothing on the board uses them */
    rom[p++] = 1;
    rom[p++] = BLOCK_EXTENDED | 12; /* the bytes after this one */
    rom[p++] = BLOCK_21140_MII;
    rom[p++] = 0; /* PHY number: the first PHY found */
    rom[p++] = 0; /* GP sequence length */
    rom[p++] = 0; /* reset sequence length */
    put16(rom, p, MII_CAPABILITIES);
    put16(rom, p + 2, MII_ADVERTISEMENT);
    put16(rom, p + 4, MII_FDX_MAP);
    put16(rom, p + 6, MII_TTM_MAP);

    rom[ROM_ID_CRC] = id_block_crc(rom);
    /* The SROM CRC: the low 16 bits of the Ethernet CRC-32 of bytes 0-125. */
    put16(rom, ROM_CRC, (uint16_t)~tulip_crc32_le(rom, ROM_CRC));

    for (unsigned w = 0; w < TULIP_SROM_WORDS; w++)
        s->words[w] = (uint16_t)(rom[2 * w] | rom[2 * w + 1] << 8);
    tulip_srom_reset(s);
}

void tulip_srom_reset(struct tulip_srom *s)
{
    s->state = SROM_IDLE;
    s->bits = 0;
    s->cmd = 0;
    s->addr = 0;
    s->dout = true;
    s->sk = false;
}

static void clock_in(struct tulip_srom *s, bool di)
{
    switch (s->state) {
    case SROM_IDLE:
        if (di) {
            s->state = SROM_CMD;
            s->bits = 0;
            s->cmd = 0;
        }
        break;
    case SROM_CMD:
        s->cmd = (uint16_t)(s->cmd << 1 | di);
        if (++s->bits < SROM_CMD_BITS)
            break;
        if (s->cmd >> TULIP_SROM_ADDR_BITS == SROM_OP_READ) {
            s->state = SROM_READ;
            s->addr = (uint8_t)(s->cmd & (TULIP_SROM_WORDS - 1));
            s->bits = WORD_BITS; /* bits of this word still to go */
            s->dout = false;     /* the dummy bit */
        } else {
            s->state = SROM_IGNORE;
        }
        break;
    case SROM_READ:
        if (s->bits == 0) { /* on to the next word */
            s->addr = (uint8_t)((s->addr + 1) & (TULIP_SROM_WORDS - 1));
            s->bits = WORD_BITS;
        }
        s->bits--;
        s->dout = (s->words[s->addr] >> s->bits) & 1u;
        break;
    default:
        break;
    }
}

void tulip_srom_pins(struct tulip_srom *s, bool cs, bool sk, bool di)
{
    bool rising = sk && !s->sk;

    if (!cs) {
        tulip_srom_reset(s);
        s->sk = sk;
        return;
    }
    s->sk = sk;
    if (rising)
        clock_in(s, di);
}

bool tulip_srom_dout(const struct tulip_srom *s)
{
    return s->dout;
}
