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
 *
 * Exit status: 0 on success, 1 when /dev/vid cannot be opened or an ioctl
 * fails, 2 on a usage error.  Built static as /usr/bin/vidctl in the
 * parent's initramfs (tools/build/mkinitramfs.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
    int (*cmd)(int fd);
    int fd, rc;

    if (argc != 2) {
        goto usage;
    }
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
            "usage: vidctl version | hv-version | bad-ioctl | partition-test | hold | fill-test\n");
    return 2;
}
