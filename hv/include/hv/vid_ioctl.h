/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/vid: the ioctl interface between the parent partition's kernel module
 * (drivers/vid) and user space in the parent (tools/parent/vidctl.c, and the
 * partition manager to come).  Shared by both, so it uses only the kernel's
 * UAPI types (__u32, __u64) and fixed-size fields: the same layout for a
 * 64-bit kernel and any user-space ABI, no padding the compiler could add.
 *
 * Versions are encoded as major << 16 | minor, like the hypervisor's own
 * HV_VERSION_NUMBER (hv/include/hv/hv.h) that CPUID 0x40000001 EAX reports.
 */
#ifndef HV_VID_IOCTL_H
#define HV_VID_IOCTL_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
/* From linux-libc-dev (pulled in by libc6-dev): __u32 and _IOR as the
 * kernel defines them, so the numbers below are the same on both sides. */
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define VID_DEVICE_NAME "vid" /* /dev/vid */

/* The module's interface version: bumped with every change to this file. */
#define VID_VERSION_MAJOR 0
#define VID_VERSION_MINOR 3
#define VID_VERSION       ((VID_VERSION_MAJOR << 16) | VID_VERSION_MINOR)

#define VID_VERSION_MAJOR_OF(v) ((__u32)(v) >> 16)
#define VID_VERSION_MINOR_OF(v) ((__u32)(v)&0xffffu)

/* hv_role values: CPUID 0x40000001 EBX (hv/include/hv/cpuid_policy.h). */
#define VID_ROLE_PARENT 1u

struct vid_version {
    __u32 module_version;  /* VID_VERSION of the loaded module */
    __u32 hv_version;      /* the hypervisor's: CPUID 0x40000001 EAX */
    __u32 hv_role;         /* CPUID 0x40000001 EBX: VID_ROLE_PARENT */
    __u32 hv_max_leaf;     /* CPUID 0x40000000 EAX */
    char hv_signature[12]; /* CPUID 0x40000000 EBX, ECX, EDX: "hvcorehvcore" */
    __u32 reserved0;       /* zero */
    __u64 tsc_khz;         /* the TSC frequency the parent's kernel measured (0.2) */
    __u64 reserved;        /* zero; room for the hypercall interface's version */
};

#define VID_IOCTL_MAGIC 'V'
#define VID_GET_VERSION _IOR(VID_IOCTL_MAGIC, 0x00, struct vid_version)

/*
 * VID_CREATE_PARTITION (on /dev/vid) returns a new file descriptor for a
 * child partition; closing it deletes the partition and gives its memory
 * back.  partition_id is filled in (the hypervisor's id, for messages).
 */
struct vid_create_partition {
    __u32 max_vps;      /* 1 .. 64 */
    __u32 flags;        /* none defined: 0 */
    __u64 partition_id; /* out */
    /* out (0.3): the child's reference time (TIME_REF_COUNT, 100 ns) is
     * (RDTSC in the parent - reference_tsc_base) * 10^7 / tsc_frequency */
    __u64 reference_tsc_base;
    __u64 tsc_frequency;
};
#define VID_CREATE_PARTITION _IOWR(VID_IOCTL_MAGIC, 0x01, struct vid_create_partition)

/*
 * VID_MAP_MEMORY / VID_UNMAP_MEMORY (on a partition fd): make the caller's
 * memory [user_addr, user_addr + size) the child's guest-physical
 * [guest_pa, guest_pa + size).  Page aligned.  The pages are pinned while
 * mapped and stay readable and writable by the caller (the worker emulates
 * devices in guest memory).  A page can be in one child only.  Unmap takes
 * exactly a region that was mapped.
 *
 * Errors: EINVAL (alignment, size, flags; or the hypervisor refused the
 * values), EACCES (a page another child has), EBUSY (the guest range or the
 * page is already mapped in this child), ENOMEM, ENOENT (no such region).
 */
#define VID_MEM_READ  0x1u
#define VID_MEM_WRITE 0x2u
#define VID_MEM_EXEC  0x4u
struct vid_memory_region {
    __u64 user_addr;
    __u64 size;
    __u64 guest_pa;
    __u32 flags;    /* VID_MEM_*; READ is required */
    __u32 reserved; /* 0 */
};
#define VID_MAP_MEMORY   _IOW(VID_IOCTL_MAGIC, 0x10, struct vid_memory_region)
#define VID_UNMAP_MEMORY _IOW(VID_IOCTL_MAGIC, 0x11, struct vid_memory_region)

/*
 * VID_CREATE_VP (on a partition fd) creates virtual processor vp_index and
 * returns a file descriptor for it.  VP 0 starts at the state the worker
 * sets with VID_VP_SET_REGISTERS; the others wait for INIT/STARTUP from the
 * guest (or are set up by the worker the same way).  One thread at a time
 * runs a VP.
 */
struct vid_create_vp {
    __u32 vp_index; /* < max_vps */
    __u32 flags;    /* 0 */
};
#define VID_CREATE_VP _IOW(VID_IOCTL_MAGIC, 0x12, struct vid_create_vp)

/*
 * VID_ASSERT_INTERRUPT (on a partition fd): an interrupt for the child's
 * local APICs, as the worker's I/O APIC or an MSI sends it.  type and the
 * destination are hv_input_assert_virtual_interrupt's (hv/abi.h).
 */
#define VID_IRQ_LOGICAL 0x1u /* dest is a logical destination */
#define VID_IRQ_LEVEL   0x2u
struct vid_interrupt {
    __u32 type;   /* HV_INTERRUPT_TYPE_* */
    __u32 vector; /* 16..255 for fixed */
    __u64 dest;   /* APIC id; 0xFF broadcast */
    __u32 flags;  /* VID_IRQ_* */
    __u32 reserved;
};
#define VID_ASSERT_INTERRUPT _IOW(VID_IOCTL_MAGIC, 0x13, struct vid_interrupt)

/*
 * VID_POST_MESSAGE (on a partition fd, 0.3): put a SynIC message (a struct
 * hv_message: type, payload size, payload) into message slot sint of child
 * VP vp_index and interrupt it.  EAGAIN: the slot is still full; the VP's
 * run returns HVMSG_SYNIC_SINT_DELIVERABLE once the guest emptied it, then
 * post again.  EBUSY: the VP's SynIC or message page is not enabled.
 * EINVAL: bad values.  ENOENT: no such VP.
 */
struct vid_post_message {
    __u32 vp_index;
    __u32 sint; /* 0 .. 15 */
    __u8 message[256];
};
#define VID_POST_MESSAGE _IOW(VID_IOCTL_MAGIC, 0x14, struct vid_post_message)

/*
 * VID_SIGNAL_EVENT (on a partition fd, 0.3): set event flag flag of SINT
 * sint of VP vp_index; interrupts the VP if the flag was clear.  The
 * errors are VID_POST_MESSAGE's, but for EAGAIN.
 */
struct vid_signal_event {
    __u32 vp_index;
    __u8 sint;
    __u8 reserved; /* 0 */
    __u16 flag;    /* 0 .. 2047 */
};
#define VID_SIGNAL_EVENT _IOW(VID_IOCTL_MAGIC, 0x15, struct vid_signal_event)

/*
 * Registers of a VP (on a VP fd): name is an HV_X64_REGISTER_* (hv/abi.h),
 * value an hv_register_value.  At most VID_MAX_REGISTERS per call.  GET
 * fills value in place.  Not while the VP runs (EBUSY).
 */
#define VID_MAX_REGISTERS 64
struct vid_register {
    __u32 name;
    __u32 reserved; /* 0 */
    __u64 value[2];
};
struct vid_registers {
    __u32 count;
    __u32 reserved; /* 0 */
    __u64 regs;     /* user pointer to count struct vid_register */
};
#define VID_VP_GET_REGISTERS _IOW(VID_IOCTL_MAGIC, 0x20, struct vid_registers)
#define VID_VP_SET_REGISTERS _IOW(VID_IOCTL_MAGIC, 0x21, struct vid_registers)

/*
 * VID_VP_RUN (on a VP fd): apply the register writes (how the worker
 * completes the last intercept: RAX and RIP after an I/O read, say), then run
 * the VP until the worker has to act, and return why in message (struct
 * hv_message).  The module waits by itself while the VP halts (until an
 * interrupt or the VP's timer) and when the hypervisor returns to the parent
 * for its own work; so the messages seen here are intercepts: I/O port,
 * unmapped GPA, unrecoverable exception (triple fault), invalid register
 * state, a child's hypercall for the worker (HVMSG_HYPERCALL_INTERCEPT: its
 * HvPostMessage or HvSignalEvent, to complete by writing RAX), a SynIC
 * message slot freed after VID_POST_MESSAGE got EAGAIN
 * (HVMSG_SYNIC_SINT_DELIVERABLE).  A signal ends the call with EINTR (the register writes are then
 * already done).
 */
struct vid_vp_run {
    __u32 nregs; /* 0 .. VID_MAX_REGISTERS */
    __u32 flags; /* 0 */
    __u64 regs;  /* user pointer to nregs struct vid_register */
    __u8 message[256];
};
#define VID_VP_RUN _IOWR(VID_IOCTL_MAGIC, 0x22, struct vid_vp_run)

#endif
