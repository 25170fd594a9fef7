// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvinfo: what the parent partition's CPU says about the hypervisor under it.
 *
 * Prints CPUID.1:ECX[31] (the "hypervisor present" bit), the hypervisor leaf
 * 0x40000000 (highest hypervisor leaf and the 12-byte vendor signature), the
 * interface signature of leaf 0x40000001 when there is one, and whether
 * CPUID 0x80000001:ECX[2] (AMD SVM) is visible to this partition.
 *
 * `hvinfo rdmsr CPU MSR` and `hvinfo wrmsr CPU MSR VALUE` read and write an
 * MSR through /dev/cpu/CPU/msr (the msr module), to check what the
 * hypervisor lets the parent see and change; they exit 1 when the access is
 * refused (the kernel turns the #GP it got into EIO).
 *
 * `hvinfo vmmcall` issues a hypercall (HvCallCreatePartition) from user
 * space: the hypervisor must refuse it with #UD, so this dies of SIGILL.
 *
 * Exit status: 0 when a hypervisor signature is present, 1 when not, 2 on a
 * usage error.  Built static (no libraries in the initramfs needed) as
 * /usr/bin/hvinfo.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct regs {
    uint32_t a, b, c, d;
};

static struct regs cpuid(uint32_t leaf)
{
    struct regs r;

    /* __cpuid, not __get_cpuid: the latter refuses leaves above the basic
     * or extended maximum, and 0x4000xxxx is neither. */
    __cpuid_count(leaf, 0, r.a, r.b, r.c, r.d);
    return r;
}

/* Copy four register bytes into text: NUL stays NUL (signatures are padded
 * with it, "KVMKVMKVM\0\0\0"), anything else unprintable becomes '.'. */
static void put_reg(char *out, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        unsigned char ch = (unsigned char)(v >> (8 * i));
        out[i] = (ch == 0 || (ch >= 0x20 && ch < 0x7f)) ? (char)ch : '.';
    }
}

static int printable(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

static int all_zero(uint32_t b, uint32_t c, uint32_t d)
{
    return b == 0 && c == 0 && d == 0;
}

/* rdmsr CPU MSR / wrmsr CPU MSR VALUE through the msr driver: the file
 * offset is the MSR number. */
static int msr_access(int argc, char **argv)
{
    int write = strcmp(argv[1], "wrmsr") == 0;
    char path[64];
    uint64_t value = 0;

    if (argc != (write ? 5 : 4)) {
        fprintf(stderr, "usage: hvinfo rdmsr CPU MSR | hvinfo wrmsr CPU MSR VALUE\n");
        return 2;
    }
    unsigned long cpu = strtoul(argv[2], NULL, 0);
    unsigned long msr = strtoul(argv[3], NULL, 0);
    if (write)
        value = strtoull(argv[4], NULL, 0);
    snprintf(path, sizeof(path), "/dev/cpu/%lu/msr", cpu);
    int fd = open(path, write ? O_WRONLY : O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "hvinfo: %s: %s\n", path, strerror(errno));
        return 2;
    }
    ssize_t n = write ? pwrite(fd, &value, sizeof(value), (off_t)msr)
                      : pread(fd, &value, sizeof(value), (off_t)msr);
    int err = errno;
    close(fd);
    if (n != (ssize_t)sizeof(value)) {
        printf("hvinfo: %s MSR %#lx on CPU %lu refused: %s\n", argv[1], msr, cpu, strerror(err));
        return 1;
    }
    printf("hvinfo: MSR %#lx on CPU %lu = %#llx\n", msr, cpu, (unsigned long long)value);
    return 0;
}

/* A hypercall from CPL 3; returns only if the hypervisor let it through. */
static int user_vmmcall(void)
{
    uint64_t control = 0x0040, result;

    __asm__ volatile("vmmcall" : "=a"(result) : "c"(control), "d"(0) : "memory");
    printf("hvinfo: vmmcall from user space returned %#llx\n", (unsigned long long)result);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "vmmcall") == 0)
        return user_vmmcall();
    if (argc > 1 && (strcmp(argv[1], "rdmsr") == 0 || strcmp(argv[1], "wrmsr") == 0))
        return msr_access(argc, argv);
    if (argc > 1) {
        int help = strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0;
        fprintf(help ? stdout : stderr,
                "usage: hvinfo | hvinfo rdmsr CPU MSR | hvinfo wrmsr CPU MSR VALUE\n"
                "Print the CPUID hypervisor leaves; exit 0 when a hypervisor signature is "
                "present, 1 when not.\n");
        return help ? 0 : 2;
    }

    struct regs l1 = cpuid(1);
    int present = (l1.c >> 31) & 1;
    printf("hvinfo: CPUID.1:ECX[31] hypervisor present: %s\n", present ? "yes" : "no");

    struct regs ext = cpuid(0x80000000);
    int svm = 0;
    if (ext.a >= 0x80000001) {
        svm = (cpuid(0x80000001).c >> 2) & 1;
    }
    printf("hvinfo: CPUID 0x80000001:ECX[2] SVM: %s\n", svm ? "visible" : "not visible");

    /* Without bit 31 the 0x4000xxxx leaves are not defined: real CPUs answer
     * with the data of their highest basic leaf, which is no signature. */
    if (!present) {
        printf("hvinfo: no hypervisor signature\n");
        return 1;
    }

    struct regs h = cpuid(0x40000000);
    if (h.a < 0x40000000 || all_zero(h.b, h.c, h.d)) {
        printf("hvinfo: CPUID 0x40000000: no hypervisor signature (eax %#x)\n", h.a);
        return 1;
    }

    char sig[13];
    put_reg(sig, h.b);
    put_reg(sig + 4, h.c);
    put_reg(sig + 8, h.d);
    sig[12] = '\0';
    printf("hvinfo: CPUID 0x40000000: max leaf %#x, vendor \"%s\"\n", h.a, sig);

    /* Hyper-V style hypervisors name their interface here ("Hv#1"); KVM
     * puts feature bits here, so the text is shown only when it is text. */
    if (h.a >= 0x40000001) {
        uint32_t eax = cpuid(0x40000001).a;
        char iface[5];
        put_reg(iface, eax);
        iface[4] = '\0';
        if (printable(iface, 4)) {
            printf("hvinfo: CPUID 0x40000001: eax 0x%08x, interface \"%s\"\n", eax, iface);
        } else {
            printf("hvinfo: CPUID 0x40000001: eax 0x%08x\n", eax);
        }
    }
    return 0;
}
