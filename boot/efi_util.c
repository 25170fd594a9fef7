/* SPDX-License-Identifier: GPL-2.0-only */
/* UEFI helpers of the loader (see efi_util.h). */
#include <stdarg.h>
#include <stdio.h>

#include "efi_util.h"

#define PATH_CHARS 512

static EFI_FILE_HANDLE esp_root;
static EFI_HANDLE esp_device;
static CHAR16 loader_dir[PATH_CHARS] = L"\\";

void say(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* %a prints an ASCII string; CRLF because the console may be a terminal. */
    Print(L"hvloader: %a\r\n", msg);
}

/* Append the file-path nodes of the loader's device path: that is where it
 * was started from, e.g. \EFI\BOOT\BOOTX64.EFI; keep everything up to the
 * last separator. */
EFI_STATUS loader_dir_open(EFI_HANDLE image)
{
    EFI_LOADED_IMAGE *li;
    EFI_FILE_IO_INTERFACE *fs;
    EFI_DEVICE_PATH *node;
    UINTN len = 0, last_sep = 0;
    EFI_STATUS st;

    st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
    if (EFI_ERROR(st))
        return st;
    st = BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol, (void **)&fs);
    if (EFI_ERROR(st)) {
        say("the boot device has no file system the firmware can read");
        return st;
    }
    esp_device = li->DeviceHandle;
    st = fs->OpenVolume(fs, &esp_root);
    if (EFI_ERROR(st))
        return st;

    for (node = li->FilePath; node && !IsDevicePathEnd(node); node = NextDevicePathNode(node)) {
        FILEPATH_DEVICE_PATH *fp = (FILEPATH_DEVICE_PATH *)node;
        UINTN chars;

        if (DevicePathType(node) != MEDIA_DEVICE_PATH ||
            DevicePathSubType(node) != MEDIA_FILEPATH_DP)
            continue;
        chars = (DevicePathNodeLength(node) - SIZE_OF_FILEPATH_DEVICE_PATH) / sizeof(CHAR16);
        for (UINTN i = 0; i < chars && fp->PathName[i] && len + 1 < PATH_CHARS; i++) {
            CHAR16 ch = fp->PathName[i] == L'/' ? L'\\' : fp->PathName[i];

            /* Nodes may or may not carry their own separators. */
            if (ch == L'\\' && len > 0 && loader_dir[len - 1] == L'\\')
                continue;
            if (i == 0 && ch != L'\\' && len > 0 && loader_dir[len - 1] != L'\\')
                loader_dir[len++] = L'\\';
            loader_dir[len++] = ch;
        }
    }
    for (UINTN i = 0; i < len; i++)
        if (loader_dir[i] == L'\\')
            last_sep = i;
    loader_dir[len ? last_sep + 1 : 1] = 0;
    if (!len)
        loader_dir[0] = L'\\';
    return EFI_SUCCESS;
}

static EFI_STATUS make_path(const char *path, CHAR16 *out)
{
    UINTN n = 0;

    if (path[0] != '/' && path[0] != '\\') {
        for (; loader_dir[n]; n++)
            out[n] = loader_dir[n];
    }
    for (const char *p = path; *p; p++) {
        if (n + 1 >= PATH_CHARS)
            return EFI_BAD_BUFFER_SIZE;
        out[n++] = (*p == '/') ? L'\\' : (CHAR16)(unsigned char)*p;
    }
    out[n] = 0;
    return EFI_SUCCESS;
}

EFI_STATUS file_read(const char *path, const char *what, BOOLEAN below_4g, struct loaded_file *out)
{
    CHAR16 wpath[PATH_CHARS];
    EFI_FILE_HANDLE fh;
    EFI_FILE_INFO *info;
    UINTN size;
    EFI_STATUS st;

    SetMem(out, sizeof(*out), 0);
    st = make_path(path, wpath);
    if (EFI_ERROR(st)) {
        say("path too long: '%s' (%s)", path, what);
        return st;
    }
    st = esp_root->Open(esp_root, &fh, wpath, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(st)) {
        Print(L"hvloader: cannot open %s (%a): %r\r\n", wpath, what, st);
        return st;
    }
    info = LibFileInfo(fh);
    if (!info) {
        fh->Close(fh);
        return EFI_DEVICE_ERROR;
    }
    out->size = info->FileSize;
    FreePool(info);
    if (out->size > (1ULL << 32)) {
        say("'%s' (%s) is larger than 4 GiB", path, what);
        fh->Close(fh);
        return EFI_BAD_BUFFER_SIZE;
    }

    if (below_4g) {
        out->npages = EFI_SIZE_TO_PAGES(out->size ? out->size : 1);
        out->pages = 0xFFFFFFFF;
        st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, out->npages, &out->pages);
        out->data = (void *)(UINTN)out->pages;
    } else {
        st = BS->AllocatePool(EfiLoaderData, out->size ? out->size : 1, &out->data);
    }
    if (EFI_ERROR(st)) {
        say("out of memory reading '%s' (%s)", path, what);
        out->pages = 0;
        fh->Close(fh);
        return st;
    }
    size = out->size;
    st = fh->Read(fh, &size, out->data);
    fh->Close(fh);
    if (!EFI_ERROR(st) && size != out->size)
        st = EFI_END_OF_FILE;
    if (EFI_ERROR(st)) {
        Print(L"hvloader: cannot read %s (%a): %r\r\n", wpath, what, st);
        file_free(out);
        return st;
    }
    return EFI_SUCCESS;
}

void file_free(struct loaded_file *f)
{
    if (f->pages)
        BS->FreePages(f->pages, f->npages);
    else if (f->data)
        FreePool(f->data);
    SetMem(f, sizeof(*f), 0);
}

EFI_STATUS pages_alloc_aligned(EFI_MEMORY_TYPE type, UINTN npages, UINT64 align, UINT64 max_addr,
                               EFI_PHYSICAL_ADDRESS *out)
{
    UINTN slack = (UINTN)EFI_SIZE_TO_PAGES(align) - 1;
    EFI_PHYSICAL_ADDRESS raw = max_addr, aligned;
    UINTN head, tail;
    EFI_STATUS st;

    st = BS->AllocatePages(AllocateMaxAddress, type, npages + slack, &raw);
    if (EFI_ERROR(st))
        return st;
    aligned = (raw + align - 1) & ~(align - 1);
    head = (UINTN)EFI_SIZE_TO_PAGES(aligned - raw);
    tail = slack - head;
    if (head)
        BS->FreePages(raw, head);
    if (tail)
        BS->FreePages(aligned + npages * EFI_PAGE_SIZE, tail);
    *out = aligned;
    return EFI_SUCCESS;
}

int esp_path(const char *path, char *out, size_t outlen)
{
    CHAR16 wpath[PATH_CHARS];
    size_t i;

    if (EFI_ERROR(make_path(path, wpath)))
        return -1;
    for (i = 0; wpath[i]; i++) {
        if (i + 1 >= outlen)
            return -1;
        out[i] = (char)wpath[i];
    }
    out[i] = '\0';
    return 0;
}

EFI_STATUS start_efi_image(EFI_HANDLE parent_image, const char *path, const char *options)
{
    static CHAR16 wopts[2048];
    CHAR16 wpath[PATH_CHARS];
    EFI_DEVICE_PATH *dp;
    EFI_LOADED_IMAGE *li;
    EFI_HANDLE child;
    EFI_STATUS st;
    UINTN n = 0;

    st = make_path(path, wpath);
    if (EFI_ERROR(st))
        return st;
    dp = FileDevicePath(esp_device, wpath);
    if (!dp)
        return EFI_OUT_OF_RESOURCES;
    st = BS->LoadImage(FALSE, parent_image, dp, NULL, 0, &child);
    FreePool(dp);
    if (EFI_ERROR(st)) {
        Print(L"hvloader: cannot load %s as an EFI application: %r\r\n", wpath, st);
        return st;
    }
    for (const char *p = options; *p && n + 1 < sizeof(wopts) / sizeof(wopts[0]); p++)
        wopts[n++] = (CHAR16)(unsigned char)*p;
    wopts[n] = 0;
    st = BS->HandleProtocol(child, &LoadedImageProtocol, (void **)&li);
    if (!EFI_ERROR(st)) {
        li->LoadOptions = wopts;
        li->LoadOptionsSize = (UINT32)((n + 1) * sizeof(CHAR16));
    }
    return BS->StartImage(child, NULL, NULL);
}
