// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmwp as the child's boot loader (see boot.h): the bzImage checks, the
 * zero page, the boot GDT and page tables and the entry state come from
 * hv/linux_boot.c, which also boots the parent partition; this file decides
 * where things go in the child's memory and writes them there.
 */
#include <stdio.h>
#include <string.h>

#include <hv/abi.h>

#include "acpi_tables.h"
#include "boot.h"

#define PAGE_SIZE 0x1000ULL

/* Descriptor bits 40-47 and 52-55 as the VMCB packs segment attributes,
 * with the accessed bit set, as it is once the CPU has loaded a segment
 * (and as VT-x insists for usable segments). */
#define SEG_TYPE_ACCESSED 0x1
static uint16_t descriptor_attributes(uint64_t desc)
{
    return (uint16_t)(((desc >> 40) & 0xFF) | (((desc >> 52) & 0xF) << 8) | SEG_TYPE_ACCESSED);
}

/* TR and LDTR as after reset: present, busy TSS / LDT, base 0, limit 0xFFFF. */
#define SEG_ATTR_TSS_BUSY 0x008B
#define SEG_ATTR_LDT      0x0082

static size_t add_e820(struct e820_entry *out, size_t n, uint64_t start, uint64_t end,
                       uint32_t type)
{
    if (end <= start)
        return n;
    out[n].addr = start;
    out[n].size = end - start;
    out[n].type = type;
    return n + 1;
}

size_t boot_build_e820(const struct guest_memory *gm, uint64_t acpi_gpa, uint64_t acpi_size,
                       struct e820_entry *out)
{
    size_t n = 0;

    /* Page 0 holds the real-mode IVT on a PC: Linux never uses it. */
    n = add_e820(out, n, 0, PAGE_SIZE, E820_RESERVED);
    n = add_e820(out, n, PAGE_SIZE, BOOT_LEGACY_HOLE, E820_RAM);
    n = add_e820(out, n, BOOT_LEGACY_HOLE, acpi_gpa, E820_RESERVED);
    n = add_e820(out, n, acpi_gpa, acpi_gpa + acpi_size, E820_ACPI);
    n = add_e820(out, n, acpi_gpa + acpi_size, BOOT_HIGH_MEMORY, E820_RESERVED);
    n = add_e820(out, n, BOOT_HIGH_MEMORY, gm->low_size, E820_RAM);
    if (gm->high_size)
        n = add_e820(out, n, GUEST_HIGH_RAM_BASE, GUEST_HIGH_RAM_BASE + gm->high_size, E820_RAM);
    return n;
}

/* The initrd at the top of the low bank, below the kernel's limit, page
 * aligned; 0 if it does not fit above 1 MiB. */
static uint64_t place_initrd(const struct guest_memory *gm, const struct bzimage_info *k,
                             uint64_t size)
{
    uint64_t limit = (uint64_t)k->initrd_addr_max + 1, addr;

    if (limit > gm->low_size)
        limit = gm->low_size;
    if (size > limit || limit - size < BOOT_HIGH_MEMORY)
        return 0;
    addr = (limit - size) & ~(PAGE_SIZE - 1);
    return addr >= BOOT_HIGH_MEMORY ? addr : 0;
}

static int write_acpi(const struct guest_memory *gm, const struct boot_inputs *in,
                      struct boot_plan *plan, char *err, size_t errlen)
{
    struct child_acpi_config cfg = {
        .ncpus = in->cpus,
        .base_gpa = BOOT_ACPI_GPA,
        .pm_base_port = BOOT_PM_BASE_PORT,
        .reset_port = BOOT_RESET_PORT,
        /* The RTC is emulated; there is no 8259 (so no PCAT_COMPAT: Linux
         * finds no PIC and does without) and no 8042 beyond its reset
         * command.  VMBus is served by vmbus_host.c. */
        .flags = ACPI_CHILD_F_RTC | ACPI_CHILD_F_VMBUS,
    };
    void *buf = guest_memory_ptr(gm, BOOT_ACPI_GPA, ACPI_CHILD_TABLES_SIZE);
    char msg[160];

    if (!buf) {
        snprintf(err, errlen, "ACPI tables: guest memory not mapped");
        return -1;
    }
    if (child_acpi_build(&cfg, buf, ACPI_CHILD_TABLES_SIZE, &plan->acpi_used, &plan->rsdp_gpa, msg,
                         sizeof(msg))) {
        snprintf(err, errlen, "ACPI tables: %s", msg);
        return -1;
    }
    return 0;
}

int boot_setup(const struct guest_memory *gm, const struct boot_inputs *in, struct boot_plan *plan,
               char *err, size_t errlen)
{
    size_t cmdline_len = strlen(in->cmdline);
    size_t pt_size = linux_boot_page_tables_size(BOOT_PAGE_TABLES_TOP);
    struct mem_avoid avoid[1];
    size_t navoid = 0;
    uint64_t cr3;
    uint8_t *dst;
    char msg[200];

    memset(plan, 0, sizeof(*plan));
    if (gm->low_size < GUEST_MEMORY_MIN) {
        snprintf(err, errlen, "boot: less than %llu MiB of low memory",
                 (unsigned long long)(GUEST_MEMORY_MIN >> 20));
        return -1;
    }
    if (bzimage_parse(in->kernel, in->kernel_size, &plan->kernel, msg, sizeof(msg))) {
        snprintf(err, errlen, "kernel: %s", msg);
        return -1;
    }
    /* The kernel's own limit first: the message that helps most. */
    if (cmdline_len > plan->kernel.cmdline_size) {
        snprintf(err, errlen, "cmdline: %zu bytes, the kernel takes at most %u", cmdline_len,
                 plan->kernel.cmdline_size);
        return -1;
    }
    if (cmdline_len >= BOOT_CMDLINE_MAX) {
        snprintf(err, errlen, "cmdline: %zu bytes, at most %llu", cmdline_len,
                 (unsigned long long)BOOT_CMDLINE_MAX - 1);
        return -1;
    }
    plan->e820_count = boot_build_e820(gm, BOOT_ACPI_GPA, ACPI_CHILD_TABLES_SIZE, plan->e820);

    if (in->initrd_size) {
        plan->initrd_gpa = place_initrd(gm, &plan->kernel, in->initrd_size);
        if (!plan->initrd_gpa) {
            snprintf(err, errlen,
                     "initrd: %llu bytes do not fit below %llu MiB (the kernel's limit or the "
                     "VM's low memory)",
                     (unsigned long long)in->initrd_size,
                     (unsigned long long)(((uint64_t)plan->kernel.initrd_addr_max + 1 < gm->low_size
                                               ? (uint64_t)plan->kernel.initrd_addr_max + 1
                                               : gm->low_size) >>
                                          20));
            return -1;
        }
        avoid[navoid++] = (struct mem_avoid){plan->initrd_gpa, in->initrd_size};
    }
    /* Only the low entries: everything stays below 4 GiB, inside the boot
     * page tables, even for a kernel that could go higher. */
    if (linux_choose_load_addr(&plan->kernel, plan->e820,
                               plan->e820_count - (gm->high_size ? 1 : 0), avoid, navoid,
                               &plan->kernel_gpa)) {
        snprintf(err, errlen, "kernel: its %u MiB (init_size) do not fit in the VM's memory%s",
                 (unsigned)(plan->kernel.init_size >> 20),
                 in->initrd_size ? " next to the initrd" : "");
        return -1;
    }

    dst = guest_memory_ptr(gm, plan->kernel_gpa, plan->kernel.init_size);
    if (!dst) {
        snprintf(err, errlen, "kernel: load address 0x%llx is not RAM",
                 (unsigned long long)plan->kernel_gpa);
        return -1;
    }
    memcpy(dst, in->kernel + plan->kernel.kernel_offset, plan->kernel.kernel_size);

    dst = guest_memory_ptr(gm, BOOT_CMDLINE_GPA, cmdline_len + 1);
    if (!dst) {
        snprintf(err, errlen, "cmdline: guest memory not mapped");
        return -1;
    }
    memcpy(dst, in->cmdline, cmdline_len + 1);

    if (write_acpi(gm, in, plan, err, errlen))
        return -1;

    {
        struct linux_boot_params_in zp = {
            .kernel_file = in->kernel,
            .k = &plan->kernel,
            .cmdline_pa = BOOT_CMDLINE_GPA,
            .cmdline_len = (uint32_t)cmdline_len,
            .initrd_pa = plan->initrd_gpa,
            .initrd_size = in->initrd_size,
            .acpi_rsdp = plan->rsdp_gpa,
            .e820 = plan->e820,
            .e820_count = plan->e820_count,
        };
        void *page = guest_memory_ptr(gm, BOOT_ZERO_PAGE_GPA, LINUX_ZERO_PAGE_SIZE);

        if (!page || linux_build_zero_page(page, &zp, msg, sizeof(msg))) {
            snprintf(err, errlen, "%s", page ? msg : "zero page: guest memory not mapped");
            return -1;
        }
    }

    dst = guest_memory_ptr(gm, BOOT_GDT_GPA, LINUX_BOOT_GDT_SIZE);
    if (!dst) {
        snprintf(err, errlen, "boot GDT: guest memory not mapped");
        return -1;
    }
    linux_build_boot_gdt(dst);

    dst = guest_memory_ptr(gm, BOOT_PAGE_TABLES_GPA, BOOT_PAGE_TABLES_MAX);
    if (!dst || pt_size > BOOT_PAGE_TABLES_MAX ||
        linux_build_boot_page_tables(dst, BOOT_PAGE_TABLES_GPA, BOOT_PAGE_TABLES_MAX,
                                     BOOT_PAGE_TABLES_TOP, &cr3)) {
        snprintf(err, errlen, "boot page tables: cannot be built");
        return -1;
    }

    linux_entry_state(plan->kernel_gpa, BOOT_ZERO_PAGE_GPA, cr3, BOOT_GDT_GPA, &plan->entry);
    return 0;
}

static void reg64(struct vid_register *r, uint32_t name, uint64_t value)
{
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->value[0] = value;
}

static void reg_value(struct vid_register *r, uint32_t name, const union hv_register_value *v)
{
    _Static_assert(sizeof(*v) == sizeof(r->value), "hv_register_value is 16 bytes");
    memset(r, 0, sizeof(*r));
    r->name = name;
    memcpy(r->value, v, sizeof(r->value));
}

static void reg_segment(struct vid_register *r, uint32_t name, uint16_t selector, uint32_t limit,
                        uint16_t attributes)
{
    union hv_register_value v;

    memset(&v, 0, sizeof(v));
    v.segment.base = 0;
    v.segment.limit = limit;
    v.segment.selector = selector;
    v.segment.attributes = attributes;
    reg_value(r, name, &v);
}

static void reg_table(struct vid_register *r, uint32_t name, uint64_t base, uint16_t limit)
{
    union hv_register_value v;

    memset(&v, 0, sizeof(v));
    v.table.base = base;
    v.table.limit = limit;
    reg_value(r, name, &v);
}

unsigned boot_vp0_registers(const struct linux_entry_state *st, struct vid_register *regs)
{
    uint16_t code = descriptor_attributes(LINUX_BOOT_GDT_CODE);
    uint16_t data = descriptor_attributes(LINUX_BOOT_GDT_DATA);
    unsigned n = 0;

    /* Long mode first (EFER, CR4.PAE, CR3), then paging on: the order a CPU
     * would need, should the hypervisor check each write on its own. */
    reg64(&regs[n++], HV_X64_REGISTER_EFER, st->efer);
    reg64(&regs[n++], HV_X64_REGISTER_CR4, st->cr4);
    reg64(&regs[n++], HV_X64_REGISTER_CR3, st->cr3);
    reg64(&regs[n++], HV_X64_REGISTER_CR0, st->cr0);
    /* The boot GDT's flat 4 GiB descriptors (limit 0xFFFFF pages). */
    reg_segment(&regs[n++], HV_X64_REGISTER_CS, st->cs, 0xFFFFFFFF, code);
    reg_segment(&regs[n++], HV_X64_REGISTER_DS, st->ds, 0xFFFFFFFF, data);
    reg_segment(&regs[n++], HV_X64_REGISTER_ES, st->es, 0xFFFFFFFF, data);
    reg_segment(&regs[n++], HV_X64_REGISTER_SS, st->ss, 0xFFFFFFFF, data);
    reg_segment(&regs[n++], HV_X64_REGISTER_FS, st->ds, 0xFFFFFFFF, data);
    reg_segment(&regs[n++], HV_X64_REGISTER_GS, st->ds, 0xFFFFFFFF, data);
    reg_segment(&regs[n++], HV_X64_REGISTER_TR, 0, 0xFFFF, SEG_ATTR_TSS_BUSY);
    reg_segment(&regs[n++], HV_X64_REGISTER_LDTR, 0, 0xFFFF, SEG_ATTR_LDT);
    reg_table(&regs[n++], HV_X64_REGISTER_GDTR, st->gdt_base, st->gdt_limit);
    /* No IDT: interrupts are off until the kernel loads its own. */
    reg_table(&regs[n++], HV_X64_REGISTER_IDTR, 0, 0);
    reg64(&regs[n++], HV_X64_REGISTER_RFLAGS, st->rflags);
    reg64(&regs[n++], HV_X64_REGISTER_RSP, 0);
    reg64(&regs[n++], HV_X64_REGISTER_RBP, 0);
    reg64(&regs[n++], HV_X64_REGISTER_RDI, 0);
    reg64(&regs[n++], HV_X64_REGISTER_RSI, st->rsi);
    reg64(&regs[n++], HV_X64_REGISTER_RIP, st->rip);
    return n;
}
