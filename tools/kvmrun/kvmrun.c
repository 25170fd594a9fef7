// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvmrun: boot a bzImage in a one-vCPU KVM virtual machine, the way vmwp
 * boots it in a child partition, so that `make bench` can run the same test
 * guest under both hypervisors (see README.md).
 *
 * The guest-physical layout, the zero page, the e820 map, the ACPI tables,
 * the boot GDT and page tables and the entry state all come from vmwp's
 * boot loader (tools/vmwp/boot.c on hv/linux_boot.c): both hypervisors then
 * start the guest from the same bytes.  What is KVM-specific is here: the
 * VM and vCPU, the registers in KVM's format, and a tiny platform in user
 * space (COM1 output, the ACPI PM block for power-off, all-ones elsewhere).
 *
 * No in-kernel irqchip is created: HLT then exits to user space (the
 * guest's way to say "done" when it cannot power off), and the guest has no
 * local APIC, I/O APIC or PIC.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "hvctl/size.h"
#include "vmwp/acpi_tables.h"
#include "vmwp/boot.h"
#include "vmwp/guest_memory.h"
#include "vmwp/pm_ports.h"
#include "vmwp/uart16550.h"

#define KVM_PATH          "/dev/kvm"
#define KVM_API_VERSION   12             /* the only stable one there has ever been */
#define KERNEL_FILE_MAX   (512ull << 20) /* as vmwp: far more than any bzImage */
#define DEFAULT_MEMORY    (64ull << 20)  /* GUEST_MEMORY_MIN: the least boot.c takes */
#define CPUID_ENTRIES_MAX 4096           /* give up growing the buffer past this */

/* Exit statuses (README.md). */
#define EXIT_GUEST_OFF  0 /* ACPI S5 or HLT */
#define EXIT_SETUP      1 /* bad usage, file or memory; no KVM; a setup ioctl failed */
#define EXIT_KVM_FAILED 2 /* KVM could not run the guest */
#define EXIT_TRIPLE     3 /* the guest triple-faulted */

/* COM1, the serial port the guest writes its output to. */
#define COM1_PORT ACPI_CHILD_COM1_PORT

#define POST_PORT 0x80 /* the "POST code" port the benchmark's OUT loop hits */

struct vm {
    struct guest_memory mem;
    int kvm_fd, vm_fd, vcpu_fd;
    struct kvm_run *run;   /* the vCPU's shared page(s) */
    struct pm_ports pm;    /* the ACPI PM block at BOOT_PM_BASE_PORT */
    struct uart16550 com1; /* vmwp's 16550 model; what it sends goes to stdout */
};

static void com1_tx(void *opaque, uint8_t byte)
{
    (void)opaque;
    putchar(byte);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: kvmrun [--memory SIZE] [--cmdline TEXT] KERNEL\n"
               "  --memory SIZE   guest RAM, a whole number of MiB, at least 64M "
               "(default 64M)\n"
               "  --cmdline TEXT  the kernel command line (default empty)\n");
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The whole kernel file in a malloc'ed buffer, or NULL after a message. */
static uint8_t *read_kernel(const char *path, size_t *size)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t done = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "kvmrun: %s: %s\n", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > KERNEL_FILE_MAX) {
        fprintf(stderr, "kvmrun: %s: not a regular file of 1 byte to %llu MiB\n", path,
                KERNEL_FILE_MAX >> 20);
        goto fail;
    }
    buf = malloc((size_t)st.st_size);
    if (!buf) {
        fprintf(stderr, "kvmrun: %s: out of memory\n", path);
        goto fail;
    }
    while (done < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "kvmrun: %s: %s\n", path,
                    n ? strerror(errno) : "shorter than stat said");
            goto fail;
        }
        done += (size_t)n;
    }
    close(fd);
    *size = done;
    return buf;
fail:
    free(buf);
    if (fd >= 0)
        close(fd);
    return NULL;
}

/*
 * Guest RAM on the host, laid out as vmwp lays out a child's (a low bank
 * below the 3 GiB MMIO hole, the rest from 4 GiB), and the boot loader's
 * work written into it.  Done before KVM is opened, so that every mistake
 * in the options or the kernel file is reported even where KVM is missing.
 */
static int load_guest(struct vm *vm, uint64_t memory, const char *memory_text,
                      const char *kernel_path, const char *cmdline, struct boot_plan *plan)
{
    struct boot_inputs in = {.cmdline = cmdline, .cpus = 1};
    char err[256];
    void *host;
    int rc;

    if (guest_memory_layout(&vm->mem, memory, err, sizeof(err))) {
        fprintf(stderr, "kvmrun: --memory %s: %s\n", memory_text, err);
        return -1;
    }
    in.kernel = read_kernel(kernel_path, &in.kernel_size);
    if (!in.kernel)
        return -1;
    /* Private and unreserved: KVM faults pages in as the guest touches them. */
    host = mmap(NULL, vm->mem.size, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        fprintf(stderr, "kvmrun: guest memory: mmap of %llu MiB: %s\n",
                (unsigned long long)(vm->mem.size >> 20), strerror(errno));
        free((void *)in.kernel);
        return -1;
    }
    vm->mem.host = host;
    rc = boot_setup(&vm->mem, &in, plan, err, sizeof(err));
    if (rc)
        fprintf(stderr, "kvmrun: %s: %s\n", kernel_path, err);
    /* boot_setup() copied what the guest needs out of the file. */
    free((void *)in.kernel);
    return rc;
}

/* A setup ioctl that failed: one message, and the setup exit status. */
static int setup_failed(const char *what)
{
    fprintf(stderr, "kvmrun: %s: %s\n", what, strerror(errno));
    return -1;
}

static int open_kvm(struct vm *vm)
{
    int version;

    vm->kvm_fd = open(KVM_PATH, O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0) {
        fprintf(stderr, "kvmrun: %s: %s (is kvm_amd loaded?)\n", KVM_PATH, strerror(errno));
        return -1;
    }
    version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        fprintf(stderr, "kvmrun: %s: KVM API version %d, kvmrun needs %d\n", KVM_PATH, version,
                KVM_API_VERSION);
        return -1;
    }
    return 0;
}

/* The VM, its RAM (the banks vmwp would map, one memory slot each) and
 * vCPU 0 with its shared kvm_run page. */
static int create_vm(struct vm *vm)
{
    struct guest_map_chunk chunks[GUEST_MAP_CHUNKS_MAX];
    size_t n = guest_memory_chunks(&vm->mem, chunks, GUEST_MAP_CHUNKS_MAX);
    int run_size;

    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        return setup_failed("KVM_CREATE_VM");
    for (size_t i = 0; i < n; i++) {
        struct kvm_userspace_memory_region r = {
            .slot = (uint32_t)i,
            .guest_phys_addr = chunks[i].gpa,
            .memory_size = chunks[i].size,
            .userspace_addr = (uint64_t)(uintptr_t)(vm->mem.host + chunks[i].host_offset),
        };

        if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) != 0)
            return setup_failed("KVM_SET_USER_MEMORY_REGION");
    }
    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0)
        return setup_failed("KVM_CREATE_VCPU");
    run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < (int)sizeof(struct kvm_run))
        return setup_failed("KVM_GET_VCPU_MMAP_SIZE");
    vm->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
    if (vm->run == MAP_FAILED)
        return setup_failed("mmap of the vCPU's kvm_run");
    return 0;
}

/* Everything KVM can offer the guest: a new vCPU's CPUID is empty, and KVM
 * refuses EFER.LME unless the guest's CPUID has long mode. */
static int set_cpuid(struct vm *vm)
{
    struct kvm_cpuid2 *cpuid = NULL;
    int rc;

    /* The buffer grows until the host's list fits (E2BIG until then). */
    for (uint32_t n = 64;; n *= 2) {
        free(cpuid);
        cpuid = n <= CPUID_ENTRIES_MAX ? calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]))
                                       : NULL;
        if (!cpuid) {
            fprintf(stderr, "kvmrun: KVM_GET_SUPPORTED_CPUID: no room for the host's list\n");
            return -1;
        }
        cpuid->nent = n;
        if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
            break;
        if (errno != E2BIG) {
            free(cpuid);
            return setup_failed("KVM_GET_SUPPORTED_CPUID");
        }
    }
    rc = ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid);
    free(cpuid);
    return rc ? setup_failed("KVM_SET_CPUID2") : 0;
}

/* A flat segment as KVM wants it, from the descriptor the boot code wrote
 * into the guest's GDT: the attributes then match that GDT by construction. */
static int segment_from_gdt(const struct vm *vm, const struct linux_entry_state *st,
                            uint16_t selector, struct kvm_segment *seg)
{
    const void *p = guest_memory_ptr(&vm->mem, st->gdt_base + (selector & ~7u), 8);
    uint64_t d;
    uint32_t limit;

    if (!p || (selector & ~7u) + 8u > (unsigned)st->gdt_limit + 1) {
        fprintf(stderr, "kvmrun: selector 0x%x is not in the boot GDT\n", selector);
        return -1;
    }
    memcpy(&d, p, sizeof(d));
    limit = (uint32_t)((d & 0xFFFF) | ((d >> 32) & 0xF0000));
    memset(seg, 0, sizeof(*seg));
    seg->base = ((d >> 16) & 0xFFFFFF) | (((d >> 56) & 0xFF) << 24);
    seg->g = (d >> 55) & 1;
    /* KVM takes the limit in bytes, as the CPU caches it. */
    seg->limit = seg->g ? (limit << 12) | 0xFFF : limit;
    seg->selector = selector;
    /* Accessed, as the CPU marks a segment it has loaded. */
    seg->type = ((d >> 40) & 0xF) | 1;
    seg->s = (d >> 44) & 1;
    seg->dpl = (d >> 45) & 3;
    seg->present = (d >> 47) & 1;
    seg->avl = (d >> 52) & 1;
    seg->l = (d >> 53) & 1;
    seg->db = (d >> 54) & 1;
    return 0;
}

/* vCPU 0 at the kernel's 64-bit entry, in the state boot.c decided. */
static int set_entry_state(struct vm *vm, const struct linux_entry_state *st)
{
    struct kvm_sregs sregs;
    struct kvm_regs regs;

    /* Start from the reset state: TR, LDTR and the APIC base stay as they
     * are after reset, as boot_vp0_registers() leaves them for vmwp. */
    if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) != 0)
        return setup_failed("KVM_GET_SREGS");
    if (segment_from_gdt(vm, st, st->cs, &sregs.cs) ||
        segment_from_gdt(vm, st, st->ds, &sregs.ds) ||
        segment_from_gdt(vm, st, st->es, &sregs.es) ||
        segment_from_gdt(vm, st, st->ss, &sregs.ss) ||
        segment_from_gdt(vm, st, st->ds, &sregs.fs) || segment_from_gdt(vm, st, st->ds, &sregs.gs))
        return -1;
    sregs.gdt.base = st->gdt_base;
    sregs.gdt.limit = st->gdt_limit;
    /* No IDT: interrupts are off until the guest loads its own. */
    sregs.idt.base = 0;
    sregs.idt.limit = 0;
    sregs.cr0 = st->cr0;
    sregs.cr3 = st->cr3;
    sregs.cr4 = st->cr4;
    sregs.efer = st->efer;
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) != 0)
        return setup_failed("KVM_SET_SREGS (64-bit entry state)");

    memset(&regs, 0, sizeof(regs));
    regs.rip = st->rip;
    regs.rsi = st->rsi;
    regs.rflags = st->rflags;
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) != 0)
        return setup_failed("KVM_SET_REGS");
    return 0;
}

/* An IN of @size bytes from @port. */
static uint32_t port_in(struct vm *vm, uint16_t port, unsigned size)
{
    if (port >= COM1_PORT && port < COM1_PORT + UART_REGS)
        return uart_read(&vm->com1, port - COM1_PORT);
    if (port >= BOOT_PM_BASE_PORT && port < BOOT_PM_BASE_PORT + ACPI_CHILD_PM_IO_LEN)
        return pm_read(&vm->pm, port - BOOT_PM_BASE_PORT, size, now_ns());
    /* Nothing there: a floating ISA bus. */
    return 0xFFFFFFFF;
}

/* An OUT of @size bytes of @value to @port; true when the guest powers off. */
static bool port_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
    if (port == POST_PORT) {
        /* The benchmark's OUT loop: the round trip to here is what it
         * measures, so nothing more is done (tested first, too). */
        return false;
    }
    if (port >= COM1_PORT && port < COM1_PORT + UART_REGS) {
        uart_write(&vm->com1, port - COM1_PORT, (uint8_t)value);
    } else if (port >= BOOT_PM_BASE_PORT && port < BOOT_PM_BASE_PORT + ACPI_CHILD_PM_IO_LEN) {
        /* The same PM block code as vmwp's, so that the same write of
         * SLP_TYP(S5) | SLP_EN to PM1a_CNT powers the guest off. */
        switch (pm_write(&vm->pm, port - BOOT_PM_BASE_PORT, size, value, now_ns())) {
        case PM_EVENT_POWER_OFF:
            return true;
        case PM_EVENT_SLEEP_REFUSED:
            fflush(stdout);
            fprintf(stderr, "kvmrun: the guest asked for a sleep state other than S5: ignored\n");
            break;
        case PM_EVENT_NONE:
            break;
        }
    }
    /* Writes to anything else go nowhere. */
    return false;
}

/* A KVM_EXIT_IO: @count accesses (a REP string instruction may batch them)
 * of io.size bytes each, in the data area of the kvm_run page. */
static bool handle_io(struct vm *vm)
{
    struct kvm_run *run = vm->run;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    unsigned size = run->io.size;

    for (uint32_t i = 0; i < run->io.count; i++, data += size) {
        uint32_t value = 0;

        if (run->io.direction == KVM_EXIT_IO_OUT) {
            memcpy(&value, data, size); /* x86: little-endian, low bytes first */
            if (port_out(vm, run->io.port, size, value))
                return true;
        } else {
            value = port_in(vm, run->io.port, size);
            memcpy(data, &value, size);
        }
    }
    return false;
}

/* The guest stopped on an error: the message (after the guest's own
 * output, which the reader sees first), where the guest was, and @status. */
static int __attribute__((format(printf, 3, 4)))
stopped(const struct vm *vm, int status, const char *fmt, ...)
{
    struct kvm_regs regs;
    va_list ap;

    fflush(stdout);
    fputs("kvmrun: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) == 0)
        fprintf(stderr, " at guest RIP 0x%llx", (unsigned long long)regs.rip);
    fputc('\n', stderr);
    return status;
}

/* KVM_RUN until the guest is done; returns the exit status. */
static int run_guest(struct vm *vm)
{
    struct kvm_run *run = vm->run;

    for (;;) {
        if (ioctl(vm->vcpu_fd, KVM_RUN, 0) != 0) {
            /* A signal (SIGWINCH, SIGCHLD, ...) only interrupts the run. */
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return stopped(vm, EXIT_KVM_FAILED, "KVM_RUN: %s", strerror(errno));
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            if (handle_io(vm))
                return EXIT_GUEST_OFF;
            break;
        case KVM_EXIT_MMIO:
            /* No device is memory-mapped: reads float, writes vanish. */
            if (!run->mmio.is_write)
                memset(run->mmio.data, 0xFF, sizeof(run->mmio.data));
            break;
        case KVM_EXIT_HLT:
            /* No irqchip, so no interrupt could ever end this HLT. */
            return EXIT_GUEST_OFF;
        case KVM_EXIT_SHUTDOWN:
            return stopped(vm, EXIT_TRIPLE, "the guest shut down (triple fault)");
        case KVM_EXIT_FAIL_ENTRY:
            return stopped(vm, EXIT_KVM_FAILED,
                           "KVM could not enter the guest (hardware reason 0x%llx)",
                           (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        case KVM_EXIT_INTERNAL_ERROR:
            return stopped(vm, EXIT_KVM_FAILED, "KVM internal error, suberror %u%s",
                           run->internal.suberror,
                           run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                               ? " (an instruction KVM cannot emulate)"
                               : "");
        default:
            return stopped(vm, EXIT_KVM_FAILED, "unexpected KVM exit reason %u", run->exit_reason);
        }
    }
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"memory", required_argument, NULL, 'm'},
        {"cmdline", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct vm vm = {.kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1};
    uint64_t memory = DEFAULT_MEMORY;
    const char *cmdline = "", *memory_text = "64M";
    struct boot_plan plan;
    char why[128];
    int opt, status;

    /* getopt's own messages say what was wrong; ours adds the usage. */
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case 'm':
            memory_text = optarg;
            if (size_parse(optarg, &memory, why, sizeof(why))) {
                fprintf(stderr, "kvmrun: --memory %s: %s\n", optarg, why);
                return EXIT_SETUP;
            }
            break;
        case 'c':
            cmdline = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_SETUP;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "kvmrun: %s\n",
                optind == argc ? "no KERNEL given" : "more than one KERNEL");
        usage(stderr);
        return EXIT_SETUP;
    }

    if (load_guest(&vm, memory, memory_text, argv[optind], cmdline, &plan) || open_kvm(&vm) ||
        create_vm(&vm) || set_cpuid(&vm) || set_entry_state(&vm, &plan.entry))
        return EXIT_SETUP;
    pm_init(&vm.pm, now_ns());
    uart_init(&vm.com1, com1_tx, NULL);

    /* The guest's console is a stream of lines: whole lines reach a pipe
     * (the benchmark's log) as soon as they are complete. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    status = run_guest(&vm);
    fflush(stdout);
    return status;
}
