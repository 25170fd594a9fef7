/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building the parent partition.
 *
 * Its NPT maps the whole physical address space 1:1, RAM and MMIO alike (the
 * parent owns the devices), except:
 *  - the hypervisor's memory and the AP trampoline: every page there maps a
 *    single read-only page of all ones, so a read sees 0xFF and a write
 *    faults and is dropped (parent_exits.c);
 *  - the local APIC page: read-only, so that writes to the interrupt command
 *    register can be checked (INIT and STARTUP must not reach a CPU).
 * VP0 enters the Linux kernel from the boot modules through the 64-bit boot
 * protocol; the other VPs wait for the parent's STARTUP IPIs.
 */
#include <stdio.h>
#include <string.h>

#include <arch/cpu.h>
#include <arch/svm_vp.h>
#include <hv/console.h>
#include <hv/heap.h>
#include <hv/hv.h>
#include <hv/linux_boot.h>
#include <hv/panic.h>
#include <hv/parent.h>

#define BOOT_CMDLINE_MAX 4096
#define MAX_PHYS_BITS    46 /* 64 TiB of guest-physical space; 1 GiB leaves keep it cheap */

struct partition parent;

static struct page_pool *pool;

static uint64_t slat_alloc(void *ctx)
{
    return heap_alloc_zeroed(ctx, 1);
}

static void slat_free(void *ctx, uint64_t pa)
{
    page_free(ctx, pa, 1);
}

static void *slat_to_virt(void *ctx, uint64_t pa)
{
    (void)ctx;
    return (void *)pa;
}

static unsigned phys_bits(void)
{
    uint32_t a, b, c, d;

    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000008)
        return 36;
    cpuid(0x80000008, 0, &a, &b, &c, &d);
    return (a & 0xFF) > MAX_PHYS_BITS ? MAX_PHYS_BITS : (a & 0xFF);
}

static void add_hole(uint64_t base, uint64_t size)
{
    if (parent.nholes == PARTITION_MAX_HOLES)
        panic("too many holes in the parent's memory");
    parent.holes[parent.nholes++] = (struct hole){base, base + size};
}

static void build_npt(uint64_t lapic_base)
{
    const struct slat_mm mm = {slat_alloc, slat_free, slat_to_virt, pool};
    uint64_t top = 1ULL << phys_bits();

    if (slat_init(&parent.slat, SLAT_NPT, &mm) ||
        slat_map(&parent.slat, 0, 0, top, SLAT_R | SLAT_W | SLAT_X))
        panic("out of memory building the parent's NPT");
    parent.dummy_page_pa = page_alloc(pool, 1, 1);
    if (!parent.dummy_page_pa)
        panic("out of memory");
    memset((void *)parent.dummy_page_pa, 0xFF, PAGE_SIZE);
    for (unsigned i = 0; i < parent.nholes; i++)
        for (uint64_t g = parent.holes[i].base; g < parent.holes[i].end; g += PAGE_SIZE)
            if (slat_map(&parent.slat, g, parent.dummy_page_pa, PAGE_SIZE, SLAT_R | SLAT_X))
                panic("out of memory punching holes in the parent's NPT");
    parent.lapic_gpa = lapic_base;
    if (slat_map(&parent.slat, lapic_base, lapic_base, PAGE_SIZE, SLAT_R | SLAT_UC))
        panic("out of memory protecting the parent's APIC page");
    printk("parent: NPT maps 0-%llu GiB 1:1 minus %u holes; APIC page 0x%llx write-checked\n",
           (unsigned long long)(top >> 30), parent.nholes, (unsigned long long)lapic_base);
}

/* Take @pages pages of usable RAM below 4 GiB, highest first, for the boot
 * structures, and make them reserved so that the parent keeps them. */
static uint64_t take_boot_pages(struct memmap *map, size_t pages)
{
    uint64_t size = pages * PAGE_SIZE;

    for (size_t i = map->count; i-- > 0;) {
        struct mem_range *r = &map->ranges[i];
        uint64_t end = r->end > (1ULL << 32) ? (1ULL << 32) : r->end;

        if (r->type != MEM_USABLE || end < r->base + size || end - size < (1ULL << 20))
            continue;
        uint64_t base = (end - size) & ~(PAGE_SIZE - 1);
        if (base < r->base || memmap_set_type(map, base, size, MEM_RESERVED))
            continue;
        memset((void *)base, 0, size);
        return base;
    }
    panic("no RAM below 4 GiB for the parent's boot pages");
}

static const struct handoff_module *find_module(const struct handoff_info *boot, const char *kind)
{
    for (size_t i = 0; i < boot->nmodules; i++)
        if (!strcmp(boot->modules[i].kind, kind))
            return &boot->modules[i];
    return NULL;
}

/* Load the kernel, write the zero page and friends; fill @st for VP0. */
static void prepare_linux(const struct handoff_info *boot, struct memmap *map,
                          struct linux_entry_state *st)
{
    static struct e820_entry e820[LINUX_E820_MAX_ENTRIES];
    const struct handoff_module *kmod = find_module(boot, HANDOFF_KIND_KERNEL);
    const struct handoff_module *imod = find_module(boot, HANDOFF_KIND_INITRD);
    struct bzimage_info k;
    char err[160];
    size_t pt_size = linux_boot_page_tables_size(1ULL << 32);
    size_t pt_pages = (pt_size + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t boot_pages, zero_page, cmdline, gdt, tables, load_addr, cr3;
    size_t n;
    int truncated = 0;

    if (!kmod)
        panic("no parent kernel: add kernel= to hv.cfg");
    if (bzimage_parse((const void *)kmod->base, kmod->size, &k, err, sizeof(err)))
        panic("parent kernel %s: %s", kmod->name, err);

    /* zero page, command line, GDT, page tables */
    boot_pages = take_boot_pages(map, 3 + pt_pages);
    zero_page = boot_pages;
    cmdline = boot_pages + PAGE_SIZE;
    gdt = boot_pages + 2 * PAGE_SIZE;
    tables = boot_pages + 3 * PAGE_SIZE;

    int len = snprintf((char *)cmdline, BOOT_CMDLINE_MAX,
                       "%s hvcore.partition=parent hvcore.reserved=0x%llx,0x%llx",
                       kmod->cmdline ? kmod->cmdline : "", (unsigned long long)hv_self.base,
                       (unsigned long long)hv_self.size);
    if (len >= BOOT_CMDLINE_MAX || (uint32_t)len > k.cmdline_size)
        panic("parent kernel command line too long (%d bytes, the kernel takes %u)", len,
              k.cmdline_size);

    n = parent_e820_from_memmap(map, e820, LINUX_E820_MAX_ENTRIES, &truncated);
    if (truncated)
        panic("the parent's memory map has more than %d entries", LINUX_E820_MAX_ENTRIES);
    const struct mem_avoid avoid[] = {
        {kmod->base, kmod->size},
        {imod ? imod->base : 0, imod ? imod->size : 0},
        {boot_pages, (3 + pt_pages) * PAGE_SIZE},
    };
    if (linux_choose_load_addr(&k, e820, n, avoid, 3, &load_addr))
        panic("no room in the parent's RAM for the kernel (%u KiB)", k.init_size >> 10);
    memcpy((void *)load_addr, (const uint8_t *)kmod->base + k.kernel_offset, k.kernel_size);

    const struct linux_boot_params_in in = {
        .kernel_file = (const void *)kmod->base,
        .k = &k,
        .cmdline_pa = cmdline,
        .cmdline_len = (uint32_t)len,
        .initrd_pa = imod ? imod->base : 0,
        .initrd_size = imod ? imod->size : 0,
        .acpi_rsdp = boot->acpi_rsdp,
        .e820 = e820,
        .e820_count = n,
    };
    if (linux_build_zero_page((void *)zero_page, &in, err, sizeof(err)))
        panic("parent kernel %s: %s", kmod->name, err);
    linux_build_boot_gdt((void *)gdt);
    if (linux_build_boot_page_tables((void *)tables, tables, pt_size, 1ULL << 32, &cr3))
        panic("cannot build the parent's boot page tables");
    linux_entry_state(load_addr, zero_page, cr3, gdt, st);
    printk("parent: kernel %s (boot protocol %u.%02u) at 0x%llx, %llu KiB to run in; "
           "initrd %llu KiB; %zu e820 entries\n",
           kmod->name, k.protocol >> 8, k.protocol & 0xFF, (unsigned long long)load_addr,
           (unsigned long long)(k.init_size >> 10),
           (unsigned long long)(imod ? imod->size >> 10 : 0), n);
    printk("parent: command line: %s\n", (const char *)cmdline);
}

void parent_build(const struct handoff_info *boot, struct memmap *map, struct page_pool *heap,
                  uint64_t lapic_base)
{
    struct linux_entry_state st;

    pool = heap;
    add_hole(hv_self.base, hv_self.size);
    add_hole(boot->trampoline, PAGE_SIZE);
    build_npt(lapic_base);
    if (svm_partition_init(&parent, pool))
        panic("out of memory");

    parent.nvps = ncpus;
    for (unsigned i = 0; i < ncpus; i++) {
        struct vp *vp = (struct vp *)page_alloc(pool, 1, 1);

        if (!vp)
            panic("out of memory");
        memset(vp, 0, sizeof(*vp));
        vp->part = &parent;
        vp->index = i;
        vp->apic_id = cpus[i]->apic_id;
        vp->state = VP_OFF;
        if (svm_vp_init(vp, pool))
            panic("out of memory");
        parent.vps[i] = vp;
        cpus[i]->vp = vp;
    }

    /* A VMCB that is also some CPU's host save area gets that CPU's host
     * state written into it by VMRUN: check, and say where everything is. */
    for (unsigned i = 0; i < ncpus; i++) {
        printk("CPU %u: host save area 0x%llx, host state 0x%llx; VP%u VMCB 0x%llx\n", i,
               (unsigned long long)cpus[i]->hsave_pa, (unsigned long long)cpus[i]->host_vmcb_pa, i,
               (unsigned long long)(uint64_t)parent.vps[i]->vmcb);
        for (unsigned j = 0; j < ncpus; j++)
            if ((uint64_t)parent.vps[j]->vmcb == cpus[i]->hsave_pa ||
                (uint64_t)parent.vps[j]->vmcb == cpus[i]->host_vmcb_pa)
                panic("VP%u's VMCB 0x%llx is CPU %u's host save area", j,
                      (unsigned long long)(uint64_t)parent.vps[j]->vmcb, i);
    }

    prepare_linux(boot, map, &st);
    /* After prepare_linux: the parent's boot pages are no longer its RAM. */
    if (parent_hypercalls_init(pool, map))
        panic("out of memory for the page-ownership map");
    svm_vp_set_long_mode(parent.vps[0], &st);
    parent.vps[0]->state = VP_RUNNING;
}
