// SPDX-License-Identifier: GPL-2.0-only
/*
 * vid: the parent partition's interface to the hvcore hypervisor.
 *
 * A misc device, /dev/vid (dynamic minor, root only: whoever holds it will
 * be able to create and run partitions), through which the parent's user
 * space (the partition manager, tools/parent/vidctl.c) talks to the
 * hypervisor.  Named after Hyper-V's VID, the parent's driver that does the
 * same job there.  The ioctl ABI is hv/include/hv/vid_ioctl.h.
 *
 * The hypervisor is identified from CPUID (leaves 0x40000000-0x40000001,
 * which it answers for the parent, hv/cpuid_policy.c); child partitions
 * are managed with hypercalls (vid_partition.c, hv/include/hv/abi.h).  The
 * module refuses to load anywhere but in hvcore's parent partition, so that
 * /dev/vid existing means there is a hypervisor behind it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <asm/tsc.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>

#include <hv/vid_ioctl.h>
#include "vid_hypercall.h"
#include "vid_partition.h"

#define HVCORE_SIGNATURE "hvcorehvcore" /* hv/include/hv/cpuid_policy.h */
#define HVCORE_LEAF_MAX  0x40000000u    /* EAX max leaf, EBX-EDX signature */
#define HVCORE_LEAF_ID   0x40000001u    /* EAX version, EBX role */

/* What VID_GET_VERSION returns; filled once at load, read-only afterwards
 * (CPUID cannot change under a running partition). */
static struct vid_version vid_version_info;

/* The 12 signature bytes as text for a message: another hypervisor's may
 * hold NULs ("KVMKVMKVM\0\0\0") or, without a hypervisor, anything. */
static void vid_signature_text(char out[13], const char sig[12])
{
    int i;

    for (i = 0; i < 12; i++)
        out[i] = (sig[i] >= 0x20 && sig[i] < 0x7f) ? sig[i] : '.';
    out[12] = '\0';
}

/* Is this hvcore's parent partition?  Fills vid_version_info if so. */
static int vid_detect(void)
{
    struct vid_version *v = &vid_version_info;
    u32 eax, ebx, ecx, edx;
    char text[13];

    /* Without the "hypervisor present" bit, leaf 0x40000000 is not a
     * hypervisor's: Intel CPUs answer it with their highest basic leaf. */
    if (!boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
        pr_err("not loaded: no hypervisor (CPUID.1:ECX[31] clear); "
               "/dev/vid exists only in the hvcore parent partition\n");
        return -ENODEV;
    }
    cpuid(HVCORE_LEAF_MAX, &eax, &ebx, &ecx, &edx);
    memcpy(&v->hv_signature[0], &ebx, 4);
    memcpy(&v->hv_signature[4], &ecx, 4);
    memcpy(&v->hv_signature[8], &edx, 4);
    if (memcmp(v->hv_signature, HVCORE_SIGNATURE, 12) != 0) {
        vid_signature_text(text, v->hv_signature);
        pr_err("not loaded: the hypervisor is \"%s\", not hvcore (CPUID 0x40000000); "
               "/dev/vid exists only in the hvcore parent partition\n",
               text);
        return -ENODEV;
    }
    if (eax < HVCORE_LEAF_ID) {
        pr_err("not loaded: hvcore reports no leaf 0x40000001 (max leaf 0x%x)\n", eax);
        return -ENODEV;
    }
    v->hv_max_leaf = eax;
    cpuid(HVCORE_LEAF_ID, &eax, &ebx, &ecx, &edx);
    /* A child partition will see the signature too, but it has nothing to
     * manage: only the parent gets /dev/vid. */
    if (ebx != VID_ROLE_PARENT) {
        pr_err("not loaded: this is not hvcore's parent partition (CPUID 0x40000001 EBX %u)\n",
               ebx);
        return -ENODEV;
    }
    v->hv_version = eax;
    v->hv_role = ebx;
    v->tsc_khz = tsc_khz;
    v->module_version = VID_VERSION;
    return 0;
}

static long vid_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
    void __user *uarg = (void __user *)arg;

    switch (cmd) {
    case VID_GET_VERSION:
        if (copy_to_user(uarg, &vid_version_info, sizeof(vid_version_info)))
            return -EFAULT;
        return 0;
    case VID_CREATE_PARTITION:
        return vid_create_partition(uarg);
    default:
        /* ENOTTY is what an unknown ioctl means to user space. */
        return -ENOTTY;
    }
}

static const struct file_operations vid_fops = {
    .owner = THIS_MODULE,
    .open = nonseekable_open,
    .unlocked_ioctl = vid_ioctl,
    /* The structures have one layout for 32- and 64-bit callers. */
    .compat_ioctl = compat_ptr_ioctl,
    .llseek = no_llseek,
};

static struct miscdevice vid_misc = {
    .minor = MISC_DYNAMIC_MINOR,
    .name = VID_DEVICE_NAME,
    .fops = &vid_fops,
    /* devtmpfs creates the node with this mode: root only. */
    .mode = 0600,
};

static int __init vid_init(void)
{
    const struct vid_version *v = &vid_version_info;
    int err;

    err = vid_detect();
    if (err)
        return err;
    err = misc_register(&vid_misc);
    if (err) {
        pr_err("not loaded: cannot register /dev/%s: error %d\n", VID_DEVICE_NAME, err);
        return err;
    }
    pr_info("/dev/%s ready: hvcore %u.%u, interface %u.%u\n", VID_DEVICE_NAME,
            VID_VERSION_MAJOR_OF(v->hv_version), VID_VERSION_MINOR_OF(v->hv_version),
            VID_VERSION_MAJOR_OF(v->module_version), VID_VERSION_MINOR_OF(v->module_version));
    return 0;
}

static void __exit vid_exit(void)
{
    misc_deregister(&vid_misc);
}

module_init(vid_init);
module_exit(vid_exit);

MODULE_DESCRIPTION("hvcore parent partition interface (/dev/vid)");
MODULE_LICENSE("GPL");
MODULE_VERSION(__stringify(VID_VERSION_MAJOR) "." __stringify(VID_VERSION_MINOR));
