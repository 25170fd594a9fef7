/* SPDX-License-Identifier: GPL-2.0-only */
/* Small UEFI helpers of the loader: files beside the loader, pages, messages. */
#ifndef BOOT_EFI_UTIL_H
#define BOOT_EFI_UTIL_H

#include <efi.h>
#include <efilib.h>

/* A file read whole into memory. */
struct loaded_file {
    void *data;
    UINT64 size;
    EFI_PHYSICAL_ADDRESS pages; /* 0 if pool memory */
    UINTN npages;
};

/* Find the loader's own directory on its boot volume. */
EFI_STATUS loader_dir_open(EFI_HANDLE image);

/*
 * Read @path (ASCII, '/' or '\\' separated; relative to the loader's
 * directory unless it starts with a separator) whole.  With @below_4g the data
 * goes into EfiLoaderData pages below 4 GiB (boot modules the parent kernel
 * will read), otherwise into pool memory.  On failure prints a message naming
 * @what (for example "kernel= in hv.cfg") and returns the error.
 */
EFI_STATUS file_read(const char *path, const char *what, BOOLEAN below_4g, struct loaded_file *out);
void file_free(struct loaded_file *f);

/* @path (as for file_read) as an absolute ASCII path on the boot volume,
 * e.g. "\\EFI\\BOOT\\initrd.img".  0, or -1 if it does not fit. */
int esp_path(const char *path, char *out, size_t outlen);

/* Start the EFI application at @path (as for file_read) with the command
 * line @options, as the firmware would.  Returns only if it could not be
 * started or when it exits. */
EFI_STATUS start_efi_image(EFI_HANDLE parent_image, const char *path, const char *options);

/* Allocate @npages pages of @type at or below @max_addr, aligned to @align
 * (a power of two >= 4 KiB): over-allocates and gives the slack back. */
EFI_STATUS pages_alloc_aligned(EFI_MEMORY_TYPE type, UINTN npages, UINT64 align, UINT64 max_addr,
                               EFI_PHYSICAL_ADDRESS *out);

/* Print "hvloader: " + an ASCII message.  Only before ExitBootServices. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
