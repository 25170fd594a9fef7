/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv.cfg: the loader's configuration file, read from the directory the loader
 * was started from.  One "key=value" per line; '#' starts a comment line;
 * blank lines are ignored; spaces and tabs around keys and values are
 * trimmed; CRLF line ends are accepted.  Keys (see docs/boot.md):
 *
 *   hypervisor=PATH       the hypervisor ELF (required)
 *   hv_options=TEXT       the hypervisor's command line
 *   hv_memory=SIZE        memory reserved for the hypervisor, e.g. 64M
 *                         (suffix K, M or G; 16M..4G; default 64M)
 *   kernel=PATH           the parent partition's kernel (bzImage)
 *   kernel_options=TEXT   the parent kernel's command line
 *   initrd=PATH           the parent kernel's initramfs
 *
 * An unknown key, a repeated key, a line without '=', an empty path, a value
 * too long, or a bad size is an error that names the line.  Pure logic:
 * compiled for the host in the unit tests.
 */
#ifndef BOOT_CONFIG_H
#define BOOT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define HVCFG_PATH_MAX          256  /* including the terminating NUL */
#define HVCFG_TEXT_MAX          1024 /* including the terminating NUL */
#define HVCFG_DEFAULT_HV_MEMORY (64ULL << 20)
#define HVCFG_MIN_HV_MEMORY     (16ULL << 20)
#define HVCFG_MAX_HV_MEMORY     (4ULL << 30)

struct hv_config {
    char hypervisor[HVCFG_PATH_MAX];
    char hv_options[HVCFG_TEXT_MAX];
    uint64_t hv_memory; /* bytes, a multiple of 2 MiB */
    char kernel[HVCFG_PATH_MAX];
    char kernel_options[HVCFG_TEXT_MAX];
    char initrd[HVCFG_PATH_MAX];
};

/*
 * Parse @len bytes of @text (need not be NUL-terminated; a NUL byte inside is
 * an error).  On success fills @cfg (defaults for keys not given) and returns
 * 0.  On error returns -1 and writes a one-line message such as
 * "hv.cfg line 3: unknown key 'kernal'" into @err (always NUL-terminated when
 * errlen > 0); @cfg is then unspecified.  hv_memory is rounded up to 2 MiB.
 */
int hv_config_parse(const char *text, size_t len, struct hv_config *cfg, char *err, size_t errlen);

#endif
