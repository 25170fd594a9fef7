// SPDX-License-Identifier: GPL-2.0-only
/*
 * disk create, info, convert, compact, expand: disk images, through the
 * disk library (disk/include/disk/disk.h), which also checks the images and
 * their locks: an image a running VM uses is "in use".
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <disk/disk.h>

#include "commands.h"
#include "msg.h"
#include "size.h"

#define PROGRESS_WIDTH 40 /* characters of the bar */

/* A bar on stderr, only when it is a terminal. */
struct progress {
    const char *what;
    int shown; /* the percentage shown, -1 before the first */
};

static void progress_update(void *opaque, uint64_t done, uint64_t total)
{
    static const char hashes[PROGRESS_WIDTH + 1] = "########################################";
    struct progress *p = opaque;
    int percent = total == 0 ? 100 : (int)((done > total ? total : done) * 100 / total);

    if (percent == p->shown)
        return;
    p->shown = percent;
    fprintf(stderr, "\r%s [%-*.*s] %3d%%", p->what, PROGRESS_WIDTH, percent * PROGRESS_WIDTH / 100,
            hashes, percent);
    fflush(stderr);
}

/* The callback for the disk library: none when stderr is not a terminal. */
static disk_progress_fn progress_start(struct progress *p, const char *what)
{
    p->what = what;
    p->shown = -1;
    return isatty(STDERR_FILENO) ? progress_update : NULL;
}

/* Erases the bar, if there was one. */
static void progress_end(struct progress *p)
{
    if (p->shown >= 0) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* The library's message, or @path and the errno @rc when it left none. */
static void disk_failed(const char *what, const char *path, int rc, const char *why)
{
    if (why[0] != '\0')
        hvctl_error("%s%s", what, why);
    else
        hvctl_error("%s%s: %s", what, path, strerror(rc < 0 ? -rc : EIO));
}

/* --size: a size, a multiple of 1 MiB, not 0.  0, or -1 after saying why. */
static int option_disk_size(const char *text, uint64_t *bytes)
{
    char why[128];

    if (size_parse(text, bytes, why, sizeof(why)) != 0) {
        hvctl_error("--size %s %s", text, why);
        return -1;
    }
    if (*bytes == 0) {
        hvctl_error("--size %s: a disk cannot be empty", text);
        return -1;
    }
    if (*bytes % MiB != 0) {
        hvctl_error("--size %s is not a multiple of 1M%s", text,
                    *bytes < MiB ? " (sizes without a suffix are in bytes)" : "");
        return -1;
    }
    return 0;
}

/* --block-size: a size that fits in 32 bits (the library checks what the format takes). */
static int option_block_size(const char *text, uint32_t *bytes)
{
    char why[128];
    uint64_t value;

    if (size_parse(text, &value, why, sizeof(why)) != 0) {
        hvctl_error("--block-size %s %s", text, why);
        return -1;
    }
    if (value == 0 || value > UINT32_MAX) {
        hvctl_error("--block-size %s is out of range", text);
        return -1;
    }
    *bytes = (uint32_t)value;
    return 0;
}

/* A new image must not overwrite anything: said here, before the library's own check. */
static int check_new_image(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        hvctl_error("%s already exists", path);
        return -1;
    }
    return 0;
}

int cmd_disk_create(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *path = args->operands[0];
    struct disk_create_params p = {0};
    char why[DISK_ERR_MAX];
    int rc;

    (void)paths;
    if ((args->given & OPT_SIZE) && option_disk_size(args->size, &p.size) != 0)
        return HVCTL_EXIT_ERROR;
    if ((args->given & OPT_BLOCK_SIZE) && option_block_size(args->block_size, &p.block_size) != 0)
        return HVCTL_EXIT_ERROR;
    if (args->given & OPT_FIXED)
        p.type = DISK_TYPE_FIXED;
    else if (args->given & OPT_DYNAMIC)
        p.type = DISK_TYPE_DYNAMIC;
    p.parent = args->parent;
    if (check_new_image(path) != 0)
        return HVCTL_EXIT_ERROR;
    why[0] = '\0';
    rc = disk_create(path, &p, why, sizeof(why));
    if (rc != 0) {
        disk_failed("", path, rc, why);
        return HVCTL_EXIT_ERROR;
    }
    return HVCTL_EXIT_OK;
}

/* @path canonical for showing it ("/vms/./a.vhdx" as "/vms/a.vhdx"), else as it is. */
static const char *shown_path(const char *path, char *buf)
{
    return realpath(path, buf) != NULL ? buf : path;
}

/* One image of a chain, as "key: value" lines. */
static void print_image(const struct disk_info *info, unsigned level)
{
    char size[SIZE_TEXT_MAX], file[SIZE_TEXT_MAX], allocated[SIZE_TEXT_MAX], block[SIZE_TEXT_MAX],
        path[PATH_MAX];

    size_format_exact(info->virtual_size, size, sizeof(size));
    size_format_approx(info->file_size, file, sizeof(file));
    size_format_approx(info->allocated_size, allocated, sizeof(allocated));
    if (info->block_size != 0)
        size_format_exact(info->block_size, block, sizeof(block));
    else
        snprintf(block, sizeof(block), "-");
    if (level == 0)
        printf("path:          %s\n", shown_path(info->path, path));
    else
        printf("\nparent %u:%*s%s\n", level, level < 10 ? 6 : 5, "", shown_path(info->path, path));
    printf("format:        %s\n", disk_format_name(info->format));
    printf("type:          %s\n", disk_type_name(info->type));
    printf("virtual size:  %s (%llu bytes)\n", size, (unsigned long long)info->virtual_size);
    printf("file size:     %s (%llu bytes), %s allocated\n", file,
           (unsigned long long)info->file_size, allocated);
    printf("block size:    %s\n", block);
    printf("sector size:   %u logical, %u physical\n", info->logical_sector_size,
           info->physical_sector_size);
    if (info->parent[0] != '\0')
        printf("parent:        %s\n", shown_path(info->parent, path));
}

int cmd_disk_info(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *path = args->operands[0];
    static struct disk_info info; /* two paths of 4 KiB: not on the stack */
    char why[DISK_ERR_MAX];
    struct disk *d;
    unsigned level = 0;
    int rc;

    (void)paths;
    why[0] = '\0';
    rc = disk_open(path, DISK_OPEN_READ_ONLY, &d, why, sizeof(why));
    if (rc != 0) {
        disk_failed("", path, rc, why);
        return HVCTL_EXIT_ERROR;
    }
    for (const struct disk *level_d = d; level_d != NULL; level_d = disk_parent(level_d)) {
        disk_get_info(level_d, &info);
        print_image(&info, level++);
    }
    disk_close(d);
    if (fflush(stdout) != 0) {
        hvctl_error("writing the description: %s", strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    return HVCTL_EXIT_OK;
}

int cmd_disk_convert(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *in = args->operands[0], *out = args->operands[1];
    struct disk_create_params p = {0};
    struct progress bar;
    disk_progress_fn fn;
    char why[DISK_ERR_MAX];
    struct stat st;
    int rc;

    (void)paths;
    if ((args->given & OPT_BLOCK_SIZE) && option_block_size(args->block_size, &p.block_size) != 0)
        return HVCTL_EXIT_ERROR;
    if (args->given & OPT_FIXED)
        p.type = DISK_TYPE_FIXED;
    else if (args->given & OPT_DYNAMIC)
        p.type = DISK_TYPE_DYNAMIC;
    if (stat(in, &st) != 0) {
        hvctl_error("%s: %s", in, strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    if (check_new_image(out) != 0)
        return HVCTL_EXIT_ERROR;
    why[0] = '\0';
    fn = progress_start(&bar, "Converting");
    rc = disk_convert(in, out, &p, fn, &bar, why, sizeof(why));
    progress_end(&bar);
    if (rc != 0) {
        disk_failed("cannot convert: ", in, rc, why);
        return HVCTL_EXIT_ERROR;
    }
    return HVCTL_EXIT_OK;
}

int cmd_disk_compact(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *path = args->operands[0];
    char why[DISK_ERR_MAX], before[SIZE_TEXT_MAX], after[SIZE_TEXT_MAX];
    struct progress bar;
    disk_progress_fn fn;
    struct stat st;
    off_t old_size;
    int rc;

    (void)paths;
    if (stat(path, &st) != 0) {
        hvctl_error("%s: %s", path, strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    old_size = st.st_size;
    why[0] = '\0';
    fn = progress_start(&bar, "Compacting");
    rc = disk_compact(path, fn, &bar, why, sizeof(why));
    progress_end(&bar);
    if (rc != 0) {
        disk_failed("cannot compact: ", path, rc, why);
        return HVCTL_EXIT_ERROR;
    }
    if (stat(path, &st) == 0) {
        size_format_approx((uint64_t)old_size, before, sizeof(before));
        size_format_approx((uint64_t)st.st_size, after, sizeof(after));
        printf("%s: file size %s -> %s\n", path, before, after);
    }
    return HVCTL_EXIT_OK;
}

int cmd_disk_expand(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *path = args->operands[0];
    char why[DISK_ERR_MAX];
    struct stat st;
    uint64_t size;
    int rc;

    (void)paths;
    if (option_disk_size(args->size, &size) != 0)
        return HVCTL_EXIT_ERROR;
    if (stat(path, &st) != 0) {
        hvctl_error("%s: %s", path, strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    why[0] = '\0';
    rc = disk_expand(path, size, why, sizeof(why));
    if (rc != 0) {
        disk_failed("cannot expand: ", path, rc, why);
        return HVCTL_EXIT_ERROR;
    }
    return HVCTL_EXIT_OK;
}
