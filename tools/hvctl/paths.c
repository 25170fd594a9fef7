// SPDX-License-Identifier: GPL-2.0-only
/* The state and runtime directories and the paths under them (see paths.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_config.h"
#include "paths.h"
#include "switch_config.h"

static int dir_from_env(const char *var, const char *fallback, char *out, char *err,
                        size_t err_size)
{
    const char *value = getenv(var);
    size_t len;

    if (value == NULL || value[0] == '\0')
        value = fallback;
    len = strlen(value);
    if (value[0] != '/') {
        snprintf(err, err_size, "%s=%s is not an absolute path", var, value);
        return -1;
    }
    if (len >= PATHS_DIR_MAX) {
        snprintf(err, err_size, "%s is longer than %d bytes", var, PATHS_DIR_MAX - 1);
        return -1;
    }
    /* "/a/b/" and "/a/b" must name the same VM paths (the worker is recognized by them). */
    while (len > 1 && value[len - 1] == '/')
        len--;
    memcpy(out, value, len);
    out[len] = '\0';
    return 0;
}

int paths_from_env(struct hvctl_paths *p, char *err, size_t err_size)
{
    if (dir_from_env(STATE_DIR_ENV, STATE_DIR_DEFAULT, p->state_dir, err, err_size) != 0 ||
        dir_from_env(RUN_DIR_ENV, RUN_DIR_DEFAULT, p->run_dir, err, err_size) != 0)
        return -1;
    return 0;
}

/* "/" + "x" is "/x", not "//x". */
static const char *sep(const char *dir)
{
    return strcmp(dir, "/") == 0 ? "" : "/";
}

void path_vms_dir(const struct hvctl_paths *p, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s" VMS_SUBDIR, p->state_dir, sep(p->state_dir));
}

void path_vm_dir(const struct hvctl_paths *p, const char *name, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s" VMS_SUBDIR "/%.*s", p->state_dir, sep(p->state_dir),
             VM_NAME_MAX, name);
}

void path_vm_config(const struct hvctl_paths *p, const char *name, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s" VMS_SUBDIR "/%.*s/" VM_CONFIG_FILE, p->state_dir,
             sep(p->state_dir), VM_NAME_MAX, name);
}

void path_vm_run_dir(const struct hvctl_paths *p, const char *name, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s%.*s", p->run_dir, sep(p->run_dir), VM_NAME_MAX, name);
}

void path_vm_run_file(const struct hvctl_paths *p, const char *name, const char *file, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s%.*s/%s", p->run_dir, sep(p->run_dir), VM_NAME_MAX, name, file);
}

void path_switches_dir(const struct hvctl_paths *p, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s" SWITCHES_SUBDIR, p->state_dir, sep(p->state_dir));
}

void path_switch_config(const struct hvctl_paths *p, const char *name, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s" SWITCHES_SUBDIR "/%.*s" SWITCH_CONFIG_SUFFIX, p->state_dir,
             sep(p->state_dir), VM_NAME_MAX, name);
}

void path_host_config(const struct hvctl_paths *p, char *buf)
{
    snprintf(buf, VM_PATH_MAX, "%s%s" HOST_CONFIG_FILE, p->state_dir, sep(p->state_dir));
}
