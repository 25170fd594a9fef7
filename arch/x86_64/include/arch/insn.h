/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 instruction decoder for the VM-exit path.  Without NRIP save or decode
 * assists the hypervisor must find the length of the guest instruction that
 * exited (to skip it) and, for MMIO, what it does to memory (to emulate it).
 */
#ifndef ARCH_INSN_H
#define ARCH_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Default operand and address size of the code segment (CS.D, CS.L). */
enum cpu_mode {
    CPU_MODE_16, /* real mode, virtual-8086, 16-bit protected mode */
    CPU_MODE_32,
    CPU_MODE_64, /* long mode, 64-bit code segment */
};

#define INSN_MAX_LEN 15

enum insn_err {
    INSN_ERR_TRUNCATED = -1, /* the instruction goes on past the bytes given */
    INSN_ERR_TOO_LONG = -2,  /* more than 15 bytes: #GP on hardware */
    INSN_ERR_INVALID = -3,   /* undefined opcode in this mode: #UD */
};

enum insn_encoding {
    INSN_LEGACY, /* optional legacy prefixes and REX, then map 0 or 0F escapes */
    INSN_VEX2,   /* C5 */
    INSN_VEX3,   /* C4 */
    INSN_XOP,    /* 8F with map 8-10 (AMD) */
    INSN_EVEX,   /* 62 */
};

/* Segment override prefixes, by segment register number (as in MOV Sreg). */
enum insn_seg { INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS, INSN_SEG_FS, INSN_SEG_GS };
#define INSN_SEG_NONE 0xFF

#define REX_B 0x01
#define REX_X 0x02
#define REX_R 0x04
#define REX_W 0x08

struct insn {
    uint8_t length;
    uint8_t mode;    /* enum cpu_mode it was decoded for */
    uint8_t nprefix; /* legacy prefix and REX bytes before the opcode (or VEX/EVEX/XOP) */
    bool opsize;     /* 66 */
    bool addrsize;   /* 67 */
    bool lock;       /* F0 */
    uint8_t rep;     /* F2 or F3, the last one given, or 0 */
    uint8_t seg;     /* enum insn_seg of the last override, or INSN_SEG_NONE */
    /*
     * The REX prefix in effect (0x40-0x4F) or 0.  A REX followed by a legacy
     * prefix is ignored, as by the CPU.  For VEX/XOP/EVEX it is rebuilt from
     * their W R X B bits so that the register helpers below work for all.
     */
    uint8_t rex;
    uint8_t encoding; /* enum insn_encoding */
    uint8_t vex[3];   /* payload after C4/C5/8F/62 as encoded (C5 has one byte) */
    uint8_t vex_vvvv; /* extra register operand, un-inverted (EVEX: 0-31 with V') */
    uint8_t vex_l;    /* vector length: 0 = 128, 1 = 256, 2 = 512 bits */
    uint8_t vex_pp;   /* implied prefix: 0 none, 1 = 66, 2 = F3, 3 = F2 */
    uint8_t map;      /* 0 one-byte, 1 = 0F, 2 = 0F38, 3 = 0F3A; EVEX 5, 6; XOP 8-10 */
    uint8_t opcode;   /* the byte after the escapes */
    bool has_modrm;
    bool has_sib;
    bool rip_relative; /* mod 0 rm 5 in 64-bit mode: disp is from the next instruction */
    uint8_t modrm, sib;
    uint8_t disp_size; /* 0, 1, 2, 4 */
    int32_t disp;      /* sign-extended */
    uint8_t imm_size;  /* 0, 1, 2, 4, 8 (moffs: the address size) */
    uint8_t imm2_size; /* second immediate: ENTER ib, far pointer selector, EXTRQ/INSERTQ */
    uint16_t imm2;
    uint64_t imm; /* as encoded, zero-extended: rel, moffs, imm (ENTER: iw; far: offset) */
    /*
     * Operand size: 1 for byte forms, else 2/4/8 from the mode, 66 and REX.W;
     * 8 for the default-64 opcodes of long mode (PUSH, POP, near branches)
     * unless 66; MOV CRn/DRn: 8 in long mode, else 4; IN/OUT/INS/OUTS: at
     * most 4.  66 on a near branch in long mode gives 2 and a rel16 (AMD;
     * Intel ignores it there): QEMU and the AMD hosts this runs on agree.
     */
    uint8_t operand_size;
    uint8_t address_size; /* 2, 4, 8 */
};

/*
 * Decode the instruction at `bytes`, of which `avail` may be read (never
 * more).  Returns 0 and fills `in`, or an enum insn_err (then `in` is
 * unspecified).  VEX/EVEX/XOP are decoded in all modes: in real mode the CPU
 * takes C4/C5/62 with ModRM.mod == 3 as an invalid LES/LDS/BOUND instead.
 */
int insn_decode(struct insn *in, const uint8_t *bytes, size_t avail, enum cpu_mode mode);

/* ModRM.rm names memory (MOV CRn/DRn always use a register, whatever mod says). */
static inline bool insn_modrm_is_mem(const struct insn *in)
{
    return in->has_modrm && (in->modrm >> 6) != 3 && !(in->map == 1 && (in->opcode & 0xFC) == 0x20);
}

/* ModRM.reg extended by REX.R: a GPR, CRn, DRn, ... number 0-15. */
static inline unsigned insn_modrm_reg(const struct insn *in)
{
    return ((in->modrm >> 3) & 7) | (in->rex & REX_R ? 8 : 0);
}

/* ModRM.rm extended by REX.B, for register operands. */
static inline unsigned insn_modrm_rm(const struct insn *in)
{
    return (in->modrm & 7) | (in->rex & REX_B ? 8 : 0);
}

/* How a load's data reaches the register. */
enum mmio_ext {
    MMIO_EXT_NONE, /* size == reg_size */
    MMIO_EXT_ZERO, /* MOVZX */
    MMIO_EXT_SIGN, /* MOVSX, MOVSXD */
};

/* What an instruction that exited on an MMIO address does to it. */
struct mmio_access {
    bool write;
    bool xchg;      /* XCHG: writes reg's value and loads the old one into reg */
    bool imm_src;   /* the store writes `imm`, not a register */
    bool high_byte; /* reg 4-7 are AH CH DH BH: bits 15:8 of GPR reg - 4 (no REX) */
    uint8_t size;   /* bytes accessed: 1 2 4 8 */
    uint8_t reg;    /* GPR 0-15: source of a store, destination of a load */
    /* Loads and XCHG: how the data reaches reg (mmio_load_result does it all) */
    uint8_t reg_size; /* operand size of reg (1 2 4 8) */
    uint8_t ext;      /* enum mmio_ext: from size to reg_size */
    bool zero_upper;  /* 32-bit destination in 64-bit mode: bits 63:32 are cleared */
    uint64_t imm;     /* stored value, as the CPU extends it, truncated to size */
};

/*
 * Classify the plain loads and stores compilers emit for device registers:
 * MOV 88 89 8A 8B C6/0 C7/0 A0-A3, MOVZX/MOVSX 0F B6 B7 BE BF, MOVSXD 63,
 * XCHG 86 87, all with a memory operand.  Returns 0, or -1 for anything else.
 */
int insn_mmio_access(const struct insn *in, struct mmio_access *out);

/* The bytes a store writes (in the low `size` bytes), given the source GPR. */
uint64_t mmio_store_value(const struct mmio_access *a, uint64_t reg);

/* The destination GPR after a load (or the load half of XCHG) read `data`. */
uint64_t mmio_load_result(const struct mmio_access *a, uint64_t reg, uint64_t data);

#endif
