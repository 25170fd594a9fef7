/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A generation 1 VM's IDE devices in its configuration (vm_config.h's ide=
 * lines): create's --ide option, hvctl ide set and remove.  Two channels
 * of two devices, addressed C:D as Hyper-V does (channel 0 or 1, device 0
 * or 1); each a hard disk image or a CD/DVD-ROM drive with an ISO image in
 * it.  Pure: nothing here touches a file (disk_check.h opens the images).
 */
#ifndef HVCTL_VM_IDE_H
#define HVCTL_VM_IDE_H

#include <stdbool.h>
#include <stddef.h>

#include "vm_config.h"

/* --ide C:D=PATH[,readonly|,dvd], taken apart. */
struct ide_option {
    unsigned channel;
    unsigned device;
    enum vm_ide_media media;
    char path[VM_PATH_MAX]; /* as given: not yet made absolute */
};

/*
 * "C:D" (@len bytes at @text): one digit each, channel 0 or 1, device 0 or
 * 1.  0, or -1 with "IDE slot 'TEXT' is not ..." in @err.
 */
int vm_ide_slot_parse(const char *text, size_t len, unsigned *channel, unsigned *device, char *err,
                      size_t err_size);

/*
 * Parses @text, C:D=PATH[,OPTION]: the slot, then the path, then what
 * follows the last comma when it is a word of letters and '-' only: the
 * option, readonly (a hard disk the guest cannot write) or dvd (a CD/DVD-ROM
 * with PATH as its disc).  As with --disk, a path may hold commas, and one
 * whose last comma is followed by such a word ends with one more comma.
 * Without an option, a PATH ending in ".iso" (any case) is a DVD, anything
 * else a writable hard disk.  Messages start with @label and @text
 * (@label "--ide": "--ide 0:0=/x,ro: unknown IDE option 'ro' ...").  0,
 * or -1 with the reason in @err.
 */
int vm_ide_option_parse(const char *label, const char *text, struct ide_option *opt, char *err,
                        size_t err_size);

/* The position in @c->ide of the device at @channel:@device, or of @path; -1 if none. */
int vm_ide_find_slot(const struct vm_config *c, unsigned channel, unsigned device);
int vm_ide_find_path(const struct vm_config *c, const char *path);

/*
 * Puts the device @media, @path (absolute) at @channel:@device of @c,
 * keeping the devices sorted by slot.  With @replace a device at that
 * slot is replaced (hvctl ide set); without, a taken slot is refused
 * (create, where each slot is given once).  Refused also: a generation 2
 * VM (no IDE controller), a slot out of range, a path @c has already (on
 * another IDE slot, or as a SCSI disk: one image, one device).  0, or -1
 * with the reason in @err (@c unchanged).
 */
int vm_ide_set(struct vm_config *c, unsigned channel, unsigned device, enum vm_ide_media media,
               const char *path, bool replace, char *err, size_t err_size);

/* Removes the device at position @at of @c->ide. */
void vm_ide_remove(struct vm_config *c, unsigned at);

/* "hard disk", "read-only hard disk" or "DVD drive", for messages. */
const char *vm_ide_media_text(enum vm_ide_media media);

#endif
