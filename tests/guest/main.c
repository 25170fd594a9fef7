// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtest: read the command line from the zero page, run the one test it
 * names, print one result line on COM1 and power off (README.md).
 */
#include "hvtest.h"

/* Zero page (struct boot_params) offsets, as hv/linux_boot.c writes them. */
#define ZP_EXT_CMD_LINE_PTR 0x0c8
#define ZP_E820_ENTRIES     0x1e8
#define ZP_CMD_LINE_PTR     0x228
#define ZP_E820_TABLE       0x2d0
#define E820_ENTRY_SIZE     20
#define E820_MAX_ENTRIES    128
#define E820_RAM            1

#define CMDLINE_MAX   4095 /* cmdline_size in head.S */
#define PROBE_MAX     32   /* addresses on the command line */
#define PROBE_PATTERN 0x5A5A5A5A5A5A5A5AUL
#define ALL_ONES      0xFFFFFFFFFFFFFFFFUL
/* vmwp's boot page tables, which we run on until the probe test's own. */
#define LOADER_MAP_TOP 0x100000000ULL
/* A 4-level identity map reaches the canonical lower half only. */
#define IDENTITY_TOP (1ULL << 47)

_Noreturn void hvtest_main(const uint8_t *zero_page);
void hvtest_exception(struct exception_frame *f);

static char cmdline[CMDLINE_MAX + 1];
static uint64_t ram_top;      /* end of the highest e820 RAM entry */
static const char *test_name; /* for an exception's result line */
static bool finishing;        /* the result line is on its way */

/* ---- the end ---------------------------------------------------------------------- */

_Noreturn static void power_off(void)
{
    /* S5 through PM1a_CNT, as the child's \_S5 and FADT say.  If vmwp does
     * not stop us, stop here. */
    outw(PM1A_CNT_PORT, PM1_SLP_TYP_S5 | PM1_SLP_EN);
    halt_forever();
}

static void vsay(const char *fmt, va_list ap)
{
    static char line[512];
    const size_t n = sizeof("hvtest: ") - 1;

    __builtin_memcpy(line, "hvtest: ", n);
    fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    uart_puts(line);
    uart_puts("\n");
}

void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

_Noreturn void finish(const char *fmt, ...)
{
    va_list ap;

    finishing = true;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    power_off();
}

/* ---- exceptions ------------------------------------------------------------------- */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type; /* present, DPL 0, 64-bit interrupt gate */
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct table_register {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static struct idt_gate idt[32] __attribute__((aligned(16)));

static void load_idt(const void *base, uint16_t limit)
{
    struct table_register r = {limit, (uint64_t)(uintptr_t)base};

    __asm__ volatile("lidt %0" : : "m"(r));
}

/* Every exception but an expected one (hvtest_exception) becomes a FAIL
 * line: an unexpected #PF, #GP or #UD (a hypercall the hypervisor does not
 * take) says more than a triple fault. */
static void idt_init(void)
{
    uint16_t cs;

    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    for (unsigned i = 0; i < 32; i++) {
        uint64_t a = exception_stubs[i];

        idt[i] = (struct idt_gate){(uint16_t)a,         cs, 0, 0x8E, (uint16_t)(a >> 16),
                                   (uint32_t)(a >> 32), 0};
    }
    load_idt(idt, sizeof(idt) - 1);
}

static const char *const exception_names[32] = {
    [0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",  [4] = "#OF",  [5] = "#BR",
    [6] = "#UD",  [7] = "#NM",  [8] = "#DF",  [10] = "#TS", [11] = "#NP", [12] = "#SS",
    [13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
    [20] = "#VE", [21] = "#CP", [29] = "#VC", [30] = "#SX",
};

const char *exception_name(int vector)
{
    if (vector == NO_FAULT)
        return "none";
    if (vector < 0 || vector >= 32 || !exception_names[vector])
        return "a reserved vector";
    return exception_names[vector];
}

volatile struct fault last_fault = {.vector = NO_FAULT};

/* The entries that head.S and the EXTABLE_ENTRY users put in .extable. */
struct extable_entry {
    uint64_t insn, fixup;
};

extern const struct extable_entry __extable_start[], __extable_end[];

/* Where to resume after an exception at @rip, or 0 if it was not expected. */
static uint64_t fixup_for(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

/*
 * Called by head.S's stubs, on the stack the exception came in on.  An
 * exception at an instruction that may fault (.extable) is recorded in
 * last_fault and the instruction's fixup runs next: this returns, and
 * head.S restores the registers and IRETs there.  Any other is a FAIL.
 */
void hvtest_exception(struct exception_frame *f)
{
    static bool nested;
    uint64_t fixup = finishing ? 0 : fixup_for(f->rip);
    const char *name;

    if (fixup) {
        last_fault.vector = (int)f->vector;
        last_fault.error = f->error;
        last_fault.rip = f->rip;
        last_fault.cs = f->cs;
        f->rip = fixup;
        /* From ring 3 (head.S user_vmmcall): back to ring 0, on the stack
         * user_vmmcall left. */
        if (f->cs & 3) {
            f->cs = CODE_SEL;
            f->ss = DATA_SEL;
            f->rsp = user_return_rsp;
        }
        return;
    }
    /* One result line at most: an exception while reporting stays silent. */
    if (nested || finishing)
        halt_forever();
    nested = true;
    name = f->vector < 32 ? exception_names[f->vector] : NULL;
    finish("%s%sFAIL: exception %s (vector %lu) at rip 0x%lx, error code 0x%lx, cr2 0x%lx",
           test_name ? test_name : "", test_name ? " " : "", name ? name : "reserved", f->vector,
           f->rip, f->error, read_cr2());
}

/* ---- the zero page and the command line ---------------------------------------------- */

/* @n little-endian bytes at @p, any alignment. */
static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    while (n--)
        v = v << 8 | p[n];
    return v;
}

static void read_zero_page(const uint8_t *zp)
{
    uint64_t ptr = get_le(zp + ZP_CMD_LINE_PTR, 4) | get_le(zp + ZP_EXT_CMD_LINE_PTR, 4) << 32;
    unsigned entries = zp[ZP_E820_ENTRIES];

    /* Copied now: the probe test later runs on page tables of its own,
     * which do not map where the loader left things. */
    if (ptr && ptr < LOADER_MAP_TOP - sizeof(cmdline)) {
        const char *src = (const char *)(uintptr_t)ptr;

        for (size_t i = 0; i < CMDLINE_MAX && src[i]; i++)
            cmdline[i] = src[i];
    }
    if (entries > E820_MAX_ENTRIES)
        entries = E820_MAX_ENTRIES;
    for (unsigned i = 0; i < entries; i++) {
        const uint8_t *e = zp + ZP_E820_TABLE + i * E820_ENTRY_SIZE;
        uint64_t addr = get_le(e, 8), size = get_le(e + 8, 8);

        if (get_le(e + 16, 4) == E820_RAM && addr + size > ram_top)
            ram_top = addr + size;
    }
}

/* The value of the last "@key=" word on the command line and its length;
 * NULL if there is none. */
static const char *option(const char *key, size_t *len)
{
    size_t klen = str_len(key);
    const char *found = NULL;

    for (const char *w = cmdline; *w;) {
        size_t n = 0;

        if (*w == ' ') {
            w++;
            continue;
        }
        while (w[n] && w[n] != ' ')
            n++;
        if (n > klen && w[klen] == '=' && str_is(w, klen, key)) {
            found = w + klen + 1;
            *len = n - klen - 1;
        }
        w += n;
    }
    return found;
}

/* @n bytes at @s, NUL-terminated in @buf (cut to fit), for a message. */
static const char *quote(const char *s, size_t n, char *buf, size_t size)
{
    size_t i;

    for (i = 0; i < n && i + 1 < size; i++)
        buf[i] = s[i];
    buf[i] = '\0';
    return buf;
}

/* ---- probe: unclaimed guest-physical addresses --------------------------------------- */

/* Plain MOV loads and stores, one instruction each: the only MMIO accesses
 * vmwp's decoder must emulate (and what a device driver does). */
static uint64_t mmio_read(uint64_t addr, unsigned size)
{
    volatile void *p = (volatile void *)(uintptr_t)addr;
    uint64_t v = 0;
    uint32_t v32;
    uint16_t v16;
    uint8_t v8;

    switch (size) {
    case 1:
        __asm__ volatile("movb (%1), %0" : "=q"(v8) : "r"(p) : "memory");
        v = v8;
        break;
    case 2:
        __asm__ volatile("movw (%1), %0" : "=r"(v16) : "r"(p) : "memory");
        v = v16;
        break;
    case 4:
        __asm__ volatile("movl (%1), %0" : "=r"(v32) : "r"(p) : "memory");
        v = v32;
        break;
    default:
        __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(p) : "memory");
        break;
    }
    return v;
}

static void mmio_write(uint64_t addr, unsigned size, uint64_t v)
{
    volatile void *p = (volatile void *)(uintptr_t)addr;

    switch (size) {
    case 1:
        __asm__ volatile("movb %0, (%1)" : : "q"((uint8_t)v), "r"(p) : "memory");
        break;
    case 2:
        __asm__ volatile("movw %0, (%1)" : : "r"((uint16_t)v), "r"(p) : "memory");
        break;
    case 4:
        __asm__ volatile("movl %0, (%1)" : : "r"((uint32_t)v), "r"(p) : "memory");
        break;
    default:
        __asm__ volatile("movq %0, (%1)" : : "r"(v), "r"(p) : "memory");
        break;
    }
}

static uint64_t ones(unsigned size)
{
    return size == 8 ? ALL_ONES : (1ULL << (8 * size)) - 1;
}

static const unsigned access_sizes[] = {8, 4, 2, 1};

static void probe_one(uint64_t addr)
{
    uint64_t v;

    for (unsigned i = 0; i < 4; i++) {
        unsigned size = access_sizes[i];

        v = mmio_read(addr, size);
        if (v != ones(size))
            finish("probe FAIL: %u-byte read at 0x%lx returned 0x%lx, expected 0x%lx", size, addr,
                   v, ones(size));
    }
    for (unsigned i = 0; i < 4; i++) {
        unsigned size = access_sizes[i];

        mmio_write(addr, size, PROBE_PATTERN);
        v = mmio_read(addr, 8);
        if (v != ALL_ONES)
            finish("probe FAIL: 8-byte read at 0x%lx after a %u-byte write of 0x%lx returned "
                   "0x%lx, expected 0x%lx (write not dropped)",
                   addr, size, PROBE_PATTERN & ones(size), v, ALL_ONES);
    }
}

/* Our RAM works: what is written to a page of .bss reads back. */
static void check_ram(void)
{
    static volatile uint64_t page[512] __attribute__((aligned(4096)));

    /* A different value in each word: a page that reads back one constant
     * (all-ones, say) does not pass. */
    for (unsigned i = 0; i < 512; i++)
        page[i] = PROBE_PATTERN ^ (uintptr_t)&page[i];
    for (unsigned i = 0; i < 512; i++) {
        uint64_t a = (uint64_t)(uintptr_t)&page[i], v = page[i];

        if (v != (PROBE_PATTERN ^ a))
            finish("probe FAIL: RAM at 0x%lx read 0x%lx after a write of 0x%lx", a, v,
                   PROBE_PATTERN ^ a);
    }
}

/* The CPU's physical address width: a page-table entry may not name an
 * address at or above it. */
static unsigned phys_addr_bits(void)
{
    uint32_t a, b, c, d;

    cpuid(0x80000000, &a, &b, &c, &d);
    if (a < 0x80000008)
        return 36;
    cpuid(0x80000008, &a, &b, &c, &d);
    return a & 0xFF;
}

_Noreturn static void test_probe(void)
{
    uint64_t addrs[PROBE_MAX + 1], limit;
    unsigned n = 0, bits = phys_addr_bits();
    size_t len = 0;
    const char *list = option("probe", &len);
    char buf[64];

    for (size_t at = 0; list && len && at <= len;) {
        size_t end = at;

        while (end < len && list[end] != ',')
            end++;
        if (n == PROBE_MAX)
            finish("probe FAIL: more than %u addresses in probe=", PROBE_MAX);
        if (parse_hex(list + at, end - at, &addrs[n]))
            finish("probe FAIL: bad address '%s' in probe= (0x and 1 to 16 hex digits)",
                   quote(list + at, end - at, buf, sizeof(buf)));
        n++;
        at = end + 1;
    }
    if (!ram_top)
        finish("probe FAIL: no RAM in the e820 table");
    /* The first page past our RAM: nothing is there. */
    addrs[n++] = (ram_top + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

    limit = bits < 47 ? 1ULL << bits : IDENTITY_TOP;
    if (paging_init(((uint64_t)(uintptr_t)_image_end + SZ_2M - 1) & ~(SZ_2M - 1), false))
        finish("probe FAIL: page-table pool too small for the image");
    check_ram();
    for (unsigned i = 0; i < n; i++) {
        /* Caught here, or it would be a #PF (reserved bit) or #GP (not
         * canonical) on the access: the hypervisor never sees it. */
        if (addrs[i] > limit - 8 && bits < 47)
            finish("probe FAIL: address 0x%lx is beyond the CPU's %u-bit physical addresses "
                   "(CPUID 0x80000008)",
                   addrs[i], bits);
        if (addrs[i] > limit - 8)
            finish("probe FAIL: address 0x%lx is at or above 2^47, beyond a 4-level identity map",
                   addrs[i]);
        if (paging_map_uc(addrs[i], 8))
            finish("probe FAIL: page-table pool exhausted at 0x%lx", addrs[i]);
        probe_one(addrs[i]);
    }
    finish("probe PASS: %u addresses read as all-ones, writes dropped", n);
}

/* ---- bench: the cost of an exit --------------------------------------------------- */

/* A hypercall with call code 0 (reserved: the hypervisor answers it with a
 * status, HV_STATUS_INVALID_HYPERCALL_CODE) and no parameters: the
 * round trip through the hypervisor and nothing else.  TLFS registers:
 * RCX input value, RDX input GPA, R8 output GPA; RAX the result.  Through
 * the hypercall page @page if there is one (Hyper-V's interface: VMMCALL
 * is #UD until it is enabled), else VMMCALL right here (KVM). */
static uint64_t null_hypercall(const void *page)
{
    register uint64_t r8 __asm__("r8") = 0;
    /* RCX is the TLFS call code (0: none); RAX is KVM's hypercall number
     * (0: none either), so that both hypervisors answer "unknown". */
    uint64_t rcx = 0, rdx = 0, rax = 0;

    if (page)
        __asm__ volatile("call *%[page]"
                         : "+a"(rax), "+c"(rcx), "+d"(rdx), "+r"(r8)
                         : [page] "r"(page)
                         : "cc", "memory");
    else
        __asm__ volatile("vmmcall" : "+a"(rax), "+c"(rcx), "+d"(rdx), "+r"(r8) : : "memory");
    return rax;
}

_Noreturn static void test_bench(void)
{
    size_t len = 0;
    const char *value = option("iterations", &len);
    uint64_t n, t0, t_call, t_out, status = 0;
    const void *page = NULL;
    char buf[32];

    if (!value || parse_dec(value, len, &n) || !n)
        finish("bench FAIL: iterations=N with N a positive decimal number needed (got '%s')",
               value ? quote(value, len, buf, sizeof(buf)) : "");
    if (hyperv_present()) {
        page = hyperv_enable_hypercalls();
        if (!page)
            finish("bench FAIL: the hypercall page did not enable (HYPERCALL MSR 0x%lx)",
                   rdmsr(HV_MSR_HYPERCALL));
    }
    t0 = rdtsc_ordered();
    for (uint64_t i = 0; i < n; i++)
        status = null_hypercall(page);
    t_call = rdtsc_ordered() - t0;
    /* An exit to vmwp: an OUT to a port no device claims is dropped. */
    t0 = rdtsc_ordered();
    for (uint64_t i = 0; i < n; i++)
        outb(NOOP_PORT, 0);
    t_out = rdtsc_ordered() - t0;
    finish("bench PASS: hypercall %lu iterations %lu tsc, out %lu iterations %lu tsc, "
           "last status 0x%04lx",
           n, t_call, n, t_out, status);
}

/* ---- triple-fault ----------------------------------------------------------------------- */

_Noreturn static void test_triple_fault(void)
{
    uart_puts("hvtest: triple-fault: faulting now\n");
    /* #UD finds no gate, nor does the #GP for that, nor the #DF: shutdown. */
    load_idt(NULL, 0);
    __asm__ volatile("ud2");
    /* Not reached on a CPU; a hypervisor that lets us on is wrong. */
    finish("triple-fault FAIL: still running after ud2 with an empty IDT");
}

/* ---- entry ---------------------------------------------------------------------------- */

_Noreturn void hvtest_main(const uint8_t *zero_page)
{
    size_t len = 0;
    const char *test;
    char buf[64];

    uart_init();
    idt_init();
    read_zero_page(zero_page);
    test = option("hvtest", &len);
    if (test && str_is(test, len, "hello")) {
        test_name = "hello";
        finish("hello PASS");
    }
    if (test && str_is(test, len, "probe")) {
        test_name = "probe";
        test_probe();
    }
    if (test && str_is(test, len, "bench")) {
        test_name = "bench";
        test_bench();
    }
    if (test && str_is(test, len, "hypercalls")) {
        test_name = "hypercalls";
        test_hypercalls(ram_top);
    }
    if (test && str_is(test, len, "storvsc")) {
        size_t blen = 0;
        const char *b = option("blocks", &blen);
        uint64_t blocks = 0;

        test_name = "storvsc";
        if (b && (parse_dec(b, blen, &blocks) || !blocks))
            finish("storvsc FAIL: blocks=N with N a positive decimal number needed (got '%s')",
                   quote(b, blen, buf, sizeof(buf)));
        test_storvsc(ram_top, blocks);
    }
    if (test && str_is(test, len, "storwrite")) {
        size_t rlen = 0;
        const char *r = option("round", &rlen);
        uint64_t round = 0;

        test_name = "storwrite";
        if (!r || parse_dec(r, rlen, &round))
            finish("storwrite FAIL: round=N with N a decimal number needed (got '%s')",
                   r ? quote(r, rlen, buf, sizeof(buf)) : "");
        test_storwrite(round);
    }
    if (test && str_is(test, len, "netvsc")) {
        struct netvsc_args a = {0};

        test_name = "netvsc";
        a.mac = option("mac", &a.mac_len);
        a.ip = option("ip", &a.ip_len);
        a.peer = option("peer", &a.peer_len);
        test_netvsc(ram_top, &a);
    }
    if (test && str_is(test, len, "triple-fault")) {
        test_name = "triple-fault";
        test_triple_fault();
    }
    finish("FAIL: unknown test '%s'", test ? quote(test, len, buf, sizeof(buf)) : "");
}
