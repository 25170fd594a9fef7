// SPDX-License-Identifier: GPL-2.0-only
/*
 * I/O port and MMIO intercepts: decoding and completion (see intercept.h).
 */
#include <stdio.h>
#include <string.h>

#include "intercept.h"

#define INSN_BYTES_MAX 16 /* instruction_bytes[] in the messages */

enum cpu_mode intercept_cpu_mode(const struct hv_x64_intercept_message_header *h)
{
    uint16_t attr = h->cs.attributes;

    if ((h->execution_state & HV_X64_EXEC_EFER_LMA) && (attr & SEG_ATTR_L))
        return CPU_MODE_64;
    if (!(h->execution_state & HV_X64_EXEC_CR0_PE) || (h->rflags & RFLAGS_VM))
        return CPU_MODE_16;
    return (attr & SEG_ATTR_DB) ? CPU_MODE_32 : CPU_MODE_16;
}

uint64_t intercept_next_rip(const struct hv_x64_intercept_message_header *h, unsigned length,
                            enum cpu_mode mode)
{
    uint64_t rip = h->rip + length;

    switch (mode) {
    case CPU_MODE_16:
        return rip & 0xFFFF;
    case CPU_MODE_32:
        return rip & 0xFFFFFFFF;
    default:
        return rip;
    }
}

uint64_t io_in_result(uint64_t rax, uint32_t data, unsigned size, enum cpu_mode mode)
{
    switch (size) {
    case 1:
        return (rax & ~0xFFull) | (data & 0xFF);
    case 2:
        return (rax & ~0xFFFFull) | (data & 0xFFFF);
    default:
        /* A 32-bit destination clears bits 63:32 in 64-bit mode; outside
         * it they are not architecturally visible: keep them. */
        if (mode == CPU_MODE_64)
            return data;
        return (rax & ~0xFFFFFFFFull) | data;
    }
}

static void set_reg(struct vid_register *r, uint32_t name, uint64_t value)
{
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->value[0] = value;
}

/* INS or OUTS: which memory, how many elements, which way. */
/*
 * The address size and OUTS's segment from the instruction's own bytes, for
 * a hypervisor on a CPU without decode assists: a 67 prefix flips the
 * mode's default address size, a segment override replaces DS.  HV_IO_STRING_*
 * bits as the CPU would have given them, or 0 if the bytes are not INS/OUTS.
 */
static uint32_t io_string_info_from_bytes(const struct hv_x64_io_port_intercept_message *io,
                                          enum cpu_mode mode)
{
    struct insn insn;
    size_t avail = io->instruction_byte_count;
    uint32_t size;

    if (avail > INSN_BYTES_MAX)
        avail = INSN_BYTES_MAX;
    if (insn_decode(&insn, io->instruction_bytes, avail, mode) != 0 || insn.map != 0 ||
        (insn.opcode & 0xFC) != 0x6C)
        return 0;
    switch (mode) {
    case CPU_MODE_64:
        size = insn.addrsize ? HV_IO_STRING_ADDR32 : HV_IO_STRING_ADDR64;
        break;
    case CPU_MODE_32:
        size = insn.addrsize ? HV_IO_STRING_ADDR16 : HV_IO_STRING_ADDR32;
        break;
    default:
        size = insn.addrsize ? HV_IO_STRING_ADDR32 : HV_IO_STRING_ADDR16;
        break;
    }
    return size | (uint32_t)(insn.seg == INSN_SEG_NONE ? INSN_SEG_DS : insn.seg)
                      << HV_IO_STRING_SEG_SHIFT;
}

static int io_string_parse(const struct hv_x64_io_port_intercept_message *io,
                           struct io_intercept *out, char *err, size_t errlen)
{
    const uint32_t sizes = HV_IO_STRING_ADDR16 | HV_IO_STRING_ADDR32 | HV_IO_STRING_ADDR64;
    uint32_t info = io->string_info;
    unsigned seg;

    if (!(info & sizes) && io->instruction_byte_count)
        info = io_string_info_from_bytes(io, out->mode);
    seg = (info & HV_IO_STRING_SEG_MASK) >> HV_IO_STRING_SEG_SHIFT;
    switch (info & sizes) {
    case HV_IO_STRING_ADDR16:
        out->addr_mask = 0xFFFF;
        break;
    case HV_IO_STRING_ADDR32:
        out->addr_mask = 0xFFFFFFFF;
        break;
    case HV_IO_STRING_ADDR64:
        out->addr_mask = ~0ull;
        break;
    default:
        snprintf(err, errlen,
                 "string I/O on port 0x%x without one address size (0x%x, %u instruction bytes)",
                 io->port_number, io->string_info, io->instruction_byte_count);
        return -1;
    }
    out->string = true;
    out->rep = (io->access_info & HV_IO_ACCESS_REP) != 0;
    out->down = (io->header.rflags & (1ull << 10)) != 0;
    out->count = out->rep ? io->rcx & out->addr_mask : 1;
    if (!out->write) {
        seg = 0; /* INS writes ES:rDI, whatever the prefixes */
        out->ptr = io->rdi & out->addr_mask;
    } else {
        out->ptr = io->rsi & out->addr_mask;
    }
    /* The message carries DS and ES only; in 64-bit mode their bases are 0. */
    if (seg == 0)
        out->seg_base = out->mode == CPU_MODE_64 ? 0 : io->es.base;
    else if (seg == 3)
        out->seg_base = out->mode == CPU_MODE_64 ? 0 : io->ds.base;
    else {
        snprintf(err, errlen, "OUTS on port 0x%x through segment %u: only DS and ES are supported",
                 io->port_number, seg);
        return -1;
    }
    return 0;
}

unsigned io_string_complete(const struct io_intercept *io, const struct hv_message *msg,
                            uint64_t done, struct vid_register *regs)
{
    const struct hv_x64_io_port_intercept_message *m = &msg->u.io;
    uint64_t moved = done * io->size, mask = io->addr_mask;
    uint64_t ptr = (io->down ? io->ptr - moved : io->ptr + moved) & mask;
    uint64_t old = io->write ? m->rsi : m->rdi;
    unsigned n = 0;

    /* Only the address-size part of a register changes (CX in 16-bit
     * addressing, ECX zero-extended in 32-bit, as the CPU writes it). */
    if (io->rep) {
        uint64_t rcx = (io->count - done) & mask;

        set_reg(&regs[n++], HV_X64_REGISTER_RCX, mask == 0xFFFF ? (m->rcx & ~mask) | rcx : rcx);
    }
    set_reg(&regs[n++], io->write ? HV_X64_REGISTER_RSI : HV_X64_REGISTER_RDI,
            mask == 0xFFFF ? (old & ~mask) | ptr : ptr);
    if (done == io->count)
        set_reg(&regs[n++], HV_X64_REGISTER_RIP,
                intercept_next_rip(&m->header, io->length, io->mode));
    return n;
}

int io_intercept_parse(const struct hv_message *msg, struct io_intercept *out, char *err,
                       size_t errlen)
{
    const struct hv_x64_io_port_intercept_message *io = &msg->u.io;
    unsigned size = io->access_info & HV_IO_ACCESS_SIZE_MASK;
    unsigned length = io->header.instruction_length & 0xF;
    uint8_t access = io->header.intercept_access_type;

    memset(out, 0, sizeof(*out));
    if (msg->header.message_type != HVMSG_X64_IO_PORT_INTERCEPT) {
        snprintf(err, errlen, "not an I/O port message (type 0x%x)", msg->header.message_type);
        return -1;
    }
    if (size != 1 && size != 2 && size != 4) {
        snprintf(err, errlen, "I/O access of %u bytes on port 0x%x", size, io->port_number);
        return -1;
    }
    if (access != HV_INTERCEPT_ACCESS_READ && access != HV_INTERCEPT_ACCESS_WRITE) {
        snprintf(err, errlen, "I/O access type %u on port 0x%x", access, io->port_number);
        return -1;
    }
    out->mode = intercept_cpu_mode(&io->header);
    if (!length) {
        /* No length from the hypervisor: the instruction says. */
        struct insn insn;
        size_t avail = io->instruction_byte_count;

        if (avail > INSN_BYTES_MAX)
            avail = INSN_BYTES_MAX;
        if (insn_decode(&insn, io->instruction_bytes, avail, out->mode) != 0) {
            snprintf(err, errlen,
                     "I/O port 0x%x: no instruction length and bytes that do not "
                     "decode",
                     io->port_number);
            return -1;
        }
        length = insn.length;
    }
    out->port = io->port_number;
    out->size = (uint8_t)size;
    out->write = access == HV_INTERCEPT_ACCESS_WRITE;
    out->value = (uint32_t)(io->rax & (size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1));
    out->length = (uint8_t)length;
    if (io->access_info & HV_IO_ACCESS_STRING)
        return io_string_parse(io, out, err, errlen);
    if (io->access_info & HV_IO_ACCESS_REP) {
        snprintf(err, errlen, "REP without a string instruction on port 0x%x", io->port_number);
        return -1;
    }
    return 0;
}

unsigned io_intercept_complete(const struct io_intercept *io, const struct hv_message *msg,
                               uint32_t data, struct vid_register *regs)
{
    unsigned n = 0;

    if (!io->write)
        set_reg(&regs[n++], HV_X64_REGISTER_RAX,
                io_in_result(msg->u.io.rax, data, io->size, io->mode));
    set_reg(&regs[n++], HV_X64_REGISTER_RIP,
            intercept_next_rip(&msg->u.io.header, io->length, io->mode));
    return n;
}

int mmio_intercept_parse(const struct hv_message *msg, struct mmio_intercept *out, char *err,
                         size_t errlen)
{
    const struct hv_x64_memory_intercept_message *mem = &msg->u.memory;
    size_t avail = mem->instruction_byte_count;
    int rc;

    memset(out, 0, sizeof(*out));
    out->gpa = mem->guest_physical_address;
    if (msg->header.message_type != HVMSG_UNMAPPED_GPA &&
        msg->header.message_type != HVMSG_GPA_INTERCEPT) {
        snprintf(err, errlen, "not a memory message (type 0x%x)", msg->header.message_type);
        return -1;
    }
    if (mem->header.intercept_access_type == HV_INTERCEPT_ACCESS_EXECUTE) {
        snprintf(err, errlen, "instruction fetch from device memory at 0x%llx (rip 0x%llx)",
                 (unsigned long long)out->gpa, (unsigned long long)mem->header.rip);
        return -1;
    }
    if (avail > INSN_BYTES_MAX)
        avail = INSN_BYTES_MAX;
    out->mode = intercept_cpu_mode(&mem->header);
    rc = insn_decode(&out->insn, mem->instruction_bytes, avail, out->mode);
    if (rc) {
        snprintf(err, errlen,
                 "MMIO at 0x%llx: instruction at rip 0x%llx does not decode (%d, %zu bytes: "
                 "%02x %02x %02x %02x)",
                 (unsigned long long)out->gpa, (unsigned long long)mem->header.rip, rc, avail,
                 mem->instruction_bytes[0], mem->instruction_bytes[1], mem->instruction_bytes[2],
                 mem->instruction_bytes[3]);
        return -1;
    }
    if (insn_mmio_access(&out->insn, &out->access)) {
        snprintf(err, errlen,
                 "MMIO at 0x%llx: instruction at rip 0x%llx (opcode %s%02x) is not a plain "
                 "load or store",
                 (unsigned long long)out->gpa, (unsigned long long)mem->header.rip,
                 out->insn.map == 1 ? "0f " : "", out->insn.opcode);
        return -1;
    }
    if (!(out->access.write && out->access.imm_src)) {
        unsigned reg = out->access.reg & 0xF;

        /* AH, CH, DH, BH are bits 15:8 of RAX, RCX, RDX, RBX. */
        if (out->access.high_byte)
            reg -= 4;
        out->gpr = HV_X64_REGISTER_RAX + reg;
    }
    return 0;
}

bool mmio_intercept_emulate(const struct mmio_intercept *m, uint64_t gpr_value,
                            const struct mmio_ops *ops, uint64_t *gpr_out)
{
    const struct mmio_access *a = &m->access;

    if (a->write && !a->xchg) {
        ops->write(ops->opaque, m->gpa, a->size, mmio_store_value(a, gpr_value));
        return false;
    }
    if (a->xchg) {
        /* The old value first: a device register read can have effects
         * the write must come after. */
        uint64_t old = ops->read(ops->opaque, m->gpa, a->size);

        ops->write(ops->opaque, m->gpa, a->size, mmio_store_value(a, gpr_value));
        *gpr_out = mmio_load_result(a, gpr_value, old);
        return true;
    }
    *gpr_out = mmio_load_result(a, gpr_value, ops->read(ops->opaque, m->gpa, a->size));
    return true;
}

unsigned mmio_intercept_complete(const struct mmio_intercept *m, const struct hv_message *msg,
                                 bool write_gpr, uint64_t gpr_value, struct vid_register *regs)
{
    unsigned n = 0;

    if (write_gpr && m->gpr)
        set_reg(&regs[n++], m->gpr, gpr_value);
    set_reg(&regs[n++], HV_X64_REGISTER_RIP,
            intercept_next_rip(&msg->u.memory.header, m->insn.length, m->mode));
    return n;
}
