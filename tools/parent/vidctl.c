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
 *
 * Exit status: 0 on success, 1 when /dev/vid cannot be opened or an ioctl
 * fails, 2 on a usage error.  Built static as /usr/bin/vidctl in the
 * parent's initramfs (tools/build/mkinitramfs.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
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
    fprintf(stderr, "usage: vidctl version | hv-version | bad-ioctl\n");
    return 2;
}
