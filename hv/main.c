/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_main: the hypervisor takes over the machine from the loader.
 *
 * Own descriptor tables and console, read the handoff, take over the memory
 * map and account for every byte, switch to our own page tables, start every
 * CPU of the MADT with SVM enabled, build the parent partition and enter it
 * on this CPU; the other CPUs enter their parent VPs when the parent starts
 * them with INIT and STARTUP IPIs.
 */
#include <libfdt.h>
#include <stddef.h>

#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include <arch/smp.h>
#include <arch/svm_vp.h>
#include <arch/trap.h>
#include <arch/tsc.h>
#include <hv/acpi.h>
#include <hv/console.h>
#include <hv/handoff.h>
#include <hv/hv.h>
#include <hv/memmap.h>
#include <hv/options.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/parent.h>

#define MAX_MEM_RANGES 512
#define FOUR_GIB       (4ULL << 30)

struct hv_self hv_self;

/* A pattern only the hypervisor's memory holds: tests look for it from the
 * parent (through /dev/mem) to prove that memory is out of its reach. */
__attribute__((used)) volatile char hv_memory_marker[64] =
    "HVCORE-PRIVATE-MEMORY-MARKER-do-not-expect-to-see-this-outside";

static struct handoff_info boot;
static struct hv_options options;
static struct mem_range mem_ranges[MAX_MEM_RANGES];
static struct memmap memmap = {mem_ranges, 0, MAX_MEM_RANGES};
static struct page_pool heap;

extern char __image_start[], __image_end[];

static void read_handoff(void *handoff)
{
    char err[160];

    /* The blob's own header bounds it; the loader allocated at least that. */
    if (handoff_parse(handoff, fdt_totalsize(handoff), &boot, err, sizeof(err)))
        panic("%s", err);
    if (boot.hv_base != hv_self.base)
        panic("handoff says the hypervisor is at 0x%llx, it runs at 0x%llx",
              (unsigned long long)boot.hv_base, (unsigned long long)hv_self.base);
    hv_self.size = boot.hv_size;
    hv_self.image_size = boot.hv_image_size;
}

static void take_memory_map(void *handoff)
{
    int rc = memmap_from_efi(&memmap, boot.efi_map, boot.efi_map_size, boot.efi_desc_size);

    if (rc)
        panic("cannot read the firmware's memory map (error %d)", rc);
    /* Mark what is spoken for: a failure here means our own bookkeeping is
     * too small, not bad input. */
    rc = memmap_set_type(&memmap, hv_self.base, hv_self.size, MEM_HYPERVISOR);
    rc = rc ? rc : memmap_set_type(&memmap, boot.trampoline, PAGE_SIZE, MEM_TRAMPOLINE);
    rc = rc ? rc
            : memmap_set_type(&memmap, (uint64_t)handoff,
                              (fdt_totalsize(handoff) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
                              MEM_MODULE);
    for (size_t i = 0; !rc && i < boot.nmodules; i++)
        rc = memmap_set_type(&memmap, boot.modules[i].base,
                             (boot.modules[i].size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), MEM_MODULE);
    if (rc)
        panic("memory map bookkeeping failed (error %d)", rc);
}

static void print_memory_map(void)
{
    static const uint32_t types[] = {MEM_USABLE,     MEM_RESERVED, MEM_ACPI,
                                     MEM_NVS,        MEM_UNUSABLE, MEM_PMEM,
                                     MEM_HYPERVISOR, MEM_MODULE,   MEM_TRAMPOLINE};

    printk("memory map (%zu ranges from %u firmware descriptors of %u bytes):\n", memmap.count,
           boot.efi_map_size / boot.efi_desc_size, boot.efi_desc_size);
    for (size_t i = 0; i < memmap.count; i++)
        printk("  [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)memmap.ranges[i].base,
               (unsigned long long)memmap.ranges[i].end - 1,
               memmap_type_name(memmap.ranges[i].type));
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint64_t total = memmap_total(&memmap, types[i]);

        if (total)
            printk("memory total %s: %llu KiB\n", memmap_type_name(types[i]),
                   (unsigned long long)(total >> 10));
    }
}

static void print_modules(void)
{
    printk("loaded by %s; ACPI RSDP at 0x%llx; AP trampoline at 0x%llx\n", boot.loader,
           (unsigned long long)boot.acpi_rsdp, (unsigned long long)boot.trampoline);
    for (size_t i = 0; i < boot.nmodules; i++)
        printk("module %s: %s, %llu KiB at 0x%llx%s%s\n", boot.modules[i].kind,
               boot.modules[i].name, (unsigned long long)(boot.modules[i].size >> 10),
               (unsigned long long)boot.modules[i].base,
               boot.modules[i].cmdline ? ", cmdline: " : "",
               boot.modules[i].cmdline ? boot.modules[i].cmdline : "");
}

/* Heap = the hypervisor's memory after its image; map all of RAM and the
 * 32-bit MMIO window 1:1 and switch to our own tables. */
static void take_address_space(void)
{
    uint64_t heap_base = hv_self.base + ((hv_self.image_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    uint64_t top = FOUR_GIB, page_size, cr3;

    if (page_pool_init(&heap, heap_base, (void *)heap_base,
                       hv_self.base + hv_self.size - heap_base))
        panic("no room for the hypervisor heap");
    for (size_t i = 0; i < memmap.count; i++)
        if (memmap.ranges[i].end > top)
            top = memmap.ranges[i].end;
    cr3 = paging_build_identity(&heap, top, &page_size);
    if (!cr3)
        panic("out of memory building page tables for %llu GiB", (unsigned long long)(top >> 30));
    write_cr3(cr3);
    hv_self.cr3 = cr3;
    printk("page tables: 0-%llu GiB identity-mapped with %llu MiB pages; heap %zu KiB free\n",
           (unsigned long long)((top + (1ULL << 30) - 1) >> 30),
           (unsigned long long)(page_size >> 20), heap.free_frames * (size_t)(PAGE_SIZE >> 10));
}

/* Firmware tables are read where they are: everything is identity-mapped up
 * to the top of the memory map, and nothing above it is. */
static const void *acpi_map_phys(void *ctx, uint64_t pa, size_t len)
{
    uint64_t top = memmap.count ? memmap.ranges[memmap.count - 1].end : 0;

    (void)ctx;
    if (pa + len < pa || pa + len > top)
        return NULL;
    return (const void *)pa;
}

static void ap_main(struct percpu *cpu)
{
    char err[120];
    struct vp *vp;

    if (svm_cpu_init(cpu, &heap, err, sizeof(err))) {
        printk("CPU %u: %s\n", cpu->cpu_index, err);
        __atomic_store_n(&cpu->online, -1, __ATOMIC_RELEASE);
        return;
    }
    __atomic_store_n(&cpu->online, 1, __ATOMIC_RELEASE);
    /* Wait for the parent to start our VP with INIT and STARTUP. */
    while (!(vp = __atomic_load_n(&cpu->vp, __ATOMIC_ACQUIRE)) ||
           __atomic_load_n(&vp->state, __ATOMIC_ACQUIRE) != VP_STARTING)
        __asm__ volatile("pause");
    svm_vp_set_startup(vp, vp->sipi_vector);
    __atomic_store_n(&vp->state, VP_RUNNING, __ATOMIC_RELEASE);
    svm_vp_loop(cpu, vp);
}

/* Every CPU the MADT lists as enabled, each with SVM on. */
static uint64_t take_cpus(void)
{
    static struct acpi_madt_info madt;
    const struct acpi_mem mem = {acpi_map_phys, NULL};
    char err[120];

    if (!boot.acpi_rsdp)
        panic("no ACPI tables: cannot find the CPUs");
    if (acpi_parse_madt(&mem, boot.acpi_rsdp, &madt, err, sizeof(err)))
        panic("ACPI: %s", err);
    printk("TSC: %llu kHz\n", (unsigned long long)tsc_calibrate());
    lapic_init(madt.lapic_base);
    bsp_percpu.apic_id = lapic_id();
    if (svm_cpu_init(&bsp_percpu, &heap, err, sizeof(err)))
        panic("%s", err);
    bsp_percpu.online = 1;
    for (size_t i = 0; i < madt.ncpus; i++) {
        const struct acpi_cpu *c = &madt.cpus[i];
        struct percpu *cpu;

        if (!c->enabled || c->apic_id == bsp_percpu.apic_id)
            continue;
        cpu = smp_start_cpu(c->apic_id, boot.trampoline, &heap, ap_main);
        if (!cpu)
            printk("CPU with APIC id %u did not start\n", c->apic_id);
    }
    printk("%u of %zu CPUs online with AMD-V (NRIP save %s)%s\n", ncpus, madt.ncpus,
           svm_has_nrip() ? "present" : "absent: instruction lengths decoded",
           madt.truncated ? "; MADT lists more than we take" : "");
    return madt.lapic_base;
}

static void run_selftest(void)
{
    switch (options.selftest) {
    case SELFTEST_PANIC:
        panic("selftest=panic requested");
    case SELFTEST_UD:
        printk("selftest=ud: executing an invalid instruction\n");
        __asm__ volatile("ud2");
        break;
    case SELFTEST_NONE:
        break;
    }
}

void hv_main(void *handoff, uint64_t load_base)
{
    hv_self.base = load_base;
    hv_self.size = (uint64_t)(__image_end - __image_start);
    descriptors_init(&bsp_percpu);
    console_init(true);
    printk("%s %s starting (loaded at 0x%llx)\n", HV_NAME, HV_VERSION,
           (unsigned long long)load_base);

    read_handoff(handoff);
    if (hv_options_parse(boot.hv_options, &options))
        printk("ignored unknown options: %s\n", options.ignored);
    hv_self.debug_exit_port = options.debug_exit_port;
    hv_self.trace_exits = options.trace_exits;
    printk("command line: %s\n", boot.hv_options);
    if (!options.console) {
        printk("console=none: going quiet\n");
        console_init(false);
    }

    print_modules();
    take_memory_map(handoff);
    print_memory_map();
    take_address_space();
    run_selftest();
    uint64_t lapic_base = take_cpus();
    parent_build(&boot, &memmap, &heap, lapic_base);

    if (options.stop_before_parent) {
        printk("boot complete; stop=boot: not entering the parent partition\n");
        hv_exit(0);
    }
    printk("boot complete; entering the parent partition\n");
    svm_vp_loop(&bsp_percpu, parent.vps[0]);
}
