/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DEC (Intel) 21140A "Tulip" Fast Ethernet controller, Hyper-V's legacy
 * network adapter, as one PCI function over pc/pci_bus.h.  Pure logic: the
 * owner passes the guest's CSR accesses, hands it received frames, and
 * gives it guest memory (dma_read/dma_write), the wire (transmit) and
 * INTA# (set_irq) through struct tulip_ops.
 *
 * Identity: 1011:0009 revision 0x20, class 0x020000, subsystem 0A00:2114,
 * interrupt pin A.  That is what Virtual PC and Hyper-V present: Windows'
 * dc21x4vm.inf binds its "(Emulated)" adapter to
 * PCI\VEN_1011&DEV_0009&SUBSYS_21140A00&REV_20 (86Box issue #4081).
 * Linux's tulip driver (drivers/net/ethernet/dec/tulip) takes 1011:0009 as
 * DC21140: HAS_MII | HAS_MEDIA_TABLE | CSR12_IN_SROM, and needs BAR0 to be
 * at least 128 bytes.  BAR0 is 128 bytes of I/O, BAR1 the same CSRs as 128
 * bytes of memory (Linux uses BAR1 with CONFIG_TULIP_MMIO); tulip_io_bar()
 * and tulip_mmio_bar() say where they decode, the bar_changed callback
 * reports moves.  Command register: I/O, memory, bus master, memory write
 * and invalidate, parity and SERR enables writable; cache line size and
 * latency timer writable; 0x40-0x43 (CFDD, the driver area) a scratch dword.
 *
 * CSRs (32-bit registers at offsets 0, 8, ..., 0x78; the other dwords of
 * the 128 bytes read 0).  Reads of 1, 2 or 4 bytes return those bytes of
 * the register (other sizes, and offsets past the BAR, read all ones);
 * writes act only when 4 bytes wide at a CSR's offset (every Tulip driver
 * uses longwords; a narrower write to a write-1-to-clear or command
 * register has no sensible meaning) and are otherwise dropped.  Reserved
 * bits read 0.
 *   CSR0  bus mode: SWR (bit 0) resets the chip at once and reads 0 after;
 *         DSL (bits 6-2, the gap between ring descriptors in longwords) and
 *         TAP (bits 19-17, transmit automatic polling) act; the burst,
 *         cache and endian bits are kept as written (descriptors and data
 *         are little-endian whatever BLE says: no x86 driver sets it).
 *         A software reset keeps CSR6's port select (bit 18), which Linux
 *         sets before it ("On some chip revs we must set the MII/SYM port
 *         before the reset!?", tulip_up()), the PHY and the SROM.
 *   CSR1  transmit poll demand: any write resumes a suspended transmitter
 *         (or one that stopped walking at TULIP_WALK_MAX descriptors).
 *   CSR2  receive poll demand: any write makes a suspended receiver fetch
 *         its descriptor again.
 *   CSR3/CSR4  receive/transmit list base (bits 1-0 ignored).  Written while
 *         the process is stopped it also becomes the current descriptor;
 *         a stopped process restarts (CSR6 SR/ST) where it was.
 *   CSR5  status: bits 14-0 write-1-to-clear (TI 0, TPS 1, TU 2, TJT 3,
 *         UNF 5, RI 6, RU 7, RPS 8, RWT 9, GTE 11, FBE 13, ERI 14); NIS (16)
 *         and AIS (15) are summaries of the enabled sources (NIS: TI TU RI
 *         ERI; AIS: TPS TJT UNF RU RPS RWT GTE FBE); RS (19-17) and TS
 *         (22-20) the process states; EB (25-23) the bus error (master
 *         abort: 1).  GTE counts as abnormal: Linux's "too much work" path
 *         (interrupt.c) writes CSR7 = (~csr5 & 0x1ebef) | AIS | GTE, which
 *         leaves NIE off when normal sources were pending, and counts on
 *         the timer's interrupt to turn them back on.
 *   CSR6  operation mode: SR (1), PB, SB, PR (6, promiscuous), PM (7, pass
 *         all multicast), FD, OM (11-10, loopback: transmitted frames come
 *         back to the receiver instead of the wire), ST (13), TR, CA, PS
 *         (18), HBD, SF, TTM (22), PCS, SCR, MBO, RA (30, receive all), SC
 *         kept; HP (0), HO (2), IF (4) are read-only and say which filter
 *         the last setup frame loaded.  Clearing SR or ST stops that process
 *         at once (Linux's tulip_stop_rxtx() polls CSR5 until both states
 *         read stopped) without setting RPS/TPS: Linux answers TPS by
 *         restarting both processes (interrupt.c), so a stop that raised it
 *         would never end.
 *   CSR7  interrupt enable: the CSR5 bits Linux's tulip_tbl gives the 21140
 *         (0x0001ebef); INTA# is (NIS and NIE) or (AIS and AIE).
 *   CSR8  missed frames: bits 15-0 count frames lost for want of a
 *         descriptor (or with bus mastering off), bit 16 says the count
 *         overflowed (it stays at 0xffff); reading clears both.
 *   CSR9  serial ROM and MII management, bit-banged: SROM chip select,
 *         clock, data in/out in bits 0-3 while SR (bit 11) is set; MDC
 *         (16), MDO (17), MII read mode (18), MDI (19).  The SROM is a
 *         93C46 (64 words; 6-bit addresses: Linux tells a 93C46 from a
 *         93C66 by the dummy zero bit, tulip_read_eeprom(dev, 0xff, 8) &
 *         0x40000) holding the DEC SROM format (version 4): subsystem IDs,
 *         the MAC at byte 20, one controller whose info leaf (offset in byte
 *         27) is a 21140 leaf: autosense, GP port directions 0, and one
 *         extended type 1 block (21140 MII PHY) naming PHY 0 (the first one
 *         found), no GP or reset sequences, capabilities 0x7800,
 *         advertisement 0x01e0 (Linux adds the selector bit), FDX 0x5000,
 *         TTM 0x1800; the ID block's CRC
 *         in byte 16 and the SROM's CRC in bytes 126-127.  Linux's
 *         tulip_parse_eeprom() makes that one MII leaf, and tulip_up() and
 *         the media timer then drive the PHY.  The SROM ignores erase and
 *         write commands.  The PHY answers at address 1 (tulip_find_mii()
 *         scans 1-31, then 0): link up, autonegotiation complete, 10/100
 *         half/full abilities, partner 0x45e1, so Linux resolves 100 Mbit/s
 *         full duplex (tulip_check_duplex()).  Other addresses read 0xffff.
 *         Registers: BMCR (reset 0x1000, autonegotiation on; bit 15 resets
 *         the PHY, bit 9 restarts negotiation, both self-clearing), BMSR
 *         0x782d, the identifier, ANAR (reset 0x01e1, writable), ANLPAR
 *         0x45e1, ANER 0x0001; the rest read 0.  Management frames need 32
 *         preamble ones (BMSR does not offer preamble suppression).
 *   CSR11 general-purpose timer: bits 15-0 count down in units of 81.92 us
 *         (port select set and TTM clear, 100 Mbit/s) or 204.8 us; at zero
 *         GTE is set and, with CON (bit 16), it reloads.  Driven by
 *         tulip_advance().
 *   CSR12 general-purpose port: a write with bit 8 set loads the direction
 *         of pins 7-0, any other write their output latch; reads return the
 *         pins (outputs as driven, inputs 0).
 *   CSR15 watchdog timer: bits 0, 1, 2, 4, 5 kept as written.
 *   CSR10, CSR13, CSR14 read 0 (the 21140 has no boot ROM address or SIA).
 *
 * Descriptors: 16 bytes (status, control, buffer 1, buffer 2), ring mode
 * (the next one follows after DSL longwords; end of ring, control bit 25,
 * returns to the list base) or chained (bit 24: buffer 2 is the next
 * descriptor; end of ring still wins).  Buffer sizes are control bits
 * 10-0 and 21-11; a size of 0 skips that buffer.  The chip owns a
 * descriptor while status bit 31 (OWN) is set and gives it back by
 * clearing it.
 *
 * Transmit: FS (control bit 29) starts a frame, LS (30) sends it, with
 * buffers gathered across descriptors; IC (31) on the last descriptor (or a
 * setup frame) raises TI; AC (26) means the guest supplied the FCS (it is
 * stripped: transmit() gets frames without one); frames shorter than 60
 * bytes are zero-padded unless DPD (23).  A frame longer than
 * TULIP_MAX_FRAME (1518 bytes without FCS: 1500 of payload, the header and
 * an 802.1Q tag) is the chip's jabber timeout: its descriptor is closed with
 * ES and TO, TJT and TPS are raised and the transmitter stops (Linux
 * restarts it on TPS).  Status on a sent frame's last descriptor is 0 (no
 * collisions, no carrier loss); other descriptors get OWN cleared.  When
 * the transmitter finds a descriptor it does not own it suspends and
 * raises TU (Linux reclaims its ring on TU: it asks for IC only now and
 * then).  A setup frame (SET, bit 27; filter type FT1 bit 28, FT0 bit 22)
 * must be exactly 192 bytes (buffer 1, plus buffer 2 in ring mode): its
 * descriptor's status becomes 0x7fffffff, as on the chip; another size
 * leaves the filter alone and closes it with ES.  Filters: perfect (16
 * addresses, each three 16-bit words in the low halves of three
 * longwords), hash (a 512-bit table indexed by the low 9 bits of the
 * little-endian CRC-32 of the destination, for multicast, plus the
 * perfect address in entry 13: Linux's build_setup_frame_hash()), inverse
 * perfect, hash only.  Until the first setup frame nothing passes but
 * what PR, PM or RA let through; broadcast passes only if the table has it
 * (Linux adds it: "21140 bug: you must add the broadcast address").
 *
 * Receive: tulip_receive() takes one frame without FCS, of 14 to
 * TULIP_MAX_FRAME bytes.  It passes the filter (PR: all; PM: all
 * multicast; RA: all, FF set on those the filter would have dropped), is
 * zero-padded to 60 bytes and gets its CRC-32 appended, as on the wire:
 * Linux takes the frame length from the descriptor as including the FCS
 * and drops runts (interrupt.c: pkt_len = FL - 4).  It is written across
 * as many descriptors as it needs; the first gets FS, the last LS, the
 * frame length (FL, 29-16), MF (multicast), FT (type field > 1500) and DT
 * (loopback); RI follows.  A frame that runs out of descriptors is
 * truncated: the last one it used gets LS, ES and DE.  No descriptor at the
 * start: RU, the receiver suspends, CSR8 counts the frame.
 *
 * Hostile guests: every descriptor and buffer goes through dma_read and
 * dma_write.  An address outside guest RAM is a master abort: CSR5 FBE with
 * EB = 1, the PCI status's received-master-abort bit, and the process that
 * made the access stops (TPS/RPS are not raised: Linux would restart into
 * the same fault forever; clearing and setting CSR6's SR or ST, or a
 * software reset, starts it again).  A transmit poll (with the frames it
 * loops back) and a received frame each fetch at most TULIP_WALK_MAX
 * descriptors (a ring of self-chained descriptors, zero-sized buffers, or
 * a guest that hands descriptors back as fast as they are closed end
 * there: the transmitter stays running until the next poll demand, the
 * frame is truncated).  With bus mastering disabled in the command
 * register nothing is fetched: received frames are dropped and counted.
 *
 * Time: the chip's timers (CSR11, and TAP polling of a suspended
 * transmitter) run on the owner's clock.  tulip_advance() tells the model
 * the time and fires what is due; tulip_deadline() says when it next needs
 * a call.  Timers start from the time of the last tulip_advance(), so the
 * owner should call it before each CSR access as well.
 *
 * Receive back-pressure: the chip learns of descriptors the guest hands
 * back only when it next looks (a frame arrives, or CSR2 is written; Linux
 * never writes CSR2 on the 21140).  The owner should keep frames in its
 * backend while tulip_rx_ready() is false and try again after the guest's
 * CSR accesses (Linux's interrupt and NAPI paths refill the ring and then
 * write CSR5 or CSR7) and on a short timer; tulip_receive() on a full ring
 * drops the frame and counts it, as the chip does.
 *
 * MAC addresses: Linux byte-swaps an address whose first two bytes are
 * A0 00, C0 00 or 02 00 ("Lite-On boards have the address byte-swapped",
 * tulip_init_one()), and takes one whose bytes add up to 0 or 6 * 0xff as
 * a missing SROM; give the adapter some other address (Hyper-V's are
 * 00:15:5d:..., which is safe).
 *
 * The owner serialises all calls for one struct tulip; the callbacks must
 * not call into the model (queue instead), and transmit()'s frame is valid
 * only during the call.
 */
#ifndef PC_TULIP_H
#define PC_TULIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pc/pci_bus.h>

#define TULIP_VENDOR_ID        0x1011
#define TULIP_DEVICE_ID        0x0009
#define TULIP_REVISION         0x20
#define TULIP_CLASS            0x020000
#define TULIP_SUBSYSTEM_VENDOR 0x0A00
#define TULIP_SUBSYSTEM_ID     0x2114
#define TULIP_FUNCTION         0

#define TULIP_IO_BAR   0
#define TULIP_MMIO_BAR 1
#define TULIP_CSR_SIZE 128 /* both BARs */
#define TULIP_CFDD     0x40

/* CSR offsets in either BAR. */
#define TULIP_CSR(n) ((unsigned)(n)*8u)

/* CSR0 */
#define TULIP_CSR0_SWR       0x00000001u
#define TULIP_CSR0_DSL_SHIFT 2
#define TULIP_CSR0_DSL_MASK  0x1Fu
#define TULIP_CSR0_TAP_SHIFT 17
#define TULIP_CSR0_TAP_MASK  0x7u

/* CSR5 (and CSR7's enables) */
#define TULIP_CSR5_TI       0x00000001u
#define TULIP_CSR5_TPS      0x00000002u
#define TULIP_CSR5_TU       0x00000004u
#define TULIP_CSR5_TJT      0x00000008u
#define TULIP_CSR5_UNF      0x00000020u
#define TULIP_CSR5_RI       0x00000040u
#define TULIP_CSR5_RU       0x00000080u
#define TULIP_CSR5_RPS      0x00000100u
#define TULIP_CSR5_RWT      0x00000200u
#define TULIP_CSR5_GTE      0x00000800u
#define TULIP_CSR5_FBE      0x00002000u
#define TULIP_CSR5_ERI      0x00004000u
#define TULIP_CSR5_AIS      0x00008000u
#define TULIP_CSR5_NIS      0x00010000u
#define TULIP_CSR5_RS_SHIFT 17
#define TULIP_CSR5_RS_MASK  (0x7u << TULIP_CSR5_RS_SHIFT)
#define TULIP_CSR5_TS_SHIFT 20
#define TULIP_CSR5_TS_MASK  (0x7u << TULIP_CSR5_TS_SHIFT)
#define TULIP_CSR5_EB_SHIFT 23
#define TULIP_CSR5_EB_MASK  (0x7u << TULIP_CSR5_EB_SHIFT)
#define TULIP_CSR5_EB_MABT  (1u << TULIP_CSR5_EB_SHIFT)
#define TULIP_CSR7_MASK     0x0001EBEFu /* Linux's tulip_tbl[DC21140].valid_intrs */

/* CSR5 process states. */
#define TULIP_RS_STOPPED   0
#define TULIP_RS_WAIT      3 /* running, waiting for a frame */
#define TULIP_RS_SUSPENDED 4
#define TULIP_TS_STOPPED   0
#define TULIP_TS_RUNNING   1 /* running, fetching descriptors */
#define TULIP_TS_SUSPENDED 6

/* CSR6 */
#define TULIP_CSR6_HP      0x00000001u
#define TULIP_CSR6_SR      0x00000002u
#define TULIP_CSR6_HO      0x00000004u
#define TULIP_CSR6_IF      0x00000010u
#define TULIP_CSR6_PR      0x00000040u
#define TULIP_CSR6_PM      0x00000080u
#define TULIP_CSR6_FD      0x00000200u
#define TULIP_CSR6_OM_MASK 0x00000C00u
#define TULIP_CSR6_OM_INT  0x00000400u /* internal loopback */
#define TULIP_CSR6_ST      0x00002000u
#define TULIP_CSR6_PS      0x00040000u
#define TULIP_CSR6_TTM     0x00400000u
#define TULIP_CSR6_MBO     0x02000000u
#define TULIP_CSR6_RA      0x40000000u

/* CSR8 */
#define TULIP_CSR8_MFC_MASK 0x0000FFFFu
#define TULIP_CSR8_MFO      0x00010000u

/* CSR9 */
#define TULIP_CSR9_SROM_CS 0x00000001u
#define TULIP_CSR9_SROM_SK 0x00000002u
#define TULIP_CSR9_SROM_DI 0x00000004u
#define TULIP_CSR9_SROM_DO 0x00000008u
#define TULIP_CSR9_SR      0x00000800u
#define TULIP_CSR9_RD      0x00004000u
#define TULIP_CSR9_MDC     0x00010000u
#define TULIP_CSR9_MDO     0x00020000u
#define TULIP_CSR9_MII_RD  0x00040000u
#define TULIP_CSR9_MDI     0x00080000u

/* CSR11 */
#define TULIP_CSR11_VALUE_MASK 0x0000FFFFu
#define TULIP_CSR11_CON        0x00010000u
#define TULIP_GPT_UNIT_100_NS  81920u  /* 81.92 us */
#define TULIP_GPT_UNIT_10_NS   204800u /* 204.8 us */

/* CSR12 */
#define TULIP_CSR12_DIR 0x00000100u

/* Descriptors. */
#define TULIP_DESC_SIZE      16u
#define TULIP_DES0_OWN       0x80000000u
#define TULIP_DES0_ES        0x00008000u
#define TULIP_DES1_SIZE_MASK 0x7FFu
#define TULIP_DES1_SIZE2_SH  11
#define TULIP_DES1_CH        0x01000000u
#define TULIP_DES1_ER        0x02000000u
/* Receive status. */
#define TULIP_RDES0_FF       0x40000000u
#define TULIP_RDES0_FL_SHIFT 16
#define TULIP_RDES0_FL_MASK  (0x3FFFu << TULIP_RDES0_FL_SHIFT)
#define TULIP_RDES0_DE       0x00004000u
#define TULIP_RDES0_DT_INT   0x00001000u
#define TULIP_RDES0_MF       0x00000400u
#define TULIP_RDES0_FS       0x00000200u
#define TULIP_RDES0_LS       0x00000100u
#define TULIP_RDES0_FT       0x00000020u
/* Transmit status and control. */
#define TULIP_TDES0_TO    0x00004000u
#define TULIP_TDES0_SETUP 0x7FFFFFFFu /* a processed setup frame's status */
#define TULIP_TDES1_FT0   0x00400000u
#define TULIP_TDES1_DPD   0x00800000u
#define TULIP_TDES1_AC    0x04000000u
#define TULIP_TDES1_SET   0x08000000u
#define TULIP_TDES1_FT1   0x10000000u
#define TULIP_TDES1_FS    0x20000000u
#define TULIP_TDES1_LS    0x40000000u
#define TULIP_TDES1_IC    0x80000000u

#define TULIP_SETUP_SIZE    192u
#define TULIP_PERFECT_ADDRS 16u
#define TULIP_HASH_BITS     512u
#define TULIP_HASH_PERFECT  13u   /* the physical address's entry in a hash setup frame */
#define TULIP_MIN_FRAME     60u   /* without FCS */
#define TULIP_MAX_FRAME     1518u /* without FCS: 1500 + 14 + an 802.1Q tag */
#define TULIP_FCS_SIZE      4u
#define TULIP_WALK_MAX      1024u /* descriptors per transmit poll or received frame */
#define TULIP_NO_DEADLINE   UINT64_MAX

/* The SROM (93C46) and the PHY. */
#define TULIP_SROM_WORDS     64u
#define TULIP_SROM_ADDR_BITS 6u
#define TULIP_SROM_LEAF      30u /* the info leaf's offset */
#define TULIP_PHY_ADDR       1u
/* No vendor's PHY: the identifier carries 00:15:5d, the OUI of Hyper-V's
 * MAC addresses, model 0, so that drivers with PHY-specific code (registers
 * beyond the standard ones) leave it to their generic driver. */
#define TULIP_PHY_ID1 0x0055u
#define TULIP_PHY_ID2 0x7400u

enum tulip_filter_mode {
    TULIP_FILTER_NONE, /* no setup frame yet */
    TULIP_FILTER_PERFECT,
    TULIP_FILTER_HASH,
    TULIP_FILTER_INVERSE,
    TULIP_FILTER_HASH_ONLY,
};

struct tulip_filter {
    enum tulip_filter_mode mode;
    uint8_t addr[TULIP_PERFECT_ADDRS][6];
    uint8_t hash[TULIP_HASH_BITS / 8];
};

/* A 93C46 serial EEPROM on CSR9's SROM pins. */
struct tulip_srom {
    uint16_t words[TULIP_SROM_WORDS];
    uint8_t state;
    uint8_t bits; /* command bits shifted in, or data bits left to shift out */
    uint16_t cmd; /* opcode and address as shifted in */
    uint8_t addr; /* the word being read */
    bool dout;    /* what the ROM drives on DO */
    bool sk;      /* the clock as last seen */
};

/* The MII management interface on CSR9 and the PHY behind it. */
struct tulip_mii {
    uint16_t bmcr, anar;
    uint8_t state;
    uint8_t bits;   /* bits taken in the current field */
    uint8_t ones;   /* preamble ones seen */
    uint32_t shift; /* bits taken */
    uint16_t rdata; /* the register being read out */
    bool mdio_phy;  /* the PHY drives the line (else it floats high) */
    bool mdio_out;  /* the level the PHY drives */
    bool mdc;       /* the clock as last seen */
};

struct tulip_ops {
    /* Guest-physical DMA; false if [gpa, gpa+len) is not all guest RAM. */
    bool (*dma_read)(void *opaque, uint64_t gpa, void *buf, size_t len);
    bool (*dma_write)(void *opaque, uint64_t gpa, const void *buf, size_t len);
    /* One Ethernet frame, no FCS, 14..TULIP_MAX_FRAME bytes. */
    void (*transmit)(void *opaque, const uint8_t *frame, size_t len);
    /* INTA#, a level; called on changes only. */
    void (*set_irq)(void *opaque, bool level);
    /* May be NULL: BAR @bar (TULIP_IO_BAR or TULIP_MMIO_BAR) now decodes
     * at @now (moved, mapped or unmapped), as pc/pci_bus.h reports it. */
    void (*bar_changed)(void *opaque, unsigned bar, const struct pci_bar_window *now);
    void *opaque;
};

struct tulip {
    struct pci_function fn;
    struct tulip_ops ops;
    uint8_t mac[6];

    /* CSRs as kept (CSR5 holds the status bits and process states). */
    uint32_t csr0, csr3, csr4, csr5, csr6, csr7, csr9, csr15;
    uint32_t missed; /* CSR8 */
    uint8_t gp_dir, gp_out;

    /* The processes' current descriptors, and how many more descriptors
     * the call under way may fetch (TULIP_WALK_MAX a call). */
    uint32_t rx_desc, tx_desc;
    unsigned walk_left;
    /* The frame being gathered for transmission. */
    uint8_t tx_frame[TULIP_MAX_FRAME + TULIP_FCS_SIZE];
    size_t tx_len;
    uint32_t tx_flags; /* AC and DPD of the frame's first descriptor */

    /* Timers, on the owner's clock. */
    uint64_t now;
    bool gpt_running;
    uint32_t gpt_value; /* CSR11 as written: count and CON */
    uint64_t gpt_unit, gpt_period, gpt_expiry;
    uint64_t tap_next; /* TULIP_NO_DEADLINE unless polling a suspended transmitter */

    bool irq_level;
    struct tulip_filter filter;
    struct tulip_srom srom;
    struct tulip_mii mii;
};

/* The power-on state, attached at @device (function 0) of @bus, with @mac
 * in its SROM; @ops is copied.  -1 if @device is out of range or taken. */
int tulip_init(struct tulip *t, struct pci_bus *bus, unsigned device, const uint8_t mac[6],
               const struct tulip_ops *ops);

/* A platform reset: configuration space and chip back to power-on (the
 * filter empty, the PHY's registers at their defaults, INTA# low). */
void tulip_reset(struct tulip *t);

/* A guest access of @size (1, 2 or 4) bytes at @offset in either BAR. */
uint32_t tulip_io_read(struct tulip *t, unsigned offset, unsigned size);
void tulip_io_write(struct tulip *t, unsigned offset, unsigned size, uint32_t value);

/* One frame from the wire, without FCS.  false: dropped (receiver stopped,
 * no descriptor, filtered, runt or oversized, truncated, bus error). */
bool tulip_receive(struct tulip *t, const uint8_t *frame, size_t len);

/* The receiver runs and owns its current descriptor: a frame passed now
 * would be taken (if the filter lets it through). */
bool tulip_rx_ready(const struct tulip *t);

/* Where BAR0 (I/O) and BAR1 (memory) are now, decoded or not. */
struct pci_bar_window tulip_io_bar(const struct tulip *t);
struct pci_bar_window tulip_mmio_bar(const struct tulip *t);

/* The owner's clock (nanoseconds, never going back) is @now_ns: fire the
 * timers that are due. */
void tulip_advance(struct tulip *t, uint64_t now_ns);

/* When tulip_advance() next has something to do, or TULIP_NO_DEADLINE. */
uint64_t tulip_deadline(const struct tulip *t);

#endif
