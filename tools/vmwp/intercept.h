/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Turning the hypervisor's intercept messages into device accesses, and the
 * results back into the register writes that complete the instruction
 * (passed with the next VID_VP_RUN).  Pure logic: everything in a message
 * comes from the guest's state and is checked here.
 *
 * I/O ports (HVMSG_X64_IO_PORT_INTERCEPT): IN and OUT of 1, 2 or 4 bytes.
 * IN's data is merged into RAX: the low byte or word for 8 and 16 bits
 * (the rest of RAX kept), EAX for 32 bits (zero-extended to RAX in 64-bit
 * mode, as the CPU does; upper half kept otherwise).  String I/O: below.
 *
 * MMIO (HVMSG_UNMAPPED_GPA): the instruction bytes in the message are
 * decoded (arch/insn.h) in the mode the guest was in: 64-bit with EFER.LMA
 * and CS.L, else 32 or 16 bits from CS.D, 16 in real and virtual-8086 mode.
 * Only the plain loads and stores insn_mmio_access() knows are emulated.
 *
 * RIP moves past the instruction, wrapping at the width of the mode (IP in
 * 16-bit code, EIP in 32-bit code).
 *
 * String I/O (INS, OUTS, with REP or not) moves its elements between the
 * port and guest memory at seg:RDI (INS, always ES) or seg:RSI (OUTS, DS
 * or an ES override), in the address size the CPU decoded (the message's
 * string_info, or, from a CPU without decode assists, the prefixes of the
 * instruction bytes the message carries instead).  The worker does a
 * bounded batch per exit and writes back the count and pointer; RIP moves
 * on once the count is done, so a long REP re-executes and exits again, as
 * the CPU itself may.
 */
#ifndef VMWP_INTERCEPT_H
#define VMWP_INTERCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch/insn.h>
#include <hv/abi.h>
#include <hv/vid_ioctl.h>

/* The most registers a completion writes: a GPR and RIP; RCX, RSI or RDI
 * and RIP for string I/O. */
#define INTERCEPT_MAX_REGS 3

/* CS attributes in the VMCB packing (descriptor bits 52-55 at 8-11). */
#define SEG_ATTR_L  (1u << 9)
#define SEG_ATTR_DB (1u << 10)

#define RFLAGS_VM (1ull << 17)

/* The code segment's default operand size at an intercept. */
enum cpu_mode intercept_cpu_mode(const struct hv_x64_intercept_message_header *h);

/* RIP after an instruction of @length bytes at the intercept's RIP. */
uint64_t intercept_next_rip(const struct hv_x64_intercept_message_header *h, unsigned length,
                            enum cpu_mode mode);

/* RAX after IN of @size bytes read @data. */
uint64_t io_in_result(uint64_t rax, uint32_t data, unsigned size, enum cpu_mode mode);

struct io_intercept {
    uint16_t port;
    uint8_t size;   /* 1, 2 or 4 */
    bool write;     /* OUT */
    uint32_t value; /* OUT: the low @size bytes of RAX */
    uint8_t length; /* of the instruction */
    enum cpu_mode mode;
    /* String I/O. */
    bool string, rep;
    bool down;          /* RFLAGS.DF: the pointer decreases */
    uint64_t addr_mask; /* 0xFFFF, 0xFFFFFFFF or all ones */
    uint64_t count;     /* elements left: RCX within the address size (REP), else 1 */
    uint64_t seg_base;  /* of the segment the pointer is in */
    uint64_t ptr;       /* RDI (INS) or RSI (OUTS), within the address size */
};

/* At most this many elements of a string I/O per exit: a REP INSW of a
 * whole IDE sector is one exit, and no exit takes long. */
#define IO_STRING_BATCH 4096

/*
 * Check an I/O port message and describe the access.  The instruction
 * length is the message's if it gives one, else decoded from its
 * instruction bytes.  Returns 0, or -1 with a message in @err (a bad size
 * or access type, no instruction length, REP without a string instruction,
 * string I/O with no address size or through a segment other than DS/ES).
 */
int io_intercept_parse(const struct hv_message *msg, struct io_intercept *out, char *err,
                       size_t errlen);

/* The register writes that complete it (IN: RAX with @data; RIP) in @regs
 * (room for INTERCEPT_MAX_REGS); returns how many. */
unsigned io_intercept_complete(const struct io_intercept *io, const struct hv_message *msg,
                               uint32_t data, struct vid_register *regs);

/* After @done elements of a string I/O: the writes of RCX (REP), the
 * pointer register and, when nothing is left, RIP, in @regs (room for
 * INTERCEPT_MAX_REGS); returns how many. */
unsigned io_string_complete(const struct io_intercept *io, const struct hv_message *msg,
                            uint64_t done, struct vid_register *regs);

struct mmio_intercept {
    uint64_t gpa;
    struct insn insn;
    struct mmio_access access;
    enum cpu_mode mode;
    /* The GPR the instruction reads (store) or writes (load), as a register
     * name (HV_X64_REGISTER_RAX + n; AH..BH name RAX..RBX), or 0 when a
     * store of an immediate needs none. */
    uint32_t gpr;
};

/*
 * Check an unmapped-GPA message and decode its instruction.  Returns 0, or
 * -1 with a message in @err (an instruction fetch, bytes that do not
 * decode, an instruction other than a plain load or store).
 */
int mmio_intercept_parse(const struct hv_message *msg, struct mmio_intercept *out, char *err,
                         size_t errlen);

/* The device side of an MMIO access. */
struct mmio_ops {
    uint64_t (*read)(void *opaque, uint64_t gpa, unsigned size);
    void (*write)(void *opaque, uint64_t gpa, unsigned size, uint64_t value);
    void *opaque;
};

/*
 * Do the access on @ops, given the value of m->gpr (ignored if 0).  Returns
 * true with the GPR's new value in *@gpr_out when the instruction loads one
 * (loads and XCHG).
 */
bool mmio_intercept_emulate(const struct mmio_intercept *m, uint64_t gpr_value,
                            const struct mmio_ops *ops, uint64_t *gpr_out);

/* The register writes that complete it (the GPR if @write_gpr, RIP) in
 * @regs (room for INTERCEPT_MAX_REGS); returns how many. */
unsigned mmio_intercept_complete(const struct mmio_intercept *m, const struct hv_message *msg,
                                 bool write_gpr, uint64_t gpr_value, struct vid_register *regs);

#endif
