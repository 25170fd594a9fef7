// SPDX-License-Identifier: GPL-2.0-only
/* The host's switches and MAC addresses, from the state directory (see net_inventory.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "net_inventory.h"
#include "vm_config.h"

static void note_unreadable(struct net_inventory *inv, const char *why)
{
    if (inv->unreadable++ == 0)
        snprintf(inv->unreadable_err, sizeof(inv->unreadable_err), "%s", why);
}

int net_inventory_add(struct net_inventory *inv, const struct net_use *use)
{
    if (inv->use_count == inv->use_capacity) {
        size_t capacity = inv->use_capacity ? inv->use_capacity * 2 : 32;
        struct net_use *bigger = realloc(inv->uses, capacity * sizeof(*bigger));

        if (bigger == NULL)
            return -1;
        inv->uses = bigger;
        inv->use_capacity = capacity;
    }
    inv->uses[inv->use_count++] = *use;
    return 0;
}

static int add_switch(struct net_inventory *inv, const struct switch_config *c)
{
    if (inv->switch_count == inv->switch_capacity) {
        size_t capacity = inv->switch_capacity ? inv->switch_capacity * 2 : 8;
        struct switch_config *bigger = realloc(inv->switches, capacity * sizeof(*bigger));

        if (bigger == NULL)
            return -1;
        inv->switches = bigger;
        inv->switch_capacity = capacity;
    }
    inv->switches[inv->switch_count++] = *c;
    if (c->has_mac) {
        struct net_use use = {.mac = mac_to_u64(c->mac), .owner = NET_OWNER_SWITCH};

        strcpy(use.name, c->name);
        strcpy(use.switch_name, c->name);
        return net_inventory_add(inv, &use);
    }
    return 0;
}

static int add_vm(struct net_inventory *inv, const struct vm_config *c)
{
    for (unsigned i = 0; i < c->nic_count; i++) {
        struct net_use use = {.mac = mac_to_u64(c->nics[i].mac),
                              .owner = NET_OWNER_VM,
                              .nic_index = c->nics[i].index};

        strcpy(use.name, c->name);
        strcpy(use.switch_name, c->nics[i].switch_name);
        if (net_inventory_add(inv, &use) != 0)
            return -1;
    }
    return 0;
}

/* Opens @dir to list it: NULL with *@rc 0 when it does not exist, -1 when it cannot be read. */
static DIR *open_dir(const char *dir, int *rc, char *err, size_t err_size)
{
    DIR *d = opendir(dir);

    *rc = 0;
    if (d == NULL && errno != ENOENT) {
        snprintf(err, err_size, "%s: %s", dir, strerror(errno));
        *rc = -1;
    }
    return d;
}

static int load_vms(const struct hvctl_paths *paths, struct net_inventory *inv, char *err,
                    size_t err_size)
{
    char dir[VM_PATH_MAX], path[VM_PATH_MAX], why[HVCTL_ERR_MAX];
    struct vm_config *c = malloc(sizeof(*c)); /* 64 disk paths: too large for the stack */
    struct dirent *e;
    int rc;
    DIR *d;

    if (c == NULL) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    path_vms_dir(paths, dir);
    d = open_dir(dir, &rc, err, err_size);
    while (rc == 0 && d != NULL && (e = readdir(d)) != NULL) {
        struct stat st;

        /* Not a VM: ".", "..", what delete is removing. */
        if (!vm_name_valid(e->d_name, why, sizeof(why)) ||
            fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISDIR(st.st_mode))
            continue;
        path_vm_config(paths, e->d_name, path);
        if (vm_config_read(path, c, why, sizeof(why)) != 0) {
            note_unreadable(inv, why);
            continue;
        }
        if (add_vm(inv, c) != 0) {
            snprintf(err, err_size, "out of memory");
            rc = -1;
        }
    }
    if (d != NULL)
        closedir(d);
    free(c);
    return rc;
}

static int compare_switches(const void *a, const void *b)
{
    return strcmp(((const struct switch_config *)a)->name, ((const struct switch_config *)b)->name);
}

static int load_switches(const struct hvctl_paths *paths, struct net_inventory *inv, char *err,
                         size_t err_size)
{
    size_t suffix_len = strlen(SWITCH_CONFIG_SUFFIX);
    char dir[VM_PATH_MAX], path[VM_PATH_MAX], why[HVCTL_ERR_MAX];
    struct switch_config c;
    struct dirent *e;
    int rc;
    DIR *d;

    path_switches_dir(paths, dir);
    d = open_dir(dir, &rc, err, err_size);
    while (rc == 0 && d != NULL && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char name[VM_NAME_MAX + 1];

        /* NAME.conf; the temporary files of an atomic write start with a dot. */
        if (len <= suffix_len || len - suffix_len > VM_NAME_MAX ||
            strcmp(e->d_name + len - suffix_len, SWITCH_CONFIG_SUFFIX) != 0)
            continue;
        memcpy(name, e->d_name, len - suffix_len);
        name[len - suffix_len] = '\0';
        if (!vm_name_valid(name, why, sizeof(why)))
            continue;
        path_switch_config(paths, name, path);
        if (switch_config_read(path, &c, why, sizeof(why)) != 0) {
            note_unreadable(inv, why);
        } else if (strcmp(c.name, name) != 0) {
            snprintf(why, sizeof(why), "%.300s: name=%s, but the file is %s's", path, c.name, name);
            note_unreadable(inv, why);
        } else if (add_switch(inv, &c) != 0) {
            snprintf(err, err_size, "out of memory");
            rc = -1;
        }
    }
    if (d != NULL)
        closedir(d);
    if (inv->switch_count > 1)
        qsort(inv->switches, inv->switch_count, sizeof(inv->switches[0]), compare_switches);
    return rc;
}

int net_inventory_load(const struct hvctl_paths *paths, struct net_inventory *inv, char *err,
                       size_t err_size)
{
    memset(inv, 0, sizeof(*inv));
    if (load_switches(paths, inv, err, err_size) != 0 || load_vms(paths, inv, err, err_size) != 0) {
        net_inventory_free(inv);
        return -1;
    }
    return 0;
}

void net_inventory_free(struct net_inventory *inv)
{
    free(inv->uses);
    free(inv->switches);
    memset(inv, 0, sizeof(*inv));
}

const struct net_use *net_inventory_find_mac(const struct net_inventory *inv,
                                             const uint8_t mac[MAC_LEN])
{
    uint64_t value = mac_to_u64(mac);

    for (size_t i = 0; i < inv->use_count; i++) {
        if (inv->uses[i].mac == value)
            return &inv->uses[i];
    }
    return NULL;
}

void net_use_describe(const struct net_use *use, char *buf, size_t buf_size)
{
    if (use->owner == NET_OWNER_SWITCH)
        snprintf(buf, buf_size, "switch %s (its bridge)", use->name);
    else
        snprintf(buf, buf_size, "VM %s (its NIC %u)", use->name, use->nic_index);
}

const struct switch_config *net_inventory_switch(const struct net_inventory *inv, const char *name)
{
    for (size_t i = 0; i < inv->switch_count; i++) {
        if (strcmp(inv->switches[i].name, name) == 0)
            return &inv->switches[i];
    }
    return NULL;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

unsigned net_inventory_switch_users(const struct net_inventory *inv, const char *name, char *buf,
                                    size_t buf_size)
{
    const char **names = malloc((inv->use_count ? inv->use_count : 1) * sizeof(*names));
    unsigned n = 0, distinct = 0;
    size_t used = 0;

    if (buf_size > 0)
        buf[0] = '\0';
    if (names == NULL)
        return 0;
    for (size_t i = 0; i < inv->use_count; i++) {
        const struct net_use *u = &inv->uses[i];

        if (u->owner == NET_OWNER_VM && strcmp(u->switch_name, name) == 0)
            names[n++] = u->name;
    }
    qsort(names, n, sizeof(*names), compare_names);
    /* Each VM once, though it may have several NICs on the switch. */
    for (unsigned i = 0; i < n; i++) {
        int more;

        if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
            continue;
        distinct++;
        if (used >= buf_size)
            continue;
        more = snprintf(buf + used, buf_size - used, "%s%s", distinct > 1 ? ", " : "", names[i]);
        if (more < 0 || (size_t)more >= buf_size - used) {
            if (buf_size >= 4)
                strcpy(buf + buf_size - 4, "...");
            used = buf_size;
        } else {
            used += (size_t)more;
        }
    }
    free(names);
    return distinct;
}

int net_inventory_alloc_mac(const struct net_inventory *inv, const struct mac_pool *pool,
                            uint8_t mac[MAC_LEN])
{
    uint64_t *used = malloc((inv->use_count ? inv->use_count : 1) * sizeof(*used));
    int rc;

    if (used == NULL)
        return -1;
    for (size_t i = 0; i < inv->use_count; i++)
        used[i] = inv->uses[i].mac;
    rc = mac_pool_alloc(pool, used, inv->use_count, mac);
    free(used);
    return rc;
}
