/* SPDX-License-Identifier: GPL-2.0-only */
/* Child partitions behind file descriptors (vid_partition.c). */
#ifndef VID_PARTITION_H
#define VID_PARTITION_H

#include <linux/compiler.h>

/* VID_CREATE_PARTITION: returns the new partition's file descriptor. */
long vid_create_partition(void __user *uarg);

#endif
