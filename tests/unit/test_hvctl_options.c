/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the configuration options of "hvctl create" and "hvctl set"
 * (tools/hvctl/vm_options.c, tools/hvctl/boot_files.c): --memory and
 * --cpus values and limits, the kernel and initrd checks on real files, the
 * resolution of relative paths, and that a refused option changes nothing.
 * The generations: --generation, --firmware (and its default), and the
 * options each generation refuses.
 */
#define _GNU_SOURCE /* setresuid */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../tools/hvctl/boot_files.h"
#include "../../tools/hvctl/size.h"
#include "../../tools/hvctl/vm_options.h"

static char err[512];

static void accept_memory(const char *text, uint64_t host_ram, uint64_t bytes)
{
    uint64_t got = 1;

    if (vm_option_memory(text, host_ram, &got, err, sizeof(err)) != 0)
        fail_msg("--memory %s refused: %s", text, err);
    assert_true(got == bytes);
}

static void refuse_memory(const char *text, uint64_t host_ram, const char *what)
{
    uint64_t got = 1;

    if (vm_option_memory(text, host_ram, &got, err, sizeof(err)) == 0)
        fail_msg("--memory %s accepted", text);
    assert_true(got == 1);
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void test_memory(void **state)
{
    (void)state;
    accept_memory("512M", 0, 512 * MiB);
    accept_memory("64M", 0, 64 * MiB);
    accept_memory("1g", 8 * GiB, GiB);
    accept_memory("8G", 8 * GiB, 8 * GiB); /* all of it is allowed */
    accept_memory("67108864", 0, 64 * MiB);
    accept_memory("65536K", 0, 64 * MiB);
    refuse_memory("8193M", 8 * GiB, "--memory 8193M is more than the parent's total RAM (8G)");
    refuse_memory("64T", 8 * GiB + 100, "more than the parent's total RAM (8G)");
    refuse_memory("63M", 0, "--memory 63M is less than the minimum, 64M");
    refuse_memory("0", 0, "--memory 0 is less than the minimum");
    refuse_memory("65537K", 0, "--memory 65537K is not a multiple of 1M");
    refuse_memory("512", 0, "not a multiple of 1M (sizes without a suffix are in bytes)");
    refuse_memory("1.5G", 0, "--memory 1.5G is not a size");
    refuse_memory("", 0, "--memory  is not a size");
    refuse_memory("99999999T", 0, "--memory 99999999T is too large");
}

static void accept_cpus(const char *text, unsigned cpus)
{
    unsigned got = 0;

    if (vm_option_cpus(text, &got, err, sizeof(err)) != 0)
        fail_msg("--cpus %s refused: %s", text, err);
    assert_int_equal(got, cpus);
}

static void refuse_cpus(const char *text, const char *what)
{
    unsigned got = 77;

    if (vm_option_cpus(text, &got, err, sizeof(err)) == 0)
        fail_msg("--cpus %s accepted", text);
    assert_int_equal(got, 77);
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void test_cpus(void **state)
{
    (void)state;
    accept_cpus("1", 1);
    accept_cpus("64", 64);
    accept_cpus("08", 8);
    refuse_cpus("0", "--cpus 0 is out of range (1 to 64)");
    refuse_cpus("65", "--cpus 65 is out of range (1 to 64)");
    refuse_cpus("4294967297", "is out of range");
    refuse_cpus("99999999999999999999999", "is out of range");
    refuse_cpus("", "--cpus  is not a whole number");
    refuse_cpus("two", "--cpus two is not a whole number");
    refuse_cpus("2x", "--cpus 2x is not a whole number");
    refuse_cpus("-1", "is not a whole number");
    refuse_cpus(" 2", "is not a whole number");
}

/* A directory with a kernel, an initrd and a subdirectory; the test runs inside it. */
static char dir[64], old_cwd[4096];

static void write_file(const char *path)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs("not really a kernel\n", f);
    assert_int_equal(fclose(f), 0);
}

static int setup_files(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/hvctl-options-test.XXXXXX");
    if (mkdtemp(dir) == NULL || getcwd(old_cwd, sizeof(old_cwd)) == NULL || chdir(dir) != 0)
        return -1;
    write_file("vmlinuz");
    write_file("initrd.img");
    write_file("bios.bin");
    return mkdir("subdir", 0755) | mkfifo("fifo", 0644);
}

static int remove_files(void **state)
{
    (void)state;
    unlink("vmlinuz");
    unlink("initrd.img");
    unlink("bios.bin");
    unlink("unreadable");
    unlink("fifo");
    rmdir("subdir");
    return chdir(old_cwd) | rmdir(dir);
}

static void base_config(struct vm_config *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->name, "web");
    c->generation = 2;
    c->memory = 512 * MiB;
    c->cpus = 1;
    strcpy(c->kernel, "/old/vmlinuz");
    strcpy(c->initrd, "/old/initrd");
    strcpy(c->cmdline, "console=ttyS0");
}

/* A generation 1 VM as set finds it: a firmware, no kernel. */
static void gen1_config(struct vm_config *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->name, "old");
    c->generation = 1;
    c->memory = 512 * MiB;
    c->cpus = 1;
    strcpy(c->firmware, "/old/bios.bin");
}

static void test_apply_all(void **state)
{
    struct hvctl_args args = {0};
    struct vm_config c;
    char kernel[128], initrd[128];

    (void)state;
    base_config(&c);
    args.given = OPT_MEMORY | OPT_CPUS | OPT_KERNEL | OPT_INITRD | OPT_CMDLINE;
    args.memory = "2G";
    args.cpus = "4";
    args.kernel = "vmlinuz";              /* relative: resolved */
    args.initrd = "subdir/../initrd.img"; /* normalized by realpath */
    args.cmdline = "root=/dev/vda quiet";
    if (vm_options_apply(&args, 8 * GiB, &c, err, sizeof(err)) != 0)
        fail_msg("refused: %s", err);
    snprintf(kernel, sizeof(kernel), "%s/vmlinuz", dir);
    snprintf(initrd, sizeof(initrd), "%s/initrd.img", dir);
    assert_true(c.memory == 2 * GiB);
    assert_int_equal(c.cpus, 4);
    assert_string_equal(c.kernel, kernel);
    assert_string_equal(c.initrd, initrd);
    assert_string_equal(c.cmdline, "root=/dev/vda quiet");
    assert_string_equal(c.name, "web");
}

static void test_apply_only_what_is_given(void **state)
{
    struct hvctl_args args = {0};
    struct vm_config c;

    (void)state;
    base_config(&c);
    args.given = OPT_NO_INITRD | OPT_CMDLINE;
    args.cmdline = "";
    assert_int_equal(vm_options_apply(&args, 8 * GiB, &c, err, sizeof(err)), 0);
    assert_string_equal(c.initrd, "");
    assert_string_equal(c.cmdline, "");
    assert_string_equal(c.kernel, "/old/vmlinuz");
    assert_true(c.memory == 512 * MiB);
    assert_int_equal(c.cpus, 1);
}

/* Fails unless applying @args to @make's configuration is refused with @what and leaves
 * the configuration alone. */
static void expect_refused_on(void (*make)(struct vm_config *), const struct hvctl_args *args,
                              const char *what)
{
    static struct vm_config c, before;

    make(&c);
    before = c;
    if (vm_options_apply(args, 8 * GiB, &c, err, sizeof(err)) == 0)
        fail_msg("accepted");
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
    assert_memory_equal(&c, &before, sizeof(c));
}

static void expect_apply_refused(const struct hvctl_args *args, const char *what)
{
    expect_refused_on(base_config, args, what);
}

static void test_apply_refusals_change_nothing(void **state)
{
    struct hvctl_args args = {0};
    char long_cmdline[VM_CMDLINE_MAX + 1];

    (void)state;
    /* Good values first: a later bad one must undo nothing, since nothing was done. */
    args.given = OPT_MEMORY | OPT_CPUS | OPT_KERNEL;
    args.memory = "1G";
    args.cpus = "2";
    args.kernel = "missing";
    expect_apply_refused(&args, "--kernel missing: No such file or directory");
    args.kernel = "/nonexistent/vmlinuz";
    expect_apply_refused(&args, "--kernel /nonexistent/vmlinuz: No such file or directory");
    args.kernel = "subdir";
    expect_apply_refused(&args, "--kernel subdir: is a directory, not a file");
    args.kernel = "fifo";
    expect_apply_refused(&args, "--kernel fifo: is not a regular file");
    args.kernel = "";
    expect_apply_refused(&args, "--kernel the path is empty");
    args.kernel = "vmlinuz";
    args.cpus = "65";
    expect_apply_refused(&args, "--cpus 65 is out of range");
    args.cpus = "2";
    args.memory = "16G";
    expect_apply_refused(&args, "--memory 16G is more than the parent's total RAM (8G)");

    memset(&args, 0, sizeof(args));
    args.given = OPT_INITRD;
    args.initrd = "nope.img";
    expect_apply_refused(&args, "--initrd nope.img: No such file or directory");
    args.given = OPT_CMDLINE;
    args.cmdline = "two\nlines";
    expect_apply_refused(&args, "--cmdline contains a control character");
    memset(long_cmdline, 'x', VM_CMDLINE_MAX);
    long_cmdline[VM_CMDLINE_MAX] = '\0';
    args.cmdline = long_cmdline;
    expect_apply_refused(&args, "--cmdline is longer than 2047 bytes");
}

/* In a child that is not root (root reads everything): 0 if an unreadable kernel is refused. */
static int refused_as_nobody(void)
{
    struct hvctl_args args = {0};
    struct vm_config c;
    pid_t pid = fork();
    int status;

    if (pid == 0) {
        if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
                               setresuid(65534, 65534, 65534) != 0))
            _exit(2);
        base_config(&c);
        args.given = OPT_KERNEL;
        args.kernel = "unreadable";
        if (vm_options_apply(&args, 8 * GiB, &c, err, sizeof(err)) == 0)
            _exit(3);
        _exit(strstr(err, "--kernel unreadable: Permission denied") != NULL ? 0 : 4);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static void test_unreadable_kernel(void **state)
{
    (void)state;
    write_file("unreadable");
    assert_int_equal(chmod("unreadable", 0), 0);
    /* The other user must be able to reach the file: only the file itself is closed. */
    assert_int_equal(chmod(dir, 0755), 0);
    assert_int_equal(refused_as_nobody(), 0);
}

static void test_generation_option(void **state)
{
    unsigned generation = 9;

    (void)state;
    assert_int_equal(vm_option_generation("1", &generation, err, sizeof(err)), 0);
    assert_int_equal(generation, 1);
    assert_int_equal(vm_option_generation("2", &generation, err, sizeof(err)), 0);
    assert_int_equal(generation, 2);
    assert_int_equal(vm_option_generation("3", &generation, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--generation 3 is neither 1 nor 2 (1: an emulated PC"));
    assert_int_equal(vm_option_generation("0", &generation, err, sizeof(err)), -1);
    assert_int_equal(vm_option_generation("01", &generation, err, sizeof(err)), -1);
    assert_int_equal(vm_option_generation("1 ", &generation, err, sizeof(err)), -1);
    assert_int_equal(vm_option_generation("", &generation, err, sizeof(err)), -1);
    assert_int_equal(vm_option_generation("two", &generation, err, sizeof(err)), -1);
    assert_string_equal(err, "--generation two is neither 1 nor 2 (1: an emulated PC with BIOS "
                             "firmware and IDE disks; 2: a kernel booted directly)");
    assert_int_equal(generation, 2);
}

static void test_apply_generation_1(void **state)
{
    struct hvctl_args args = {0};
    static struct vm_config c;
    char firmware[128];

    (void)state;
    /* What a generation 1 VM takes: memory, CPUs, a firmware (made absolute). */
    gen1_config(&c);
    args.given = OPT_MEMORY | OPT_CPUS | OPT_FIRMWARE;
    args.memory = "1G";
    args.cpus = "2";
    args.firmware = "subdir/../bios.bin";
    if (vm_options_apply(&args, 8 * GiB, &c, err, sizeof(err)) != 0)
        fail_msg("refused: %s", err);
    snprintf(firmware, sizeof(firmware), "%s/bios.bin", dir);
    assert_string_equal(c.firmware, firmware);
    assert_true(c.memory == GiB);
    assert_int_equal(c.cpus, 2);
    assert_int_equal(c.generation, 1);
    assert_string_equal(c.kernel, "");
    assert_string_equal(c.cmdline, "");

    /* What it does not: a kernel's options, whatever their values, changing nothing. */
    memset(&args, 0, sizeof(args));
    args.given = OPT_MEMORY | OPT_KERNEL;
    args.memory = "1G";
    args.kernel = "vmlinuz";
    expect_refused_on(gen1_config, &args,
                      "--kernel is for generation 2 VMs: old is a generation 1 VM, which boots "
                      "its firmware from its disks");
    args.given = OPT_INITRD;
    args.initrd = "initrd.img";
    expect_refused_on(gen1_config, &args, "--initrd is for generation 2 VMs: old is");
    args.given = OPT_NO_INITRD;
    expect_refused_on(gen1_config, &args, "--no-initrd is for generation 2 VMs");
    args.given = OPT_CMDLINE;
    args.cmdline = "";
    expect_refused_on(gen1_config, &args, "--cmdline is for generation 2 VMs");
    /* A firmware that is not there, or not a file. */
    args.given = OPT_FIRMWARE;
    args.firmware = "nope.bin";
    expect_refused_on(gen1_config, &args, "--firmware nope.bin: No such file or directory");
    args.firmware = "subdir";
    expect_refused_on(gen1_config, &args, "--firmware subdir: is a directory, not a file");
    args.firmware = "fifo";
    expect_refused_on(gen1_config, &args, "--firmware fifo: is not a regular file");

    /* A generation 2 VM has no firmware. */
    args.firmware = "bios.bin";
    expect_apply_refused(&args, "--firmware is for generation 1 VMs: web is a generation 2 VM, "
                                "which boots its kernel directly");
}

static void test_default_firmware(void **state)
{
    struct hvctl_args args = {0};
    static struct vm_config c;
    int rc;

    (void)state;
    /* create without --firmware: the default, which must be there (as --kernel's file). */
    gen1_config(&c);
    c.firmware[0] = '\0';
    rc = vm_options_apply(&args, 8 * GiB, &c, err, sizeof(err));
    if (access(VM_FIRMWARE_DEFAULT, R_OK) == 0) {
        assert_int_equal(rc, 0);
        assert_string_equal(c.firmware, VM_FIRMWARE_DEFAULT);
    } else {
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err, "the default firmware " VM_FIRMWARE_DEFAULT ": "));
        assert_non_null(strstr(err, "(install Debian's seabios, or give --firmware PATH)"));
        assert_string_equal(c.firmware, "");
    }
    /* --firmware given: no default is looked at. */
    gen1_config(&c);
    c.firmware[0] = '\0';
    args.given = OPT_FIRMWARE;
    args.firmware = "bios.bin";
    assert_int_equal(vm_options_apply(&args, 8 * GiB, &c, err, sizeof(err)), 0);
    assert_non_null(strstr(c.firmware, "/bios.bin"));
    assert_string_not_equal(c.firmware, VM_FIRMWARE_DEFAULT);
    /* A generation 2 VM gets none. */
    base_config(&c);
    args.given = OPT_CPUS;
    args.cpus = "3";
    assert_int_equal(vm_options_apply(&args, 8 * GiB, &c, err, sizeof(err)), 0);
    assert_string_equal(c.firmware, "");
}

static void test_boot_file_check(void **state)
{
    char path[128];

    (void)state;
    snprintf(path, sizeof(path), "%s/vmlinuz", dir);
    assert_int_equal(boot_file_check(path, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/gone", dir);
    assert_int_equal(boot_file_check(path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/gone: No such file or directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_cpus),
        cmocka_unit_test_setup_teardown(test_apply_all, setup_files, remove_files),
        cmocka_unit_test_setup_teardown(test_apply_only_what_is_given, setup_files, remove_files),
        cmocka_unit_test_setup_teardown(test_apply_refusals_change_nothing, setup_files,
                                        remove_files),
        cmocka_unit_test_setup_teardown(test_unreadable_kernel, setup_files, remove_files),
        cmocka_unit_test_setup_teardown(test_boot_file_check, setup_files, remove_files),
        cmocka_unit_test(test_generation_option),
        cmocka_unit_test_setup_teardown(test_apply_generation_1, setup_files, remove_files),
        cmocka_unit_test_setup_teardown(test_default_firmware, setup_files, remove_files),
    };
    return cmocka_run_group_tests_name("hvctl_options", tests, NULL, NULL);
}
