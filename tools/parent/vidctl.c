// SPDX-License-Identifier: GPL-2.0-only
/*
 * vidctl: talk to /dev/vid, the parent partition's interface to the
 * hypervisor (drivers/vid), through the ioctls of hv/include/hv/vid_ioctl.h.
 *
 *   vidctl version     VID_GET_VERSION: the module's and the hypervisor's
 *                      versions, one line each
 *   vidctl hv-version  the hypervisor's version alone, "MAJOR.MINOR" (for
 *                      /init's banner)
 *   vidctl bad-ioctl   an ioctl number the module does not know: it must be
 *                      refused with ENOTTY (exit 0 if so)
 *   vidctl partition-test
 *                      create child partitions and map memory into them,
 *                      checking what the hypervisor must refuse: a page in
 *                      two children, a page twice in one child, bad
 *                      arguments; and that closing a partition gives its
 *                      pages back (exit 0 if every check holds)
 *   vidctl hold        create a partition with 4 MiB mapped, say so, and
 *                      sleep: a test kills it to see the partition go away
 *   vidctl fill-test   create partitions until the hypervisor's table is
 *                      full: exactly 64 must fit (none leaked), then close
 *                      them all
 *   vidctl sentinel    keep a page of the parent's memory filled with a
 *                      known pattern, print its physical address ("vidctl:
 *                      sentinel at 0x...", above 256 MiB: below that a
 *                      small child's own RAM has the same guest-physical
 *                      addresses), and on SIGUSR1 check that the
 *                      page still holds the pattern (exit 0) or say where
 *                      it changed (exit 1): a test hands the address to a
 *                      child that tries to reach it.  Needs no /dev/vid.
 *   vidctl vp-test     run a tiny real-mode program in a child VP and check
 *                      every intercept it causes, in order: port writes and
 *                      reads completed through VID_VP_RUN's register list,
 *                      a read of unmapped guest memory with its instruction
 *                      bytes, the child's CPUID, register access, and the
 *                      triple fault it ends with
 *
 * Exit status: 0 on success, 1 when /dev/vid cannot be opened or an ioctl
 * fails, 2 on a usage error.  Built static as /usr/bin/vidctl in the
 * parent's initramfs (tools/build/mkinitramfs.sh).
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hv/abi.h>
#include <hv/vid_ioctl.h>

#define VID_PATH "/dev/" VID_DEVICE_NAME

/* Not defined by the module: number 0x7f is far beyond the ones in use. */
#define VID_BAD_IOCTL _IO(VID_IOCTL_MAGIC, 0x7f)

static int open_vid(void)
{
    int fd = open(VID_PATH, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        fprintf(stderr, "vidctl: %s: %s\n", VID_PATH, strerror(errno));
    }
    return fd;
}

static int get_version(int fd, struct vid_version *v)
{
    memset(v, 0, sizeof(*v));
    if (ioctl(fd, VID_GET_VERSION, v) != 0) {
        fprintf(stderr, "vidctl: VID_GET_VERSION: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int cmd_version(int fd)
{
    struct vid_version v;
    char sig[sizeof(v.hv_signature) + 1];

    if (get_version(fd, &v) != 0) {
        return 1;
    }
    /* The signature is not NUL-terminated in the structure. */
    memcpy(sig, v.hv_signature, sizeof(v.hv_signature));
    sig[sizeof(v.hv_signature)] = '\0';
    printf("vidctl: module vid interface %u.%u\n", VID_VERSION_MAJOR_OF(v.module_version),
           VID_VERSION_MINOR_OF(v.module_version));
    printf("vidctl: hypervisor %s %u.%u (max leaf 0x%08x, role %s)\n", sig,
           VID_VERSION_MAJOR_OF(v.hv_version), VID_VERSION_MINOR_OF(v.hv_version),
           (unsigned)v.hv_max_leaf, v.hv_role == VID_ROLE_PARENT ? "parent" : "unknown");
    /* A module of another interface version would fill the structure
     * differently: say so rather than trust the numbers above. */
    if (VID_VERSION_MAJOR_OF(v.module_version) != VID_VERSION_MAJOR) {
        fprintf(stderr, "vidctl: the module's interface %u.x is not ours (%u.%u)\n",
                VID_VERSION_MAJOR_OF(v.module_version), VID_VERSION_MAJOR, VID_VERSION_MINOR);
        return 1;
    }
    return 0;
}

static int cmd_hv_version(int fd)
{
    struct vid_version v;

    if (get_version(fd, &v) != 0) {
        return 1;
    }
    printf("%u.%u\n", VID_VERSION_MAJOR_OF(v.hv_version), VID_VERSION_MINOR_OF(v.hv_version));
    return 0;
}

static int cmd_bad_ioctl(int fd)
{
    if (ioctl(fd, VID_BAD_IOCTL, 0) == 0) {
        fprintf(stderr, "vidctl: unknown ioctl 0x%lx accepted\n", (unsigned long)VID_BAD_IOCTL);
        return 1;
    }
    if (errno != ENOTTY) {
        fprintf(stderr, "vidctl: unknown ioctl 0x%lx: %s (expected ENOTTY)\n",
                (unsigned long)VID_BAD_IOCTL, strerror(errno));
        return 1;
    }
    printf("vidctl: unknown ioctl 0x%lx refused: ENOTTY\n", (unsigned long)VID_BAD_IOCTL);
    return 0;
}

static int failures;

/* One check: @rc is an ioctl's return, @want the errno expected (0 = success). */
static void expect(const char *what, int rc, int want)
{
    int got = rc < 0 ? errno : 0;

    if (got == want) {
        printf("vidctl: ok: %s: %s\n", what, want ? strerror(want) : "success");
    } else {
        printf("vidctl: FAILED: %s: got %s, expected %s\n", what, got ? strerror(got) : "success",
               want ? strerror(want) : "success");
        failures++;
    }
}

static int create(int fd, uint32_t vps)
{
    struct vid_create_partition c = {.max_vps = vps};

    return ioctl(fd, VID_CREATE_PARTITION, &c);
}

static int map(int pfd, void *addr, uint64_t size, uint64_t gpa, uint32_t flags)
{
    struct vid_memory_region r = {(uintptr_t)addr, size, gpa, flags, 0};

    return ioctl(pfd, VID_MAP_MEMORY, &r);
}

static int unmap(int pfd, void *addr, uint64_t size, uint64_t gpa)
{
    struct vid_memory_region r = {(uintptr_t)addr, size, gpa, 0, 0};

    return ioctl(pfd, VID_UNMAP_MEMORY, &r);
}

static int cmd_partition_test(int fd)
{
    const uint64_t size = 4 << 20;
    const uint32_t rw = VID_MEM_READ | VID_MEM_WRITE;
    uint8_t *mem =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    int a, b;

    if (mem == MAP_FAILED) {
        perror("vidctl: mmap");
        return 1;
    }
    expect("create with 0 VPs", create(fd, 0), EINVAL);
    expect("create with 65 VPs", create(fd, 65), EINVAL);
    a = create(fd, 2);
    expect("create partition A", a, 0);
    b = create(fd, 1);
    expect("create partition B", b, 0);
    if (a < 0 || b < 0)
        return 1;
    expect("map 4 MiB into A at 0", map(a, mem, size, 0, rw), 0);
    expect("map the same pages into B", map(b, mem, size, 0, rw), EACCES);
    expect("map one of them into B", map(b, mem + 8192, 4096, 0x100000, rw), EACCES);
    expect("map them into A a second time", map(a, mem, 4096, 0x10000000, rw), EBUSY);
    expect("map without read access", map(a, mem, 4096, 0x10000000, VID_MEM_WRITE), EINVAL);
    expect("map a misaligned address", map(a, mem + 1, 4096, 0x10000000, rw), EINVAL);
    expect("map beyond 1 TiB", map(b, mem, 4096, 1ULL << 40, rw), EINVAL);
    expect("unmap a region that is not there", unmap(a, mem, 4096, 0x20000000), ENOENT);
    mem[0] = 0x5A; /* the worker keeps its access to guest memory */
    expect("unmap A's region", unmap(a, mem, size, 0), 0);
    expect("map the pages into B now", map(b, mem, size, 0, rw), 0);
    expect("map them into A while B has them", map(a, mem, 4096, 0, rw), EACCES);
    close(b);
    expect("after B is closed, map them into A", map(a, mem, size, 0, rw), 0);
    close(a);
    munmap(mem, size);
    if (failures) {
        printf("vidctl: partition test: %d checks failed\n", failures);
        return 1;
    }
    printf("vidctl: partition test passed\n");
    return 0;
}

static int cmd_hold(int fd)
{
    const uint64_t size = 4 << 20;
    void *mem =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    int p = create(fd, 1);

    if (mem == MAP_FAILED || p < 0 || map(p, mem, size, 0, VID_MEM_READ | VID_MEM_WRITE) < 0) {
        perror("vidctl: hold");
        return 1;
    }
    printf("vidctl: holding a partition with 4 MiB mapped\n");
    fflush(stdout);
    for (;;)
        pause();
}

static int cmd_fill_test(int fd)
{
    int fds[80], n = 0, rc = 0;

    while (n < 80) {
        int p = create(fd, 1);

        if (p < 0)
            break;
        fds[n++] = p;
    }
    if (n == 64 && errno == ENOMEM) {
        printf("vidctl: fill test: 64 partitions, then ENOMEM\n");
    } else {
        printf("vidctl: FAILED: fill test: %d partitions, then %s\n", n, strerror(errno));
        rc = 1;
    }
    while (n)
        close(fds[--n]);
    return rc;
}

/* ---- vp-test ---------------------------------------------------------------------------- */

/* 16-bit code at 0x1000; each line is one intercept the test expects. */
static const uint8_t vp_test_code[] = {
    0xB0, 0x42,                         /* mov al, 0x42                           */
    0xE6, 0xE9,                         /* out 0xE9, al     -> write 0x42         */
    0xE4, 0xE9,                         /* in al, 0xE9      -> read, we give 0x77 */
    0xE6, 0xE9,                         /* out 0xE9, al     -> write 0x77         */
    0xB8, 0x00, 0x20,                   /* mov ax, 0x2000                         */
    0x8E, 0xD8,                         /* mov ds, ax                             */
    0xA0, 0x00, 0x00,                   /* mov al, [0]      -> GPA 0x20000, 0x99  */
    0xE6, 0xE9,                         /* out 0xE9, al     -> write 0x99         */
    0x66, 0xB8, 0x01, 0x00, 0x00, 0x40, /* mov eax, 0x40000001                    */
    0x0F, 0xA2,                         /* cpuid                                  */
    0x90, 0x90,                         /* nop; nop (EAX is "Hv#1")               */
    0xE6, 0xE9,                         /* out 0xE9, al     -> write 'H' (Hyper-V) */
    0x31, 0xC0,                         /* xor ax, ax                             */
    0x8E, 0xD8,                         /* mov ds, ax                             */
    0x0F, 0x01, 0x1E, 0x00, 0x11,       /* lidt [0x1100]: limit 0                 */
    0xCC,                               /* int3 -> #GP -> #DF -> triple fault     */
};

static int vp_run(int vpfd, struct hv_message *msg, struct vid_register *regs, uint32_t n)
{
    struct vid_vp_run run = {.nregs = n, .regs = (uintptr_t)regs};
    int rc = ioctl(vpfd, VID_VP_RUN, &run);

    memcpy(msg, run.message, sizeof(*msg));
    return rc;
}

/* Run until the next intercept; it must be an I/O access to port 0xE9 in
 * direction @write (with @value when writing).  @complete: RAX for a read. */
static int vp_expect_io(int vpfd, struct vid_register *done, uint32_t *ndone, bool write,
                        uint8_t value, uint8_t complete)
{
    struct hv_message msg;
    const struct hv_x64_io_port_intercept_message *io = &msg.u.io;

    if (vp_run(vpfd, &msg, done, *ndone)) {
        printf("vidctl: FAILED: VID_VP_RUN: %s\n", strerror(errno));
        return -1;
    }
    *ndone = 0;
    if (msg.header.message_type != HVMSG_X64_IO_PORT_INTERCEPT || io->port_number != 0xE9 ||
        (io->access_info & HV_IO_ACCESS_SIZE_MASK) != 1 ||
        io->header.intercept_access_type !=
            (write ? HV_INTERCEPT_ACCESS_WRITE : HV_INTERCEPT_ACCESS_READ) ||
        (write && (uint8_t)io->rax != value)) {
        printf("vidctl: FAILED: expected %s port 0xE9 (0x%02x), got message 0x%x port 0x%x "
               "access %u rax 0x%llx at rip 0x%llx\n",
               write ? "a write to" : "a read of", value, msg.header.message_type, io->port_number,
               io->header.intercept_access_type, (unsigned long long)io->rax,
               (unsigned long long)io->header.rip);
        return -1;
    }
    printf("vidctl: ok: %s port 0xE9 at rip 0x%llx%s", write ? "write to" : "read of",
           (unsigned long long)io->header.rip, write ? "" : "\n");
    if (write)
        printf(": 0x%02x\n", value);
    /* Completion: step over the instruction, and give a read its byte. */
    done[0] = (struct vid_register){
        HV_X64_REGISTER_RIP, 0, {io->header.rip + (io->header.instruction_length & 0xF), 0}};
    *ndone = 1;
    if (!write) {
        done[1] =
            (struct vid_register){HV_X64_REGISTER_RAX, 0, {(io->rax & ~0xFFULL) | complete, 0}};
        *ndone = 2;
    }
    return 0;
}

static int cmd_vp_test(int fd)
{
    const uint64_t size = 64 << 10;
    uint8_t *mem =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    struct vid_register done[4], regs[8];
    struct vid_create_vp cv = {0, 0};
    struct vid_registers rr;
    struct hv_message msg;
    uint32_t ndone = 0;
    int pfd, vpfd;

    if (mem == MAP_FAILED || (pfd = create(fd, 1)) < 0) {
        printf("vidctl: FAILED: cannot set up a partition: %s\n", strerror(errno));
        return 1;
    }
    memcpy(mem + 0x1000, vp_test_code, sizeof(vp_test_code));
    expect("map 64 KiB at 0", map(pfd, mem, size, 0, VID_MEM_READ | VID_MEM_WRITE | VID_MEM_EXEC),
           0);
    vpfd = ioctl(pfd, VID_CREATE_VP, &cv);
    expect("create VP 0", vpfd, 0);
    expect("create VP 0 again", ioctl(pfd, VID_CREATE_VP, &cv), EBUSY);
    cv.vp_index = 1;
    expect("create VP 1 of a 1-VP partition", ioctl(pfd, VID_CREATE_VP, &cv), EINVAL);
    if (vpfd < 0)
        return 1;

    /* Real mode at 0000:1000. */
    memset(regs, 0, sizeof(regs));
    regs[0].name = HV_X64_REGISTER_CS;
    {
        const struct hv_x64_segment_register cs = {.limit = 0xFFFF, .attributes = 0x9B};

        memcpy(regs[0].value, &cs, sizeof(cs));
    }
    regs[1] = (struct vid_register){HV_X64_REGISTER_RIP, 0, {0x1000, 0}};
    regs[2] = (struct vid_register){HV_X64_REGISTER_RFLAGS, 0, {2, 0}};
    rr = (struct vid_registers){3, 0, (uintptr_t)regs};
    expect("set CS, RIP, RFLAGS", ioctl(vpfd, VID_VP_SET_REGISTERS, &rr), 0);
    regs[3] = (struct vid_register){0xDEAD, 0, {0, 0}};
    rr = (struct vid_registers){1, 0, (uintptr_t)&regs[3]};
    expect("set a register that does not exist", ioctl(vpfd, VID_VP_SET_REGISTERS, &rr), EINVAL);
    regs[3] = (struct vid_register){HV_X64_REGISTER_EFER, 0, {1ULL << 12, 0}};
    expect("set EFER.SVME", ioctl(vpfd, VID_VP_SET_REGISTERS, &rr), EINVAL);
    regs[3] = (struct vid_register){HV_X64_REGISTER_RIP, 0, {0, 0}};
    expect("read RIP back", ioctl(vpfd, VID_VP_GET_REGISTERS, &rr), 0);
    if (regs[3].value[0] != 0x1000) {
        printf("vidctl: FAILED: RIP reads 0x%llx\n", (unsigned long long)regs[3].value[0]);
        failures++;
    }

    if (vp_expect_io(vpfd, done, &ndone, true, 0x42, 0) ||
        vp_expect_io(vpfd, done, &ndone, false, 0, 0x77) ||
        vp_expect_io(vpfd, done, &ndone, true, 0x77, 0))
        goto fail;
    /* mov al, [0] with DS = 0x2000: guest-physical 0x20000, not mapped. */
    if (vp_run(vpfd, &msg, done, ndone) || msg.header.message_type != HVMSG_UNMAPPED_GPA ||
        msg.u.memory.guest_physical_address != 0x20000 ||
        msg.u.memory.header.intercept_access_type != HV_INTERCEPT_ACCESS_READ ||
        msg.u.memory.instruction_byte_count < 3 || msg.u.memory.instruction_bytes[0] != 0xA0) {
        printf("vidctl: FAILED: expected an unmapped-GPA read of 0x20000, got message 0x%x gpa "
               "0x%llx bytes %u\n",
               msg.header.message_type, (unsigned long long)msg.u.memory.guest_physical_address,
               msg.u.memory.instruction_byte_count);
        goto fail;
    }
    printf("vidctl: ok: unmapped GPA 0x20000 read, instruction bytes %02x %02x %02x\n",
           msg.u.memory.instruction_bytes[0], msg.u.memory.instruction_bytes[1],
           msg.u.memory.instruction_bytes[2]);
    regs[4] = (struct vid_register){HV_X64_REGISTER_RAX, 0, {0, 0}};
    rr = (struct vid_registers){1, 0, (uintptr_t)&regs[4]};
    expect("read RAX at the intercept", ioctl(vpfd, VID_VP_GET_REGISTERS, &rr), 0);
    done[0] = (struct vid_register){HV_X64_REGISTER_RIP, 0, {msg.u.memory.header.rip + 3, 0}};
    done[1] =
        (struct vid_register){HV_X64_REGISTER_RAX, 0, {(regs[4].value[0] & ~0xFFULL) | 0x99, 0}};
    ndone = 2;
    if (vp_expect_io(vpfd, done, &ndone, true, 0x99, 0) ||
        vp_expect_io(vpfd, done, &ndone, true, 'H', 0)) /* CPUID: a child sees Hyper-V */
        goto fail;
    if (vp_run(vpfd, &msg, done, ndone) ||
        msg.header.message_type != HVMSG_UNRECOVERABLE_EXCEPTION) {
        printf("vidctl: FAILED: expected the triple fault, got message 0x%x\n",
               msg.header.message_type);
        goto fail;
    }
    printf("vidctl: ok: triple fault reported\n");
    if (vp_run(vpfd, &msg, NULL, 0) || msg.header.message_type != HVMSG_UNRECOVERABLE_EXCEPTION) {
        printf("vidctl: FAILED: a VP that triple-faulted ran again\n");
        goto fail;
    }
    close(vpfd);
    close(pfd);
    printf("vidctl: vp test %s\n", failures ? "FAILED" : "passed");
    return failures ? 1 : 0;
fail:
    close(vpfd);
    close(pfd);
    printf("vidctl: vp test FAILED\n");
    return 1;
}

/* The pattern's word @i: distinct per word and unlikely anywhere else. */
static uint64_t sentinel_word(uint64_t seed, size_t i)
{
    return seed ^ ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL);
}

/* The physical address of the page at @va (/proc/self/pagemap: bit 63
 * present, bits 54:0 the frame, shown to root only), or 0. */
static uint64_t page_phys(int pagemap, const void *va)
{
    const size_t page = 4096;
    uint64_t entry;

    if (pread(pagemap, &entry, sizeof(entry), (off_t)((uintptr_t)va / page * sizeof(entry))) !=
            (ssize_t)sizeof(entry) ||
        !(entry >> 63))
        return 0;
    return (entry & ((1ULL << 55) - 1)) * page;
}

static int cmd_sentinel(void)
{
    const size_t page = 4096, words = page / sizeof(uint64_t), tries = 32768; /* 128 MiB */
    const uint64_t min_pa = 256ULL << 20;
    uint64_t seed = 0x5E771E1ULL << 32 | (uint32_t)getpid(), pa = 0;
    uint64_t *mem = NULL;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), sig;
    sigset_t usr1;

    if (fd < 0) {
        perror("vidctl: sentinel: /proc/self/pagemap");
        return 1;
    }
    /* Pages one at a time, each kept (locked, so its frame stays), until
     * one lies high enough. */
    for (size_t i = 0; i < tries && pa < min_pa; i++) {
        mem = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mem == MAP_FAILED || mlock(mem, page) != 0) {
            perror("vidctl: sentinel: mmap/mlock");
            return 1;
        }
        pa = page_phys(fd, mem);
        if (pa == 0) {
            fprintf(stderr, "vidctl: sentinel: no physical address from /proc/self/pagemap\n");
            return 1;
        }
    }
    close(fd);
    if (pa < min_pa) {
        fprintf(stderr, "vidctl: sentinel: no page above 0x%llx\n", (unsigned long long)min_pa);
        return 1;
    }
    for (size_t i = 0; i < words; i++)
        mem[i] = sentinel_word(seed, i);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    printf("vidctl: sentinel at 0x%llx\n", (unsigned long long)pa);
    fflush(stdout);
    sigwait(&usr1, &sig);
    for (size_t i = 0; i < words; i++) {
        if (mem[i] != sentinel_word(seed, i)) {
            printf("vidctl: sentinel CHANGED at +0x%zx: 0x%016llx, expected 0x%016llx\n",
                   i * sizeof(uint64_t), (unsigned long long)mem[i],
                   (unsigned long long)sentinel_word(seed, i));
            return 1;
        }
    }
    printf("vidctl: sentinel intact\n");
    return 0;
}

int main(int argc, char **argv)
{
    int (*cmd)(int fd);
    int fd, rc;

    if (argc != 2) {
        goto usage;
    }
    if (strcmp(argv[1], "sentinel") == 0)
        return cmd_sentinel();
    if (strcmp(argv[1], "version") == 0) {
        cmd = cmd_version;
    } else if (strcmp(argv[1], "hv-version") == 0) {
        cmd = cmd_hv_version;
    } else if (strcmp(argv[1], "bad-ioctl") == 0) {
        cmd = cmd_bad_ioctl;
    } else if (strcmp(argv[1], "partition-test") == 0) {
        cmd = cmd_partition_test;
    } else if (strcmp(argv[1], "hold") == 0) {
        cmd = cmd_hold;
    } else if (strcmp(argv[1], "fill-test") == 0) {
        cmd = cmd_fill_test;
    } else if (strcmp(argv[1], "vp-test") == 0) {
        cmd = cmd_vp_test;
    } else {
        goto usage;
    }
    fd = open_vid();
    if (fd < 0) {
        return 1;
    }
    rc = cmd(fd);
    close(fd);
    return rc;

usage:
    fprintf(stderr,
            "usage: vidctl version | hv-version | bad-ioctl | partition-test | hold | fill-test | "
            "sentinel | vp-test\n");
    return 2;
}
