/* SPDX-License-Identifier: GPL-2.0-only */
/* Child partitions behind file descriptors (vid_partition.c). */
#ifndef VID_PARTITION_H
#define VID_PARTITION_H

#include <linux/compiler.h>

#include <linux/types.h>

struct file;
struct vid_partition;
struct vid_vp;

/* VID_CREATE_PARTITION: returns the new partition's file descriptor. */
long vid_create_partition(void __user *uarg);

/* Shared with vid_vp.c. */
u64 vid_partition_id(const struct vid_partition *p);
void vid_partition_remember_vp(struct vid_partition *p, u32 index, struct vid_vp *vp);
void vid_partition_forget_vp(struct vid_partition *p, u32 index);
void vid_partition_wake(struct vid_partition *p, u64 mask);
int vid_status_errno(u16 status);
u16 vid_hvcall(u16 code, u32 reps, void *in, void *out, u32 *done);

/* vid_vp.c: VID_CREATE_VP returns the VP's file descriptor. */
long vid_create_vp(struct file *partition_file, struct vid_partition *p, u32 index);
void vid_vp_wake(struct vid_vp *vp);

#endif
