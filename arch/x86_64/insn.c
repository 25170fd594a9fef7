/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder for the VM-exit path (see arch/insn.h): length and
 * fields of any instruction, so that an intercepted one can be skipped, and
 * the memory access of the simple MOVs that hit emulated device registers.
 *
 * Freestanding: runs in the hypervisor and in the host unit tests.
 */
#include <arch/insn.h>

/*
 * The opcode properties are bitmaps, one row of 16 opcodes per line with
 * column 0 first, so that each line can be held against a row of the opcode
 * maps in the Intel SDM (vol. 2, appendix A) and the AMD APM (vol. 3, A).
 */
#define ROW(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, cA, cB, cC, cD, cE, cF)                        \
    ((c0) | (c1) << 1 | (c2) << 2 | (c3) << 3 | (c4) << 4 | (c5) << 5 | (c6) << 6 | (c7) << 7 |    \
     (c8) << 8 | (c9) << 9 | (cA) << 10 | (cB) << 11 | (cC) << 12 | (cD) << 13 | (cE) << 14 |      \
     (cF) << 15)
#define ROW0 ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
#define ROW1 ROW(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
/* The eight ALU rows (ADD OR ADC SBB AND SUB XOR CMP) share their pattern in pairs. */
#define ALU(c0, c1, c2, c3, c4, c5, c6, c7)                                                        \
    ROW(c0, c1, c2, c3, c4, c5, c6, c7, c0, c1, c2, c3, c4, c5, c6, c7)

static bool bit(const uint16_t *map, uint8_t op)
{
    return (map[op >> 4] >> (op & 15)) & 1;
}

/* Legacy prefixes: segment overrides, 66, 67, LOCK, REPNE, REP. */
static const uint16_t prefix0[16] = {
    [2] = ROW(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0),
    [3] = ROW(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0),
    [6] = ROW(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xF] = ROW(1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
};

/* One-byte opcodes followed by ModRM.  62 C4 C5 as BOUND LES LDS (not EVEX, VEX). */
static const uint16_t modrm0[16] = {
    ALU(1, 1, 1, 1, 0, 0, 0, 0),
    ALU(1, 1, 1, 1, 0, 0, 0, 0),
    ALU(1, 1, 1, 1, 0, 0, 0, 0),
    ALU(1, 1, 1, 1, 0, 0, 0, 0),
    ROW0,
    ROW0,
    ROW(0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0),
    ROW0,
    ROW1,
    ROW0,
    ROW0,
    ROW0,
    ROW(1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    ROW(1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1),
    ROW0,
    ROW(0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1),
};

/*
 * Immediates of the one-byte opcodes.  An opcode with several reads them in
 * the order z, 16, 8: that gives ENTER (iw ib) and far pointers (offset,
 * selector) without special cases.  Not here: B8-BF (operand size), A0-A3
 * (address size), and F6/F7 only have one for /0 and /1.
 */
static const uint16_t imm8_0[16] = {
    ALU(0, 0, 0, 0, 1, 0, 0, 0),
    ALU(0, 0, 0, 0, 1, 0, 0, 0),
    ALU(0, 0, 0, 0, 1, 0, 0, 0),
    ALU(0, 0, 0, 0, 1, 0, 0, 0),
    [6] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0),
    [7] = ROW1,
    [8] = ROW(1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xA] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
    [0xB] = ROW(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xC] = ROW(1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0),
    [0xD] = ROW(0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xE] = ROW(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0),
    [0xF] = ROW(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
};

static const uint16_t imm16_0[16] = {
    [9] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    [0xC] = ROW(0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0),
    [0xE] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
};

/* 16 or 32 bits by operand size (a 64-bit operand still takes 32, sign-extended). */
static const uint16_t immz0[16] = {
    ALU(0, 0, 0, 0, 0, 1, 0, 0),
    ALU(0, 0, 0, 0, 0, 1, 0, 0),
    ALU(0, 0, 0, 0, 0, 1, 0, 0),
    ALU(0, 0, 0, 0, 0, 1, 0, 0),
    [6] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0),
    [8] = ROW(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [9] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    [0xA] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
    [0xC] = ROW(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xE] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0),
    [0xF] = ROW(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
};

/* Byte operand size: the opcode's low bit (w) is 0 in most of these rows. */
static const uint16_t byte0[16] = {
    ALU(1, 0, 1, 0, 1, 0, 0, 0),
    ALU(1, 0, 1, 0, 1, 0, 0, 0),
    ALU(1, 0, 1, 0, 1, 0, 0, 0),
    ALU(1, 0, 1, 0, 1, 0, 0, 0),
    [6] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0),
    [8] = ROW(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0),
    [0xA] = ROW(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0),
    [0xB] = ROW(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xC] = ROW(1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xD] = ROW(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xE] = ROW(0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0),
    [0xF] = ROW(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0),
};

/* Long mode: 64-bit unless 66 (PUSH, POP, near branches, LEAVE, ENTER; FF /2 /4 /6 in code). */
static const uint16_t def64_0[16] = {
    [5] = ROW1,
    [6] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0),
    [7] = ROW1,
    [8] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    [9] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0),
    [0xC] = ROW(0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0),
    [0xE] = ROW(1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0),
};

/*
 * Invalid in 64-bit mode: segment PUSH/POP, BCD, PUSHA/POPA, 82, far CALL
 * and JMP with a pointer, INTO, SALC.  (40-4F are REX there, 62 EVEX, C4/C5 VEX.)
 */
static const uint16_t inv64_0[16] = {
    ROW(0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0),
    ROW(0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1),
    ROW(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
    ROW(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
    [6] = ROW(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [8] = ROW(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [9] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    [0xC] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
    [0xD] = ROW(0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xE] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
};

/*
 * 0F xx followed by ModRM; 0F 0F is 3DNow! (ModRM, then the opcode as an
 * imm8); 0F A6/A7 are VIA PadLock (#UD elsewhere, but the length is known).
 */
static const uint16_t modrm1[16] = {
    ROW(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1),
    ROW1,
    ROW(1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1),
    ROW0,
    ROW1,
    ROW1,
    ROW1,
    ROW(1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1),
    ROW0,
    ROW1,
    ROW(0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1),
    ROW1,
    ROW(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    ROW1,
    ROW1,
    ROW1,
};

static const uint16_t imm8_1[16] = {
    [0] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    [7] = ROW(1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    [0xA] = ROW(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0),
    [0xB] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
    [0xC] = ROW(0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
};

/* Long mode: Jcc rel, PUSH/POP FS/GS. */
static const uint16_t def64_1[16] = {
    [8] = ROW1,
    [0xA] = ROW(1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0),
};

/* Unassigned in every mode (0F 24/26 were MOV TRn on the 386 and 486 only). */
static const uint16_t inv1[16] = {
    [0] = ROW(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0),
    [2] = ROW(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    [3] = ROW(0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1),
    [7] = ROW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0),
};

/*
 * Opcodes whose ModRM.reg selects the instruction: the reg values that are
 * defined, and those of them that need a memory operand.
 */
static const struct group {
    uint8_t map, op, regs, mem_only;
} groups[] = {
    {0, 0x8C, 0x3F, 0x00}, /* MOV r/m, Sreg: six segment registers */
    {0, 0x8D, 0xFF, 0xFF}, /* LEA */
    {0, 0x8E, 0x3D, 0x00}, /* MOV Sreg, r/m: not CS */
    {0, 0x8F, 0x01, 0x00}, /* POP r/m; the rest is XOP */
    {0, 0xC6, 0x81, 0x00}, /* MOV r/m, imm; /7 is XABORT (C6 F8 only) */
    {0, 0xC7, 0x81, 0x00}, /* ... XBEGIN (C7 F8 only) */
    {0, 0xFE, 0x03, 0x00}, /* INC DEC */
    {0, 0xFF, 0x7F, 0x28}, /* far CALL and JMP take their pointer from memory */
    {1, 0x00, 0x3F, 0x00}, /* SLDT STR LLDT LTR VERR VERW */
    {1, 0xB2, 0xFF, 0xFF}, /* LSS */
    {1, 0xB4, 0xFF, 0xFF}, /* LFS */
    {1, 0xB5, 0xFF, 0xFF}, /* LGS */
    {1, 0xBA, 0xF0, 0x00}, /* BT BTS BTR BTC imm8 */
    {1, 0xC7, 0xFA, 0x3A}, /* CMPXCHG8B/16B XRSTORS XSAVEC XSAVES; RDRAND RDSEED or VMPTRLD/ST */
};

/* The bytes of one instruction as they are consumed. */
struct cursor {
    const uint8_t *p;
    size_t avail;
    unsigned n;
};

/* The 15-byte limit comes first: the CPU faults on it even if more is mapped. */
static int need(const struct cursor *c, unsigned len)
{
    if (c->n + len > INSN_MAX_LEN)
        return INSN_ERR_TOO_LONG;
    if (c->n + len > c->avail)
        return INSN_ERR_TRUNCATED;
    return 0;
}

/* The next byte, or a negative error. */
static int next(struct cursor *c)
{
    int err = need(c, 1);

    return err ? err : c->p[c->n++];
}

/* A little-endian field of `len` bytes. */
static int take(struct cursor *c, unsigned len, uint64_t *v)
{
    int err = need(c, len);

    if (err)
        return err;
    *v = 0;
    for (unsigned i = 0; i < len; i++)
        *v |= (uint64_t)c->p[c->n++] << (8 * i);
    return 0;
}

static void add_imm(struct insn *in, unsigned size, uint64_t v)
{
    if (in->imm_size) {
        in->imm2 = (uint16_t)v;
        in->imm2_size = size;
    } else {
        in->imm = v;
        in->imm_size = size;
    }
}

static int read_imm(struct cursor *c, struct insn *in, unsigned size)
{
    uint64_t v;
    int err = take(c, size, &v);

    if (!err)
        add_imm(in, size, v);
    return err;
}

static void apply_prefix(struct insn *in, uint8_t b)
{
    if (b == 0x66)
        in->opsize = true;
    else if (b == 0x67)
        in->addrsize = true;
    else if (b == 0xF0)
        in->lock = true;
    else if (b >= 0xF2)
        in->rep = b;
    else if (b >= 0x64)
        in->seg = b - 0x64 + INSN_SEG_FS;
    else
        in->seg = (b >> 3) & 3; /* 26 2E 36 3E: ES CS SS DS */
}

/*
 * VEX (C4, C5), XOP (8F) and EVEX (62): they replace REX, 66, F2, F3 and the
 * escape bytes, so those before them are #UD.  Their R X B (and the
 * register in vvvv) are inverted; outside long mode only W means anything.
 */
static int vex_prefix(struct cursor *c, struct insn *in, uint8_t esc)
{
    unsigned len = esc == 0xC5 ? 1 : esc == 0x62 ? 3 : 2;
    uint8_t rxb, wv; /* R X B (inverted), and the W vvvv L pp byte */
    int b;

    if (in->opsize || in->rep || in->lock || in->rex)
        return INSN_ERR_INVALID;
    for (unsigned i = 0; i < len; i++) {
        if ((b = next(c)) < 0)
            return b;
        in->vex[i] = (uint8_t)b;
    }
    rxb = (uint8_t)~in->vex[0] >> 5;
    wv = in->vex[1];
    in->map = in->vex[0] & 0x1F;
    if (esc == 0xC5) {
        in->encoding = INSN_VEX2;
        rxb &= 4;
        wv = in->vex[0] & 0x7F; /* R vvvv L pp: as C4's second byte with W0 */
        in->map = 1;
    } else if (esc == 0x62) {
        in->encoding = INSN_EVEX;
        in->map &= 7;
        /* P0 bit 3 is 0 and P1 bit 2 is 1; maps 1-3 and AVX512-FP16's 5 and 6 */
        if ((in->vex[0] & 8) || !(wv & 4) || !((0x6E >> in->map) & 1))
            return INSN_ERR_INVALID;
        in->vex_vvvv = (~in->vex[2] & 8) << 1; /* V' */
    } else {
        in->encoding = esc == 0xC4 ? INSN_VEX3 : INSN_XOP;
        if (esc == 0xC4 ? in->map < 1 || in->map > 3 : in->map > 10)
            return INSN_ERR_INVALID;
    }
    in->vex_l = esc == 0x62 ? (in->vex[2] >> 5) & 3 : (wv >> 2) & 1;
    in->vex_pp = wv & 3;
    in->vex_vvvv |= (~wv >> 3) & 15;
    in->rex = 0x40 | (wv >> 7) << 3 | (in->mode == CPU_MODE_64 ? rxb & 7 : 0);
    return 0;
}

/* ModRM, SIB and displacement; MOV CRn/DRn (`reg_only`) ignore mod. */
static int read_modrm(struct cursor *c, struct insn *in, bool reg_only)
{
    unsigned mod, rm, dsize;
    uint64_t d;
    int b, err;

    if ((b = next(c)) < 0)
        return b;
    in->has_modrm = true;
    in->modrm = (uint8_t)b;
    mod = b >> 6;
    rm = b & 7;
    if (mod == 3 || reg_only)
        return 0;
    if (in->address_size == 2) {
        /* BX+SI ... BX, no SIB; rm 6 with mod 0 is a bare disp16 */
        dsize = mod == 1 ? 1 : (mod == 2 || rm == 6) ? 2 : 0;
    } else {
        if (rm == 4) {
            if ((b = next(c)) < 0)
                return b;
            in->has_sib = true;
            in->sib = (uint8_t)b;
        }
        /* no base register: rm 5 (RIP-relative in long mode) or SIB base 5, with mod 0 */
        in->rip_relative = mod == 0 && rm == 5 && in->mode == CPU_MODE_64;
        dsize = mod == 1 ? 1 : (mod == 2 || rm == 5 || (rm == 4 && (in->sib & 7) == 5)) ? 4 : 0;
    }
    if ((err = take(c, dsize, &d)))
        return err;
    in->disp_size = dsize;
    in->disp = dsize == 1 ? (int8_t)d : dsize == 2 ? (int16_t)d : (int32_t)d;
    return 0;
}

static uint8_t operand_size(const struct insn *in)
{
    uint8_t op = in->opcode, reg = (in->modrm >> 3) & 7;
    bool legacy = in->encoding == INSN_LEGACY;

    if (legacy && ((in->map == 0 && bit(byte0, op)) ||
                   (in->map == 1 && ((op >> 4) == 9 || op == 0xB0 || op == 0xC0))))
        return 1; /* the rest of 0F are SETcc, CMPXCHG, XADD */
    if (legacy && in->map == 1 && (op & 0xFC) == 0x20)
        return in->mode == CPU_MODE_64 ? 8 : 4; /* MOV CRn/DRn: the full register */
    if (in->mode != CPU_MODE_64)
        return (in->mode == CPU_MODE_16) != in->opsize ? 2 : 4;
    if (in->rex & REX_W)
        /* IN, OUT, INS and OUTS stop at 32 bits */
        return legacy && in->map == 0 && ((op & 0xF4) == 0xE4 || (op & 0xFC) == 0x6C) ? 4 : 8;
    if (in->opsize)
        return 2;
    if (legacy && ((in->map == 0 && bit(def64_0, op)) || (in->map == 1 && bit(def64_1, op)) ||
                   (in->map == 0 && op == 0xFF && (reg == 2 || reg == 4 || reg == 6))))
        return 8;
    return 4;
}

/* #UD from the ModRM of a legacy opcode: undefined reg values, register forms of memory-only. */
static bool bad_group(const struct insn *in)
{
    unsigned reg = (in->modrm >> 3) & 7;

    if (in->map == 0 && (in->opcode & 0xFE) == 0xC6 && reg == 7 && in->modrm != 0xF8)
        return true;
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        const struct group *g = &groups[i];

        if (g->map == in->map && g->op == in->opcode)
            return !((g->regs >> reg) & 1) || (((g->mem_only >> reg) & 1) && in->modrm >= 0xC0);
    }
    return false;
}

/* The immediates of a legacy instruction. */
static int legacy_imm(struct cursor *c, struct insn *in)
{
    uint8_t op = in->opcode;
    unsigned z = in->operand_size == 2 ? 2 : 4;
    int err = 0;

    if (in->map == 0) {
        if (op >= 0xB8 && op <= 0xBF)
            return read_imm(c, in, in->operand_size);
        if (op >= 0xA0 && op <= 0xA3)
            return read_imm(c, in, in->address_size); /* moffs */
        if ((op & 0xFE) == 0xF6 && (in->modrm & 0x30))
            return 0; /* only TEST (/0, /1) of group 3 has one */
        if (bit(immz0, op))
            err = read_imm(c, in, z);
        if (!err && bit(imm16_0, op))
            err = read_imm(c, in, 2);
        if (!err && bit(imm8_0, op))
            err = read_imm(c, in, 1);
        return err;
    }
    if (in->map == 3 || (in->map == 1 && bit(imm8_1, op)))
        return read_imm(c, in, 1);
    if (in->map == 1 && (op >> 4) == 8)
        return read_imm(c, in, z); /* Jcc rel16/32 */
    /* SSE4a EXTRQ (66) and INSERTQ (F2) with immediates share 0F 78 with VMREAD */
    if (in->map == 1 && op == 0x78 && (in->rep == 0xF2 || (in->opsize && !in->rep))) {
        if (!(err = read_imm(c, in, 1)))
            err = read_imm(c, in, 1);
    }
    return err;
}

static int vex_imm(struct cursor *c, struct insn *in)
{
    unsigned m = in->map;

    if (m == 3 || m == 8 || (m == 1 && bit(imm8_1, in->opcode)))
        return read_imm(c, in, 1);
    return m == 10 ? read_imm(c, in, 4) : 0;
}

int insn_decode(struct insn *in, const uint8_t *bytes, size_t avail, enum cpu_mode mode)
{
    struct cursor c = {bytes, avail, 0};
    bool l64 = mode == CPU_MODE_64;
    int b, err;

    __builtin_memset(in, 0, sizeof(*in));
    in->mode = mode;
    in->seg = INSN_SEG_NONE;
    for (;;) {
        if ((b = next(&c)) < 0)
            return b;
        if (l64 && (b & 0xF0) == 0x40) {
            in->rex = (uint8_t)b; /* only the one right before the opcode counts */
        } else if (bit(prefix0, (uint8_t)b)) {
            apply_prefix(in, (uint8_t)b);
            in->rex = 0;
        } else {
            break;
        }
        in->nprefix++;
    }
    if (l64)
        in->address_size = in->addrsize ? 4 : 8;
    else
        in->address_size = (mode == CPU_MODE_16) != in->addrsize ? 2 : 4;

    /*
     * C4 C5 62 outside long mode are LES LDS BOUND unless their ModRM would
     * be a register, invalid for those; 8F is POP unless its "reg" gives an
     * XOP map (8 and up).
     */
    if (b == 0xC4 || b == 0xC5 || b == 0x62 || b == 0x8F) {
        if ((err = need(&c, 1)))
            return err;
        if (b == 0x8F ? (c.p[c.n] & 0x1F) >= 8 : l64 || c.p[c.n] >= 0xC0) {
            if ((err = vex_prefix(&c, in, (uint8_t)b)) || (b = next(&c)) < 0)
                return err ? err : b;
            in->opcode = (uint8_t)b;
            /* VZEROUPPER/VZEROALL are the only ones without ModRM */
            if (!(in->encoding != INSN_EVEX && in->map == 1 && b == 0x77) &&
                (err = read_modrm(&c, in, false)))
                return err;
            in->operand_size = operand_size(in);
            if ((err = vex_imm(&c, in)))
                return err;
            in->length = c.n;
            return 0;
        }
    }

    if (b == 0x0F) {
        if ((b = next(&c)) < 0)
            return b;
        in->map = 1;
        if (b == 0x38 || b == 0x3A) {
            in->map = b == 0x38 ? 2 : 3;
            if ((b = next(&c)) < 0)
                return b;
        }
    }
    in->opcode = (uint8_t)b;
    if ((in->map == 0 && l64 && bit(inv64_0, in->opcode)) ||
        (in->map == 1 && bit(inv1, in->opcode)))
        return INSN_ERR_INVALID;
    if (in->map >= 2 || bit(in->map ? modrm1 : modrm0, in->opcode)) {
        if ((err = read_modrm(&c, in, in->map == 1 && (in->opcode & 0xFC) == 0x20)))
            return err;
        if (bad_group(in))
            return INSN_ERR_INVALID;
    }
    in->operand_size = operand_size(in);
    if ((err = legacy_imm(&c, in)))
        return err;
    in->length = c.n;
    return 0;
}

static uint64_t mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t sign_extend(uint64_t v, unsigned size)
{
    unsigned shift = 64 - 8 * size;

    return (uint64_t)((int64_t)(v << shift) >> shift);
}

int insn_mmio_access(const struct insn *in, struct mmio_access *out)
{
    uint8_t op = in->opcode, osz = in->operand_size;

    __builtin_memset(out, 0, sizeof(*out));
    out->size = osz;
    if (in->encoding != INSN_LEGACY)
        return -1;
    if (in->map == 0 && op >= 0xA0 && op <= 0xA3) {
        out->write = op & 2; /* moffs: AL/eAX/rAX */
    } else if (!insn_modrm_is_mem(in)) {
        return -1;
    } else if (in->map == 0 && (op & 0xFE) == 0x86) {
        out->write = out->xchg = true;
    } else if (in->map == 0 && (op & 0xFC) == 0x88) {
        out->write = !(op & 2);
    } else if (in->map == 0 && (op & 0xFE) == 0xC6 && !(in->modrm & 0x38)) {
        out->write = out->imm_src = true;
        out->imm = sign_extend(in->imm, in->imm_size) & mask(osz);
    } else if (in->map == 0 && op == 0x63 && in->mode == CPU_MODE_64) {
        out->size = osz == 8 ? 4 : osz; /* MOVSXD; without REX.W a plain load */
        out->ext = osz == 8 ? MMIO_EXT_SIGN : MMIO_EXT_NONE;
    } else if (in->map == 1 && (op & 0xF6) == 0xB6) {
        out->size = op & 1 ? 2 : 1; /* MOVZX B6 B7, MOVSX BE BF */
        out->ext = op & 8 ? MMIO_EXT_SIGN : MMIO_EXT_ZERO;
    } else {
        return -1;
    }
    if (in->lock && !out->xchg)
        return -1; /* #UD before any access */
    if (!out->imm_src && in->has_modrm)
        out->reg = insn_modrm_reg(in);
    out->high_byte = osz == 1 && !in->rex && out->reg >= 4 && !out->imm_src;
    if (!out->write || out->xchg) {
        out->reg_size = osz;
        out->zero_upper = in->mode == CPU_MODE_64 && osz == 4;
        if (out->size == osz)
            out->ext = MMIO_EXT_NONE;
    }
    return 0;
}

uint64_t mmio_store_value(const struct mmio_access *a, uint64_t reg)
{
    if (a->imm_src)
        return a->imm;
    return (a->high_byte ? reg >> 8 : reg) & mask(a->size);
}

uint64_t mmio_load_result(const struct mmio_access *a, uint64_t reg, uint64_t data)
{
    data &= mask(a->size);
    if (a->ext == MMIO_EXT_SIGN)
        data = sign_extend(data, a->size);
    data &= mask(a->reg_size);
    if (a->high_byte)
        return (reg & ~0xFF00ULL) | data << 8;
    if (a->zero_upper)
        return data;
    return (reg & ~mask(a->reg_size)) | data;
}
