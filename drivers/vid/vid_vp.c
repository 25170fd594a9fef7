// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual processors behind file descriptors: VID_CREATE_VP on a partition
 * returns one; VID_VP_RUN on it runs the VP on the calling thread.
 *
 * The run loop is the root scheduler of Hyper-V's model: the worker's thread
 * is the VP, and the hypervisor runs the child inside our HVCALL_DISPATCH_VP
 * on whatever CPU the thread is on.  What the hypervisor hands back that is
 * not an intercept for the worker is handled here:
 *   - HVMSG_NONE: the CPU had an interrupt for us (taken as soon as the
 *     hypercall returned), or the child moved its timer: re-arm and go on;
 *   - HVMSG_VP_WAKE: the child sent IPIs to halted siblings: wake them;
 *   - HVMSG_X64_HALT: sleep until an interrupt is posted to the VP (someone
 *     wakes us), its timer expires (our hrtimer) or a signal comes.
 * The child's FPU state lives in the hypervisor, which may clobber the
 * registers: the hypercall runs between kernel_fpu_begin() and _end().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <asm/fpu/api.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/tsc.h>

#include <hv/abi.h>
#include <hv/vid_ioctl.h>
#include "vid_hypercall.h"
#include "vid_partition.h"

#define NO_DEADLINE U64_MAX

struct vid_vp {
    struct vid_partition *p;
    struct file *partition_file; /* our reference on the partition */
    u32 index;
    struct mutex run_lock; /* one thread runs the VP at a time */
    wait_queue_head_t wq;
    atomic_t wake; /* an interrupt was posted, or the timer expired */
    struct hrtimer timer;
    u64 timer_armed; /* host TSC the timer is set for, NO_DEADLINE if not */
    struct task_struct *runner;
    void *in, *out; /* hypercall pages */
};

void vid_vp_wake(struct vid_vp *vp)
{
    atomic_set(&vp->wake, 1);
    wake_up(&vp->wq);
}

static enum hrtimer_restart vid_vp_timer_fn(struct hrtimer *t)
{
    struct vid_vp *vp = container_of(t, struct vid_vp, timer);
    struct task_struct *task = READ_ONCE(vp->runner);

    vid_vp_wake(vp);
    /* If the VP is inside the hypervisor on another CPU, make it exit so
     * that it sees its timer (the hypervisor checks at every entry). */
    if (task)
        kick_process(task);
    return HRTIMER_NORESTART;
}

/* Set the timer for host TSC @deadline (NO_DEADLINE: cancel). */
static void vid_vp_arm(struct vid_vp *vp, u64 deadline)
{
    u64 now, ns;

    /* Armed for this deadline already, unless it fired: the hrtimer and
     * the TSC are different clocks, so it may have fired a little before
     * the TSC got there, and a VP halted until then needs it again. */
    if (deadline == vp->timer_armed && (deadline == NO_DEADLINE || hrtimer_active(&vp->timer)))
        return;
    hrtimer_cancel(&vp->timer);
    vp->timer_armed = deadline;
    if (deadline == NO_DEADLINE)
        return;
    now = rdtsc();
    /* Rounded up, so that it does not fire early by the conversion. */
    ns = deadline > now ? mul_u64_u32_div(deadline - now, 1000000, tsc_khz) + 1 : 0;
    hrtimer_start(&vp->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

static int vid_vp_registers(struct vid_vp *vp, struct vid_registers __user *uarg, bool set)
{
    struct vid_registers req;
    struct vid_register *regs;
    u32 done = 0, i;
    u16 status;
    int err = 0;

    if (copy_from_user(&req, uarg, sizeof(req)))
        return -EFAULT;
    if (req.reserved || req.count > VID_MAX_REGISTERS)
        return -EINVAL;
    regs = kcalloc(req.count ? req.count : 1, sizeof(*regs), GFP_KERNEL);
    if (!regs)
        return -ENOMEM;
    if (copy_from_user(regs, u64_to_user_ptr(req.regs), req.count * sizeof(*regs))) {
        err = -EFAULT;
        goto out;
    }
    for (i = 0; i < req.count; i++)
        if (regs[i].reserved) {
            err = -EINVAL;
            goto out;
        }
    if (!mutex_trylock(&vp->run_lock)) {
        err = -EBUSY;
        goto out;
    }
    if (set) {
        struct hv_input_set_vp_registers *in = vp->in;

        memset(in, 0, sizeof(*in));
        in->partition_id = vid_partition_id(vp->p);
        in->vp_index = vp->index;
        for (i = 0; i < req.count; i++) {
            memset(&in->elements[i], 0, sizeof(in->elements[i]));
            in->elements[i].name = regs[i].name;
            memcpy(&in->elements[i].value, regs[i].value, sizeof(regs[i].value));
        }
        status = vid_hvcall(HVCALL_SET_VP_REGISTERS, req.count, in, NULL, &done);
    } else {
        struct hv_input_get_vp_registers *in = vp->in;
        union hv_register_value *out = vp->out;

        memset(in, 0, sizeof(*in));
        in->partition_id = vid_partition_id(vp->p);
        in->vp_index = vp->index;
        for (i = 0; i < req.count; i++)
            in->names[i] = regs[i].name;
        status = vid_hvcall(HVCALL_GET_VP_REGISTERS, req.count, in, out, &done);
        for (i = 0; i < done; i++)
            memcpy(regs[i].value, &out[i], sizeof(regs[i].value));
    }
    mutex_unlock(&vp->run_lock);
    err = vid_status_errno(status);
    if (!set && !err && copy_to_user(u64_to_user_ptr(req.regs), regs, req.count * sizeof(*regs)))
        err = -EFAULT;
out:
    kfree(regs);
    return err;
}

static int vid_vp_run(struct vid_vp *vp, struct vid_vp_run __user *uarg)
{
    struct hv_input_dispatch_vp *in = vp->in;
    struct hv_message *msg = vp->out;
    struct vid_vp_run req;
    u64 control = HVCALL_DISPATCH_VP, result;
    int err = 0;
    u32 i;

    if (copy_from_user(&req, uarg, offsetof(struct vid_vp_run, message)))
        return -EFAULT;
    if (req.flags || req.nregs > VID_MAX_REGISTERS)
        return -EINVAL;
    if (!mutex_trylock(&vp->run_lock))
        return -EBUSY;
    memset(in, 0, sizeof(*in));
    in->partition_id = vid_partition_id(vp->p);
    in->vp_index = vp->index;
    in->nregs = req.nregs;
    for (i = 0; i < req.nregs; i++) {
        struct vid_register r;

        if (copy_from_user(&r, u64_to_user_ptr(req.regs) + i * sizeof(r), sizeof(r))) {
            err = -EFAULT;
            goto out;
        }
        if (r.reserved) {
            err = -EINVAL;
            goto out;
        }
        memset(&in->regs[i], 0, sizeof(in->regs[i]));
        in->regs[i].name = r.name;
        memcpy(&in->regs[i].value, r.value, sizeof(r.value));
    }
    WRITE_ONCE(vp->runner, current);
    for (;;) {
        if (signal_pending(current)) {
            err = -EINTR;
            break;
        }
        in->timer_armed = vp->timer_armed;
        atomic_set(&vp->wake, 0);
        kernel_fpu_begin();
        result = hv_hypercall(control, virt_to_phys(in), virt_to_phys(msg));
        kernel_fpu_end();
        in->nregs = 0; /* the completions are done */
        err = vid_status_errno(HV_HYPERCALL_STATUS(result));
        if (err)
            break;
        switch (msg->header.message_type) {
        case HVMSG_NONE:
            vid_vp_arm(vp, msg->u.ret.timer_deadline);
            cond_resched();
            continue;
        case HVMSG_VP_WAKE:
            vid_partition_wake(vp->p, msg->u.ret.wake_vps);
            vid_vp_arm(vp, msg->u.ret.timer_deadline);
            continue;
        case HVMSG_X64_HALT:
            vid_vp_arm(vp, msg->u.halt.timer_deadline);
            if (vp->timer_armed != NO_DEADLINE && rdtsc() >= vp->timer_armed)
                continue;
            if (wait_event_interruptible(vp->wq, atomic_read(&vp->wake)))
                continue; /* the signal ends the loop above */
            if (vp->timer_armed != NO_DEADLINE && rdtsc() >= vp->timer_armed)
                vp->timer_armed = NO_DEADLINE; /* fired */
            continue;
        default:
            if (copy_to_user(uarg->message, msg, sizeof(*msg)))
                err = -EFAULT;
            break;
        }
        break;
    }
    WRITE_ONCE(vp->runner, NULL);
out:
    mutex_unlock(&vp->run_lock);
    return err;
}

static long vid_vp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
    struct vid_vp *vp = file->private_data;

    switch (cmd) {
    case VID_VP_GET_REGISTERS:
        return vid_vp_registers(vp, (void __user *)arg, false);
    case VID_VP_SET_REGISTERS:
        return vid_vp_registers(vp, (void __user *)arg, true);
    case VID_VP_RUN:
        return vid_vp_run(vp, (void __user *)arg);
    default:
        return -ENOTTY;
    }
}

static int vid_vp_release(struct inode *inode, struct file *file)
{
    struct vid_vp *vp = file->private_data;

    hrtimer_cancel(&vp->timer);
    vid_partition_forget_vp(vp->p, vp->index);
    free_page((unsigned long)vp->in);
    free_page((unsigned long)vp->out);
    fput(vp->partition_file);
    kfree(vp);
    return 0;
}

static const struct file_operations vid_vp_fops = {
    .owner = THIS_MODULE,
    .unlocked_ioctl = vid_vp_ioctl,
    .compat_ioctl = compat_ptr_ioctl,
    .release = vid_vp_release,
    .llseek = noop_llseek,
};

long vid_create_vp(struct file *partition_file, struct vid_partition *p, u32 index)
{
    struct hv_input_create_vp *in;
    struct vid_vp *vp;
    u16 status;
    int fd;

    vp = kzalloc(sizeof(*vp), GFP_KERNEL);
    if (!vp)
        return -ENOMEM;
    vp->in = (void *)get_zeroed_page(GFP_KERNEL);
    vp->out = (void *)get_zeroed_page(GFP_KERNEL);
    if (!vp->in || !vp->out) {
        fd = -ENOMEM;
        goto fail;
    }
    in = vp->in;
    in->partition_id = vid_partition_id(p);
    in->vp_index = index;
    status = vid_hvcall(HVCALL_CREATE_VP, 0, in, NULL, NULL);
    if (status != HV_STATUS_SUCCESS) {
        fd = vid_status_errno(status);
        goto fail;
    }
    vp->p = p;
    vp->index = index;
    mutex_init(&vp->run_lock);
    init_waitqueue_head(&vp->wq);
    hrtimer_init(&vp->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
    vp->timer.function = vid_vp_timer_fn;
    vp->timer_armed = NO_DEADLINE;
    vp->partition_file = get_file(partition_file);
    vid_partition_remember_vp(p, index, vp);
    fd = anon_inode_getfd("vid-vp", &vid_vp_fops, vp, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        /* The hypervisor's VP stays until the partition goes: creating it
         * again fails with EBUSY, as it would after any close. */
        vid_partition_forget_vp(p, index);
        fput(vp->partition_file);
        goto fail;
    }
    return fd;
fail:
    free_page((unsigned long)vp->in);
    free_page((unsigned long)vp->out);
    kfree(vp);
    return fd;
}
