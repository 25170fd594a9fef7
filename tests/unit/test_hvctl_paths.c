/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of where hvctl keeps things (tools/hvctl/paths.c): the state
 * and runtime directories from the environment or their defaults, and the
 * paths built under them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/hvctl/paths.h"

static struct hvctl_paths paths;
static char err[512];

static int clear_env(void **state)
{
    (void)state;
    return unsetenv(STATE_DIR_ENV) | unsetenv(RUN_DIR_ENV);
}

static void test_defaults(void **state)
{
    (void)state;
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    assert_string_equal(paths.state_dir, "/var/lib/hvcore");
    assert_string_equal(paths.run_dir, "/run/hvcore");
    /* Empty counts as unset. */
    setenv(STATE_DIR_ENV, "", 1);
    setenv(RUN_DIR_ENV, "", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    assert_string_equal(paths.state_dir, "/var/lib/hvcore");
    assert_string_equal(paths.run_dir, "/run/hvcore");
}

static void test_from_environment(void **state)
{
    char buf[VM_PATH_MAX];

    (void)state;
    setenv(STATE_DIR_ENV, "/tmp/t/state", 1);
    setenv(RUN_DIR_ENV, "/tmp/t/run//", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    assert_string_equal(paths.state_dir, "/tmp/t/state");
    assert_string_equal(paths.run_dir, "/tmp/t/run"); /* trailing slashes dropped */

    path_vms_dir(&paths, buf);
    assert_string_equal(buf, "/tmp/t/state/vms");
    path_vm_dir(&paths, "web", buf);
    assert_string_equal(buf, "/tmp/t/state/vms/web");
    path_vm_config(&paths, "web", buf);
    assert_string_equal(buf, "/tmp/t/state/vms/web/vm.conf");
    path_vm_run_dir(&paths, "web", buf);
    assert_string_equal(buf, "/tmp/t/run/web");
    path_vm_run_file(&paths, "web", CONTROL_SOCKET, buf);
    assert_string_equal(buf, "/tmp/t/run/web/control.sock");
    path_vm_run_file(&paths, "web", WORKER_PID_FILE, buf);
    assert_string_equal(buf, "/tmp/t/run/web/vmwp.pid");
}

static void test_root_directory(void **state)
{
    char buf[VM_PATH_MAX];

    (void)state;
    setenv(STATE_DIR_ENV, "///", 1);
    setenv(RUN_DIR_ENV, "/", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    assert_string_equal(paths.state_dir, "/");
    path_vm_config(&paths, "a", buf);
    assert_string_equal(buf, "/vms/a/vm.conf");
    path_vm_run_file(&paths, "a", CONSOLE_SOCKET, buf);
    assert_string_equal(buf, "/a/console.sock");
}

static void test_rejections(void **state)
{
    char *long_dir = malloc(PATHS_DIR_MAX + 1);

    (void)state;
    setenv(STATE_DIR_ENV, "state", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), -1);
    assert_string_equal(err, "HVCORE_STATE_DIR=state is not an absolute path");
    setenv(STATE_DIR_ENV, "/ok", 1);
    setenv(RUN_DIR_ENV, "./run", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), -1);
    assert_string_equal(err, "HVCORE_RUN_DIR=./run is not an absolute path");

    assert_non_null(long_dir);
    memset(long_dir, 'd', PATHS_DIR_MAX);
    long_dir[0] = '/';
    long_dir[PATHS_DIR_MAX] = '\0';
    setenv(RUN_DIR_ENV, long_dir, 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "HVCORE_RUN_DIR is longer than"));
    long_dir[PATHS_DIR_MAX - 1] = '\0';
    setenv(RUN_DIR_ENV, long_dir, 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    free(long_dir);
}

/* The longest directory and name still make whole paths (nothing cut off). */
static void test_longest_paths_fit(void **state)
{
    char *long_dir = malloc(PATHS_DIR_MAX);
    char name[VM_NAME_MAX + 1], buf[VM_PATH_MAX];

    (void)state;
    assert_non_null(long_dir);
    memset(long_dir, 'd', PATHS_DIR_MAX - 1);
    long_dir[0] = '/';
    long_dir[PATHS_DIR_MAX - 1] = '\0';
    memset(name, 'n', VM_NAME_MAX);
    name[VM_NAME_MAX] = '\0';
    setenv(STATE_DIR_ENV, long_dir, 1);
    setenv(RUN_DIR_ENV, long_dir, 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    path_vm_config(&paths, name, buf);
    assert_int_equal(strlen(buf),
                     PATHS_DIR_MAX - 1 + strlen("/vms/") + VM_NAME_MAX + strlen("/vm.conf"));
    path_vm_run_file(&paths, name, CONSOLE_SOCKET, buf);
    assert_int_equal(strlen(buf), PATHS_DIR_MAX - 1 + 1 + VM_NAME_MAX + strlen("/console.sock"));
    path_switch_config(&paths, name, buf);
    assert_int_equal(strlen(buf),
                     PATHS_DIR_MAX - 1 + strlen("/switches/") + VM_NAME_MAX + strlen(".conf"));
    free(long_dir);
}

/* The switches and the host's settings sit next to the VMs. */
static void test_network_paths(void **state)
{
    char buf[VM_PATH_MAX];

    (void)state;
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    path_switches_dir(&paths, buf);
    assert_string_equal(buf, "/var/lib/hvcore/switches");
    path_switch_config(&paths, "lan", buf);
    assert_string_equal(buf, "/var/lib/hvcore/switches/lan.conf");
    path_host_config(&paths, buf);
    assert_string_equal(buf, "/var/lib/hvcore/host.conf");
    setenv(STATE_DIR_ENV, "/", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    path_switch_config(&paths, "lan", buf);
    assert_string_equal(buf, "/switches/lan.conf");
    path_host_config(&paths, buf);
    assert_string_equal(buf, "/host.conf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, clear_env),
        cmocka_unit_test_setup(test_from_environment, clear_env),
        cmocka_unit_test_setup(test_root_directory, clear_env),
        cmocka_unit_test_setup(test_rejections, clear_env),
        cmocka_unit_test_setup(test_longest_paths_fit, clear_env),
        cmocka_unit_test_setup(test_network_paths, clear_env),
    };
    return cmocka_run_group_tests_name("hvctl_paths", tests, NULL, NULL);
}
