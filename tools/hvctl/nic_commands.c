// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic add, remove, list: a VM's network adapters (vm_config.h's nic=
 * lines).  They change only vm.conf, so add and remove want the VM off:
 * the worker plugs its NICs in at start.  Add holds the VM's lock, then the
 * network lock (lock.h) while it checks the switch and chooses the MAC.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "lock.h"
#include "msg.h"
#include "net_state.h"
#include "nic_assign.h"
#include "vm_lookup.h"
#include "vm_nics.h"
#include "worker.h"

/* vm.conf with 64 disk paths is too large for the stack: one configuration per command. */
static struct vm_config config;

/* "20", or "-" for none. */
static void vlan_text(unsigned vlan, char *buf, size_t size)
{
    if (vlan == 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%u", vlan);
}

int cmd_nic_list(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    char err[HVCTL_ERR_MAX], mac[MAC_TEXT_MAX], vlan[16];
    size_t width = strlen("SWITCH");

    if (vm_check_exists(paths, args->name) != 0)
        return HVCTL_EXIT_ERROR;
    if (vm_read_config(paths, args->name, &config, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    for (unsigned i = 0; i < config.nic_count; i++) {
        if (strlen(config.nics[i].switch_name) > width)
            width = strlen(config.nics[i].switch_name);
    }
    printf("%-3s  %-*s  %-17s  %-4s  %s\n", "NIC", (int)width, "SWITCH", "MAC", "VLAN", "TYPE");
    for (unsigned i = 0; i < config.nic_count; i++) {
        const struct vm_nic *n = &config.nics[i];

        mac_format(n->mac, mac);
        vlan_text(n->vlan, vlan, sizeof(vlan));
        printf("%-3u  %-*s  %-17s  %-4s  %s\n", n->index, (int)width, n->switch_name, mac, vlan,
               n->legacy ? "legacy" : "synthetic");
    }
    if (fflush(stdout) != 0) {
        hvctl_error("writing the list: %s", strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    return HVCTL_EXIT_OK;
}

/* Under the VM's lock: 0 if VM @name is off, else -1 after saying it must be. */
static int check_off(const struct hvctl_paths *paths, const char *name, int lock_fd,
                     const char *what)
{
    if (worker_pid(paths, name, lock_fd) == 0)
        return 0;
    hvctl_error("%s is running: NICs can be %s only while it is off (hvctl stop %s)", name, what,
                name);
    return -1;
}

static int save(const struct hvctl_paths *paths, const char *name, const char *what)
{
    char dir[VM_PATH_MAX], err[HVCTL_ERR_MAX];

    path_vm_dir(paths, name, dir);
    if (vm_config_write(dir, &config, err, sizeof(err)) != 0) {
        hvctl_error("cannot %s: %s", what, err);
        return -1;
    }
    return 0;
}

static int add_locked(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *name = args->name, *spec = args->operands[1];
    char err[HVCTL_ERR_MAX], mac[MAC_TEXT_MAX], what[64];
    struct net_state st;
    bool from_pool = false;
    int index, status = HVCTL_EXIT_ERROR;

    if (net_state_open(paths, true, &st) != 0)
        return HVCTL_EXIT_ERROR;
    index = nic_assign(&config, spec, &st.inv, &st.host.mac_pool, &from_pool, err, sizeof(err));
    st.host_used = from_pool;
    snprintf(what, sizeof(what), "add a NIC to %s", name);
    if (index < 0) {
        hvctl_error("cannot add a NIC to %s: %s", name, err);
    } else if (net_state_save_host(paths, &st) == 0) {
        if (save(paths, name, what) == 0) {
            const struct vm_nic *n = &config.nics[vm_nic_find(&config, (unsigned)index)];

            mac_format(n->mac, mac);
            printf("added NIC %d to %s: switch %s, MAC %s", index, name, n->switch_name, mac);
            if (n->vlan != 0)
                printf(", VLAN %u", n->vlan);
            printf("%s\n", n->legacy ? ", legacy" : "");
            status = HVCTL_EXIT_OK;
        } else {
            net_state_forget_host(paths, &st);
        }
    }
    net_state_close(&st);
    return status;
}

int cmd_nic_add(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    char err[HVCTL_ERR_MAX];
    int lock_fd = vm_lock_existing(paths, args->name), status = HVCTL_EXIT_ERROR;

    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    if (vm_read_config(paths, args->name, &config, err, sizeof(err)) != 0)
        hvctl_error("%s", err);
    else if (check_off(paths, args->name, lock_fd, "added") == 0)
        status = add_locked(paths, args);
    vm_unlock(lock_fd);
    return status;
}

int cmd_nic_remove(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *name = args->name;
    char err[HVCTL_ERR_MAX], mac[MAC_TEXT_MAX], what[64];
    unsigned index;
    int lock_fd, at, status = HVCTL_EXIT_ERROR;

    if (vm_check_exists(paths, name) != 0)
        return HVCTL_EXIT_ERROR;
    if (vm_nic_index_parse(args->operands[1], &index, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    lock_fd = vm_lock_existing(paths, name);
    if (lock_fd < 0)
        return HVCTL_EXIT_ERROR;
    snprintf(what, sizeof(what), "remove NIC %u from %s", index, name);
    if (vm_read_config(paths, name, &config, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
    } else if ((at = vm_nic_find(&config, index)) < 0) {
        hvctl_error("%s has no NIC %u (hvctl nic list %s)", name, index, name);
    } else if (check_off(paths, name, lock_fd, "removed") == 0) {
        struct vm_nic gone = config.nics[at];

        vm_nic_remove(&config, (unsigned)at);
        if (save(paths, name, what) == 0) {
            mac_format(gone.mac, mac);
            printf("removed NIC %u (switch %s, MAC %s) from %s\n", gone.index, gone.switch_name,
                   mac, name);
            status = HVCTL_EXIT_OK;
        }
    }
    vm_unlock(lock_fd);
    return status;
}
