/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the x86 instruction decoder (arch/x86_64/insn.c).
 *
 * The expected lengths of the tables were taken from binutils 2.40
 * (objdump -D -b binary -mi8086 / -mi386 / -mi386:x86-64), whose reading
 * is the comment on each line; where objdump disagrees with the CPU (a REX
 * that a later prefix voids, SALC) the comment says so.  Every valid
 * encoding is also cut short at each length (TRUNCATED) and decoded from a
 * heap copy of exactly its bytes, so that ASan catches a read past them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <arch/insn.h>

#define M16           CPU_MODE_16
#define M32           CPU_MODE_32
#define M64           CPU_MODE_64
#define TRUNC         INSN_ERR_TRUNCATED
#define LONG          INSN_ERR_TOO_LONG
#define INV           INSN_ERR_INVALID
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct len_case {
    enum cpu_mode mode;
    const char *hex;
    int len;
};

static const char *const mode_names[] = {"16-bit", "32-bit", "64-bit"};

static size_t parse_hex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;

    while (*s) {
        char *end;
        unsigned long v = strtoul(s, &end, 16);

        if (end == s)
            break;
        assert_true(n < max);
        out[n++] = (uint8_t)v;
        s = end;
    }
    return n;
}

/* Decode from a heap block of exactly `avail` bytes: ASan reports any read past it. */
static int decode_exact(struct insn *in, const uint8_t *bytes, size_t avail, enum cpu_mode mode)
{
    uint8_t *copy = malloc(avail ? avail : 1);
    int r;

    assert_non_null(copy);
    memcpy(copy, bytes, avail);
    r = insn_decode(in, copy, avail, mode);
    free(copy);
    return r;
}

static int decode_hex(struct insn *in, const char *hex, enum cpu_mode mode)
{
    uint8_t b[64];

    return decode_exact(in, b, parse_hex(hex, b, sizeof(b)), mode);
}

/*
 * The whole encoding decodes to the expected length, also with other bytes
 * after it, and every shorter piece of it is TRUNCATED.
 */
static void check_lengths(const struct len_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b[32];
        size_t len = parse_hex(t[i].hex, b, 16);
        struct insn in;
        int r;

        memset(b + len, 0x90, sizeof(b) - len);
        r = decode_exact(&in, b, len, t[i].mode);
        if (r != 0 || in.length != t[i].len) {
            print_error("%s %s: got %d (length %u), want length %d\n", mode_names[t[i].mode],
                        t[i].hex, r, r ? 0 : in.length, t[i].len);
            fail();
        }
        r = decode_exact(&in, b, sizeof(b), t[i].mode);
        if (r != 0 || in.length != t[i].len) {
            print_error("%s %s with bytes after it: got %d\n", mode_names[t[i].mode], t[i].hex, r);
            fail();
        }
        for (size_t cut = 0; cut < len; cut++) {
            r = decode_exact(&in, b, cut, t[i].mode);
            if (r != INSN_ERR_TRUNCATED) {
                print_error("%s %s cut to %zu bytes: got %d, want TRUNCATED\n",
                            mode_names[t[i].mode], t[i].hex, cut, r);
                fail();
            }
        }
    }
}

static const struct len_case prefix_cases[] = {
    {M64, "66 90", 2},                                /* xchg %ax,%ax */
    {M64, "f3 90", 2},                                /* pause */
    {M64, "f0 01 18", 3},                             /* lock add %ebx,(%rax) */
    {M64, "f0 48 0f b1 0a", 5},                       /* lock cmpxchg %rcx,(%rdx) */
    {M64, "2e 8b 00", 3},                             /* cs mov (%rax),%eax */
    {M64, "64 48 8b 04 25 28 00 00 00", 9},           /* mov %fs:0x28,%rax */
    {M64, "65 48 8b 04 25 00 00 00 00", 9},           /* mov %gs:0x0,%rax */
    {M64, "f3 48 a5", 3},                             /* rep movsq %ds:(%rsi),%es:(%rdi) */
    {M64, "f2 ae", 2},                                /* repnz scas %es:(%rdi),%al */
    {M64, "f3 a4", 2},                                /* rep movsb %ds:(%rsi),%es:(%rdi) */
    {M64, "66 f3 a5", 3},                             /* rep movsw %ds:(%rsi),%es:(%rdi) */
    {M64, "26 3e 64 8b 00", 5},                       /* es ds mov %fs:(%rax),%eax */
    {M64, "66 66 66 2e 0f 1f 84 00 00 00 00 00", 12}, /* data16 data16 cs nopw 0x0(%rax,%rax,1) */
    /* the last of F2/F3 is the mandatory prefix */
    {M64, "f2 f3 0f 10 00", 5},       /* repnz movss (%rax),%xmm0 */
    {M64, "67 e3 10", 3},             /* jecxz 0x13 */
    {M64, "f2 f0 01 18", 4},          /* xacquire lock add %ebx,(%rax) */
    {M64, "3e ff e0", 3},             /* notrack jmp *%rax */
    {M64, "f3 0f 1e fa", 4},          /* endbr64 */
    {M64, "f2 e8 00 00 00 00", 6},    /* bnd call 0x6 */
    {M64, "66 f2 0f 38 f1 c1", 6},    /* crc32 %cx,%eax */
    {M64, "36 66 67 f0 83 00 01", 7}, /* ss lock addw $0x1,(%eax) */
    {M32, "66 b8 34 12", 4},          /* mov $0x1234,%ax */
    {M32, "66 67 8b 00", 4},          /* mov (%bx,%si),%ax */
    {M32, "f3 66 ab", 3},             /* rep stos %ax,%es:(%edi) */
    {M32, "64 a1 00 00 00 00", 6},    /* mov %fs:0x0,%eax */
    {M16, "f3 a5", 2},                /* rep movsw %ds:(%si),%es:(%di) */
    {M16, "26 8b 07", 3},             /* mov %es:(%bx),%ax */
};

static const struct len_case rex_cases[] = {
    {M64, "48 89 d8", 3},                       /* mov %rbx,%rax */
    {M64, "4c 89 c0", 3},                       /* mov %r8,%rax */
    {M64, "41 50", 2},                          /* push %r8 */
    {M64, "40 88 f0", 3},                       /* mov %sil,%al */
    {M64, "49 bb 88 77 66 55 44 33 22 11", 10}, /* movabs $0x1122334455667788,%r11 */
    {M64, "48 b8 88 77 66 55 44 33 22 11", 10}, /* movabs $0x1122334455667788,%rax */
    {M64, "b8 44 33 22 11", 5},                 /* mov $0x11223344,%eax */
    {M64, "41 b8 44 33 22 11", 6},              /* mov $0x11223344,%r8d */
    /* REX.W beats 66 */
    {M64, "66 48 b8 88 77 66 55 44 33 22 11", 11}, /* data16 movabs $0x1122334455667788,%rax */
    {M64, "48 66 89 d8", 4},                       /* mov %bx,%ax; REX not last: ignored */
    {M64, "48 f3 a5", 3},       /* rep movsl %ds:(%rsi),%es:(%rdi); REX not last: ignored */
    {M64, "48 66 b8 34 12", 5}, /* mov $0x1234,%ax; REX.W lost to the 66 after it */
    /* the last REX counts */
    {M64, "40 48 b8 88 77 66 55 44 33 22 11", 11}, /* movabs $0x1122334455667788,%rax */
    {M64, "4f 8b 44 c5 08", 5},                    /* mov 0x8(%r13,%r8,8),%r8 */
    {M64, "41 ff d3", 3},                          /* call *%r11 */
    {M64, "49 c7 c0 44 33 22 11", 7},              /* mov $0x11223344,%r8 */
    {M64, "48 81 c4 00 01 00 00", 7},              /* add $0x100,%rsp */
    {M64, "48 83 ec 08", 4},                       /* sub $0x8,%rsp */
    {M64, "48 63 c7", 3},                          /* movslq %edi,%rax */
    {M64, "4d 85 c9", 3},                          /* test %r9,%r9 */
    {M64, "41 0f b6 c0", 4},                       /* movzbl %r8b,%eax */
    {M64, "40 c6 c7 01", 4},                       /* mov $0x1,%dil */
};

static const struct len_case mode_cases[] = {
    {M16, "b8 34 12", 3},                /* mov $0x1234,%ax */
    {M16, "66 b8 78 56 34 12", 6},       /* mov $0x12345678,%eax */
    {M16, "8b 07", 2},                   /* mov (%bx),%ax */
    {M16, "67 8b 07", 3},                /* mov (%edi),%ax */
    {M16, "67 66 8b 44 24 04", 6},       /* mov 0x4(%esp),%eax */
    {M16, "e8 34 12", 3},                /* call 0x1237 */
    {M16, "66 e8 78 56 34 12", 6},       /* calll 0x1234567e */
    {M16, "68 34 12", 3},                /* push $0x1234 */
    {M16, "66 68 78 56 34 12", 6},       /* pushl $0x12345678 */
    {M16, "a1 34 12", 3},                /* mov 0x1234,%ax */
    {M16, "67 a1 78 56 34 12", 6},       /* addr32 mov 0x12345678,%ax */
    {M16, "ea 00 7c 00 00", 5},          /* ljmp $0x0,$0x7c00 */
    {M16, "66 ea 00 7c 00 00 08 00", 8}, /* ljmpl $0x8,$0x7c00 */
    {M16, "9a 00 7c 00 00", 5},          /* lcall $0x0,$0x7c00 */
    {M16, "c8 10 00 01", 4},             /* enter $0x10,$0x1 */
    {M16, "cd 10", 2},                   /* int $0x10 */
    {M16, "e4 60", 2},                   /* in $0x60,%al */
    {M16, "66 e5 60", 3},                /* in $0x60,%eax */
    {M16, "0f 84 34 12", 4},             /* je 0x1238 */
    {M16, "66 0f 84 78 56 34 12", 7},    /* je 0x1234567f */
    {M16, "60", 1},                      /* pusha */
    {M16, "0f 01 16 34 12", 5},          /* lgdtw 0x1234 */
    {M32, "b8 78 56 34 12", 5},          /* mov $0x12345678,%eax */
    {M32, "66 b8 34 12", 4},             /* mov $0x1234,%ax */
    {M32, "a1 78 56 34 12", 5},          /* mov 0x12345678,%eax */
    {M32, "67 a1 34 12", 4},             /* addr16 mov 0x1234,%eax */
    {M32, "e8 78 56 34 12", 5},          /* call 0x1234567d */
    {M32, "66 e8 34 12", 4},             /* callw 0x1238 */
    {M32, "ea 78 56 34 12 08 00", 7},    /* ljmp $0x8,$0x12345678 */
    {M32, "66 ea 34 12 08 00", 6},       /* ljmpw $0x8,$0x1234 */
    {M32, "9a 78 56 34 12 08 00", 7},    /* lcall $0x8,$0x12345678 */
    {M32, "68 78 56 34 12", 5},          /* push $0x12345678 */
    {M32, "66 68 34 12", 4},             /* pushw $0x1234 */
    {M32, "6a 01", 2},                   /* push $0x1 */
    {M32, "60", 1},                      /* pusha */
    {M32, "61", 1},                      /* popa */
    {M32, "27", 1},                      /* daa */
    {M32, "2f", 1},                      /* das */
    {M32, "37", 1},                      /* aaa */
    {M32, "3f", 1},                      /* aas */
    {M32, "d4 0a", 2},                   /* aam $0xa */
    {M32, "d5 0a", 2},                   /* aad $0xa */
    {M32, "06", 1},                      /* push %es */
    {M32, "07", 1},                      /* pop %es */
    {M32, "0e", 1},                      /* push %cs */
    {M32, "16", 1},                      /* push %ss */
    {M32, "17", 1},                      /* pop %ss */
    {M32, "1e", 1},                      /* push %ds */
    {M32, "1f", 1},                      /* pop %ds */
    {M32, "62 03", 2},                   /* bound %eax,(%ebx) */
    {M32, "c4 03", 2},                   /* les (%ebx),%eax */
    {M32, "c5 03", 2},                   /* lds (%ebx),%eax */
    {M32, "c4 84 24 00 01 00 00", 7}, /* les 0x100(%esp),%eax; LES with mod 2: only mod 3 is VEX */
    {M32, "c5 44 24 08", 4},          /* lds 0x8(%esp),%eax */
    {M32, "62 44 24 08", 4},          /* bound %eax,0x8(%esp) */
    {M16, "c4 46 02", 3},             /* les 0x2(%bp),%ax */
    {M16, "62 86 00 01", 4},          /* bound %ax,0x100(%bp) */
    {M32, "82 c0 01", 3},             /* add $0x1,%al */
    {M32, "ce", 1},                   /* into */
    {M32, "40", 1},                   /* inc %eax */
    {M32, "4f", 1},                   /* dec %edi */
    {M32, "0f 84 78 56 34 12", 6},    /* je 0x1234567e */
    {M32, "66 0f 84 34 12", 5},       /* je 0x1239 */
    {M64, "a1 88 77 66 55 44 33 22 11", 9},     /* movabs 0x1122334455667788,%eax */
    {M64, "67 a1 44 33 22 11", 6},              /* addr32 mov 0x11223344,%eax */
    {M64, "a0 88 77 66 55 44 33 22 11", 9},     /* movabs 0x1122334455667788,%al */
    {M64, "a2 88 77 66 55 44 33 22 11", 9},     /* movabs %al,0x1122334455667788 */
    {M64, "a3 88 77 66 55 44 33 22 11", 9},     /* movabs %eax,0x1122334455667788 */
    {M64, "48 a1 88 77 66 55 44 33 22 11", 10}, /* movabs 0x1122334455667788,%rax */
    {M64, "66 a1 88 77 66 55 44 33 22 11", 10}, /* movabs 0x1122334455667788,%ax */
    {M64, "e8 78 56 34 12", 5},                 /* call 0x1234567d */
    {M64, "66 e8 34 12", 4},                    /* callw 0x1238; AMD: 66 gives rel16 */
    {M64, "48 e8 78 56 34 12", 6},              /* rex.W call 0x1234567e */
    {M64, "66 48 e8 78 56 34 12", 7},           /* data16 rex.W call 0x1234567f */
    {M64, "68 78 56 34 12", 5},                 /* push $0x12345678 */
    {M64, "66 68 34 12", 4},                    /* pushw $0x1234 */
    {M64, "6a ff", 2},                          /* push $0xffffffffffffffff */
    {M64, "ff d0", 2},                          /* call *%rax */
    {M64, "66 ff d0", 3},                       /* call *%ax */
    {M64, "0f 84 78 56 34 12", 6},              /* je 0x1234567e */
    {M64, "66 0f 84 34 12", 5},                 /* je 0x1239 */
    {M64, "c2 08 00", 3},                       /* ret $0x8 */
    {M64, "c3", 1},                             /* ret */
    {M64, "c8 08 00 00", 4},                    /* enter $0x8,$0x0 */
    {M64, "e3 fe", 2},                          /* jrcxz 0x0 */
    {M64, "eb fe", 2},                          /* jmp 0x0 */
    {M64, "e9 78 56 34 12", 5},                 /* jmp 0x1234567d */
    {M64, "70 fe", 2},                          /* jo 0x0 */
    {M64, "e2 fe", 2},                          /* loop 0x0 */
    {M64, "ff 18", 2},                          /* lcall *(%rax) */
    {M64, "48 ff 28", 3},                       /* rex.W ljmp *(%rax) */
    {M64, "cf", 1},                             /* iret */
    {M64, "48 cf", 2},                          /* iretq */
};

static const struct len_case modrm_cases[] = {
    {M64, "8b 00", 2},                   /* mov (%rax),%eax */
    {M64, "8b 40 08", 3},                /* mov 0x8(%rax),%eax */
    {M64, "8b 80 00 01 00 00", 6},       /* mov 0x100(%rax),%eax */
    {M64, "8b c0", 2},                   /* mov %eax,%eax */
    {M64, "8b 04 24", 3},                /* mov (%rsp),%eax */
    {M64, "8b 44 24 08", 4},             /* mov 0x8(%rsp),%eax */
    {M64, "8b 84 24 00 01 00 00", 7},    /* mov 0x100(%rsp),%eax */
    {M64, "8b 04 25 00 10 00 00", 7},    /* mov 0x1000,%eax; SIB base 5, mod 0: disp32, no base */
    {M64, "8b 04 85 00 10 00 00", 7},    /* mov 0x1000(,%rax,4),%eax */
    {M64, "8b 05 78 56 34 12", 6},       /* mov 0x12345678(%rip),%eax; RIP-relative */
    {M64, "8b 45 00", 3},                /* mov 0x0(%rbp),%eax */
    {M64, "41 8b 45 00", 4},             /* mov 0x0(%r13),%eax; r13 needs a disp8 too */
    {M64, "41 8b 04 24", 4},             /* mov (%r12),%eax; r12 needs a SIB */
    {M64, "42 8b 04 a5 00 00 00 00", 8}, /* mov 0x0(,%r12,4),%eax */
    {M64, "8b 4c 88 fc", 4},             /* mov -0x4(%rax,%rcx,4),%ecx */
    {M64, "8b 8c 88 10 00 00 00", 7},    /* mov 0x10(%rax,%rcx,4),%ecx */
    {M64, "8b 44 e5 00", 4},             /* mov 0x0(%rbp,%riz,8),%eax */
    {M64, "8b 04 65 00 00 00 00", 7},    /* mov 0x0(,%riz,2),%eax */
    {M64, "43 8b 04 2c", 4}, /* mov (%r12,%r13,1),%eax; index r13 (REX.X), base r12 (REX.B) */
    /* SIB base 5 is no base with mod 0, even with REX.B */
    {M64, "43 8b 04 2d 00 00 00 00", 8}, /* mov 0x0(,%r13,1),%eax */
    {M64, "8b 44 2d 7f", 4},             /* mov 0x7f(%rbp,%rbp,1),%eax */
    {M64, "8b 0c 0f", 3},                /* mov (%rdi,%rcx,1),%ecx */
    {M64, "67 8b 00", 3},                /* mov (%eax),%eax */
    {M64, "67 8b 05 78 56 34 12", 7},    /* mov 0x12345678(%eip),%eax; EIP-relative */
    {M64, "67 8b 44 24 08", 5},          /* mov 0x8(%esp),%eax */
    {M32, "8b 05 00 10 00 00", 6},       /* mov 0x1000,%eax; absolute, not RIP-relative */
    {M32, "8b 04 25 00 10 00 00", 7},    /* mov 0x1000(,%eiz,1),%eax */
    {M32, "8b 44 24 08", 4},             /* mov 0x8(%esp),%eax */
    {M32, "8b 84 88 00 01 00 00", 7},    /* mov 0x100(%eax,%ecx,4),%eax */
    {M32, "8b 45 fc", 3},                /* mov -0x4(%ebp),%eax */
    {M32, "8b 1c 24", 3},                /* mov (%esp),%ebx */
};

static const struct len_case addr16_cases[] = {
    {M16, "8b 00", 2},       /* mov (%bx,%si),%ax */
    {M16, "8b 01", 2},       /* mov (%bx,%di),%ax */
    {M16, "8b 02", 2},       /* mov (%bp,%si),%ax */
    {M16, "8b 03", 2},       /* mov (%bp,%di),%ax */
    {M16, "8b 04", 2},       /* mov (%si),%ax */
    {M16, "8b 05", 2},       /* mov (%di),%ax */
    {M16, "8b 06 34 12", 4}, /* mov 0x1234,%ax; rm 6 mod 0: bare disp16 */
    {M16, "8b 07", 2},       /* mov (%bx),%ax */
    {M16, "8b 46 fe", 3},    /* mov -0x2(%bp),%ax */
    {M16, "8b 86 00 01", 4}, /* mov 0x100(%bp),%ax */
    {M16, "8b 40 01", 3},    /* mov 0x1(%bx,%si),%ax */
    {M16, "8b 80 34 12", 4}, /* mov 0x1234(%bx,%si),%ax */
    /* rm 4 is SI+disp16: no SIB in 16-bit addressing */
    {M16, "8b 84 34 12", 4},                /* mov 0x1234(%si),%ax */
    {M16, "8b c0", 2},                      /* mov %ax,%ax */
    {M16, "c7 06 34 12 78 56", 6},          /* movw $0x5678,0x1234 */
    {M16, "c7 46 02 34 12", 5},             /* movw $0x1234,0x2(%bp) */
    {M16, "66 c7 06 34 12 78 56 34 12", 9}, /* movl $0x12345678,0x1234 */
    {M16, "67 8b 04 24", 4},                /* mov (%esp),%ax */
    {M16, "67 8b 05 00 00 00 00", 7},       /* addr32 mov 0x0,%ax */
    {M16, "67 8b 44 24 08", 5},             /* mov 0x8(%esp),%ax */
    {M32, "67 8b 06 34 12", 5},             /* mov 0x1234,%eax */
    {M32, "67 8b 46 02", 4},                /* mov 0x2(%bp),%eax */
    {M32, "67 8b 84 34 12", 5},             /* mov 0x1234(%si),%eax */
    {M32, "67 8b 04", 3},                   /* mov (%si),%eax */
    {M32, "67 c7 06 34 12 78 56 34 12", 9}, /* movl $0x12345678,0x1234 */
    {M32, "67 66 c7 06 34 12 78 56", 8},    /* movw $0x5678,0x1234 */
};

static const struct len_case imm_cases[] = {
    {M64, "04 01", 2},                   /* add $0x1,%al */
    {M64, "05 78 56 34 12", 5},          /* add $0x12345678,%eax */
    {M64, "66 05 34 12", 4},             /* add $0x1234,%ax */
    {M64, "48 05 78 56 34 12", 6},       /* add $0x12345678,%rax */
    {M64, "80 c1 01", 3},                /* add $0x1,%cl */
    {M64, "81 c1 78 56 34 12", 6},       /* add $0x12345678,%ecx */
    {M64, "66 81 c1 34 12", 5},          /* add $0x1234,%cx */
    {M64, "83 c1 01", 3},                /* add $0x1,%ecx */
    {M64, "69 c0 78 56 34 12", 6},       /* imul $0x12345678,%eax,%eax */
    {M64, "66 69 c0 34 12", 5},          /* imul $0x1234,%ax,%ax */
    {M64, "6b c0 01", 3},                /* imul $0x1,%eax,%eax */
    {M64, "c0 e0 04", 3},                /* shl $0x4,%al */
    {M64, "c1 e0 04", 3},                /* shl $0x4,%eax */
    {M64, "d1 e0", 2},                   /* shl %eax */
    {M64, "d3 e0", 2},                   /* shl %cl,%eax */
    {M64, "c6 00 01", 3},                /* movb $0x1,(%rax) */
    {M64, "c7 00 78 56 34 12", 6},       /* movl $0x12345678,(%rax) */
    {M64, "66 c7 00 34 12", 5},          /* movw $0x1234,(%rax) */
    {M64, "48 c7 00 78 56 34 12", 7},    /* movq $0x12345678,(%rax) */
    {M64, "a8 01", 2},                   /* test $0x1,%al */
    {M64, "a9 78 56 34 12", 5},          /* test $0x12345678,%eax */
    {M64, "66 a9 34 12", 4},             /* test $0x1234,%ax */
    {M64, "48 a9 78 56 34 12", 6},       /* test $0x12345678,%rax */
    {M64, "f6 c1 01", 3},                /* test $0x1,%cl */
    {M64, "f7 c1 78 56 34 12", 6},       /* test $0x12345678,%ecx */
    {M64, "66 f7 c1 34 12", 5},          /* test $0x1234,%cx */
    {M64, "f6 c9 01", 3},                /* test $0x1,%cl */
    {M64, "f7 c9 78 56 34 12", 6},       /* test $0x12345678,%ecx */
    {M64, "f6 d1", 2},                   /* not %cl */
    {M64, "f7 d1", 2},                   /* not %ecx */
    {M64, "f7 e1", 2},                   /* mul %ecx */
    {M64, "f7 f9", 2},                   /* idiv %ecx */
    {M64, "f6 18", 2},                   /* negb (%rax) */
    {M64, "f7 58 08", 3},                /* negl 0x8(%rax) */
    {M64, "f7 44 24 08 78 56 34 12", 8}, /* testl $0x12345678,0x8(%rsp) */
    {M64, "c8 10 00 01", 4},             /* enter $0x10,$0x1 */
    {M64, "c2 34 12", 3},                /* ret $0x1234 */
    {M64, "ca 34 12", 3},                /* lret $0x1234 */
    {M64, "cd 80", 2},                   /* int $0x80 */
    {M64, "b0 01", 2},                   /* mov $0x1,%al */
    {M64, "b4 01", 2},                   /* mov $0x1,%ah */
    {M64, "41 b0 01", 3},                /* mov $0x1,%r8b */
    {M64, "66 b8 34 12", 4},             /* mov $0x1234,%ax */
    {M64, "c6 f8 01", 3},                /* xabort $0x1 */
    {M64, "c7 f8 78 56 34 12", 6},       /* xbegin 0x1234567e */
    {M64, "66 c7 f8 34 12", 5},          /* xbeginw 0x1239 */
    {M64, "e0 fe", 2},                   /* loopne 0x0 */
    {M64, "0f ba e0 03", 4},             /* bt $0x3,%eax */
    {M64, "0f a4 c1 04", 4},             /* shld $0x4,%eax,%ecx */
    {M64, "0f ac c1 04", 4},             /* shrd $0x4,%eax,%ecx */
    {M64, "0f 70 c1 1b", 4},             /* pshufw $0x1b,%mm1,%mm0 */
    {M64, "66 0f 70 c1 1b", 5},          /* pshufd $0x1b,%xmm1,%xmm0 */
    {M64, "0f c2 c1 00", 4},             /* cmpeqps %xmm1,%xmm0 */
    {M64, "66 0f c4 c1 03", 5},          /* pinsrw $0x3,%ecx,%xmm0 */
    {M64, "0f c6 c1 00", 4},             /* shufps $0x0,%xmm1,%xmm0 */
    {M64, "66 0f 73 d0 04", 5},          /* psrlq $0x4,%xmm0 */
    {M64, "66 0f 78 c0 01 02", 6},       /* extrq $0x2,$0x1,%xmm0; SSE4a EXTRQ: two imm8 */
    {M64, "f2 0f 78 c1 01 02", 6},       /* insertq $0x2,$0x1,%xmm1,%xmm0; SSE4a INSERTQ */
    {M64, "0f 78 c8", 3},                /* vmread %rcx,%rax */
    {M64, "66 0f 3a 0f c1 08", 6},       /* palignr $0x8,%xmm1,%xmm0 */
    {M64, "66 0f 3a 16 c0 01", 6},       /* pextrd $0x1,%xmm0,%eax */
    {M64, "66 48 0f 3a 16 c0 01", 7},    /* pextrq $0x1,%xmm0,%rax */
    {M64, "66 0f 3a 0f 44 24 08 04", 8}, /* palignr $0x4,0x8(%rsp),%xmm0 */
    {M64, "0f 0f c1 b4", 4},       /* pfmul %mm1,%mm0; 3DNow!: the opcode comes last as an imm8 */
    {M64, "0f 0f 44 24 08 9e", 6}, /* pfadd 0x8(%rsp),%mm0 */
    {M32, "0f 0f 05 00 10 00 00 9e", 8}, /* pfadd 0x1000,%mm0 */
};

static const struct len_case map_cases[] = {
    {M64, "0f 05", 2},                      /* syscall */
    {M64, "0f 0b", 2},                      /* ud2 */
    {M64, "0f b6 c0", 3},                   /* movzbl %al,%eax */
    {M64, "0f af c1", 3},                   /* imul %ecx,%eax */
    {M64, "0f 44 c1", 3},                   /* cmove %ecx,%eax */
    {M64, "0f 94 c0", 3},                   /* sete %al */
    {M64, "0f c8", 2},                      /* bswap %eax */
    {M64, "0f 1f 00", 3},                   /* nopl (%rax) */
    {M64, "0f 1f 44 00 00", 5},             /* nopl 0x0(%rax,%rax,1) */
    {M64, "0f 1f 84 00 00 00 00 00", 8},    /* nopl 0x0(%rax,%rax,1) */
    {M64, "66 0f 1f 84 00 00 00 00 00", 9}, /* nopw 0x0(%rax,%rax,1) */
    {M64, "0f 18 08", 3},                   /* prefetcht0 (%rax) */
    {M64, "0f 0d 08", 3},                   /* prefetchw (%rax) */
    {M64, "0f ae f0", 3},                   /* mfence */
    {M64, "0f ae 38", 3},                   /* clflush (%rax) */
    {M64, "0f c7 08", 3},                   /* cmpxchg8b (%rax) */
    {M64, "48 0f c7 08", 4},                /* cmpxchg16b (%rax) */
    {M64, "0f c7 f0", 3},                   /* rdrand %eax */
    {M64, "0f 10 c1", 3},                   /* movups %xmm1,%xmm0 */
    {M64, "66 0f 6f 00", 4},                /* movdqa (%rax),%xmm0 */
    {M64, "f3 0f 6f 00", 4},                /* movdqu (%rax),%xmm0 */
    {M64, "f3 0f 7f 44 24 10", 6},          /* movdqu %xmm0,0x10(%rsp) */
    {M64, "66 0f 38 00 c1", 5},             /* pshufb %xmm1,%xmm0 */
    {M64, "66 0f 38 17 c1", 5},             /* ptest %xmm1,%xmm0 */
    {M64, "0f 38 f0 00", 4},                /* movbe (%rax),%eax */
    {M64, "f2 0f 38 f1 c1", 5},             /* crc32 %ecx,%eax */
    {M64, "66 0f 38 dc 00", 5},             /* aesenc (%rax),%xmm0 */
    {M64, "66 0f 3a df c1 01", 6},          /* aeskeygenassist $0x1,%xmm1,%xmm0 */
    {M64, "f3 0f b8 c1", 4},                /* popcnt %ecx,%eax */
    {M64, "f3 0f bc c1", 4},                /* tzcnt %ecx,%eax */
    {M64, "0f 00 d8", 3},                   /* ltr %ax */
    {M64, "0f 01 10", 3},                   /* lgdt (%rax) */
    {M64, "0f 01 f8", 3},                   /* swapgs */
    {M64, "0f 01 ca", 3},                   /* clac */
    {M64, "0f 01 cb", 3},                   /* stac */
    {M64, "0f 34", 2},                      /* sysenter */
    {M64, "0f 07", 2},                      /* sysretl */
    {M64, "48 0f 07", 3},                   /* sysretq */
    {M64, "0f 0e", 2},                      /* femms */
    {M64, "0f b9 00", 3},                   /* ud1 (%rax),%eax */
    {M64, "0f ff 00", 3},                   /* ud0 (%rax),%eax */
    {M64, "0f a3 c8", 3},                   /* bt %ecx,%eax */
    {M64, "0f ab 04 24", 4},                /* bts %eax,(%rsp) */
    {M64, "0f bd c1", 3},                   /* bsr %ecx,%eax */
    {M64, "0f c0 c1", 3},                   /* xadd %al,%cl */
    {M64, "0f a0", 2},                      /* push %fs */
    {M64, "0f a9", 2},                      /* pop %gs */
    {M64, "0f 6e c0", 3},                   /* movd %eax,%mm0 */
    {M64, "48 0f 7e c0", 4},                /* movq %mm0,%rax */
    {M64, "0f e7 00", 3},                   /* movntq %mm0,(%rax) */
    {M32, "0f 00 00", 3},                   /* sldt (%eax) */
    {M32, "0f 01 00", 3},                   /* sgdtl (%eax) */
    {M32, "0f 34", 2},                      /* sysenter */
    {M32, "0f a6 c0", 3},                   /* montmul; VIA PadLock */
};

static const struct len_case vex_cases[] = {
    {M64, "c5 fa 6f 00", 4},                       /* vmovdqu (%rax),%xmm0 */
    {M64, "c5 fe 6f 00", 4},                       /* vmovdqu (%rax),%ymm0 */
    {M64, "c5 fe 7f 44 24 20", 6},                 /* vmovdqu %ymm0,0x20(%rsp) */
    {M64, "c4 c1 7e 6f 00", 5},                    /* vmovdqu (%r8),%ymm0 */
    {M64, "c4 41 7e 6f 00", 5},                    /* vmovdqu (%r8),%ymm8 */
    {M64, "c4 e2 7d 58 c0", 5},                    /* vpbroadcastd %xmm0,%ymm0 */
    {M64, "c4 e2 79 78 00", 5},                    /* vpbroadcastb (%rax),%xmm0 */
    {M64, "c4 e2 7d 78 05 00 10 00 00", 9},        /* vpbroadcastb 0x1000(%rip),%ymm0 */
    {M64, "c4 e3 7d 18 c1 01", 6},                 /* vinsertf128 $0x1,%xmm1,%ymm0,%ymm0 */
    {M64, "c4 e3 79 0f c1 08", 6},                 /* vpalignr $0x8,%xmm1,%xmm0,%xmm0 */
    {M64, "c5 f8 77", 3},                          /* vzeroupper; no ModRM */
    {M64, "c5 fc 77", 3},                          /* vzeroall */
    {M64, "c4 e1 78 77", 4},                       /* vzeroupper; no ModRM, 3-byte form */
    {M64, "c4 e2 f0 f2 c2", 5},                    /* andn %rdx,%rcx,%rax */
    {M64, "c4 e3 fb f0 c1 05", 6},                 /* rorx $0x5,%rcx,%rax */
    {M64, "c5 f9 7e c0", 4},                       /* vmovd %xmm0,%eax */
    {M64, "c4 e1 f9 7e c0", 5},                    /* vmovq %xmm0,%rax */
    {M64, "c5 f1 ef c0", 4},                       /* vpxor %xmm0,%xmm1,%xmm0 */
    {M64, "c5 fd 74 0d 78 56 34 12", 8},           /* vpcmpeqb 0x12345678(%rip),%ymm0,%ymm1 */
    {M64, "c4 e2 79 18 44 24 04", 7},              /* vbroadcastss 0x4(%rsp),%xmm0 */
    {M64, "c4 63 7d 38 84 24 00 01 00 00 01", 11}, /* vinserti128 $0x1,0x100(%rsp),%ymm0,%ymm8 */
    {M64, "c5 f9 71 d0 04", 5},                    /* vpsrlw $0x4,%xmm0,%xmm0 */
    {M64, "62 f1 fe 48 6f 00", 6},                 /* vmovdqu64 (%rax),%zmm0 */
    {M64, "62 f1 fe 48 6f 40 01", 7}, /* vmovdqu64 0x40(%rax),%zmm0; disp8*N: still one byte */
    {M64, "62 f1 fe 48 7f 84 24 00 01 00 00", 11}, /* vmovdqu64 %zmm0,0x100(%rsp) */
    {M64, "62 f2 7d 48 58 c0", 6},                 /* vpbroadcastd %xmm0,%zmm0 */
    {M64, "62 f3 7d 48 1e c1 01", 7},              /* vpcmpltud %zmm1,%zmm0,%k0 */
    {M64, "62 f1 7c 48 c2 c1 00", 7},              /* vcmpeqps %zmm1,%zmm0,%k0 */
    {M64, "62 f5 7c 48 58 c1", 6},                 /* vaddph %zmm1,%zmm0,%zmm0; AVX512-FP16 map 5 */
    {M64, "62 f6 7d 48 98 c1", 6},                 /* vfmadd132ph %zmm1,%zmm0,%zmm0; map 6 */
    {M64, "62 61 fe 48 6f 05 78 56 34 12", 10},    /* vmovdqu64 0x12345678(%rip),%zmm24 */
    {M64, "62 71 fe 08 6f 44 24 01", 8},           /* vmovdqu64 0x10(%rsp),%xmm8 */
    {M64, "62 f1 fd 48 73 d0 04", 7},              /* vpsrlq $0x4,%zmm0,%zmm0 */
    {M64, "62 d2 7d 48 58 00", 6},                 /* vpbroadcastd (%r8),%zmm0 */
    {M64, "62 e1 7d 48 ef c0", 6},                 /* vpxord %zmm0,%zmm0,%zmm16 */
    {M32, "c5 f8 77", 3},                          /* vzeroupper */
    {M32, "c5 fa 6f 00", 4},                       /* vmovdqu (%eax),%xmm0 */
    {M32, "c4 e2 7d 58 c0", 5},                    /* vpbroadcastd %xmm0,%ymm0 */
    {M32, "62 f1 7c 48 28 c1", 6},                 /* vmovaps %zmm1,%zmm0 */
    {M32, "62 f1 fe 48 6f 40 01", 7},              /* vmovdqu64 0x40(%eax),%zmm0 */
    {M16, "c5 f8 77", 3},                          /* vzeroupper */
    {M64, "8f e8 78 a2 c1 10", 6}, /* vpcmov %xmm1,%xmm1,%xmm0,%xmm0; AMD XOP map 8: imm8 */
    {M64, "2e c5 f8 77", 4},       /* cs vzeroupper; segment and 67 prefixes may come before VEX */
    {M64, "67 c5 fa 6f 00", 5},    /* vmovdqu (%eax),%xmm0 */
    {M32, "67 c5 fa 6f 00", 5},    /* vmovdqu (%bx,%si),%xmm0 */
    {M64, "8f e9 78 81 c1", 5},    /* vfrczpd %xmm1,%xmm0; XOP map 9 */
    {M64, "8f ea 78 10 c1 44 33 22 11", 9}, /* bextr $0x11223344,%ecx,%eax; XOP map 10: imm32 */
    {M32, "8f e8 78 a2 c1 10", 6},          /* vpcmov %xmm1,%xmm1,%xmm0,%xmm0 */
    {M64, "8f 00", 2},                      /* pop (%rax) */
    {M64, "8f 40 08", 3},                   /* pop 0x8(%rax) */
};

static const struct len_case exit_cases[] = {
    {M64, "0f a2", 2},                   /* cpuid */
    {M64, "0f 32", 2},                   /* rdmsr */
    {M64, "0f 30", 2},                   /* wrmsr */
    {M64, "0f 31", 2},                   /* rdtsc */
    {M64, "0f 01 f9", 3},                /* rdtscp */
    {M64, "0f 33", 2},                   /* rdpmc */
    {M64, "0f 20 c0", 3},                /* mov %cr0,%rax */
    {M64, "0f 20 d8", 3},                /* mov %cr3,%rax */
    {M64, "0f 20 e0", 3},                /* mov %cr4,%rax */
    {M64, "0f 22 d8", 3},                /* mov %rax,%cr3 */
    {M64, "0f 22 e0", 3},                /* mov %rax,%cr4 */
    {M64, "41 0f 22 e1", 4},             /* mov %r9,%cr4 */
    {M64, "44 0f 20 c0", 4},             /* mov %cr8,%rax */
    {M64, "44 0f 22 c0", 4},             /* mov %rax,%cr8 */
    {M64, "45 0f 22 c0", 4},             /* mov %r8,%cr8 */
    {M64, "0f 21 f8", 3},                /* mov %db7,%rax */
    {M64, "0f 23 f8", 3},                /* mov %rax,%db7 */
    {M64, "0f 20 00", 3},                /* mov %cr0,%rax; mod is ignored: no displacement */
    {M64, "0f 22 9d", 3},                /* mov %rbp,%cr3; mod 2: still no disp32 */
    {M64, "0f 06", 2},                   /* clts */
    {M32, "0f 22 c0", 3},                /* mov %eax,%cr0 */
    {M32, "0f 20 e0", 3},                /* mov %cr4,%eax */
    {M32, "f0 0f 20 c0", 4},             /* mov %cr8,%eax; AMD: LOCK MOV CR0 is CR8 */
    {M16, "0f 20 c0", 3},                /* mov %cr0,%eax */
    {M16, "0f 22 c0", 3},                /* mov %eax,%cr0 */
    {M64, "e4 60", 2},                   /* in $0x60,%al */
    {M64, "e5 60", 2},                   /* in $0x60,%eax */
    {M64, "66 e5 60", 3},                /* in $0x60,%ax */
    {M64, "e6 80", 2},                   /* out %al,$0x80 */
    {M64, "e7 80", 2},                   /* out %eax,$0x80 */
    {M64, "66 e7 80", 3},                /* out %ax,$0x80 */
    {M64, "ec", 1},                      /* in (%dx),%al */
    {M64, "ed", 1},                      /* in (%dx),%eax */
    {M64, "66 ed", 2},                   /* in (%dx),%ax */
    {M64, "ee", 1},                      /* out %al,(%dx) */
    {M64, "ef", 1},                      /* out %eax,(%dx) */
    {M64, "66 ef", 2},                   /* out %ax,(%dx) */
    {M64, "48 ed", 2},                   /* rex.W in (%dx),%eax; REX.W: still 32-bit */
    {M16, "ed", 1},                      /* in (%dx),%ax */
    {M16, "66 ed", 2},                   /* in (%dx),%eax */
    {M16, "e5 71", 2},                   /* in $0x71,%ax */
    {M64, "6c", 1},                      /* insb (%dx),%es:(%rdi) */
    {M64, "6d", 1},                      /* insl (%dx),%es:(%rdi) */
    {M64, "66 6d", 2},                   /* insw (%dx),%es:(%rdi) */
    {M64, "6e", 1},                      /* outsb %ds:(%rsi),(%dx) */
    {M64, "6f", 1},                      /* outsl %ds:(%rsi),(%dx) */
    {M64, "66 6f", 2},                   /* outsw %ds:(%rsi),(%dx) */
    {M64, "f3 6c", 2},                   /* rep insb (%dx),%es:(%rdi) */
    {M64, "f3 6d", 2},                   /* rep insl (%dx),%es:(%rdi) */
    {M64, "f3 66 6f", 3},                /* rep outsw %ds:(%rsi),(%dx) */
    {M64, "66 f3 6f", 3},                /* rep outsw %ds:(%rsi),(%dx) */
    {M64, "f3 67 6e", 3},                /* rep outsb %ds:(%esi),(%dx) */
    {M64, "2e f3 6e", 3},                /* rep outsb %ds:(%rsi),(%dx) */
    {M64, "f3 48 6d", 3},                /* rep rex.W insl (%dx),%es:(%rdi) */
    {M32, "f3 6e", 2},                   /* rep outsb %ds:(%esi),(%dx) */
    {M32, "f3 66 6d", 3},                /* rep insw (%dx),%es:(%edi) */
    {M16, "f3 6e", 2},                   /* rep outsb %ds:(%si),(%dx) */
    {M16, "f3 66 6d", 3},                /* rep insl (%dx),%es:(%di) */
    {M16, "f3 67 6f", 3},                /* rep outsw %ds:(%esi),(%dx) */
    {M64, "0f 01 d9", 3},                /* vmmcall */
    {M64, "0f 01 c1", 3},                /* vmcall */
    {M64, "0f 01 d8", 3},                /* vmrun */
    {M64, "0f 01 da", 3},                /* vmload */
    {M64, "0f 01 db", 3},                /* vmsave */
    {M64, "0f 01 dc", 3},                /* stgi */
    {M64, "0f 01 dd", 3},                /* clgi */
    {M64, "0f 01 de", 3},                /* skinit */
    {M64, "0f 01 df", 3},                /* invlpga */
    {M64, "f4", 1},                      /* hlt */
    {M64, "0f 01 38", 3},                /* invlpg (%rax) */
    {M64, "0f 01 7c 24 08", 5},          /* invlpg 0x8(%rsp) */
    {M64, "0f 01 3c 25 00 10 00 00", 8}, /* invlpg 0x1000 */
    {M64, "0f 01 bf 00 10 00 00", 7},    /* invlpg 0x1000(%rdi) */
    {M64, "0f 01 3d 78 56 34 12", 7},    /* invlpg 0x12345678(%rip) */
    {M64, "41 0f 01 3c 24", 5},          /* invlpg (%r12) */
    {M64, "0f 01 d1", 3},                /* xsetbv */
    {M64, "0f 01 d0", 3},                /* xgetbv */
    {M64, "0f 01 c8", 3},                /* monitor %rax,%ecx,%edx */
    {M64, "0f 01 c9", 3},                /* mwait %eax,%ecx */
    {M64, "0f 01 fa", 3},                /* monitorx %rax,%ecx,%edx */
    {M64, "0f 01 fb", 3},                /* mwaitx %eax,%ecx,%ebx */
    {M64, "0f 01 ee", 3},                /* rdpkru */
    {M64, "0f 01 fc", 3},                /* clzero */
    {M64, "0f 09", 2},                   /* wbinvd */
    {M64, "0f 08", 2},                   /* invd */
    {M64, "cc", 1},                      /* int3 */
    {M64, "cd 03", 2},                   /* int $0x3 */
    {M64, "f1", 1},                      /* int1 */
    {M64, "0f ae 28", 3},                /* xrstor (%rax) */
    {M64, "0f ae 30", 3},                /* xsaveopt (%rax) */
    {M64, "48 0f ae 20", 4},             /* xsave64 (%rax) */
    {M64, "0f c7 f8", 3},                /* rdseed %eax */
    {M64, "f3 0f c7 f8", 4},             /* rdpid %rax */
    {M64, "0f 00 00", 3},                /* sldt (%rax) */
    {M64, "0f 01 00", 3},                /* sgdt (%rax) */
    {M64, "0f 01 08", 3},                /* sidt (%rax) */
    {M64, "0f 01 50 08", 4},             /* lgdt 0x8(%rax) */
    {M64, "fa", 1},                      /* cli */
    {M64, "fb", 1},                      /* sti */
    {M64, "9c", 1},                      /* pushf */
    {M64, "9d", 1},                      /* popf */
    {M32, "cf", 1},                      /* iret */
    {M16, "cf", 1},                      /* iret */
    {M32, "0f 01 d9", 3},                /* vmmcall */
    {M32, "f4", 1},                      /* hlt */
    {M16, "f4", 1},                      /* hlt */
    {M16, "0f 01 d9", 3},                /* vmmcall */
};

static const struct len_case mmio_len_cases[] = {
    {M64, "89 04 25 00 00 e0 fe", 7},              /* mov %eax,0xfffffffffee00000 */
    {M64, "89 87 b0 00 00 00", 6},                 /* mov %eax,0xb0(%rdi) */
    {M64, "c7 05 78 56 34 12 01 00 00 00", 10},    /* movl $0x1,0x12345678(%rip) */
    {M64, "48 c7 00 78 56 34 12", 7},              /* movq $0x12345678,(%rax) */
    {M64, "66 89 10", 3},                          /* mov %dx,(%rax) */
    {M64, "88 0a", 2},                             /* mov %cl,(%rdx) */
    {M64, "8b 41 20", 3},                          /* mov 0x20(%rcx),%eax */
    {M64, "0f b7 40 04", 4},                       /* movzwl 0x4(%rax),%eax */
    {M64, "87 02", 2},                             /* xchg %eax,(%rdx) */
    {M64, "8b 05 78 56 34 12", 6},                 /* mov 0x12345678(%rip),%eax */
    {M64, "89 02", 2},                             /* mov %eax,(%rdx) */
    {M64, "8b 02", 2},                             /* mov (%rdx),%eax */
    {M64, "48 89 02", 3},                          /* mov %rax,(%rdx) */
    {M64, "48 8b 02", 3},                          /* mov (%rdx),%rax */
    {M64, "66 8b 02", 3},                          /* mov (%rdx),%ax */
    {M64, "8a 02", 2},                             /* mov (%rdx),%al */
    {M64, "0f b6 02", 3},                          /* movzbl (%rdx),%eax */
    {M64, "48 0f b6 02", 4},                       /* movzbq (%rdx),%rax */
    {M64, "0f be 02", 3},                          /* movsbl (%rdx),%eax */
    {M64, "48 0f bf 02", 4},                       /* movswq (%rdx),%rax */
    {M64, "48 63 02", 3},                          /* movslq (%rdx),%rax */
    {M64, "88 62 01", 3},                          /* mov %ah,0x1(%rdx) */
    {M64, "40 88 72 01", 4},                       /* mov %sil,0x1(%rdx) */
    {M64, "c6 05 78 56 34 12 01", 7},              /* movb $0x1,0x12345678(%rip) */
    {M64, "66 c7 05 78 56 34 12 34 12", 9},        /* movw $0x1234,0x12345678(%rip) */
    {M64, "c7 84 24 00 01 00 00 78 56 34 12", 11}, /* movl $0x12345678,0x100(%rsp) */
    {M64, "44 89 04 8d 00 00 00 00", 8},           /* mov %r8d,0x0(,%rcx,4) */
    {M64, "45 89 4c 24 08", 5},                    /* mov %r9d,0x8(%r12) */
    {M64, "86 02", 2},                             /* xchg %al,(%rdx) */
    {M64, "48 87 02", 3},                          /* xchg %rax,(%rdx) */
    {M64, "4c 89 a3 00 03 00 00", 7},              /* mov %r12,0x300(%rbx) */
    {M64, "65 8b 04 25 00 00 00 00", 8},           /* mov %gs:0x0,%eax */
    {M32, "89 15 00 00 e0 fe", 6},                 /* mov %edx,0xfee00000 */
    {M32, "a3 00 00 e0 fe", 5},                    /* mov %eax,0xfee00000 */
    {M32, "c7 05 00 00 e0 fe 78 56 34 12", 10},    /* movl $0x12345678,0xfee00000 */
    {M32, "8b 81 00 03 00 00", 6},                 /* mov 0x300(%ecx),%eax */
    {M16, "89 1e 34 12", 4},                       /* mov %bx,0x1234 */
    {M16, "c7 06 34 12 78 56", 6},                 /* movw $0x5678,0x1234 */
    {M16, "66 89 1e 34 12", 5},                    /* mov %ebx,0x1234 */
};

#define LENGTH_TEST(name)                                                                          \
    static void test_##name(void **state)                                                          \
    {                                                                                              \
        (void)state;                                                                               \
        check_lengths(name, ARRAY_SIZE(name));                                                     \
    }
LENGTH_TEST(prefix_cases)
LENGTH_TEST(rex_cases)
LENGTH_TEST(mode_cases)
LENGTH_TEST(modrm_cases)
LENGTH_TEST(addr16_cases)
LENGTH_TEST(imm_cases)
LENGTH_TEST(map_cases)
LENGTH_TEST(vex_cases)
LENGTH_TEST(exit_cases)
LENGTH_TEST(mmio_len_cases)

/* The same bytes in 16-, 32- and 64-bit code: a length or an error. */
static const struct {
    const char *hex;
    int res[3];
} per_mode[] = {
    {"06", {1, 1, INV}},                           /* push %es */
    {"07", {1, 1, INV}},                           /* pop %es */
    {"0e", {1, 1, INV}},                           /* push %cs */
    {"16", {1, 1, INV}},                           /* push %ss */
    {"17", {1, 1, INV}},                           /* pop %ss */
    {"1e", {1, 1, INV}},                           /* push %ds */
    {"1f", {1, 1, INV}},                           /* pop %ds */
    {"27", {1, 1, INV}},                           /* daa */
    {"2f", {1, 1, INV}},                           /* das */
    {"37", {1, 1, INV}},                           /* aaa */
    {"3f", {1, 1, INV}},                           /* aas */
    {"60", {1, 1, INV}},                           /* pusha */
    {"61", {1, 1, INV}},                           /* popa */
    {"ce", {1, 1, INV}},                           /* into */
    {"d4 0a", {2, 2, INV}},                        /* aam */
    {"d5 0a", {2, 2, INV}},                        /* aad */
    {"d6", {1, 1, INV}},                           /* SALC: objdump says (bad), CPUs run it */
    {"82 c0 01", {3, 3, INV}},                     /* add $1,%al */
    {"9a 78 56 34 12 08 00", {5, 7, INV}},         /* lcall ptr16:16 / ptr16:32 */
    {"ea 78 56 34 12 08 00", {5, 7, INV}},         /* ljmp */
    {"66 ea 00 00 00 00 00 00 00", {8, 6, INV}},   /* ljmpl / ljmpw */
    {"40", {1, 1, TRUNC}},                         /* inc %ax / inc %eax / REX */
    {"48 89 d8", {1, 1, 3}},                       /* dec / dec / mov %rbx,%rax */
    {"f3 48 ab", {2, 2, 3}},                       /* repz dec / rep stos %rax */
    {"48 8b 05 00 00 00 00", {1, 1, 7}},           /* dec / dec / mov 0(%rip),%rax */
    {"c4 03", {2, 2, TRUNC}},                      /* les; VEX in long mode */
    {"c5 03", {2, 2, TRUNC}},                      /* lds; VEX */
    {"62 03", {2, 2, TRUNC}},                      /* bound; EVEX */
    {"c5 f8 77", {3, 3, 3}},                       /* vzeroupper everywhere */
    {"c4 e2 7d 58 c0", {5, 5, 5}},                 /* vpbroadcastd */
    {"62 f1 fe 48 6f 00", {6, 6, 6}},              /* vmovdqu64 */
    {"8f e8 78 a2 c1 10", {6, 6, 6}},              /* vpcmov (XOP) */
    {"63 c7", {2, 2, 2}},                          /* arpl / movsxd */
    {"a1 00 00 00 00 00 00 00 00", {3, 5, 9}},     /* moffs is the address size */
    {"66 a1 00 00 00 00 00 00 00 00", {4, 6, 10}}, /* ... not the operand size */
    {"67 a1 00 00 00 00 00 00 00 00", {6, 4, 6}},  /* 67 */
    {"e8 00 00 00 00", {3, 5, 5}},                 /* call rel16 / rel32 / rel32 */
    {"66 e8 00 00 00 00", {6, 4, 4}},              /* ... with 66 */
    {"b8 00 00 00 00 00 00 00 00", {3, 5, 5}},     /* mov $imm,%eax */
    {"8b 05 00 00 00 00", {2, 6, 6}},              /* (%di) / abs / RIP */
    {"8b 04 25 00 00 00 00", {2, 7, 7}},           /* (%si) / SIB disp32 */
    {"8b 06 00 00", {4, 2, 2}},                    /* disp16 / (%esi) / (%rsi) */
    {"0f 84 00 00 00 00", {4, 6, 6}},              /* je rel16 / rel32 */
    {"68 00 00 00 00", {3, 5, 5}},                 /* push imm16 / imm32 */
    {"c8 00 00 00", {4, 4, 4}},                    /* enter */
    {"66 0f 20 c0", {4, 4, 4}},                    /* mov %cr0: 66 changes nothing */
    {"0f 01 d9", {3, 3, 3}},                       /* vmmcall */
};

static void test_per_mode(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(per_mode); i++) {
        for (int m = 0; m < 3; m++) {
            struct insn in;
            int r = decode_hex(&in, per_mode[i].hex, (enum cpu_mode)m);
            int want = per_mode[i].res[m];

            if (r == 0)
                r = in.length;
            if (r != want) {
                print_error("%s %s: got %d, want %d\n", mode_names[m], per_mode[i].hex, r, want);
                fail();
            }
        }
    }
}

struct err_case {
    enum cpu_mode mode;
    const char *hex;
    int err;
};

/* Undefined everywhere: reserved opcodes, reg values a group does not define. */
static const struct err_case invalid_cases[] = {
    {M64, "0f 04", INV},
    {M64, "0f 0a", INV},
    {M64, "0f 0c", INV},
    {M64, "0f 24 c0", INV}, /* MOV TRn: 386 and 486 only */
    {M32, "0f 26 c0", INV},
    {M64, "0f 36", INV},
    {M64, "0f 39", INV},
    {M64, "0f 3b", INV},
    {M32, "0f 3f", INV},
    {M64, "0f 7a", INV},
    {M16, "0f 7b", INV},
    {M64, "8f 20", INV},             /* POP /4 (map 0: not XOP) */
    {M32, "8f 60 08", INV},          /* POP /4 (the odd ones and /2 /6 are XOP) */
    {M64, "fe 10", INV},             /* FE /2 */
    {M64, "ff 38", INV},             /* FF /7 */
    {M64, "ff d8", INV},             /* far CALL with a register */
    {M32, "ff e8", INV},             /* far JMP with a register */
    {M64, "8d c0", INV},             /* LEA with a register */
    {M64, "c6 08 01", INV},          /* C6 /1 */
    {M64, "c7 c8 00 00 00 00", INV}, /* C7 /1 */
    {M64, "c6 f9 01", INV},          /* C6 /7 is only XABORT, C6 F8 */
    {M64, "c7 38 00 00 00 00", INV}, /* C7 /7 is only XBEGIN, C7 F8 */
    {M32, "8e c8", INV},             /* MOV to CS */
    {M64, "8c f0", INV},             /* Sreg 6 */
    {M64, "8e 38", INV},             /* Sreg 7 */
    {M64, "0f b2 c0", INV},          /* LSS with a register */
    {M64, "0f b5 c0", INV},          /* LGS */
    {M64, "0f ba c0 01", INV},       /* 0F BA /0 */
    {M64, "0f c7 c8", INV},          /* CMPXCHG8B with a register */
    {M64, "0f c7 00", INV},          /* 0F C7 /0 */
    {M64, "0f 00 30", INV},          /* 0F 00 /6 */
    {M64, "66 c5 f8 77", INV},       /* 66 F2 F3 F0 REX before VEX/EVEX: #UD */
    {M32, "66 c5 f8 77", INV},
    {M64, "f3 c5 fa 6f 00", INV},
    {M64, "f2 c4 e2 7d 58 c0", INV},
    {M64, "f0 c5 f8 77", INV},
    {M64, "48 c5 f8 77", INV},
    {M64, "40 62 f1 fe 48 6f 00", INV},
    {M64, "66 62 f1 fe 48 6f 00", INV},
    {M64, "c4 e0 78 77", INV},       /* VEX map 0 */
    {M64, "c4 e4 78 10 c0", INV},    /* VEX map 4 */
    {M32, "c4 ff 78 10 c0", INV},    /* VEX map 31 */
    {M64, "62 f1 7a 48 6f 00", INV}, /* EVEX P1 bit 2 clear */
    {M64, "62 f9 fe 48 6f 00", INV}, /* EVEX P0 bit 3 set (APX, not supported) */
    {M64, "62 f4 7c 48 10 00", INV}, /* EVEX map 4 (APX) */
    {M64, "62 f7 7c 48 10 00", INV}, /* EVEX map 7 */
    {M64, "62 f0 7c 48 10 00", INV}, /* EVEX map 0 */
    {M64, "8f eb 78 10 c0", INV},    /* XOP map 11 */
    {M64, "06", INV},                /* invalid in long mode: see per_mode */
    {M64, "0f 0f", TRUNC},           /* 3DNow! needs ModRM and suffix */
    {M64, "0f 0f c1", TRUNC},
    {M64, "c5 f8", TRUNC},
    {M64, "62 f1 fe 48", TRUNC},
    {M16, "c4 e2", TRUNC},
    {M64, "", TRUNC},
    {M64, "66 f3 2e 67 f0", TRUNC},
};

/* 15 bytes is the most; more is #GP even when every byte is there. */
static const struct err_case long_cases[] = {
    {M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", LONG},
    {M32, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", LONG},
    {M16, "f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 f3 90", LONG},
    {M64, "48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48", LONG},
    {M64, "f0 f2 f3 2e 36 3e 26 64 65 66 67 66 67 f2 f3 f0", LONG},
    {M64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66", LONG},
    {M64, "2e 2e 2e 2e 48 c7 84 24 00 01 00 00 78 56 34 12", LONG},
    {M64, "26 26 26 26 26 26 26 48 b8 88 77", LONG},
    {M32, "26 26 26 26 26 26 26 26 26 26 26 26 0f 3a 0f", LONG},
    {M64, "67 67 67 67 67 67 67 67 67 67 c4 e3 7d 18 84", LONG},
};

static void check_errors(const struct err_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct insn in;
        int r = decode_hex(&in, t[i].hex, t[i].mode);

        if (r != t[i].err) {
            print_error("%s %s: got %d, want %d\n", mode_names[t[i].mode], t[i].hex, r, t[i].err);
            fail();
        }
    }
}

static void test_invalid(void **state)
{
    (void)state;
    check_errors(invalid_cases, ARRAY_SIZE(invalid_cases));
}

static void test_too_long(void **state)
{
    struct insn in;

    (void)state;
    check_errors(long_cases, ARRAY_SIZE(long_cases));
    /* exactly 15 is fine */
    assert_int_equal(decode_hex(&in, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", M64), 0);
    assert_int_equal(in.length, 15);
    assert_int_equal(in.nprefix, 14);
    assert_int_equal(decode_hex(&in, "2e 2e 2e 48 c7 84 24 00 01 00 00 78 56 34 12", M64), 0);
    assert_int_equal(in.length, 15);
    /* fewer bytes than the limit, but they are all there is: truncated, not too long */
    assert_int_equal(decode_hex(&in, "66 66 66 66 66 66 66 66 66 66 66 66 66 66", M64), TRUNC);
}

/* Operand and address size by mode, 66, 67, REX.W and the default-64 opcodes. */
static const struct {
    enum cpu_mode mode;
    const char *hex;
    uint8_t osz, asz;
} size_cases[] = {
    {M64, "50", 8, 8},
    {M64, "66 50", 2, 8},
    {M64, "41 50", 8, 8},
    {M32, "50", 4, 4},
    {M16, "50", 2, 2},
    {M16, "66 50", 4, 2},
    {M64, "89 d8", 4, 8},
    {M64, "48 89 d8", 8, 8},
    {M64, "66 89 d8", 2, 8},
    {M64, "48 66 89 d8", 2, 8},
    {M64, "66 48 89 d8", 8, 8},
    {M32, "66 89 d8", 2, 4},
    {M16, "89 d8", 2, 2},
    {M16, "66 89 d8", 4, 2},
    {M64, "88 d8", 1, 8},
    {M64, "48 88 d8", 1, 8},
    {M64, "ec", 1, 8},
    {M64, "ed", 4, 8},
    {M64, "66 ed", 2, 8},
    {M64, "48 ed", 4, 8},
    {M64, "f3 48 6d", 4, 8},
    {M64, "f3 6c", 1, 8},
    {M64, "f3 67 6f", 4, 4},
    {M16, "ed", 2, 2},
    {M16, "66 ef", 4, 2},
    {M64, "e8 00 00 00 00", 8, 8},
    {M64, "66 e8 00 00", 2, 8},
    {M64, "0f 84 00 00 00 00", 8, 8},
    {M64, "66 0f 84 00 00", 2, 8},
    {M64, "ff d0", 8, 8},
    {M64, "ff 10", 8, 8},
    {M64, "ff 30", 8, 8},
    {M64, "ff 20", 8, 8},
    {M64, "ff 00", 4, 8},
    {M64, "ff 18", 4, 8},
    {M64, "0f 20 c0", 8, 8},
    {M64, "66 0f 20 c0", 8, 8},
    {M64, "0f 22 d8", 8, 8},
    {M32, "0f 22 c0", 4, 4},
    {M16, "0f 20 c0", 4, 2},
    {M64, "67 8b 00", 4, 4},
    {M32, "67 8b 00", 4, 2},
    {M16, "67 8b 00", 2, 4},
    {M16, "8b 00", 2, 2},
    {M64, "0f a0", 8, 8},
    {M64, "c9", 8, 8},
    {M64, "c8 00 00 00", 8, 8},
    {M64, "9c", 8, 8},
    {M64, "8f 00", 8, 8},
    {M64, "6a 01", 8, 8},
    {M64, "68 00 00 00 00", 8, 8},
    {M64, "c3", 8, 8},
    {M64, "cf", 4, 8},
    {M64, "48 cf", 8, 8},
    {M64, "48 0f b6 02", 8, 8},
    {M64, "0f b6 02", 4, 8},
    {M64, "66 0f b6 02", 2, 8},
    {M64, "0f 94 c0", 1, 8},
    {M64, "0f b0 0a", 1, 8},
    {M64, "0f c0 c1", 1, 8},
    {M64, "c4 e2 f0 f2 c2", 8, 8}, /* ANDN with VEX.W1 */
    {M64, "c4 e2 70 f2 c2", 4, 8},
    {M32, "c4 e2 f0 f2 c2", 4, 4}, /* W is no operand size outside long mode */
};

static void test_operand_address_size(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(size_cases); i++) {
        struct insn in;

        if (decode_hex(&in, size_cases[i].hex, size_cases[i].mode) != 0 ||
            in.operand_size != size_cases[i].osz || in.address_size != size_cases[i].asz) {
            print_error("%s %s: operand %u address %u, want %u %u\n",
                        mode_names[size_cases[i].mode], size_cases[i].hex, in.operand_size,
                        in.address_size, size_cases[i].osz, size_cases[i].asz);
            fail();
        }
    }
}

static void test_prefix_fields(void **state)
{
    struct insn in;

    (void)state;
    assert_int_equal(decode_hex(&in, "f0 48 0f b1 0a", M64), 0);
    assert_true(in.lock);
    assert_int_equal(in.rex, 0x48);
    assert_int_equal(in.nprefix, 2);
    assert_int_equal(in.map, 1);
    assert_int_equal(in.opcode, 0xB1);
    assert_int_equal(in.seg, INSN_SEG_NONE);
    assert_int_equal(in.encoding, INSN_LEGACY);

    /* a REX before a legacy prefix is void */
    assert_int_equal(decode_hex(&in, "48 66 89 d8", M64), 0);
    assert_int_equal(in.rex, 0);
    assert_true(in.opsize);
    assert_int_equal(in.nprefix, 2);
    assert_int_equal(in.operand_size, 2);

    /* the last segment override and the last of F2/F3 win */
    assert_int_equal(decode_hex(&in, "2e 26 8b 00", M32), 0);
    assert_int_equal(in.seg, INSN_SEG_ES);
    assert_int_equal(decode_hex(&in, "64 89 00", M64), 0);
    assert_int_equal(in.seg, INSN_SEG_FS);
    assert_int_equal(decode_hex(&in, "36 65 89 00", M64), 0);
    assert_int_equal(in.seg, INSN_SEG_GS);
    assert_int_equal(decode_hex(&in, "3e 36 89 00", M32), 0);
    assert_int_equal(in.seg, INSN_SEG_SS);
    assert_int_equal(decode_hex(&in, "2e ff e0", M32), 0);
    assert_int_equal(in.seg, INSN_SEG_CS);
    assert_int_equal(decode_hex(&in, "26 3e a5", M32), 0);
    assert_int_equal(in.seg, INSN_SEG_DS);
    assert_int_equal(decode_hex(&in, "f2 f3 a4", M64), 0);
    assert_int_equal(in.rep, 0xF3);
    assert_int_equal(decode_hex(&in, "f3 f2 a4", M64), 0);
    assert_int_equal(in.rep, 0xF2);
    assert_int_equal(decode_hex(&in, "f3 67 6e", M64), 0);
    assert_int_equal(in.rep, 0xF3);
    assert_true(in.addrsize);
    assert_false(in.opsize);
    assert_int_equal(in.address_size, 4);
    assert_int_equal(in.operand_size, 1);
}

static void test_modrm_fields(void **state)
{
    struct insn in;

    (void)state;
    /* mov %r9,%cr4: CR from reg, GPR from rm + REX.B */
    assert_int_equal(decode_hex(&in, "41 0f 22 e1", M64), 0);
    assert_true(in.has_modrm);
    assert_int_equal(in.modrm, 0xE1);
    assert_int_equal(insn_modrm_reg(&in), 4);
    assert_int_equal(insn_modrm_rm(&in), 9);
    assert_false(insn_modrm_is_mem(&in));
    assert_int_equal(in.operand_size, 8);
    /* mov %cr8,%rax */
    assert_int_equal(decode_hex(&in, "44 0f 20 c0", M64), 0);
    assert_int_equal(insn_modrm_reg(&in), 8);
    assert_int_equal(insn_modrm_rm(&in), 0);
    /* MOV CRn ignores mod: no memory, no displacement */
    assert_int_equal(decode_hex(&in, "0f 20 00", M64), 0);
    assert_false(insn_modrm_is_mem(&in));
    assert_int_equal(in.disp_size, 0);

    assert_int_equal(decode_hex(&in, "8b 05 f0 ff ff ff", M64), 0);
    assert_true(in.rip_relative);
    assert_false(in.has_sib);
    assert_int_equal(in.disp, -16);
    assert_int_equal(in.disp_size, 4);
    assert_true(insn_modrm_is_mem(&in));
    assert_int_equal(decode_hex(&in, "67 8b 05 10 00 00 00", M64), 0);
    assert_true(in.rip_relative);
    assert_int_equal(in.address_size, 4);
    assert_int_equal(decode_hex(&in, "8b 05 00 00 e0 fe", M32), 0);
    assert_false(in.rip_relative);
    assert_int_equal((uint32_t)in.disp, 0xFEE00000u);

    assert_int_equal(decode_hex(&in, "8b 04 25 00 00 e0 fe", M64), 0);
    assert_true(in.has_sib);
    assert_int_equal(in.sib, 0x25);
    assert_false(in.rip_relative);
    assert_int_equal(in.disp, (int32_t)0xFEE00000u);

    assert_int_equal(decode_hex(&in, "4f 8b 44 c5 f8", M64), 0);
    assert_int_equal(in.rex, 0x4F);
    assert_int_equal(in.sib, 0xC5);
    assert_int_equal(in.disp, -8);
    assert_int_equal(in.disp_size, 1);
    assert_int_equal(insn_modrm_reg(&in), 8);

    assert_int_equal(decode_hex(&in, "8b 46 fe", M16), 0);
    assert_int_equal(in.disp, -2);
    assert_int_equal(in.disp_size, 1);
    assert_int_equal(in.address_size, 2);
    assert_false(in.has_sib);
    assert_int_equal(decode_hex(&in, "8b 06 00 80", M16), 0);
    assert_int_equal(in.disp, -32768);
    assert_int_equal(in.disp_size, 2);
    assert_int_equal(decode_hex(&in, "8b 84 34 12", M16), 0);
    assert_false(in.has_sib);
    assert_int_equal(in.disp, 0x1234);

    assert_int_equal(decode_hex(&in, "90", M64), 0);
    assert_false(in.has_modrm);
    assert_false(insn_modrm_is_mem(&in));
    assert_int_equal(decode_hex(&in, "0f 01 38", M64), 0);
    assert_true(insn_modrm_is_mem(&in));
    assert_int_equal(decode_hex(&in, "0f 01 d9", M64), 0);
    assert_false(insn_modrm_is_mem(&in));
    assert_int_equal(decode_hex(&in, "c5 fa 6f 00", M64), 0);
    assert_true(insn_modrm_is_mem(&in));
}

static void test_imm_fields(void **state)
{
    struct insn in;

    (void)state;
    assert_int_equal(decode_hex(&in, "66 48 b8 88 77 66 55 44 33 22 11", M64), 0);
    assert_int_equal(in.imm_size, 8);
    assert_true(in.imm == 0x1122334455667788ULL);
    assert_int_equal(in.operand_size, 8);
    assert_int_equal(decode_hex(&in, "48 c7 00 00 00 00 80", M64), 0);
    assert_int_equal(in.imm_size, 4);
    assert_true(in.imm == 0x80000000ULL); /* as encoded */
    assert_int_equal(decode_hex(&in, "c8 10 00 01", M64), 0);
    assert_int_equal(in.imm, 0x10);
    assert_int_equal(in.imm_size, 2);
    assert_int_equal(in.imm2, 1);
    assert_int_equal(in.imm2_size, 1);
    assert_int_equal(decode_hex(&in, "66 ea 00 7c 00 00 08 00", M16), 0);
    assert_int_equal(in.imm, 0x7C00);
    assert_int_equal(in.imm_size, 4);
    assert_int_equal(in.imm2, 8);
    assert_int_equal(in.imm2_size, 2);
    assert_int_equal(decode_hex(&in, "a1 88 77 66 55 44 33 22 11", M64), 0);
    assert_int_equal(in.imm_size, 8);
    assert_true(in.imm == 0x1122334455667788ULL);
    assert_false(in.has_modrm);
    assert_int_equal(decode_hex(&in, "66 0f 78 c0 01 02", M64), 0);
    assert_int_equal(in.imm, 1);
    assert_int_equal(in.imm2, 2);
    assert_int_equal(decode_hex(&in, "f7 c1 78 56 34 12", M64), 0);
    assert_int_equal(in.imm, 0x12345678);
    assert_int_equal(decode_hex(&in, "f7 d1", M64), 0);
    assert_int_equal(in.imm_size, 0);
    assert_int_equal(decode_hex(&in, "e4 80", M64), 0);
    assert_int_equal(in.imm, 0x80);
    assert_int_equal(decode_hex(&in, "0f 0f c1 b4", M64), 0);
    assert_int_equal(in.imm, 0xB4);
    assert_int_equal(in.opcode, 0x0F);
    assert_int_equal(decode_hex(&in, "8f ea 78 10 c1 44 33 22 11", M64), 0);
    assert_int_equal(in.imm_size, 4);
    assert_int_equal(in.imm, 0x11223344);
}

static void test_vex_fields(void **state)
{
    struct insn in;

    (void)state;
    assert_int_equal(decode_hex(&in, "c4 e2 7d 58 c0", M64), 0);
    assert_int_equal(in.encoding, INSN_VEX3);
    assert_int_equal(in.map, 2);
    assert_int_equal(in.opcode, 0x58);
    assert_int_equal(in.vex_l, 1);
    assert_int_equal(in.vex_pp, 1);
    assert_int_equal(in.vex_vvvv, 0);
    assert_int_equal(in.rex, 0x40);

    assert_int_equal(decode_hex(&in, "c4 41 7e 6f 00", M64), 0);
    assert_int_equal(in.rex, 0x40 | REX_R | REX_B); /* vmovdqu (%r8),%ymm8 */
    assert_int_equal(insn_modrm_reg(&in), 8);

    assert_int_equal(decode_hex(&in, "c5 f1 ef c0", M64), 0);
    assert_int_equal(in.encoding, INSN_VEX2);
    assert_int_equal(in.map, 1);
    assert_int_equal(in.vex_vvvv, 1);
    assert_int_equal(in.vex_pp, 1);
    assert_int_equal(in.vex_l, 0);

    assert_int_equal(decode_hex(&in, "c5 f8 77", M64), 0);
    assert_false(in.has_modrm);

    assert_int_equal(decode_hex(&in, "62 f1 fe 48 6f 40 01", M64), 0);
    assert_int_equal(in.encoding, INSN_EVEX);
    assert_int_equal(in.map, 1);
    assert_int_equal(in.vex_l, 2);
    assert_int_equal(in.vex_pp, 2);
    assert_true(in.rex & REX_W);
    assert_int_equal(in.disp, 1); /* scaled by the CPU, not here */
    assert_int_equal(in.disp_size, 1);

    assert_int_equal(decode_hex(&in, "62 e1 7d 40 ef c0", M64), 0);
    assert_int_equal(in.vex_vvvv, 16); /* V' */

    assert_int_equal(decode_hex(&in, "62 f5 7c 48 58 c1", M64), 0);
    assert_int_equal(in.map, 5);

    assert_int_equal(decode_hex(&in, "8f e8 78 a2 c1 10", M64), 0);
    assert_int_equal(in.encoding, INSN_XOP);
    assert_int_equal(in.map, 8);
    assert_int_equal(in.imm, 0x10);

    /* outside long mode only W is taken from the prefix */
    assert_int_equal(decode_hex(&in, "c4 c2 fd 58 c0", M32), 0);
    assert_int_equal(in.rex, 0x40 | REX_W);
}

struct mmio_case {
    enum cpu_mode mode;
    const char *hex;
    struct mmio_access want;
};

#define EXT_Z MMIO_EXT_ZERO
#define EXT_S MMIO_EXT_SIGN

static const struct mmio_case mmio_cases[] = {
    /* stores from a register */
    {M64, "89 04 25 00 00 e0 fe", {.write = true, .size = 4, .reg = 0}},
    {M64, "89 87 b0 00 00 00", {.write = true, .size = 4, .reg = 0}},
    {M64, "66 89 10", {.write = true, .size = 2, .reg = 2}},
    {M64, "88 0a", {.write = true, .size = 1, .reg = 1}},
    {M64, "88 62 01", {.write = true, .size = 1, .reg = 4, .high_byte = true}}, /* %ah */
    {M64, "40 88 62 01", {.write = true, .size = 1, .reg = 4}},                 /* %spl */
    {M64, "45 88 4c 24 08", {.write = true, .size = 1, .reg = 9}},
    {M64, "48 89 02", {.write = true, .size = 8, .reg = 0}},
    {M64, "4c 89 a3 00 03 00 00", {.write = true, .size = 8, .reg = 12}},
    {M64, "44 89 04 8d 00 00 00 00", {.write = true, .size = 4, .reg = 8}},
    {M64, "48 a3 00 00 e0 fe 00 00 00 00", {.write = true, .size = 8, .reg = 0}},
    {M64, "66 a3 00 00 e0 fe 00 00 00 00", {.write = true, .size = 2, .reg = 0}},
    {M64, "a2 00 00 e0 fe 00 00 00 00", {.write = true, .size = 1, .reg = 0}},
    {M32, "89 15 00 00 e0 fe", {.write = true, .size = 4, .reg = 2}},
    {M32, "a3 00 00 e0 fe", {.write = true, .size = 4, .reg = 0}},
    {M16, "89 1e 34 12", {.write = true, .size = 2, .reg = 3}},
    {M16, "66 89 1e 34 12", {.write = true, .size = 4, .reg = 3}},
    /* stores of an immediate */
    {M64, "c7 05 78 56 34 12 01 00 00 00", {.write = true, .imm_src = true, .size = 4, .imm = 1}},
    {M64, "48 c7 00 78 56 34 12", {.write = true, .imm_src = true, .size = 8, .imm = 0x12345678}},
    {M64,
     "48 c7 00 00 00 00 80",
     {.write = true, .imm_src = true, .size = 8, .imm = 0xFFFFFFFF80000000ULL}},
    {M64, "66 c7 05 78 56 34 12 34 12", {.write = true, .imm_src = true, .size = 2, .imm = 0x1234}},
    {M64, "c6 05 78 56 34 12 ff", {.write = true, .imm_src = true, .size = 1, .imm = 0xFF}},
    {M64, "41 c6 04 24 ab", {.write = true, .imm_src = true, .size = 1, .imm = 0xAB}},
    {M32,
     "c7 05 00 00 e0 fe 78 56 34 12",
     {.write = true, .imm_src = true, .size = 4, .imm = 0x12345678}},
    {M16, "c7 06 34 12 78 56", {.write = true, .imm_src = true, .size = 2, .imm = 0x5678}},
    /* loads */
    {M64, "8b 41 20", {.size = 4, .reg = 0, .reg_size = 4, .zero_upper = true}},
    {M64, "44 8b 47 10", {.size = 4, .reg = 8, .reg_size = 4, .zero_upper = true}},
    {M64, "48 8b 02", {.size = 8, .reg = 0, .reg_size = 8}},
    {M64, "66 8b 02", {.size = 2, .reg = 0, .reg_size = 2}},
    {M64, "8a 02", {.size = 1, .reg = 0, .reg_size = 1}},
    {M64, "8a 62 01", {.size = 1, .reg = 4, .reg_size = 1, .high_byte = true}},
    {M64, "40 8a 72 01", {.size = 1, .reg = 6, .reg_size = 1}},
    {M64, "0f b7 40 04", {.size = 2, .reg = 0, .reg_size = 4, .ext = EXT_Z, .zero_upper = true}},
    {M64, "0f b6 02", {.size = 1, .reg = 0, .reg_size = 4, .ext = EXT_Z, .zero_upper = true}},
    {M64, "48 0f b6 02", {.size = 1, .reg = 0, .reg_size = 8, .ext = EXT_Z}},
    {M64, "66 0f b6 02", {.size = 1, .reg = 0, .reg_size = 2, .ext = EXT_Z}},
    {M64, "66 0f b7 02", {.size = 2, .reg = 0, .reg_size = 2}},
    {M64, "0f be 0a", {.size = 1, .reg = 1, .reg_size = 4, .ext = EXT_S, .zero_upper = true}},
    {M64, "48 0f bf 02", {.size = 2, .reg = 0, .reg_size = 8, .ext = EXT_S}},
    {M64, "4c 0f bf 02", {.size = 2, .reg = 8, .reg_size = 8, .ext = EXT_S}},
    {M64, "48 63 02", {.size = 4, .reg = 0, .reg_size = 8, .ext = EXT_S}},
    {M64, "63 02", {.size = 4, .reg = 0, .reg_size = 4, .zero_upper = true}},
    {M64, "a1 00 00 e0 fe 00 00 00 00", {.size = 4, .reg = 0, .reg_size = 4, .zero_upper = true}},
    {M64, "a0 00 00 e0 fe 00 00 00 00", {.size = 1, .reg = 0, .reg_size = 1}},
    {M32, "8b 81 00 03 00 00", {.size = 4, .reg = 0, .reg_size = 4}},
    {M32, "0f b6 02", {.size = 1, .reg = 0, .reg_size = 4, .ext = EXT_Z}},
    {M16, "8b 1e 34 12", {.size = 2, .reg = 3, .reg_size = 2}},
    /* XCHG: a store of the register that also loads it */
    {M64,
     "87 02",
     {.write = true, .xchg = true, .size = 4, .reg = 0, .reg_size = 4, .zero_upper = true}},
    {M64, "48 87 02", {.write = true, .xchg = true, .size = 8, .reg = 0, .reg_size = 8}},
    {M64, "86 02", {.write = true, .xchg = true, .size = 1, .reg = 0, .reg_size = 1}},
    {M64,
     "86 22",
     {.write = true, .xchg = true, .size = 1, .reg = 4, .reg_size = 1, .high_byte = true}},
    {M64,
     "f0 87 02",
     {.write = true, .xchg = true, .size = 4, .reg = 0, .reg_size = 4, .zero_upper = true}},
    {M64,
     "44 87 42 10",
     {.write = true, .xchg = true, .size = 4, .reg = 8, .reg_size = 4, .zero_upper = true}},
};

static void test_mmio_classification(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(mmio_cases); i++) {
        const struct mmio_case *c = &mmio_cases[i];
        const struct mmio_access *w = &c->want;
        struct insn in;
        struct mmio_access a;

        if (decode_hex(&in, c->hex, c->mode) != 0 || insn_mmio_access(&in, &a) != 0 ||
            a.write != w->write || a.xchg != w->xchg || a.imm_src != w->imm_src ||
            a.high_byte != w->high_byte || a.size != w->size || a.reg != w->reg ||
            a.reg_size != w->reg_size || a.ext != w->ext || a.zero_upper != w->zero_upper ||
            a.imm != w->imm) {
            print_error("%s %s: write %d xchg %d imm_src %d high %d size %u reg %u reg_size %u "
                        "ext %u zero_upper %d imm %#llx\n",
                        mode_names[c->mode], c->hex, a.write, a.xchg, a.imm_src, a.high_byte,
                        a.size, a.reg, a.reg_size, a.ext, a.zero_upper, (unsigned long long)a.imm);
            fail();
        }
    }
}

/* Everything else: the caller gives up on emulating. */
static const struct {
    enum cpu_mode mode;
    const char *hex;
} mmio_rejects[] = {
    {M64, "01 02"}, /* add */
    {M64, "89 c0"}, /* register to register */
    {M64, "8b c0"},
    {M64, "c6 c0 01"}, /* immediate to register */
    {M64, "c7 c0 01 00 00 00"},
    {M64, "0f b6 c0"},
    {M64, "0f b7 c0"},
    {M64, "86 c0"},
    {M64, "ff 02"},    /* inc */
    {M64, "f0 89 02"}, /* LOCK MOV is #UD */
    {M64, "a4"},       /* movs */
    {M64, "f3 a5"},
    {M64, "0f 11 00"},    /* movups */
    {M64, "c5 fa 7f 00"}, /* vmovdqu */
    {M32, "63 02"},       /* arpl */
    {M64, "8d 00"},       /* lea: no access */
    {M64, "0f 20 00"},    /* mov %cr0: never memory */
    {M64, "84 02"},       /* test */
    {M64, "3b 02"},       /* cmp */
    {M64, "80 00 01"},
    {M64, "0f c3 00"}, /* movnti */
    {M64, "8f 00"},    /* pop to memory */
    {M64, "ff 30"},    /* push from memory */
    {M64, "0f 01 38"}, /* invlpg */
    {M64, "0f b1 0a"}, /* cmpxchg */
    {M64, "90"},
};

static void test_mmio_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(mmio_rejects); i++) {
        struct insn in;
        struct mmio_access a;

        assert_int_equal(decode_hex(&in, mmio_rejects[i].hex, mmio_rejects[i].mode), 0);
        if (insn_mmio_access(&in, &a) != -1) {
            print_error("%s: classified\n", mmio_rejects[i].hex);
            fail();
        }
    }
}

static struct mmio_access classify(const char *hex, enum cpu_mode mode)
{
    struct insn in;
    struct mmio_access a;

    assert_int_equal(decode_hex(&in, hex, mode), 0);
    assert_int_equal(insn_mmio_access(&in, &a), 0);
    return a;
}

static void test_mmio_values(void **state)
{
    const uint64_t old = 0x1122334455667788ULL;
    struct mmio_access a;

    (void)state;
    /* stores: what goes to the device */
    a = classify("88 62 01", M64); /* mov %ah */
    assert_true(mmio_store_value(&a, 0xFFFF1234) == 0x12);
    a = classify("88 0a", M64);
    assert_true(mmio_store_value(&a, 0xFFFF1234) == 0x34);
    a = classify("66 89 10", M64);
    assert_true(mmio_store_value(&a, old) == 0x7788);
    a = classify("89 02", M64);
    assert_true(mmio_store_value(&a, old) == 0x55667788);
    a = classify("48 89 02", M64);
    assert_true(mmio_store_value(&a, old) == old);
    a = classify("48 c7 00 ff ff ff ff", M64);
    assert_true(mmio_store_value(&a, old) == ~0ULL);
    a = classify("c7 00 ff ff ff ff", M64);
    assert_true(mmio_store_value(&a, old) == 0xFFFFFFFFULL);
    a = classify("c6 00 80", M64);
    assert_true(mmio_store_value(&a, old) == 0x80);

    /* loads: the register afterwards */
    a = classify("8b 41 20", M64); /* 32-bit: upper half cleared */
    assert_true(mmio_load_result(&a, ~0ULL, 0x12345678) == 0x12345678);
    a = classify("8b 41 20", M32); /* no upper half to speak of: kept */
    assert_true(mmio_load_result(&a, old, 0xAABBCCDD) == 0x11223344AABBCCDDULL);
    a = classify("66 8b 02", M64);
    assert_true(mmio_load_result(&a, old, 0xBEEF) == 0x112233445566BEEFULL);
    a = classify("8a 02", M64);
    assert_true(mmio_load_result(&a, old, 0xAB) == 0x11223344556677ABULL);
    a = classify("8a 62 01", M64); /* %ah */
    assert_true(mmio_load_result(&a, old, 0xAB) == 0x112233445566AB88ULL);
    a = classify("48 8b 02", M64);
    assert_true(mmio_load_result(&a, old, 0x8000000000000001ULL) == 0x8000000000000001ULL);
    a = classify("0f b6 02", M64);
    assert_true(mmio_load_result(&a, old, 0x80) == 0x80);
    a = classify("66 0f b6 02", M64);
    assert_true(mmio_load_result(&a, old, 0x80) == 0x1122334455660080ULL);
    a = classify("0f be 02", M64); /* sign to 32, then zero to 64 */
    assert_true(mmio_load_result(&a, old, 0x80) == 0xFFFFFF80ULL);
    a = classify("48 0f be 02", M64);
    assert_true(mmio_load_result(&a, old, 0x80) == 0xFFFFFFFFFFFFFF80ULL);
    a = classify("66 0f be 02", M64);
    assert_true(mmio_load_result(&a, old, 0x80) == 0x112233445566FF80ULL);
    a = classify("48 0f bf 02", M64);
    assert_true(mmio_load_result(&a, old, 0x7FFF) == 0x7FFF);
    a = classify("48 63 02", M64);
    assert_true(mmio_load_result(&a, old, 0x80000000) == 0xFFFFFFFF80000000ULL);
    a = classify("63 02", M64);
    assert_true(mmio_load_result(&a, old, 0x80000000) == 0x80000000ULL);
    a = classify("0f b7 40 04", M64); /* data wider than the access is cut */
    assert_true(mmio_load_result(&a, old, 0xFFFF1234) == 0x1234);
    a = classify("87 02", M64); /* xchg: old value into %eax */
    assert_true(mmio_store_value(&a, old) == 0x55667788);
    assert_true(mmio_load_result(&a, old, 0xCAFEF00D) == 0xCAFEF00DULL);
    a = classify("86 22", M64); /* xchg %ah */
    assert_true(mmio_store_value(&a, old) == 0x77);
    assert_true(mmio_load_result(&a, old, 0x12) == 0x1122334455661288ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_cases),
        cmocka_unit_test(test_rex_cases),
        cmocka_unit_test(test_mode_cases),
        cmocka_unit_test(test_modrm_cases),
        cmocka_unit_test(test_addr16_cases),
        cmocka_unit_test(test_imm_cases),
        cmocka_unit_test(test_map_cases),
        cmocka_unit_test(test_vex_cases),
        cmocka_unit_test(test_exit_cases),
        cmocka_unit_test(test_mmio_len_cases),
        cmocka_unit_test(test_per_mode),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_operand_address_size),
        cmocka_unit_test(test_prefix_fields),
        cmocka_unit_test(test_modrm_fields),
        cmocka_unit_test(test_imm_fields),
        cmocka_unit_test(test_vex_fields),
        cmocka_unit_test(test_mmio_classification),
        cmocka_unit_test(test_mmio_rejects),
        cmocka_unit_test(test_mmio_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
