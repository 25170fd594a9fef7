// SPDX-License-Identifier: GPL-2.0-only
/*
 * Child partitions behind file descriptors.
 *
 * VID_CREATE_PARTITION asks the hypervisor for a partition and hands user
 * space a file for it; the partition lives exactly as long as that file, so
 * a worker that dies (even by SIGKILL) releases everything: its memory is
 * unmapped and unpinned and the hypervisor deletes the partition.
 *
 * Guest memory is the worker's own memory, pinned while mapped, so that the
 * hypervisor's page tables never point at a page Linux could reuse.  The
 * hypervisor checks every page number again (it trusts the parent with
 * nothing it can verify), so a bug here is caught there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/irq_vectors.h>

#include <hv/abi.h>
#include <hv/vid_ioctl.h>
#include "vid_hypercall.h"
#include "vid_partition.h"

#define VID_MAX_REGION_BYTES (64ULL << 30)

struct vid_region {
    struct list_head link;
    u64 guest_pa;
    u64 npages;
    struct page **pages;
};

struct vid_partition {
    u64 id;
    struct mutex lock; /* regions */
    struct list_head regions;
    spinlock_t vps_lock;
    struct vid_vp *vps[HV_MAX_CHILD_VPS]; /* open VP files, to wake them */
};

u64 vid_partition_id(const struct vid_partition *p)
{
    return p->id;
}

void vid_partition_remember_vp(struct vid_partition *p, u32 index, struct vid_vp *vp)
{
    spin_lock(&p->vps_lock);
    p->vps[index] = vp;
    spin_unlock(&p->vps_lock);
}

void vid_partition_forget_vp(struct vid_partition *p, u32 index)
{
    spin_lock(&p->vps_lock);
    p->vps[index] = NULL;
    spin_unlock(&p->vps_lock);
}

/* Wake the threads of the VPs in @mask (bit n: VP n): an interrupt was
 * posted to them while they halted. */
void vid_partition_wake(struct vid_partition *p, u64 mask)
{
    spin_lock(&p->vps_lock);
    while (mask) {
        unsigned int i = __ffs64(mask);

        mask &= mask - 1;
        if (i < HV_MAX_CHILD_VPS && p->vps[i])
            vid_vp_wake(p->vps[i]);
    }
    spin_unlock(&p->vps_lock);
}

/* The hypervisor's answer as an errno for user space. */
int vid_status_errno(u16 status)
{
    switch (status) {
    case HV_STATUS_SUCCESS:
        return 0;
    case HV_STATUS_ACCESS_DENIED:
        return -EACCES;
    case HV_STATUS_OBJECT_IN_USE:
        return -EBUSY;
    case HV_STATUS_INSUFFICIENT_MEMORY:
        return -ENOMEM;
    case HV_STATUS_INVALID_PARTITION_ID:
        return -ENOENT;
    case HV_STATUS_INVALID_VP_INDEX:
        return -EINVAL;
    case HV_STATUS_INVALID_VP_STATE:
    case HV_STATUS_INVALID_PARTITION_STATE:
        return -EBUSY;
    case HV_STATUS_INVALID_PARAMETER:
    case HV_STATUS_INVALID_ALIGNMENT:
    case HV_STATUS_INVALID_HYPERCALL_INPUT:
        return -EINVAL;
    default:
        return -EIO;
    }
}

/*
 * One hypercall with its input in @in (a page of ours) and output in @out;
 * for rep calls, repeat from where the hypervisor stopped until all @reps
 * are done or it reports an error.  *done (may be NULL) gets the reps done.
 */
u16 vid_hvcall(u16 code, u32 reps, void *in, void *out, u32 *done)
{
    u64 control, result;
    u32 start = 0;
    u16 status;

    do {
        control = code | (u64)reps << HV_HYPERCALL_REP_COUNT_SHIFT |
                  (u64)start << HV_HYPERCALL_REP_START_SHIFT;
        result = hv_hypercall(control, virt_to_phys(in), out ? virt_to_phys(out) : 0);
        status = HV_HYPERCALL_STATUS(result);
        start = HV_HYPERCALL_REPS_DONE(result);
    } while (status == HV_STATUS_SUCCESS && reps && start < reps);
    if (done)
        *done = start;
    return status;
}

/* Unmap @npages from @gpa_page; the hypervisor takes up to 4095 per call. */
static int vid_unmap(u64 id, u64 gpa_page, u64 npages, void *page)
{
    struct hv_input_unmap_gpa_pages *in = page;
    int err = 0;

    while (npages && !err) {
        u32 n = min_t(u64, npages, HV_HYPERCALL_REP_MASK);

        memset(in, 0, sizeof(*in));
        in->partition_id = id;
        in->target_gpa_page = gpa_page;
        err = vid_status_errno(vid_hvcall(HVCALL_UNMAP_GPA_PAGES, n, in, NULL, NULL));
        gpa_page += n;
        npages -= n;
    }
    return err;
}

static void vid_region_free(struct vid_region *r)
{
    unpin_user_pages_dirty_lock(r->pages, r->npages, true);
    kvfree(r->pages);
    kfree(r);
}

static int vid_map_memory(struct vid_partition *p, const struct vid_memory_region *req)
{
    struct hv_input_map_gpa_pages *in;
    struct vid_region *r;
    u64 mapped = 0;
    long pinned;
    int err;

    if (req->reserved || !req->size || !PAGE_ALIGNED(req->user_addr) || !PAGE_ALIGNED(req->size) ||
        !PAGE_ALIGNED(req->guest_pa) || req->size > VID_MAX_REGION_BYTES ||
        !(req->flags & VID_MEM_READ) ||
        req->flags & ~(VID_MEM_READ | VID_MEM_WRITE | VID_MEM_EXEC) ||
        req->guest_pa + req->size < req->guest_pa)
        return -EINVAL;
    r = kzalloc(sizeof(*r), GFP_KERNEL);
    in = (void *)__get_free_page(GFP_KERNEL);
    if (!r || !in) {
        err = -ENOMEM;
        goto out_free;
    }
    r->guest_pa = req->guest_pa;
    r->npages = req->size >> PAGE_SHIFT;
    r->pages = kvcalloc(r->npages, sizeof(*r->pages), GFP_KERNEL);
    if (!r->pages) {
        err = -ENOMEM;
        goto out_free;
    }
    pinned = pin_user_pages_fast(req->user_addr, r->npages, FOLL_WRITE | FOLL_LONGTERM, r->pages);
    if (pinned != (long)r->npages) {
        if (pinned > 0)
            unpin_user_pages(r->pages, pinned);
        err = pinned < 0 ? pinned : -EFAULT;
        goto out_free;
    }

    while (mapped < r->npages) {
        u32 n = min_t(u64, r->npages - mapped, HV_MAP_GPA_MAX_REPS), i, done;
        u16 status;

        memset(in, 0, sizeof(*in));
        in->partition_id = p->id;
        in->target_gpa_page = (r->guest_pa >> PAGE_SHIFT) + mapped;
        in->map_flags =
            HV_MAP_GPA_READABLE | (req->flags & VID_MEM_WRITE ? HV_MAP_GPA_WRITABLE : 0) |
            (req->flags & VID_MEM_EXEC ? HV_MAP_GPA_KERNEL_EXECUTABLE | HV_MAP_GPA_USER_EXECUTABLE
                                       : 0);
        for (i = 0; i < n; i++)
            in->source_pfn[i] = page_to_pfn(r->pages[mapped + i]);
        status = vid_hvcall(HVCALL_MAP_GPA_PAGES, n, in, NULL, &done);
        mapped += done;
        if (status != HV_STATUS_SUCCESS) {
            err = vid_status_errno(status);
            vid_unmap(p->id, r->guest_pa >> PAGE_SHIFT, mapped, in);
            unpin_user_pages(r->pages, r->npages);
            goto out_free;
        }
    }
    free_page((unsigned long)in);
    mutex_lock(&p->lock);
    list_add(&r->link, &p->regions);
    mutex_unlock(&p->lock);
    return 0;

out_free:
    free_page((unsigned long)in);
    if (r)
        kvfree(r->pages);
    kfree(r);
    return err;
}

static int vid_unmap_memory(struct vid_partition *p, const struct vid_memory_region *req)
{
    struct vid_region *r, *found = NULL;
    void *page;
    int err;

    mutex_lock(&p->lock);
    list_for_each_entry(r, &p->regions, link)
    {
        if (r->guest_pa == req->guest_pa && r->npages << PAGE_SHIFT == req->size) {
            found = r;
            list_del(&r->link);
            break;
        }
    }
    mutex_unlock(&p->lock);
    if (!found)
        return -ENOENT;
    page = (void *)__get_free_page(GFP_KERNEL);
    if (!page) {
        err = -ENOMEM;
    } else {
        err = vid_unmap(p->id, found->guest_pa >> PAGE_SHIFT, found->npages, page);
        free_page((unsigned long)page);
    }
    if (err) {
        /* Still mapped: the pages must stay pinned. */
        mutex_lock(&p->lock);
        list_add(&found->link, &p->regions);
        mutex_unlock(&p->lock);
        return err;
    }
    vid_region_free(found);
    return 0;
}

/*
 * The calls that give a child's VPs an interrupt (AssertVirtualInterrupt,
 * PostMessageDirect, SignalEventDirect) share their shape: an input page,
 * an output page whose u64 at @wake_offset names the halted VPs to wake,
 * and these errors beyond vid_status_errno()'s: EAGAIN for a full message
 * slot, ENOENT for a VP that does not exist.  vid_interrupt_pages() gets
 * the two zeroed pages (NULL: ENOMEM); vid_interrupt_call() makes the call,
 * wakes, and frees them.
 */
static void *vid_interrupt_pages(void **out)
{
    void *in = (void *)get_zeroed_page(GFP_KERNEL);

    *out = (void *)get_zeroed_page(GFP_KERNEL);
    if (in && *out)
        return in;
    free_page((unsigned long)in);
    free_page((unsigned long)*out);
    return NULL;
}

static int vid_interrupt_call(struct vid_partition *p, u16 code, void *in, void *out,
                              size_t wake_offset)
{
    u16 status = vid_hvcall(code, 0, in, out, NULL);
    int err;

    if (status == HV_STATUS_INSUFFICIENT_BUFFERS)
        err = -EAGAIN;
    else if (status == HV_STATUS_INVALID_VP_INDEX)
        err = -ENOENT;
    else
        err = vid_status_errno(status);
    if (!err)
        vid_partition_wake(p, *(u64 *)((u8 *)out + wake_offset));
    free_page((unsigned long)in);
    free_page((unsigned long)out);
    return err;
}

static int vid_assert_interrupt(struct vid_partition *p, const struct vid_interrupt *req)
{
    struct hv_input_assert_virtual_interrupt *in;
    void *out;

    if (req->reserved || req->flags & ~(VID_IRQ_LOGICAL | VID_IRQ_LEVEL))
        return -EINVAL;
    if (!(in = vid_interrupt_pages(&out)))
        return -ENOMEM;
    in->partition_id = p->id;
    in->interrupt_type = req->type;
    in->vector = req->vector;
    in->dest_address = req->dest;
    in->logical_dest = !!(req->flags & VID_IRQ_LOGICAL);
    in->level_triggered = !!(req->flags & VID_IRQ_LEVEL);
    return vid_interrupt_call(p, HVCALL_ASSERT_VIRTUAL_INTERRUPT, in, out,
                              offsetof(struct hv_output_assert_virtual_interrupt, wake_vps));
}

/* VID_POST_MESSAGE and VID_SIGNAL_EVENT: the worker's VMBus server talking
 * to the child's SynIC. */
static int vid_post_message(struct vid_partition *p, const struct vid_post_message *req)
{
    struct hv_input_post_message_direct *in;
    void *out;

    if (req->sint >= 16)
        return -EINVAL;
    if (!(in = vid_interrupt_pages(&out)))
        return -ENOMEM;
    in->partition_id = p->id;
    in->vp_index = req->vp_index;
    in->sint_index = req->sint;
    memcpy(in->message, req->message, sizeof(in->message));
    return vid_interrupt_call(p, HVCALL_POST_MESSAGE_DIRECT, in, out,
                              offsetof(struct hv_output_post_message_direct, wake_vps));
}

static int vid_signal_event(struct vid_partition *p, const struct vid_signal_event *req)
{
    struct hv_input_signal_event_direct *in;
    void *out;

    if (req->reserved || req->sint >= 16 || req->flag >= 2048)
        return -EINVAL;
    if (!(in = vid_interrupt_pages(&out)))
        return -ENOMEM;
    in->target_partition = p->id;
    in->target_vp = req->vp_index;
    in->target_sint = req->sint;
    in->flag_number = req->flag;
    return vid_interrupt_call(p, HVCALL_SIGNAL_EVENT_DIRECT, in, out,
                              offsetof(struct hv_output_signal_event_direct, wake_vps));
}

static long vid_partition_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
    struct vid_partition *p = file->private_data;
    struct vid_memory_region req;

    switch (cmd) {
    case VID_CREATE_VP: {
        struct vid_create_vp cv;

        if (copy_from_user(&cv, (void __user *)arg, sizeof(cv)))
            return -EFAULT;
        if (cv.flags || cv.vp_index >= HV_MAX_CHILD_VPS)
            return -EINVAL;
        return vid_create_vp(file, p, cv.vp_index);
    }
    case VID_ASSERT_INTERRUPT: {
        struct vid_interrupt irq;

        if (copy_from_user(&irq, (void __user *)arg, sizeof(irq)))
            return -EFAULT;
        return vid_assert_interrupt(p, &irq);
    }
    case VID_POST_MESSAGE: {
        struct vid_post_message pm;

        if (copy_from_user(&pm, (void __user *)arg, sizeof(pm)))
            return -EFAULT;
        return vid_post_message(p, &pm);
    }
    case VID_SIGNAL_EVENT: {
        struct vid_signal_event se;

        if (copy_from_user(&se, (void __user *)arg, sizeof(se)))
            return -EFAULT;
        return vid_signal_event(p, &se);
    }
    case VID_MAP_MEMORY:
    case VID_UNMAP_MEMORY:
        if (copy_from_user(&req, (void __user *)arg, sizeof(req)))
            return -EFAULT;
        return cmd == VID_MAP_MEMORY ? vid_map_memory(p, &req) : vid_unmap_memory(p, &req);
    default:
        return -ENOTTY;
    }
}

/* The last reference is gone: give everything back, then delete. */
static int vid_partition_release(struct inode *inode, struct file *file)
{
    struct vid_partition *p = file->private_data;
    struct hv_input_delete_partition *in = (void *)__get_free_page(GFP_KERNEL | __GFP_NOFAIL);
    struct vid_region *r, *tmp;
    u16 status;

    /* Deleting the partition unmaps everything in the hypervisor first, so
     * the pages are unpinned only after it says so. */
    in->partition_id = p->id;
    status = vid_hvcall(HVCALL_DELETE_PARTITION, 0, in, NULL, NULL);
    free_page((unsigned long)in);
    if (status != HV_STATUS_SUCCESS) {
        /* Pages the hypervisor may still map must never go back to Linux. */
        pr_err("partition %llu: delete failed (status 0x%x): its memory stays pinned\n", p->id,
               status);
        kfree(p);
        return 0;
    }
    list_for_each_entry_safe(r, tmp, &p->regions, link) vid_region_free(r);
    kfree(p);
    return 0;
}

static const struct file_operations vid_partition_fops = {
    .owner = THIS_MODULE,
    .unlocked_ioctl = vid_partition_ioctl,
    .compat_ioctl = compat_ptr_ioctl,
    .release = vid_partition_release,
    .llseek = noop_llseek,
};

long vid_create_partition(void __user *uarg)
{
    struct vid_create_partition req;
    struct hv_input_create_partition *in;
    struct hv_output_create_partition *out;
    struct vid_partition *p;
    u16 status;
    int fd;

    if (copy_from_user(&req, uarg, sizeof(req)))
        return -EFAULT;
    if (req.flags)
        return -EINVAL;
    p = kzalloc(sizeof(*p), GFP_KERNEL);
    in = (void *)get_zeroed_page(GFP_KERNEL);
    out = (void *)get_zeroed_page(GFP_KERNEL);
    if (!p || !in || !out) {
        fd = -ENOMEM;
        goto out;
    }
    /* max_vps goes to the hypervisor unchecked: it is the one that decides.
     * Kicks arrive as reschedule IPIs, which Linux takes as a no-op. */
    in->max_vps = req.max_vps;
    in->kick_vector = RESCHEDULE_VECTOR;
    status = vid_hvcall(HVCALL_CREATE_PARTITION, 0, in, out, NULL);
    if (status != HV_STATUS_SUCCESS) {
        fd = vid_status_errno(status);
        goto out;
    }
    p->id = out->partition_id;
    req.reference_tsc_base = out->reference_tsc_base;
    req.tsc_frequency = out->tsc_frequency;
    mutex_init(&p->lock);
    INIT_LIST_HEAD(&p->regions);
    spin_lock_init(&p->vps_lock);
    req.partition_id = p->id;
    if (copy_to_user(uarg, &req, sizeof(req))) {
        fd = -EFAULT;
    } else {
        fd = anon_inode_getfd("vid-partition", &vid_partition_fops, p, O_RDWR | O_CLOEXEC);
        if (fd >= 0)
            p = NULL; /* the file owns it now */
    }
    if (p) {
        struct hv_input_delete_partition *del = (void *)in;

        del->partition_id = out->partition_id;
        vid_hvcall(HVCALL_DELETE_PARTITION, 0, del, NULL, NULL);
    }
out:
    free_page((unsigned long)in);
    free_page((unsigned long)out);
    kfree(p);
    return fd;
}
