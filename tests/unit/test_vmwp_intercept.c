/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/intercept.c and io_bus.c: from an intercept
 * message to the device access and to the register writes that complete
 * the instruction.  The execution mode from execution_state, RFLAGS and CS;
 * RIP advance and its wrap in 16- and 32-bit code; IN merging RAX by size
 * (8/16-bit partial, 32-bit zero-extended in 64-bit mode only); the
 * instruction length from the message or decoded; refusal of string I/O
 * and of bad sizes; MMIO loads and stores of every width, AH..BH, REX
 * registers, immediates, MOVZX and XCHG; refusal of what cannot be
 * emulated; and the bus: decoding, unknown addresses (all ones, dropped),
 * byte-wide devices, accesses that straddle devices, overlaps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <hv/abi.h>

#include "../../tools/vmwp/intercept.h"
#include "../../tools/vmwp/io_bus.h"

#define CS_64   (0x9B | SEG_ATTR_L)  /* long mode code */
#define CS_32   (0x9B | SEG_ATTR_DB) /* 32-bit protected mode code */
#define CS_16   0x9B                 /* 16-bit protected mode code */
#define EXEC_64 (HV_X64_EXEC_CR0_PE | HV_X64_EXEC_EFER_LMA)
#define RAX0    0x1122334455667788ull

static char err[256];

static struct hv_message io_msg(uint16_t port, unsigned size, bool write, uint8_t len)
{
    struct hv_message m;

    memset(&m, 0, sizeof(m));
    m.header.message_type = HVMSG_X64_IO_PORT_INTERCEPT;
    m.u.io.header.instruction_length = len;
    m.u.io.header.intercept_access_type =
        write ? HV_INTERCEPT_ACCESS_WRITE : HV_INTERCEPT_ACCESS_READ;
    m.u.io.header.execution_state = EXEC_64;
    m.u.io.header.cs.attributes = CS_64;
    m.u.io.header.rip = 0xffffffff81000000ull;
    m.u.io.port_number = port;
    m.u.io.access_info = (uint8_t)size;
    m.u.io.rax = RAX0;
    return m;
}

static struct hv_message mmio_msg(uint64_t gpa, const char *bytes, size_t n, uint16_t exec,
                                  uint16_t cs)
{
    struct hv_message m;

    memset(&m, 0, sizeof(m));
    m.header.message_type = HVMSG_UNMAPPED_GPA;
    m.u.memory.header.execution_state = exec;
    m.u.memory.header.cs.attributes = cs;
    m.u.memory.header.rip = 0x1000;
    m.u.memory.guest_physical_address = gpa;
    m.u.memory.instruction_byte_count = (uint8_t)n;
    memcpy(m.u.memory.instruction_bytes, bytes, n);
    return m;
}

/* ---- modes and RIP ------------------------------------------------------------ */

static void test_cpu_mode(void **state)
{
    struct hv_x64_intercept_message_header h;

    (void)state;
    memset(&h, 0, sizeof(h));
    h.execution_state = EXEC_64;
    h.cs.attributes = CS_64;
    assert_int_equal(intercept_cpu_mode(&h), CPU_MODE_64);
    /* Compatibility mode: LMA but CS.L clear. */
    h.cs.attributes = CS_32;
    assert_int_equal(intercept_cpu_mode(&h), CPU_MODE_32);
    h.cs.attributes = CS_16;
    assert_int_equal(intercept_cpu_mode(&h), CPU_MODE_16);
    /* CS.L without LMA means nothing. */
    h.execution_state = HV_X64_EXEC_CR0_PE;
    h.cs.attributes = CS_64;
    assert_int_equal(intercept_cpu_mode(&h), CPU_MODE_16);
    h.cs.attributes = CS_32;
    assert_int_equal(intercept_cpu_mode(&h), CPU_MODE_32);
    /* Virtual-8086 and real mode are 16-bit whatever CS says. */
    h.rflags = RFLAGS_VM;
    assert_int_equal(intercept_cpu_mode(&h), CPU_MODE_16);
    h.rflags = 0;
    h.execution_state = 0;
    assert_int_equal(intercept_cpu_mode(&h), CPU_MODE_16);
}

static void test_next_rip(void **state)
{
    struct hv_x64_intercept_message_header h;

    (void)state;
    memset(&h, 0, sizeof(h));
    h.rip = 0xFFFF;
    assert_int_equal(intercept_next_rip(&h, 1, CPU_MODE_16), 0);
    h.rip = 0xFFFFFFFF;
    assert_int_equal(intercept_next_rip(&h, 2, CPU_MODE_32), 1);
    assert_int_equal(intercept_next_rip(&h, 2, CPU_MODE_64), 0x100000001ull);
    h.rip = 0x7000;
    assert_int_equal(intercept_next_rip(&h, 3, CPU_MODE_16), 0x7003);
}

/* ---- I/O ports --------------------------------------------------------------- */

static void test_in_result(void **state)
{
    (void)state;
    assert_int_equal(io_in_result(RAX0, 0xAB, 1, CPU_MODE_64), 0x11223344556677ABull);
    assert_int_equal(io_in_result(RAX0, 0xFFFFFFAB, 1, CPU_MODE_64), 0x11223344556677ABull);
    assert_int_equal(io_in_result(RAX0, 0xABCD, 2, CPU_MODE_64), 0x112233445566ABCDull);
    assert_int_equal(io_in_result(RAX0, 0x12345678, 4, CPU_MODE_64), 0x12345678ull);
    assert_int_equal(io_in_result(RAX0, 0x12345678, 4, CPU_MODE_32), 0x1122334412345678ull);
    assert_int_equal(io_in_result(RAX0, 0xAB, 1, CPU_MODE_16), 0x11223344556677ABull);
}

static void test_io_in_completion(void **state)
{
    struct hv_message m = io_msg(0x3FD, 1, false, 1);
    struct io_intercept io;
    struct vid_register regs[INTERCEPT_MAX_REGS];

    (void)state;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.port, 0x3FD);
    assert_int_equal(io.size, 1);
    assert_false(io.write);
    assert_int_equal(io.length, 1);
    assert_int_equal(io_intercept_complete(&io, &m, 0x60, regs), 2);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_RAX);
    assert_int_equal(regs[0].value[0], 0x1122334455667760ull);
    assert_int_equal(regs[0].value[1], 0);
    assert_int_equal(regs[0].reserved, 0);
    assert_int_equal(regs[1].name, HV_X64_REGISTER_RIP);
    assert_int_equal(regs[1].value[0], 0xffffffff81000001ull);

    /* 32-bit IN in long mode zero-extends; in 32-bit code the top stays. */
    m = io_msg(0x608, 4, false, 1);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io_intercept_complete(&io, &m, 0xCAFEF00D, regs), 2);
    assert_int_equal(regs[0].value[0], 0xCAFEF00Dull);
    m.u.io.header.cs.attributes = CS_32;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io_intercept_complete(&io, &m, 0xCAFEF00D, regs), 2);
    assert_int_equal(regs[0].value[0], 0x11223344CAFEF00Dull);
    assert_int_equal(regs[1].value[0], 0x81000001ull); /* EIP wraps at 32 bits */

    /* 16-bit IN keeps bits 63:16. */
    m = io_msg(0x604, 2, false, 2);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io_intercept_complete(&io, &m, 0x1234, regs), 2);
    assert_int_equal(regs[0].value[0], 0x1122334455661234ull);
    assert_int_equal(regs[1].value[0], 0xffffffff81000002ull);
}

static void test_io_out_completion(void **state)
{
    struct hv_message m = io_msg(0x3F8, 1, true, 1);
    struct io_intercept io;
    struct vid_register regs[INTERCEPT_MAX_REGS];

    (void)state;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_true(io.write);
    assert_int_equal(io.value, 0x88);
    /* OUT writes no register but RIP. */
    assert_int_equal(io_intercept_complete(&io, &m, 0xFFFFFFFF, regs), 1);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_RIP);
    assert_int_equal(regs[0].value[0], 0xffffffff81000001ull);
    m = io_msg(0x604, 2, true, 1);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.value, 0x7788);
    m = io_msg(0x604, 4, true, 1);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.value, 0x55667788);
}

static void test_io_length_decoded(void **state)
{
    struct hv_message m = io_msg(0x71, 1, false, 0);
    struct io_intercept io;

    (void)state;
    /* No length in the message: the bytes say (here IN AL, 0x71: E4 71). */
    memcpy(m.u.io.instruction_bytes, "\xE4\x71", 2);
    m.u.io.instruction_byte_count = 2;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.length, 2);
    /* 66 ED: IN AX, DX. */
    memcpy(m.u.io.instruction_bytes, "\x66\xED", 2);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.length, 2);
    /* A length in the message wins; bits 4-7 (CR8) are not part of it. */
    m.u.io.header.instruction_length = 0x53;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.length, 3);
    /* No length and truncated or absent bytes: refused. */
    m.u.io.header.instruction_length = 0;
    m.u.io.instruction_byte_count = 1;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no instruction length"));
    m.u.io.instruction_byte_count = 0;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    /* A hostile byte count is clipped to the 16 bytes there are. */
    m.u.io.instruction_byte_count = 255;
    memcpy(m.u.io.instruction_bytes, "\xEC", 1);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.length, 1);
}

/* REP INSW in real mode (SeaBIOS's ATA PIO): ES:DI, CX counted, only the
 * 16-bit halves written, RIP moved once the count is done. */
static void test_io_string_rep_insw_16(void **state)
{
    struct hv_message m = io_msg(0x1F0, 2 | HV_IO_ACCESS_STRING | HV_IO_ACCESS_REP, false, 2);
    struct vid_register regs[INTERCEPT_MAX_REGS];
    struct io_intercept io;
    unsigned n;

    (void)state;
    m.u.io.header.execution_state = 0;
    m.u.io.header.cs.attributes = 0x93;
    m.u.io.header.rip = 0x1234;
    m.u.io.string_info = HV_IO_STRING_ADDR16 | 3u << HV_IO_STRING_SEG_SHIFT;
    m.u.io.es.base = 0x20000;
    m.u.io.rcx = 0xABCD0100; /* CX = 256 words */
    m.u.io.rdi = 0x5555FFF0;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_true(io.string && io.rep && !io.down);
    assert_int_equal(io.count, 256);
    assert_int_equal(io.seg_base, 0x20000); /* INS: ES whatever string_info says */
    assert_int_equal(io.ptr, 0xFFF0);
    /* Part of it: CX and DI (wrapping at 64 KiB) written, RIP kept. */
    n = io_string_complete(&io, &m, 100, regs);
    assert_int_equal(n, 2);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_RCX);
    assert_int_equal(regs[0].value[0], 0xABCD0000ull + 156);
    assert_int_equal(regs[1].name, HV_X64_REGISTER_RDI);
    assert_int_equal(regs[1].value[0], 0x55550000ull + ((0xFFF0 + 200) & 0xFFFF));
    /* All of it: RIP past the two bytes. */
    n = io_string_complete(&io, &m, 256, regs);
    assert_int_equal(n, 3);
    assert_int_equal(regs[0].value[0], 0xABCD0000ull);
    assert_int_equal(regs[2].name, HV_X64_REGISTER_RIP);
    assert_int_equal(regs[2].value[0], 0x1236);
}

/* OUTSB in 64-bit mode, downwards, without REP: RSI only, then RIP; a
 * segment other than DS or ES and a missing address size are refused. */
static void test_io_string_outs_64(void **state)
{
    struct hv_message m = io_msg(0x3F8, 1 | HV_IO_ACCESS_STRING, true, 1);
    struct vid_register regs[INTERCEPT_MAX_REGS];
    struct io_intercept io;

    (void)state;
    m.u.io.string_info = HV_IO_STRING_ADDR64 | 3u << HV_IO_STRING_SEG_SHIFT;
    m.u.io.header.rflags = 1u << 10; /* DF */
    m.u.io.ds.base = 0x1000;         /* ignored in 64-bit mode */
    m.u.io.rsi = 0xffff888000001000ull;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_true(io.string && !io.rep && io.down);
    assert_int_equal(io.count, 1);
    assert_int_equal(io.seg_base, 0);
    assert_int_equal(io_string_complete(&io, &m, 1, regs), 2);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_RSI);
    assert_int_equal(regs[0].value[0], 0xffff888000000fffull);
    assert_int_equal(regs[1].name, HV_X64_REGISTER_RIP);
    m.u.io.string_info = HV_IO_STRING_ADDR64 | 4u << HV_IO_STRING_SEG_SHIFT; /* FS */
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    m.u.io.string_info = 0;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    m = io_msg(0x3F8, 1 | HV_IO_ACCESS_REP, true, 1); /* REP on a plain OUT */
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
}

/* A hypervisor on a CPU without decode assists (QEMU's) passes the
 * instruction instead of string_info: the address size comes from the mode
 * and a 67 prefix, OUTS's segment from an override or DS. */
static void set_bytes(struct hv_message *m, const char *bytes, size_t n)
{
    memcpy(m->u.io.instruction_bytes, bytes, n);
    m->u.io.instruction_byte_count = (uint8_t)n;
    m->u.io.string_info = 0;
}

static void test_io_string_from_bytes(void **state)
{
    struct hv_message m;
    struct io_intercept io;

    (void)state;
    /* SeaBIOS's fw_cfg reads in 32-bit flat mode: REP INSB, ES:EDI. */
    m = io_msg(0x511, 1 | HV_IO_ACCESS_STRING | HV_IO_ACCESS_REP, false, 2);
    m.u.io.header.cs.attributes = CS_32;
    m.u.io.header.execution_state = HV_X64_EXEC_CR0_PE;
    m.u.io.rcx = 0x100000010ull;
    m.u.io.rdi = 0x1234567800007000ull;
    set_bytes(&m, "\xf3\x6c", 2);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.addr_mask, 0xFFFFFFFFull);
    assert_int_equal(io.count, 0x10);
    assert_int_equal(io.ptr, 0x7000);
    /* 67 in real mode: 32-bit addressing. */
    m.u.io.header.execution_state = 0;
    m.u.io.header.cs.attributes = 0x93;
    set_bytes(&m, "\x67\xf3\x6c", 3);
    m.u.io.header.instruction_length = 3;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.addr_mask, 0xFFFFFFFFull);
    set_bytes(&m, "\xf3\x6c", 2);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.addr_mask, 0xFFFF);
    /* OUTSW in 64-bit mode with 67: 32-bit RSI; an ES override is honoured
     * (base 0 in 64-bit mode), a CS override refused. */
    m = io_msg(0x1F0, 2 | HV_IO_ACCESS_STRING, true, 4);
    m.u.io.rsi = 0xffffffff00001000ull;
    set_bytes(&m, "\x26\x67\x66\x6f", 4);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.addr_mask, 0xFFFFFFFFull);
    assert_int_equal(io.ptr, 0x1000);
    set_bytes(&m, "\x66\x6f", 2);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), 0);
    assert_int_equal(io.addr_mask, ~0ull);
    set_bytes(&m, "\x2e\x66\x6f", 3);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    /* Bytes that are not INS/OUTS (a plain IN; garbage) are refused. */
    set_bytes(&m, "\xec", 1);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    set_bytes(&m, "\x0f\x6c", 2);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "address size"));
}

static void test_io_refused(void **state)
{
    struct hv_message m;
    struct io_intercept io;

    (void)state;
    m = io_msg(0x3F8, 1 | HV_IO_ACCESS_STRING, true, 1);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "string I/O"));
    m = io_msg(0x3F8, 1 | HV_IO_ACCESS_STRING | HV_IO_ACCESS_REP, false, 2);
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    for (unsigned size = 0; size < 8; size++) {
        m = io_msg(0x80, size, true, 1);
        assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)),
                         size == 1 || size == 2 || size == 4 ? 0 : -1);
    }
    m = io_msg(0x80, 1, true, 1);
    m.u.io.header.intercept_access_type = HV_INTERCEPT_ACCESS_EXECUTE;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
    m = io_msg(0x80, 1, true, 1);
    m.header.message_type = HVMSG_UNMAPPED_GPA;
    assert_int_equal(io_intercept_parse(&m, &io, err, sizeof(err)), -1);
}

/* ---- MMIO --------------------------------------------------------------------- */

/* A fake device that records the last write and answers reads. */
static uint64_t dev_value, last_write, last_addr;
static unsigned last_size, nreads, nwrites;

static uint64_t dev_read(void *opaque, uint64_t gpa, unsigned size)
{
    assert_ptr_equal(opaque, &dev_value);
    last_addr = gpa;
    last_size = size;
    nreads++;
    return dev_value;
}

static void dev_write(void *opaque, uint64_t gpa, unsigned size, uint64_t value)
{
    assert_ptr_equal(opaque, &dev_value);
    last_addr = gpa;
    last_size = size;
    last_write = value;
    nwrites++;
}

static const struct mmio_ops ops = {dev_read, dev_write, &dev_value};

/* Decode, emulate with @gpr as the register's value, complete; returns the
 * number of registers written, in @regs. */
static unsigned run_mmio(const char *bytes, size_t n, uint16_t exec, uint16_t cs, uint64_t gpr,
                         struct mmio_intercept *m, struct vid_register *regs)
{
    struct hv_message msg = mmio_msg(0xFEC00010, bytes, n, exec, cs);
    uint64_t result = 0;
    bool loaded;

    nreads = nwrites = 0;
    last_write = 0;
    assert_int_equal(mmio_intercept_parse(&msg, m, err, sizeof(err)), 0);
    loaded = mmio_intercept_emulate(m, gpr, &ops, &result);
    return mmio_intercept_complete(m, &msg, loaded, result, regs);
}

static void test_mmio_loads(void **state)
{
    struct mmio_intercept m;
    struct vid_register regs[INTERCEPT_MAX_REGS];

    (void)state;
    dev_value = 0xFFFFFFFFDEADBEEFull;
    /* mov eax, [rdi]: 32-bit load zero-extends in long mode. */
    assert_int_equal(run_mmio("\x8b\x07", 2, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(m.gpr, HV_X64_REGISTER_RAX);
    assert_int_equal(last_size, 4);
    assert_int_equal(last_addr, 0xFEC00010);
    assert_int_equal(nreads, 1);
    assert_int_equal(nwrites, 0);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_RAX);
    assert_int_equal(regs[0].value[0], 0xDEADBEEF);
    assert_int_equal(regs[1].name, HV_X64_REGISTER_RIP);
    assert_int_equal(regs[1].value[0], 0x1002);
    /* The same in 32-bit code keeps bits 63:32. */
    assert_int_equal(run_mmio("\x8b\x07", 2, HV_X64_EXEC_CR0_PE, CS_32, RAX0, &m, regs), 2);
    assert_int_equal(regs[0].value[0], 0x11223344DEADBEEFull);
    /* mov ax, [rdi] and mov al, [rdi]: partial merges. */
    assert_int_equal(run_mmio("\x66\x8b\x07", 3, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(last_size, 2);
    assert_int_equal(regs[0].value[0], 0x112233445566BEEFull);
    assert_int_equal(regs[1].value[0], 0x1003);
    assert_int_equal(run_mmio("\x8a\x07", 2, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(last_size, 1);
    assert_int_equal(regs[0].value[0], 0x11223344556677EFull);
    /* mov ah, [rdi]: bits 15:8 of RAX. */
    assert_int_equal(run_mmio("\x8a\x27", 2, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(m.gpr, HV_X64_REGISTER_RAX);
    assert_int_equal(regs[0].value[0], 0x112233445566EF88ull);
    /* mov bh, [rdi] is RBX's bits 15:8. */
    assert_int_equal(run_mmio("\x8a\x3f", 2, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(m.gpr, HV_X64_REGISTER_RBX);
    assert_int_equal(regs[0].value[0], 0x112233445566EF88ull);
    /* With REX, reg 4 is SPL, not AH. */
    assert_int_equal(run_mmio("\x40\x8a\x27", 3, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(m.gpr, HV_X64_REGISTER_RSP);
    assert_int_equal(regs[0].value[0], 0x11223344556677EFull);
    /* mov r9d, [rdi]; mov rax, [rdi]. */
    assert_int_equal(run_mmio("\x44\x8b\x0f", 3, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(m.gpr, HV_X64_REGISTER_R8 + 1);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_R8 + 1);
    assert_int_equal(regs[0].value[0], 0xDEADBEEF);
    assert_int_equal(run_mmio("\x48\x8b\x07", 3, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(last_size, 8);
    assert_int_equal(regs[0].value[0], 0xFFFFFFFFDEADBEEFull);
    /* movzx ecx, byte [rdi]; movsx ecx, word [rdi]. */
    assert_int_equal(run_mmio("\x0f\xb6\x0f", 3, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(m.gpr, HV_X64_REGISTER_RCX);
    assert_int_equal(last_size, 1);
    assert_int_equal(regs[0].value[0], 0xEF);
    assert_int_equal(run_mmio("\x0f\xbf\x0f", 3, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(regs[0].value[0], 0xFFFFBEEF);
    /* mov eax, [moffs32] in 32-bit code (A1). */
    assert_int_equal(run_mmio("\xa1\x10\x00\xc0\xfe", 5, HV_X64_EXEC_CR0_PE, CS_32, 0, &m, regs),
                     2);
    assert_int_equal(regs[0].value[0], 0xDEADBEEF);
    assert_int_equal(regs[1].value[0], 0x1005);
    /* Real mode: mov ax, [bx] (8B 07), 16-bit operand, IP wraps. */
    struct hv_message msg = mmio_msg(0xFEC00000, "\x8b\x07", 2, 0, 0);
    msg.u.memory.header.rip = 0xFFFF;
    assert_int_equal(mmio_intercept_parse(&msg, &m, err, sizeof(err)), 0);
    assert_int_equal(m.access.size, 2);
    assert_int_equal(mmio_intercept_complete(&m, &msg, true, 7, regs), 2);
    assert_int_equal(regs[1].value[0], 1);
}

static void test_mmio_stores(void **state)
{
    struct mmio_intercept m;
    struct vid_register regs[INTERCEPT_MAX_REGS];

    (void)state;
    /* mov [rsi], ecx: the register is read, only RIP is written back. */
    assert_int_equal(run_mmio("\x89\x0e", 2, EXEC_64, CS_64, RAX0, &m, regs), 1);
    assert_int_equal(m.gpr, HV_X64_REGISTER_RCX);
    assert_int_equal(nwrites, 1);
    assert_int_equal(nreads, 0);
    assert_int_equal(last_size, 4);
    assert_int_equal(last_write, 0x55667788);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_RIP);
    assert_int_equal(regs[0].value[0], 0x1002);
    /* mov [rdi], ah. */
    assert_int_equal(run_mmio("\x88\x27", 2, EXEC_64, CS_64, RAX0, &m, regs), 1);
    assert_int_equal(m.gpr, HV_X64_REGISTER_RAX);
    assert_int_equal(last_size, 1);
    assert_int_equal(last_write, 0x77);
    /* mov [rdi], r15 (4C 89 3F). */
    assert_int_equal(run_mmio("\x4c\x89\x3f", 3, EXEC_64, CS_64, RAX0, &m, regs), 1);
    assert_int_equal(m.gpr, HV_X64_REGISTER_R15);
    assert_int_equal(last_size, 8);
    assert_int_equal(last_write, RAX0);
    /* mov dword [rdi], 0x12345678: no register at all. */
    assert_int_equal(run_mmio("\xc7\x07\x78\x56\x34\x12", 6, EXEC_64, CS_64, RAX0, &m, regs), 1);
    assert_int_equal(m.gpr, 0);
    assert_int_equal(last_write, 0x12345678);
    assert_int_equal(regs[0].value[0], 0x1006);
    /* mov qword [rdi], -1 (sign-extended imm32). */
    assert_int_equal(run_mmio("\x48\xc7\x07\xff\xff\xff\xff", 7, EXEC_64, CS_64, RAX0, &m, regs),
                     1);
    assert_int_equal(last_size, 8);
    assert_int_equal(last_write, ~0ull);
    /* mov word [di], 0xBEEF in 16-bit code (C7 05 EF BE). */
    assert_int_equal(run_mmio("\xc7\x05\xef\xbe", 4, HV_X64_EXEC_CR0_PE, CS_16, 0, &m, regs), 1);
    assert_int_equal(last_size, 2);
    assert_int_equal(last_write, 0xBEEF);
}

static void test_mmio_xchg(void **state)
{
    struct mmio_intercept m;
    struct vid_register regs[INTERCEPT_MAX_REGS];

    (void)state;
    dev_value = 0xAAAAAAAA;
    /* xchg [rdi], eax: read first, then write, then load. */
    assert_int_equal(run_mmio("\x87\x07", 2, EXEC_64, CS_64, RAX0, &m, regs), 2);
    assert_int_equal(nreads, 1);
    assert_int_equal(nwrites, 1);
    assert_int_equal(last_write, 0x55667788);
    assert_int_equal(regs[0].name, HV_X64_REGISTER_RAX);
    assert_int_equal(regs[0].value[0], 0xAAAAAAAA);
}

static void test_mmio_refused(void **state)
{
    static const struct {
        const char *bytes;
        size_t n;
        const char *why;
    } bad[] = {
        {"\x01\x07", 2, "not a plain load or store"},     /* add [rdi], eax */
        {"\x0f\x0b", 2, "not a plain load or store"},     /* ud2 */
        {"\xa5", 1, "not a plain load or store"},         /* movsd */
        {"\x8b\x04", 2, "does not decode"},               /* truncated SIB */
        {"\x8b", 1, "does not decode"},                   /* truncated ModRM */
        {"", 0, "does not decode"},                       /* no bytes */
        {"\xf0\x89\x07", 3, "not a plain load or store"}, /* lock mov: #UD */
        {"\x8b\xc0", 2, "not a plain load or store"},     /* register operand */
    };
    struct mmio_intercept m;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct hv_message msg = mmio_msg(0xFEC00000, bad[i].bytes, bad[i].n, EXEC_64, CS_64);

        assert_int_equal(mmio_intercept_parse(&msg, &m, err, sizeof(err)), -1);
        if (!strstr(err, bad[i].why))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].why);
    }
    /* An instruction fetch from MMIO. */
    struct hv_message msg = mmio_msg(0xFEC00000, "\x8b\x07", 2, EXEC_64, CS_64);
    msg.u.memory.header.intercept_access_type = HV_INTERCEPT_ACCESS_EXECUTE;
    assert_int_equal(mmio_intercept_parse(&msg, &m, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "instruction fetch"));
    /* A hostile byte count reads no more than the 16 bytes there are
     * (ASan would see it): 15 prefixes and an opcode is too long. */
    msg = mmio_msg(0xFEC00000, "\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x66\x8b",
                   16, EXEC_64, CS_64);
    msg.u.memory.instruction_byte_count = 255;
    assert_int_equal(mmio_intercept_parse(&msg, &m, err, sizeof(err)), -1);
    /* Not a memory message. */
    msg.header.message_type = HVMSG_X64_IO_PORT_INTERCEPT;
    assert_int_equal(mmio_intercept_parse(&msg, &m, err, sizeof(err)), -1);
}

/* ---- the bus ------------------------------------------------------------------ */

struct fake_dev {
    uint8_t regs[16];
    unsigned calls;
    unsigned last_size;
};

static uint64_t fake_read(void *opaque, uint64_t offset, unsigned size)
{
    struct fake_dev *d = opaque;
    uint64_t v = 0;

    assert_true(offset < 16 && offset + size <= 16);
    d->calls++;
    d->last_size = size;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)d->regs[offset + i] << (8 * i);
    return v;
}

static void fake_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct fake_dev *d = opaque;

    assert_true(offset < 16 && offset + size <= 16);
    d->calls++;
    d->last_size = size;
    for (unsigned i = 0; i < size; i++)
        d->regs[offset + i] = (uint8_t)(value >> (8 * i));
}

static void test_bus(void **state)
{
    struct io_bus bus;
    struct fake_dev wide, narrow;

    (void)state;
    memset(&wide, 0, sizeof(wide));
    memset(&narrow, 0, sizeof(narrow));
    for (int i = 0; i < 16; i++) {
        wide.regs[i] = (uint8_t)(0x10 + i);
        narrow.regs[i] = (uint8_t)(0xA0 + i);
    }
    io_bus_init(&bus);
    assert_int_equal(io_bus_add(&bus, &(struct io_device){"wide", 0x600, 16, false, fake_read,
                                                          fake_write, &wide}),
                     0);
    assert_int_equal(io_bus_add(&bus, &(struct io_device){"narrow", 0x610, 8, true, fake_read,
                                                          fake_write, &narrow}),
                     0);
    /* Overlaps, empty and wrapping ranges, missing handlers are refused. */
    assert_int_equal(
        io_bus_add(&bus, &(struct io_device){"x", 0x60F, 1, false, fake_read, fake_write, NULL}),
        -1);
    assert_int_equal(
        io_bus_add(&bus, &(struct io_device){"x", 0x5F0, 0x11, false, fake_read, fake_write, NULL}),
        -1);
    assert_int_equal(
        io_bus_add(&bus, &(struct io_device){"x", 0x700, 0, false, fake_read, fake_write, NULL}),
        -1);
    assert_int_equal(
        io_bus_add(&bus, &(struct io_device){"x", ~0ull, 2, false, fake_read, fake_write, NULL}),
        -1);
    assert_int_equal(
        io_bus_add(&bus, &(struct io_device){"x", 0x700, 1, false, NULL, fake_write, NULL}), -1);
    assert_null(io_bus_find(&bus, 0x5FF));
    assert_ptr_equal(io_bus_find(&bus, 0x60F)->opaque, &wide);
    assert_ptr_equal(io_bus_find(&bus, 0x617)->opaque, &narrow);
    assert_null(io_bus_find(&bus, 0x618));

    /* A whole access inside a device is one call. */
    wide.calls = 0;
    assert_int_equal(io_bus_read(&bus, 0x604, 4), 0x17161514);
    assert_int_equal(wide.calls, 1);
    assert_int_equal(wide.last_size, 4);
    /* A byte-wide device gets single bytes. */
    narrow.calls = 0;
    assert_int_equal(io_bus_read(&bus, 0x610, 2), 0xA1A0);
    assert_int_equal(narrow.calls, 2);
    assert_int_equal(narrow.last_size, 1);
    /* Unknown addresses read all ones; straddling accesses split. */
    assert_int_equal(io_bus_read(&bus, 0x5000, 1), 0xFF);
    assert_int_equal(io_bus_read(&bus, 0x5000, 4), 0xFFFFFFFF);
    assert_int_equal(io_bus_read(&bus, 0x5000, 8), ~0ull);
    assert_int_equal(io_bus_read(&bus, 0x5FE, 4), 0x1110FFFF);
    assert_int_equal(io_bus_read(&bus, 0x60E, 4), 0xA1A01F1E);
    assert_int_equal(io_bus_read(&bus, 0x616, 4), 0xFFFFA7A6);
    /* Writes: dropped where nobody is, split across devices. */
    io_bus_write(&bus, 0x5FE, 4, 0x44332211);
    assert_int_equal(wide.regs[0], 0x33);
    assert_int_equal(wide.regs[1], 0x44);
    io_bus_write(&bus, 0x60F, 2, 0xBBAA);
    assert_int_equal(wide.regs[15], 0xAA);
    assert_int_equal(narrow.regs[0], 0xBB);
    /* Sizes outside 1..8 do nothing; the top of the space does not wrap. */
    assert_int_equal(io_bus_read(&bus, 0x600, 0), ~0ull);
    assert_int_equal(io_bus_read(&bus, 0x600, 9), ~0ull);
    io_bus_write(&bus, 0x600, 0, 0);
    assert_int_equal(wide.regs[0], 0x33);
    assert_int_equal(io_bus_read(&bus, ~0ull - 1, 4), 0xFFFFFFFF);
    /* A full bus refuses more. */
    for (uint64_t base = 0x1000; bus.count < IO_BUS_MAX_DEVICES; base += 0x10)
        assert_int_equal(io_bus_add(&bus, &(struct io_device){"f", base, 1, false, fake_read,
                                                              fake_write, &wide}),
                         0);
    assert_int_equal(
        io_bus_add(&bus, &(struct io_device){"f", 0x9000, 1, false, fake_read, fake_write, &wide}),
        -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_io_string_rep_insw_16),
        cmocka_unit_test(test_io_string_outs_64),
        cmocka_unit_test(test_io_string_from_bytes),
        cmocka_unit_test(test_cpu_mode),
        cmocka_unit_test(test_next_rip),
        cmocka_unit_test(test_in_result),
        cmocka_unit_test(test_io_in_completion),
        cmocka_unit_test(test_io_out_completion),
        cmocka_unit_test(test_io_length_decoded),
        cmocka_unit_test(test_io_refused),
        cmocka_unit_test(test_mmio_loads),
        cmocka_unit_test(test_mmio_stores),
        cmocka_unit_test(test_mmio_xchg),
        cmocka_unit_test(test_mmio_refused),
        cmocka_unit_test(test_bus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
