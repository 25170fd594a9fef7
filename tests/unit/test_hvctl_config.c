/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of vm.conf (tools/hvctl/vm_config.c): parsing of every key,
 * every rejection with its line number, formatting, the round trip through
 * a real file, and the atomic write.  Also the disks (tools/hvctl/vm_disks.c):
 * create's --disk option, --lun, the choice of LUNs, adding and removing.  And the NICs' nic=
 * lines: parsing, every rejection, formatting (the exact text the worker's own parser is tested
 * on in test_vmwp_config.c) and the round trip.  Generation 1 VMs: the
 * generation=, firmware= and ide= lines, every rule of the generations
 * (in the parser, with line numbers, and in the validation), the exact
 * text written (which test_vmwp_config.c parses too), and the IDE devices
 * (tools/hvctl/vm_ide.c): --ide, slots, set and remove.  Every parsed text is
 * copied into a heap buffer of exactly its length, without a NUL, so ASan reports any read past its
 * end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../tools/hvctl/fsutil.h"
#include "../../tools/hvctl/vm_config.h"
#include "../../tools/hvctl/vm_disks.h"
#include "../../tools/hvctl/vm_ide.h"
#include "../../tools/hvctl/vm_nics.h"

#define MINIMAL "name=web\nmemory=536870912\ncpus=2\nkernel=/boot/vmlinuz\n"
/* A generation 1 VM's lines as hvctl writes them; test_vmwp_config.c parses the same. */
#define GEN1                                                                                       \
    "name=old\ngeneration=1\nmemory=536870912\ncpus=1\n"                                           \
    "firmware=/usr/share/seabios/bios-256k.bin\n"

static struct vm_config cfg;
static char err[512];

static int parse_n(const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, text, len);
    memset(err, 'X', sizeof(err));
    rc = vm_config_parse(copy, len, &cfg, err, sizeof(err));
    free(copy);
    if (rc != 0) {
        /* A message is one NUL-terminated line. */
        assert_non_null(memchr(err, '\0', sizeof(err)));
        assert_null(strchr(err, '\n'));
    }
    return rc;
}

static int parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void expect_ok(const char *text)
{
    if (parse(text) != 0)
        fail_msg("refused: %s", err);
}

static void expect_error(const char *text, const char *what)
{
    if (parse(text) == 0)
        fail_msg("accepted:\n%s", text);
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void test_minimal(void **state)
{
    (void)state;
    expect_ok(MINIMAL);
    assert_string_equal(cfg.name, "web");
    assert_int_equal(cfg.generation, 2);
    assert_string_equal(cfg.firmware, "");
    assert_int_equal(cfg.ide_count, 0);
    assert_true(cfg.memory == 512ULL << 20);
    assert_int_equal(cfg.cpus, 2);
    assert_string_equal(cfg.kernel, "/boot/vmlinuz");
    assert_string_equal(cfg.initrd, "");
    assert_string_equal(cfg.cmdline, "");
}

static void test_all_keys_comments_and_blank_lines(void **state)
{
    (void)state;
    expect_ok("# a comment\n"
              "\n"
              "   \t\n"
              "  # an indented comment\n"
              "cmdline=console=ttyS0 root=/dev/vda1  quiet \n"
              "initrd=/boot/initrd.img\n"
              "kernel=/boot/vm linuz\n"
              "cpus=64\n"
              "memory=68719476736\n"
              "name=Db-1.x_y");
    assert_string_equal(cfg.name, "Db-1.x_y");
    assert_true(cfg.memory == 64ULL << 30);
    assert_int_equal(cfg.cpus, 64);
    assert_string_equal(cfg.kernel, "/boot/vm linuz");
    assert_string_equal(cfg.initrd, "/boot/initrd.img");
    /* The rest of the line, '=' and spaces included, trailing ones too. */
    assert_string_equal(cfg.cmdline, "console=ttyS0 root=/dev/vda1  quiet ");
}

static void test_cmdline_edge_cases(void **state)
{
    (void)state;
    expect_ok(MINIMAL "cmdline=");
    assert_string_equal(cfg.cmdline, "");
    expect_ok(MINIMAL "cmdline= leading space");
    assert_string_equal(cfg.cmdline, " leading space");
    expect_ok(MINIMAL "cmdline=a#b");
    assert_string_equal(cfg.cmdline, "a#b");
}

static void test_limits_accepted(void **state)
{
    (void)state;
    expect_ok("name=a\nmemory=67108864\ncpus=1\nkernel=/k\n");
    assert_true(cfg.memory == 64ULL << 20);
    assert_int_equal(cfg.cpus, 1);
}

static void test_syntax_rejections(void **state)
{
    (void)state;
    expect_error(MINIMAL "colour=blue\n", "line 5: unknown key 'colour'");
    expect_error(MINIMAL "Name=web\n", "line 5: unknown key 'Name'");
    expect_error(MINIMAL "=x\n", "line 5: unknown key ''");
    expect_error(MINIMAL "just words\n", "line 5: expected key=value");
    expect_error(MINIMAL " cmdline=x\n", "line 5: space before the key");
    expect_error(MINIMAL "cmdline =x\n", "line 5: space before '='");
    expect_error("name= web\nmemory=536870912\ncpus=2\nkernel=/k\n", "line 1: space after '='");
    expect_error(MINIMAL "cpus=2\n", "line 5: cpus given a second time (first on line 3)");
    expect_error(MINIMAL "cmdline=a\ncmdline=b\n", "line 6: cmdline given a second time");
    expect_error(MINIMAL "cmdline=a\rb\n", "line 5: cmdline contains a control character");
    expect_error("name=web\r\nmemory=536870912\ncpus=2\nkernel=/k\n",
                 "line 1: name contains a control character");
    expect_error(MINIMAL "unknown\x01key=1\n", "unknown key 'unknown?key'");
}

static void test_nul_byte_rejected(void **state)
{
    static const char text[] = MINIMAL "cmdline=a\0b\n";

    (void)state;
    assert_int_equal(parse_n(text, sizeof(text) - 1), -1);
    assert_non_null(strstr(err, "line 5: contains a NUL byte"));
}

static void test_missing_required_keys(void **state)
{
    (void)state;
    expect_error("memory=536870912\ncpus=2\nkernel=/k\n", "no name= line");
    expect_error("name=web\ncpus=2\nkernel=/k\n", "no memory= line");
    expect_error("name=web\nmemory=536870912\nkernel=/k\n", "no cpus= line");
    expect_error("name=web\nmemory=536870912\ncpus=2\n", "no kernel= line");
    expect_error("", "no name= line");
    expect_error("# only a comment\n", "no name= line");
}

static void test_value_rejections(void **state)
{
    (void)state;
    expect_error("name=-web\nmemory=536870912\ncpus=2\nkernel=/k\n",
                 "line 1: name '-web' must start with a letter or a digit");
    expect_error("name=a/b\nmemory=536870912\ncpus=2\nkernel=/k\n", "line 1: name 'a/b' contains");
    expect_error("name=\nmemory=536870912\ncpus=2\nkernel=/k\n", "line 1: name '' is empty");
    expect_error("name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                 "line 1: name is longer than 63 characters");
    expect_error("name=w\nmemory=512M\ncpus=2\nkernel=/k\n",
                 "line 2: memory '512M' is not a number of bytes");
    expect_error("name=w\nmemory=\ncpus=2\nkernel=/k\n", "line 2: memory '' is not a number");
    expect_error("name=w\nmemory=-1\ncpus=2\nkernel=/k\n", "line 2: memory '-1' is not a number");
    expect_error("name=w\nmemory=99999999999999999999\ncpus=2\nkernel=/k\n",
                 "line 2: memory '99999999999999999999' is not a number");
    expect_error("name=w\nmemory=67108865\ncpus=2\nkernel=/k\n",
                 "line 2: memory 67108865 bytes (about 64M) is not a multiple of 1M");
    expect_error("name=w\nmemory=66060288\ncpus=2\nkernel=/k\n",
                 "line 2: memory 63M is less than the minimum, 64M");
    expect_error("name=w\nmemory=0\ncpus=2\nkernel=/k\n", "line 2: memory 0B is less than");
    expect_error("name=w\nmemory=536870912\ncpus=0\nkernel=/k\n",
                 "line 3: cpus 0 is out of range (1 to 64)");
    expect_error("name=w\nmemory=536870912\ncpus=65\nkernel=/k\n",
                 "line 3: cpus 65 is out of range (1 to 64)");
    expect_error("name=w\nmemory=536870912\ncpus=two\nkernel=/k\n",
                 "line 3: cpus 'two' is not a number");
    expect_error("name=w\nmemory=536870912\ncpus=2\nkernel=vmlinuz\n",
                 "line 4: kernel vmlinuz is not an absolute path");
    expect_error("name=w\nmemory=536870912\ncpus=2\nkernel=\n", "line 4: kernel is empty");
    expect_error(MINIMAL "initrd=initrd.img\n", "line 5: initrd initrd.img is not an absolute");
    expect_error(MINIMAL "initrd=\n", "line 5: initrd is empty");
    expect_error("name=w\nmemory=536870912\ncpus=2\nkernel=/boot/vmlinuz \n",
                 "line 4: kernel '/boot/vmlinuz ' ends with a space");
    expect_error(MINIMAL "initrd=/i\t\n", "line 5: initrd contains a control character");
}

/* A value of @n bytes of 'a' after @prefix. */
static char *long_line(const char *prefix, size_t n)
{
    size_t len = strlen(prefix);
    char *text = malloc(len + n + 2);

    assert_non_null(text);
    memcpy(text, prefix, len);
    memset(text + len, 'a', n);
    text[len + n] = '\n';
    text[len + n + 1] = '\0';
    return text;
}

static void test_length_limits(void **state)
{
    char *text;

    (void)state;
    text = long_line(MINIMAL "cmdline=", VM_CMDLINE_MAX - 1);
    expect_ok(text);
    assert_int_equal(strlen(cfg.cmdline), VM_CMDLINE_MAX - 1);
    free(text);
    text = long_line(MINIMAL "cmdline=", VM_CMDLINE_MAX);
    expect_error(text, "line 5: cmdline is longer than 2047 bytes");
    free(text);
    text = long_line("name=w\nmemory=536870912\ncpus=2\nkernel=/", VM_PATH_MAX - 2);
    expect_ok(text);
    free(text);
    text = long_line("name=w\nmemory=536870912\ncpus=2\nkernel=/", VM_PATH_MAX - 1);
    expect_error(text, "line 4: kernel is longer than 4095 bytes");
    free(text);
}

static void full_config(struct vm_config *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->name, "web");
    c->generation = 2;
    c->memory = 1ULL << 30;
    c->cpus = 4;
    strcpy(c->kernel, "/srv/vm/vmlinuz");
    strcpy(c->initrd, "/srv/vm/initrd.img");
    strcpy(c->cmdline, "console=ttyS0 root=/dev/vda rw a=b=c");
}

/* A generation 1 VM without devices: its firmware, no kernel. */
static void gen1_config(struct vm_config *c)
{
    memset(c, 0, sizeof(*c));
    strcpy(c->name, "old");
    c->generation = 1;
    c->memory = 512ULL << 20;
    c->cpus = 1;
    strcpy(c->firmware, "/usr/share/seabios/bios-256k.bin");
}

/* Field by field: bytes after a string's NUL do not matter. */
static void assert_config_equal(const struct vm_config *a, const struct vm_config *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->generation, b->generation);
    assert_string_equal(a->firmware, b->firmware);
    assert_int_equal(a->ide_count, b->ide_count);
    for (unsigned i = 0; i < a->ide_count; i++) {
        assert_int_equal(a->ide[i].channel, b->ide[i].channel);
        assert_int_equal(a->ide[i].device, b->ide[i].device);
        assert_int_equal(a->ide[i].media, b->ide[i].media);
        assert_string_equal(a->ide[i].path, b->ide[i].path);
    }
    assert_true(a->memory == b->memory);
    assert_int_equal(a->cpus, b->cpus);
    assert_string_equal(a->kernel, b->kernel);
    assert_string_equal(a->initrd, b->initrd);
    assert_string_equal(a->cmdline, b->cmdline);
    assert_int_equal(a->disk_count, b->disk_count);
    for (unsigned i = 0; i < a->disk_count; i++) {
        assert_int_equal(a->disks[i].lun, b->disks[i].lun);
        assert_int_equal(a->disks[i].read_only, b->disks[i].read_only);
        assert_string_equal(a->disks[i].path, b->disks[i].path);
    }
    assert_int_equal(a->nic_count, b->nic_count);
    for (unsigned i = 0; i < a->nic_count; i++) {
        assert_int_equal(a->nics[i].index, b->nics[i].index);
        assert_string_equal(a->nics[i].switch_name, b->nics[i].switch_name);
        assert_string_equal(a->nics[i].bridge, b->nics[i].bridge);
        assert_memory_equal(a->nics[i].mac, b->nics[i].mac, MAC_LEN);
        assert_int_equal(a->nics[i].vlan, b->nics[i].vlan);
        assert_int_equal(a->nics[i].legacy, b->nics[i].legacy);
    }
}

static void test_format_and_parse_back(void **state)
{
    struct vm_config c;
    char text[16384];
    long len;

    (void)state;
    full_config(&c);
    len = vm_config_format(&c, text, sizeof(text), err, sizeof(err));
    assert_true(len > 0);
    assert_int_equal(len, (long)strlen(text));
    /* The contract's format: key=value, no spaces around '='. */
    assert_non_null(strstr(text, "\nname=web\nmemory=1073741824\ncpus=4\n"
                                 "kernel=/srv/vm/vmlinuz\ninitrd=/srv/vm/initrd.img\n"
                                 "cmdline=console=ttyS0 root=/dev/vda rw a=b=c\n"));
    assert_int_equal(text[0], '#');
    /* A generation 2 VM's file is what it was before there were generations. */
    assert_null(strstr(text, "generation"));
    assert_null(strstr(text, "firmware"));
    assert_int_equal(parse_n(text, (size_t)len), 0);
    assert_config_equal(&cfg, &c);
}

static void test_format_leaves_out_empty_optional_keys(void **state)
{
    struct vm_config c;
    char text[16384];

    (void)state;
    full_config(&c);
    c.initrd[0] = '\0';
    c.cmdline[0] = '\0';
    assert_true(vm_config_format(&c, text, sizeof(text), err, sizeof(err)) > 0);
    assert_null(strstr(text, "initrd"));
    assert_null(strstr(text, "cmdline="));
    assert_int_equal(parse(text), 0);
    assert_config_equal(&cfg, &c);
}

static void test_format_refuses_invalid_and_small_buffer(void **state)
{
    struct vm_config c;
    char text[16384];

    (void)state;
    full_config(&c);
    c.cpus = 0;
    assert_int_equal(vm_config_format(&c, text, sizeof(text), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cpus 0 is out of range"));
    full_config(&c);
    strcpy(c.cmdline, "two\nlines");
    assert_int_equal(vm_config_format(&c, text, sizeof(text), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cmdline contains a control character"));
    full_config(&c);
    strcpy(c.kernel, "relative");
    assert_int_equal(vm_config_format(&c, text, sizeof(text), err, sizeof(err)), -1);
    full_config(&c);
    assert_int_equal(vm_config_format(&c, text, 40, err, sizeof(err)), -1);
}

static void test_validate(void **state)
{
    struct vm_config c;

    (void)state;
    full_config(&c);
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);
    c.memory = (64ULL << 20) - (1ULL << 20);
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    full_config(&c);
    strcpy(c.name, "bad name");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "name 'bad name' contains"));
    full_config(&c);
    c.cpus = 65;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    full_config(&c);
    strcpy(c.initrd, "rel/initrd");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "initrd rel/initrd is not an absolute path"));
}

/* A fresh directory for the file tests, removed (with what is in it) afterwards. */
static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/hvctl-config-test.XXXXXX");
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int remove_dir(void **state)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    (void)state;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    return rmdir(dir);
}

static int count_entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_write_then_read(void **state)
{
    struct vm_config c, back;
    char path[128];
    struct stat st;

    (void)state;
    full_config(&c);
    assert_int_equal(vm_config_write(dir, &c, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/vm.conf", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    /* The temporary file was renamed: vm.conf is all there is. */
    assert_int_equal(count_entries(), 1);
    assert_int_equal(vm_config_read(path, &back, err, sizeof(err)), 0);
    assert_config_equal(&back, &c);

    /* A second write replaces it. */
    c.cpus = 8;
    strcpy(c.cmdline, "quiet");
    assert_int_equal(vm_config_write(dir, &c, err, sizeof(err)), 0);
    assert_int_equal(count_entries(), 1);
    assert_int_equal(vm_config_read(path, &back, err, sizeof(err)), 0);
    assert_int_equal(back.cpus, 8);
    assert_string_equal(back.cmdline, "quiet");
}

static void test_failed_write_keeps_the_old_file(void **state)
{
    struct vm_config c, back;
    char path[128], missing[128];

    (void)state;
    full_config(&c);
    assert_int_equal(vm_config_write(dir, &c, err, sizeof(err)), 0);
    c.cpus = 99;
    assert_int_equal(vm_config_write(dir, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cpus 99 is out of range"));
    snprintf(path, sizeof(path), "%s/vm.conf", dir);
    assert_int_equal(vm_config_read(path, &back, err, sizeof(err)), 0);
    assert_int_equal(back.cpus, 4);
    assert_int_equal(count_entries(), 1);

    c.cpus = 4;
    snprintf(missing, sizeof(missing), "%s/no/such/dir", dir);
    assert_int_equal(vm_config_write(missing, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot create a temporary file in"));
}

static void test_read_errors_name_the_file(void **state)
{
    struct vm_config c;
    char path[128];
    char *big;

    (void)state;
    snprintf(path, sizeof(path), "%s/vm.conf", dir);
    assert_int_equal(vm_config_read(path, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "No such file or directory"));

    write_text(path, MINIMAL "bogus=1\n", strlen(MINIMAL "bogus=1\n"));
    assert_int_equal(vm_config_read(path, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, ": line 5: unknown key 'bogus'"));

    /* Exactly the limit is refused too: the buffer keeps a byte for the NUL. */
    big = malloc(VM_CONFIG_FILE_MAX);
    assert_non_null(big);
    memset(big, '\n', VM_CONFIG_FILE_MAX);
    memcpy(big, MINIMAL, strlen(MINIMAL));
    write_text(path, big, VM_CONFIG_FILE_MAX - 1);
    assert_int_equal(vm_config_read(path, &c, err, sizeof(err)), 0);
    write_text(path, big, VM_CONFIG_FILE_MAX);
    assert_int_equal(vm_config_read(path, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too large to be a VM configuration"));
    free(big);
}

/* make_dirs() (fsutil.c, which vm.conf's write uses): mkdir -p. */
static void test_make_dirs(void **state)
{
    char path[128], file[128];
    struct stat st;

    (void)state;
    umask(022); /* so that the mode below is what make_dirs() asked for */
    snprintf(path, sizeof(path), "%s/a/b/c", dir);
    assert_int_equal(make_dirs(path, 0750), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0750);
    assert_int_equal(make_dirs(path, 0750), 0); /* there already: fine */
    snprintf(file, sizeof(file), "%s/a/file", dir);
    write_text(file, "x", 1);
    snprintf(path, sizeof(path), "%s/a/file/d", dir);
    assert_int_equal(make_dirs(path, 0755), -1);
    unlink(file);
    snprintf(path, sizeof(path), "%s/a/b/c", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/a/b", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/a", dir);
    assert_int_equal(rmdir(path), 0);
}

/* ---- disks ---- */

static void test_disk_lines(void **state)
{
    (void)state;
    expect_ok(MINIMAL "disk=0,rw,/vms/web.vhdx\n"
                      "cmdline=quiet\n"
                      "disk=7,ro,/vms/a,b c.vhd\n"
                      "disk=63,rw,/dev/sdb\n");
    assert_int_equal(cfg.disk_count, 3);
    assert_int_equal(cfg.disks[0].lun, 0);
    assert_false(cfg.disks[0].read_only);
    assert_string_equal(cfg.disks[0].path, "/vms/web.vhdx");
    assert_int_equal(cfg.disks[1].lun, 7);
    assert_true(cfg.disks[1].read_only);
    /* PATH is the rest of the line: commas and spaces belong to it. */
    assert_string_equal(cfg.disks[1].path, "/vms/a,b c.vhd");
    assert_int_equal(cfg.disks[2].lun, 63);
    expect_ok(MINIMAL);
    assert_int_equal(cfg.disk_count, 0);
}

static void test_disk_rejections(void **state)
{
    char *text;
    size_t len;

    (void)state;
    expect_error(MINIMAL "disk=64,rw,/a\n", "line 5: disk LUN 64 is out of range (0 to 63)");
    expect_error(MINIMAL "disk=99999999999999999999999,rw,/a\n", "line 5: disk LUN '9");
    expect_error(MINIMAL "disk=-1,rw,/a\n", "line 5: disk LUN '-1' is not a number");
    expect_error(MINIMAL "disk=01,rw,/a\n", "line 5: disk LUN '01' is not a number");
    expect_error(MINIMAL "disk=,rw,/a\n", "line 5: disk LUN '' is not a number");
    expect_error(MINIMAL "disk=1,rw\n", "line 5: disk '1,rw' is not LUN,MODE,PATH");
    expect_error(MINIMAL "disk=/vms/a.vhd\n", "is not LUN,MODE,PATH");
    expect_error(MINIMAL "disk=1,RO,/a\n", "line 5: disk mode 'RO' is neither rw nor ro");
    expect_error(MINIMAL "disk=1,,/a\n", "line 5: disk mode '' is neither rw nor ro");
    expect_error(MINIMAL "disk=1,rw,vms/a.vhd\n", "line 5: disk vms/a.vhd is not an absolute path");
    expect_error(MINIMAL "disk=1,rw,\n", "line 5: disk is empty");
    expect_error(MINIMAL "disk=1,rw,/a \n", "line 5: disk '/a ' ends with a space");
    expect_error(MINIMAL "disk=1,rw,/a\tb\n", "line 5: disk contains a control character");
    expect_error(MINIMAL "disk=1,rw,/a\x7f\n", "line 5: disk contains a control character");
    expect_error(MINIMAL "disk= 1,rw,/a\n", "line 5: space after '='");
    expect_error(MINIMAL "disk=1,rw,/a\ndisk=1,ro,/b\n",
                 "line 6: disk LUN 1 given a second time (first on line 5)");
    expect_error(MINIMAL "disk=1,rw,/a\ndisk=2,ro,/b\ndisk=3,ro,/a\n",
                 "line 7: disk /a given a second time (first on line 5)");

    /* 64 disks are the most: a 65th line is refused. */
    text = malloc(strlen(MINIMAL) + 65 * 32);
    assert_non_null(text);
    len = (size_t)sprintf(text, "%s", MINIMAL);
    for (int i = 0; i < 64; i++)
        len += (size_t)sprintf(text + len, "disk=%d,%s,/vms/%d.vhdx\n", 63 - i, i % 2 ? "ro" : "rw",
                               i);
    assert_int_equal(parse_n(text, len), 0);
    assert_int_equal(cfg.disk_count, 64);
    assert_int_equal(cfg.disks[0].lun, 63);
    len += (size_t)sprintf(text + len, "disk=0,rw,/vms/extra.vhdx\n");
    assert_int_equal(parse_n(text, len), -1);
    assert_non_null(strstr(err, "line 69: more than 64 disk= lines"));
    free(text);
}

static void test_validate_disks(void **state)
{
    static struct vm_config c;

    (void)state;
    full_config(&c);
    c.disk_count = 2;
    c.disks[0] = (struct vm_disk){.lun = 0, .path = "/a"};
    c.disks[1] = (struct vm_disk){.lun = 1, .read_only = true, .path = "/b"};
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);
    c.disks[1].lun = 64;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "disk LUN 64 is out of range (0 to 63)");
    c.disks[1].lun = 0;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "disk LUN 0 is given twice");
    c.disks[1].lun = 1;
    strcpy(c.disks[1].path, "/a");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "disk /a is given twice (LUNs 0 and 1)");
    strcpy(c.disks[1].path, "b");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "disk b is not an absolute path");
    strcpy(c.disks[1].path, "/b\n");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "disk contains a control character"));
    c.disk_count = 65;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "65 disks, more than the 64 a VM can have");
}

static void test_format_disks_and_parse_back(void **state)
{
    static struct vm_config c;
    static char text[300000];
    long len;

    (void)state;
    full_config(&c);
    c.disk_count = 2;
    c.disks[0] = (struct vm_disk){.lun = 0, .path = "/vms/web.vhdx"};
    c.disks[1] = (struct vm_disk){.lun = 5, .read_only = true, .path = "/vms/a,b c.vhd"};
    len = vm_config_format(&c, text, sizeof(text), err, sizeof(err));
    assert_true(len > 0);
    assert_non_null(strstr(text, "\ndisk=0,rw,/vms/web.vhdx\ndisk=5,ro,/vms/a,b c.vhd\n"));
    assert_int_equal(parse_n(text, (size_t)len), 0);
    assert_config_equal(&cfg, &c);

    /* The largest configuration: 64 disks with paths of 4095 bytes, more than 256 KiB. */
    c.disk_count = VM_DISKS_MAX;
    for (unsigned i = 0; i < VM_DISKS_MAX; i++) {
        c.disks[i].lun = i;
        c.disks[i].read_only = i % 3 == 0;
        memset(c.disks[i].path, 'd', VM_PATH_MAX - 1);
        c.disks[i].path[0] = '/';
        snprintf(c.disks[i].path + 1, 8, "%02u", i);
        c.disks[i].path[3] = 'x';
        c.disks[i].path[VM_PATH_MAX - 1] = '\0';
    }
    len = vm_config_format(&c, text, sizeof(text), err, sizeof(err));
    assert_true(len > 256 * 1024);
    assert_true(len < VM_CONFIG_FILE_MAX);
    assert_int_equal(parse_n(text, (size_t)len), 0);
    assert_config_equal(&cfg, &c);
}

static void test_write_then_read_many_disks(void **state)
{
    static struct vm_config c, back;
    char path[128], disk[3100];

    (void)state;
    /* A generation 1 VM: the 4 IDE devices and the firmware with long paths too. */
    gen1_config(&c);
    memset(c.firmware, 'f', VM_PATH_MAX - 1);
    c.firmware[0] = '/';
    c.firmware[VM_PATH_MAX - 1] = '\0';
    memset(disk, 'p', 3000);
    disk[0] = '/';
    for (unsigned i = 0; i < VM_IDE_MAX; i++) {
        snprintf(disk + 3000, 16, "/ide%u.img", i);
        assert_int_equal(
            vm_ide_set(&c, i / 2, i % 2, (enum vm_ide_media)(i % 3), disk, false, err, sizeof(err)),
            0);
    }
    for (unsigned i = 0; i < VM_DISKS_MAX; i++) {
        snprintf(disk + 3000, 16, "/%u.vhdx", i);
        assert_int_equal(vm_disk_add(&c, -1, false, disk, err, sizeof(err)), (int)i);
    }
    /* And 8 NICs on switches with the longest names, with every option (as
     * many legacy as a VM may have): it still fits. */
    for (unsigned i = 0; i < VM_NICS_MAX; i++) {
        struct nic_option opt = {.vlan = 4000 + i, .legacy = i < VM_LEGACY_NICS_MAX};
        uint8_t mac[MAC_LEN] = {0x00, 0x15, 0x5d, 0xff, 0xff, (uint8_t)(0xf0 + i)};

        memset(opt.switch_name, 's', VM_NAME_MAX);
        opt.switch_name[VM_NAME_MAX - 1] = (char)('0' + i);
        assert_int_equal(vm_nic_add(&c, &opt, mac, err, sizeof(err)), (int)i);
    }
    assert_int_equal(vm_config_write(dir, &c, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/vm.conf", dir);
    assert_int_equal(vm_config_read(path, &back, err, sizeof(err)), 0);
    assert_config_equal(&back, &c);
}

/* The lines hvctl writes for two NICs; test_vmwp_config.c parses the very same text. */
#define TWO_NICS                                                                                   \
    "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\n"                                                       \
    "nic=1,dmz,hvsw-dmz,00:15:5d:00:00:10,vlan=20,legacy\n"

static void test_nic_lines(void **state)
{
    (void)state;
    expect_ok(GEN1 TWO_NICS);
    assert_int_equal(cfg.nic_count, 2);
    assert_int_equal(cfg.nics[0].index, 0);
    assert_string_equal(cfg.nics[0].switch_name, "lan");
    assert_string_equal(cfg.nics[0].bridge, "hvsw-lan");
    assert_memory_equal(cfg.nics[0].mac, "\x00\x15\x5d\x00\x00\x01", MAC_LEN);
    assert_int_equal(cfg.nics[0].vlan, 0);
    assert_false(cfg.nics[0].legacy);
    assert_int_equal(cfg.nics[1].vlan, 20);
    assert_true(cfg.nics[1].legacy);
    /* Options in any order, a MAC in capitals, indexes in any order, a hashed bridge name. */
    expect_ok(GEN1 "nic=7,production-a,hvsw-produc662a,00:15:5D:AA:BB:CC,legacy,vlan=4094\n"
                   "nic=3,lan,hvsw-lan,02:00:00:00:00:01,vlan=1\n");
    assert_int_equal(cfg.nic_count, 2);
    assert_int_equal(cfg.nics[0].index, 7);
    assert_int_equal(cfg.nics[0].vlan, 4094);
    assert_int_equal(cfg.nics[0].mac[5], 0xcc);
    assert_int_equal(cfg.nics[1].vlan, 1);
}

static void test_nic_rejections(void **state)
{
    (void)state;
    expect_error(MINIMAL "nic=8,lan,hvsw-lan,00:15:5d:00:00:01\n",
                 "line 5: nic index '8' is not a number from 0 to 7");
    expect_error(MINIMAL "nic=01,lan,hvsw-lan,00:15:5d:00:00:01\n", "line 5: nic index '01'");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan\n",
                 "line 5: nic '0,lan,hvsw-lan' is not INDEX,SWITCH");
    expect_error(MINIMAL "nic=0,l@n,hvsw-l@n,00:15:5d:00:00:01\n",
                 "line 5: nic 0: switch name 'l@n' is not valid");
    expect_error(MINIMAL "nic=0,lan,br0,00:15:5d:00:00:01\n",
                 "line 5: nic 0: bridge 'br0' is not switch lan's (hvsw-lan)");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00\n",
                 "line 5: nic 0: '00:15:5d:00:00' is not a MAC address");
    /* --nic takes 00-15-5D-..., but vm.conf is the worker's grammar (tools/lib/nic_line.h). */
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00-15-5d-00-00-01\n",
                 "line 5: nic 0: '00-15-5d-00-00-01' is not a MAC address");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,01:00:5e:00:00:01\n",
                 "line 5: nic 0: MAC 01:00:5e:00:00:01 is a multicast address");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:00:00:00:00:00\n", "all zeros");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,vlan=0\n",
                 "line 5: nic 0: VLAN '0' is not a number from 1 to 4094");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,vlan=4095\n", "VLAN '4095'");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,vlan=1,vlan=2\n",
                 "nic 0: vlan given twice");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,legacy,legacy\n",
                 "nic 0: legacy given twice");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,fast\n",
                 "line 5: nic 0: unknown option 'fast' (vlan=N or legacy)");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,\n", "unknown option ''");
    expect_error(MINIMAL
                 "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\nnic=0,lan,hvsw-lan,00:15:5d:00:00:02\n",
                 "line 6: nic index 0 given a second time (first on line 5)");
    expect_error(MINIMAL
                 "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\nnic=1,lan,hvsw-lan,00:15:5d:00:00:01\n",
                 "line 6: MAC 00:15:5d:00:00:01 given a second time (first on line 5)");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\n"
                         "nic=1,lan,hvsw-lan,00:15:5d:00:00:02\n"
                         "nic=2,lan,hvsw-lan,00:15:5d:00:00:03\n"
                         "nic=3,lan,hvsw-lan,00:15:5d:00:00:04\n"
                         "nic=4,lan,hvsw-lan,00:15:5d:00:00:05\n"
                         "nic=5,lan,hvsw-lan,00:15:5d:00:00:06\n"
                         "nic=6,lan,hvsw-lan,00:15:5d:00:00:07\n"
                         "nic=7,lan,hvsw-lan,00:15:5d:00:00:08\n"
                         "nic=0,lan,hvsw-lan,00:15:5d:00:00:09\n",
                 "line 13: more than 8 nic= lines");
}

static void test_validate_nics(void **state)
{
    static struct vm_config c;

    (void)state;
    full_config(&c);
    c.nic_count = 2;
    c.nics[0] = (struct vm_nic){
        .index = 0, .switch_name = "lan", .bridge = "hvsw-lan", .mac = {0x00, 0x15, 0x5d, 0, 0, 1}};
    c.nics[1] = (struct vm_nic){.index = 1,
                                .switch_name = "lan",
                                .bridge = "hvsw-lan",
                                .mac = {0x00, 0x15, 0x5d, 0, 0, 2},
                                .vlan = 9};
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);
    c.nics[1].index = 0;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "nic index 0 is given twice");
    c.nics[1].index = 8;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "nic index 8 is out of range (0 to 7)");
    c.nics[1].index = 1;
    c.nics[1].mac[5] = 1;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "MAC 00:15:5d:00:00:01 is given twice (nics 0 and 1)");
    c.nics[1].mac[5] = 2;
    c.nics[1].vlan = 4095;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "nic 1: VLAN 4095 is out of range (1 to 4094)");
    c.nics[1].vlan = 0;
    strcpy(c.nics[1].bridge, "hvsw-dmz");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "nic 1: bridge 'hvsw-dmz' is not switch lan's (hvsw-lan)");
    c.nic_count = 9;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "9 NICs, more than the 8 a VM can have");
}

static void test_format_nics_and_parse_back(void **state)
{
    static struct vm_config c;
    static char text[32768];
    struct nic_option lan = {.switch_name = "lan"},
                      dmz = {.switch_name = "dmz", .vlan = 20, .legacy = true};
    long len;

    (void)state;
    gen1_config(&c); /* legacy NICs are generation 1's */
    assert_int_equal(
        vm_nic_add(&c, &lan, (const uint8_t *)"\x00\x15\x5d\x00\x00\x01", err, sizeof(err)), 0);
    assert_int_equal(
        vm_nic_add(&c, &dmz, (const uint8_t *)"\x00\x15\x5d\x00\x00\x10", err, sizeof(err)), 1);
    len = vm_config_format(&c, text, sizeof(text), err, sizeof(err));
    assert_true(len > 0);
    /* After the disks, in index order, options in a fixed order. */
    assert_non_null(strstr(text, "\n" TWO_NICS));
    assert_int_equal(text[len - 1], '\n');
    assert_int_equal(parse_n(text, (size_t)len), 0);
    assert_config_equal(&cfg, &c);
}

static void test_disk_option(void **state)
{
    char path[VM_PATH_MAX];
    bool ro = true;

    (void)state;
    assert_int_equal(
        vm_disk_option_parse("/vms/web.vhdx", path, sizeof(path), &ro, err, sizeof(err)), 0);
    assert_string_equal(path, "/vms/web.vhdx");
    assert_false(ro);
    assert_int_equal(
        vm_disk_option_parse("data.vhd,readonly", path, sizeof(path), &ro, err, sizeof(err)), 0);
    assert_string_equal(path, "data.vhd");
    assert_true(ro);
    /* A comma followed by a path is part of the path. */
    assert_int_equal(
        vm_disk_option_parse("/vms/a,b.vhd", path, sizeof(path), &ro, err, sizeof(err)), 0);
    assert_string_equal(path, "/vms/a,b.vhd");
    assert_false(ro);
    assert_int_equal(
        vm_disk_option_parse("/vms/a,1/x,readonly", path, sizeof(path), &ro, err, sizeof(err)), 0);
    assert_string_equal(path, "/vms/a,1/x");
    assert_true(ro);
    /* A trailing comma ends a path whose last part looks like an option. */
    assert_int_equal(vm_disk_option_parse("/vms/a,b,", path, sizeof(path), &ro, err, sizeof(err)),
                     0);
    assert_string_equal(path, "/vms/a,b");
    assert_false(ro);
    /* Bad suffixes. */
    assert_int_equal(
        vm_disk_option_parse("/vms/a.vhd,ro", path, sizeof(path), &ro, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--disk /vms/a.vhd,ro: unknown disk option 'ro'"));
    assert_int_equal(
        vm_disk_option_parse("/vms/a.vhd,read-only", path, sizeof(path), &ro, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "unknown disk option 'read-only'"));
    assert_int_equal(vm_disk_option_parse(",readonly", path, sizeof(path), &ro, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "--disk ,readonly: no path"));
    assert_int_equal(vm_disk_option_parse("", path, sizeof(path), &ro, err, sizeof(err)), -1);
    assert_int_equal(vm_disk_option_parse("/abcdefgh", path, 8, &ro, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than 7 bytes"));
}

static void test_lun_option(void **state)
{
    unsigned lun = 99;

    (void)state;
    assert_int_equal(vm_disk_lun_parse("0", &lun, err, sizeof(err)), 0);
    assert_int_equal(lun, 0);
    assert_int_equal(vm_disk_lun_parse("63", &lun, err, sizeof(err)), 0);
    assert_int_equal(lun, 63);
    assert_int_equal(vm_disk_lun_parse("64", &lun, err, sizeof(err)), -1);
    assert_string_equal(err, "--lun 64 is out of range (0 to 63)");
    assert_int_equal(vm_disk_lun_parse("99999999999999999999999", &lun, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is out of range"));
    assert_int_equal(vm_disk_lun_parse("-1", &lun, err, sizeof(err)), -1);
    assert_string_equal(err, "--lun -1 is not a whole number");
    assert_int_equal(vm_disk_lun_parse("", &lun, err, sizeof(err)), -1);
    assert_int_equal(vm_disk_lun_parse("1x", &lun, err, sizeof(err)), -1);
    assert_int_equal(lun, 63);
}

static void test_lun_choice_and_add(void **state)
{
    static struct vm_config c;
    char path[32];

    (void)state;
    full_config(&c);
    assert_int_equal(vm_disk_free_lun(&c), 0);
    assert_int_equal(vm_disk_add(&c, -1, false, "/a", err, sizeof(err)), 0);
    assert_int_equal(vm_disk_add(&c, -1, true, "/b", err, sizeof(err)), 1);
    assert_int_equal(vm_disk_add(&c, 5, false, "/c", err, sizeof(err)), 5);
    assert_int_equal(vm_disk_add(&c, 3, false, "/d", err, sizeof(err)), 3);
    /* Sorted by LUN; the lowest free one next. */
    assert_int_equal(c.disk_count, 4);
    assert_int_equal(c.disks[2].lun, 3);
    assert_string_equal(c.disks[2].path, "/d");
    assert_int_equal(c.disks[3].lun, 5);
    assert_true(c.disks[1].read_only);
    assert_int_equal(vm_disk_free_lun(&c), 2);
    assert_int_equal(vm_disk_add(&c, -1, false, "/e", err, sizeof(err)), 2);
    assert_int_equal(vm_disk_free_lun(&c), 4);
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);

    /* Refusals change nothing. */
    assert_int_equal(vm_disk_add(&c, -1, false, "/a", err, sizeof(err)), -1);
    assert_string_equal(err, "web has /a already (LUN 0)");
    assert_int_equal(vm_disk_add(&c, 5, false, "/f", err, sizeof(err)), -1);
    assert_string_equal(err, "web's LUN 5 is taken by /c");
    assert_int_equal(vm_disk_add(&c, 64, false, "/f", err, sizeof(err)), -1);
    assert_string_equal(err, "LUN 64 is out of range (0 to 63)");
    assert_int_equal(c.disk_count, 5);

    assert_int_equal(vm_disk_find_lun(&c, 3), 3);
    assert_int_equal(vm_disk_find_lun(&c, 4), -1);
    assert_int_equal(vm_disk_find_path(&c, "/c"), 4);
    assert_int_equal(vm_disk_find_path(&c, "/z"), -1);
    vm_disk_remove(&c, 0);
    assert_int_equal(c.disk_count, 4);
    assert_string_equal(c.disks[0].path, "/b");
    assert_int_equal(vm_disk_free_lun(&c), 0);
    vm_disk_remove(&c, 3);
    vm_disk_remove(&c, 9); /* out of range: nothing */
    assert_int_equal(c.disk_count, 3);
    assert_string_equal(c.disks[2].path, "/d");

    /* Full: 64 disks, no free LUN, a 65th refused. */
    full_config(&c);
    for (int i = 0; i < VM_DISKS_MAX; i++) {
        snprintf(path, sizeof(path), "/vms/%d", i);
        assert_int_equal(vm_disk_add(&c, VM_DISKS_MAX - 1 - i, false, path, err, sizeof(err)),
                         VM_DISKS_MAX - 1 - i);
    }
    assert_int_equal(c.disks[0].lun, 0);
    assert_string_equal(c.disks[0].path, "/vms/63");
    assert_int_equal(vm_disk_free_lun(&c), -1);
    assert_int_equal(vm_disk_add(&c, -1, false, "/vms/extra", err, sizeof(err)), -1);
    assert_string_equal(err, "web has 64 disks already, the most a VM can have");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);
}

/* ---- generation 1: firmware, IDE ---- */

static void test_generation_1_lines(void **state)
{
    (void)state;
    expect_ok(GEN1 "ide=0:0,rw,/vms/old.img\n"
                   "ide=1:0,dvd,/isos/install, 2024.iso\n"
                   "ide=0:1,ro,/vms/tools.vhdx\n"
                   "disk=0,rw,/vms/scsi.vhdx\n"
                   "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,legacy\n");
    assert_int_equal(cfg.generation, 1);
    assert_string_equal(cfg.firmware, "/usr/share/seabios/bios-256k.bin");
    assert_string_equal(cfg.kernel, "");
    assert_string_equal(cfg.initrd, "");
    assert_string_equal(cfg.cmdline, "");
    assert_int_equal(cfg.ide_count, 3);
    assert_int_equal(cfg.ide[0].channel, 0);
    assert_int_equal(cfg.ide[0].device, 0);
    assert_int_equal(cfg.ide[0].media, VM_IDE_RW);
    assert_int_equal(cfg.ide[1].channel, 1);
    assert_int_equal(cfg.ide[1].media, VM_IDE_DVD);
    /* PATH is the rest of the line. */
    assert_string_equal(cfg.ide[1].path, "/isos/install, 2024.iso");
    assert_int_equal(cfg.ide[2].device, 1);
    assert_int_equal(cfg.ide[2].media, VM_IDE_RO);
    assert_int_equal(cfg.disk_count, 1);
    assert_true(cfg.nics[0].legacy);
    /* No device at all, and any order of the lines. */
    expect_ok(GEN1);
    assert_int_equal(cfg.ide_count, 0);
    expect_ok("ide=1:1,rw,/a\nfirmware=/bios.bin\ncpus=1\nname=x\nmemory=67108864\n"
              "generation=1\n");
    assert_int_equal(cfg.generation, 1);
    assert_int_equal(cfg.ide[0].channel, 1);
    /* generation=2 said aloud is the default. */
    expect_ok(MINIMAL "generation=2\n");
    assert_int_equal(cfg.generation, 2);
}

static void test_generation_rejections(void **state)
{
    (void)state;
    expect_error(MINIMAL "generation=3\n", "line 5: generation '3' is neither 1 nor 2");
    expect_error(MINIMAL "generation=0\n", "generation '0' is neither 1 nor 2");
    expect_error(MINIMAL "generation=02\n", "generation '02' is neither 1 nor 2");
    expect_error(MINIMAL "generation=\n", "generation '' is neither 1 nor 2");
    expect_error(MINIMAL "generation=2\ngeneration=2\n",
                 "line 6: generation given a second time (first on line 5)");
    /* Generation 1: no kernel's lines, even empty ones; a firmware. */
    expect_error(GEN1 "kernel=/boot/vmlinuz\n",
                 "line 6: kernel= is for generation 2 VMs (this one is generation 1: its "
                 "firmware boots it)");
    expect_error("kernel=/k\n" GEN1, "line 1: kernel= is for generation 2 VMs");
    expect_error(GEN1 "initrd=/i\n", "line 6: initrd= is for generation 2 VMs");
    expect_error(GEN1 "cmdline=\n", "line 6: cmdline= is for generation 2 VMs");
    expect_error("name=old\ngeneration=1\nmemory=536870912\ncpus=1\n",
                 "no firmware= line (a generation 1 VM needs one)");
    expect_error("name=old\ngeneration=1\nmemory=536870912\ncpus=1\nfirmware=bios.bin\n",
                 "line 5: firmware bios.bin is not an absolute path");
    expect_error("name=old\ngeneration=1\nmemory=536870912\ncpus=1\nfirmware=\n",
                 "line 5: firmware is empty");
    expect_error(GEN1 "firmware=/b\n", "line 6: firmware given a second time (first on line 5)");
    /* Generation 2: a kernel, and no firmware, IDE or legacy NIC. */
    expect_error("name=web\ngeneration=2\nmemory=536870912\ncpus=2\nfirmware=/bios.bin\n",
                 "no kernel= line (name, memory, cpus and kernel are required)");
    expect_error(MINIMAL "firmware=/bios.bin\n",
                 "line 5: firmware= is for generation 1 VMs (there is no generation=1 line)");
    expect_error(MINIMAL "disk=0,rw,/d\nide=1:0,dvd,/a.iso\nide=0:0,rw,/b\n",
                 "line 6: ide= is for generation 1 VMs (there is no generation=1 line)");
    expect_error(MINIMAL "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\n"
                         "nic=3,dmz,hvsw-dmz,00:15:5d:00:00:02,vlan=2,legacy\n",
                 "line 6: nic 3: legacy (an emulated NIC) is for generation 1 VMs (there is no "
                 "generation=1 line)");
}

static void test_ide_rejections(void **state)
{
    (void)state;
    expect_error(GEN1 "ide=2:0,rw,/a\n",
                 "line 6: ide slot '2:0' is not C:D (channel 0 or 1, device 0 or 1)");
    expect_error(GEN1 "ide=0:2,rw,/a\n", "line 6: ide slot '0:2'");
    expect_error(GEN1 "ide=00:1,rw,/a\n", "ide slot '00:1'");
    expect_error(GEN1 "ide=0.1,rw,/a\n", "ide slot '0.1'");
    expect_error(GEN1 "ide=,rw,/a\n", "ide slot ''");
    expect_error(GEN1 "ide=0:0,rw\n", "line 6: ide '0:0,rw' is not C:D,MEDIA,PATH");
    expect_error(GEN1 "ide=/vms/a.img\n", "is not C:D,MEDIA,PATH");
    expect_error(GEN1 "ide=0:0,cd,/a.iso\n", "line 6: ide media 'cd' is not rw, ro or dvd");
    expect_error(GEN1 "ide=0:0,RW,/a\n", "ide media 'RW'");
    expect_error(GEN1 "ide=0:0,rw,a.img\n", "line 6: ide a.img is not an absolute path");
    expect_error(GEN1 "ide=0:0,dvd,\n", "line 6: ide is empty");
    expect_error(GEN1 "ide=0:0,rw,/a \n", "line 6: ide '/a ' ends with a space");
    expect_error(GEN1 "ide=0:0,rw,/a\tb\n", "line 6: ide contains a control character");
    expect_error(GEN1 "ide= 0:0,rw,/a\n", "line 6: space after '='");
    expect_error(GEN1 "ide=0:1,rw,/a\nide=0:1,ro,/b\n",
                 "line 7: ide 0:1 given a second time (first on line 6)");
    expect_error(GEN1 "ide=0:0,rw,/a\nide=1:1,dvd,/b\nide=1:0,ro,/a\n",
                 "line 8: ide /a given a second time (first on line 6)");
    /* One image, one device: an IDE disk and a SCSI disk would write it behind each other. */
    expect_error(GEN1 "disk=4,rw,/a\nide=0:0,ro,/a\n", "ide 0:0: /a is the disk at LUN 4 too");
    expect_error(GEN1 "ide=1:0,dvd,/a\ndisk=4,ro,/a\n", "ide 1:0: /a is the disk at LUN 4 too");
    expect_error(GEN1 "ide=0:0,rw,/a\nide=0:1,rw,/b\nide=1:0,rw,/c\nide=1:1,rw,/d\n"
                      "ide=0:0,rw,/e\n",
                 "line 10: more than 4 ide= lines (a VM has at most 4 IDE devices)");
}

static void test_validate_generation(void **state)
{
    static struct vm_config c;

    (void)state;
    gen1_config(&c);
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);
    c.generation = 0; /* a struct nobody gave a generation */
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "generation 0 is neither 1 nor 2");
    c.generation = 3;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    gen1_config(&c);
    strcpy(c.kernel, "/k");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "kernel is for generation 2 VMs (a generation 1 VM boots its "
                             "firmware from its disks)");
    gen1_config(&c);
    strcpy(c.cmdline, "quiet");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cmdline is for generation 2 VMs"));
    gen1_config(&c);
    strcpy(c.initrd, "/i");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "initrd is for generation 2 VMs"));
    gen1_config(&c);
    c.firmware[0] = '\0';
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "firmware is empty");
    strcpy(c.firmware, "bios.bin");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "firmware bios.bin is not an absolute path");

    /* IDE devices. */
    gen1_config(&c);
    c.ide_count = 2;
    c.ide[0] = (struct vm_ide){.channel = 0, .device = 0, .media = VM_IDE_RW, .path = "/a"};
    c.ide[1] = (struct vm_ide){.channel = 1, .device = 1, .media = VM_IDE_DVD, .path = "/b.iso"};
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);
    c.ide[1].channel = 2;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "ide 2:1 is not an IDE slot (channel 0 or 1, device 0 or 1)");
    c.ide[1].channel = 0;
    c.ide[1].device = 0;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "ide 0:0 is given twice");
    c.ide[1].device = 1;
    c.ide[1].media = (enum vm_ide_media)7;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "ide 0:1: media 7 is not rw, ro or dvd");
    c.ide[1].media = VM_IDE_RO;
    strcpy(c.ide[1].path, "/a");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "ide /a is given twice (0:0 and 0:1)");
    strcpy(c.ide[1].path, "rel.img");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "ide rel.img is not an absolute path");
    strcpy(c.ide[1].path, "/b");
    c.disk_count = 1;
    c.disks[0] = (struct vm_disk){.lun = 9, .path = "/b"};
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "ide 0:1: /b is the disk at LUN 9 too");
    c.disk_count = 0;
    c.ide_count = 5;
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "5 IDE devices, more than the 4 a VM can have");

    /* Generation 2: no firmware, no IDE, no legacy NIC. */
    full_config(&c);
    strcpy(c.firmware, "/bios.bin");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "firmware is for generation 1 VMs (a generation 2 VM boots its "
                             "kernel directly)");
    full_config(&c);
    c.ide_count = 1;
    c.ide[0] = (struct vm_ide){.path = "/a"};
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "ide is for generation 1 VMs (a generation 2 VM has no IDE "
                             "controller: give it SCSI disks)");
    full_config(&c);
    c.kernel[0] = '\0';
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "kernel is empty");
}

static void test_format_generation_1_and_parse_back(void **state)
{
    static struct vm_config c;
    static char text[32768];
    struct nic_option lan = {.switch_name = "lan", .legacy = true};
    long len;

    (void)state;
    gen1_config(&c);
    /* Added out of order: written by slot. */
    assert_int_equal(vm_ide_set(&c, 1, 0, VM_IDE_DVD, "/isos/install.iso", false, err, sizeof(err)),
                     0);
    assert_int_equal(vm_ide_set(&c, 0, 0, VM_IDE_RW, "/vms/old.img", false, err, sizeof(err)), 0);
    assert_int_equal(vm_disk_add(&c, -1, true, "/vms/data.vhdx", err, sizeof(err)), 0);
    assert_int_equal(
        vm_nic_add(&c, &lan, (const uint8_t *)"\x00\x15\x5d\x00\x00\x01", err, sizeof(err)), 0);
    len = vm_config_format(&c, text, sizeof(text), err, sizeof(err));
    assert_true(len > 0);
    assert_int_equal(text[0], '#');
    /* The exact lines (test_vmwp_config.c parses them too: its GEN1 GEN1_DEVICES). */
    assert_non_null(strstr(text, "\n" GEN1 "ide=0:0,rw,/vms/old.img\n"
                                 "ide=1:0,dvd,/isos/install.iso\n"
                                 "disk=0,ro,/vms/data.vhdx\n"
                                 "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,legacy\n"));
    assert_null(strstr(text, "kernel"));
    assert_null(strstr(text, "cmdline"));
    assert_int_equal(parse_n(text, (size_t)len), 0);
    assert_config_equal(&cfg, &c);
    /* Invalid: not written. */
    strcpy(c.cmdline, "quiet");
    assert_int_equal(vm_config_format(&c, text, sizeof(text), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cmdline is for generation 2 VMs"));
}

static void expect_ide_option(const char *text, unsigned channel, unsigned device,
                              enum vm_ide_media media, const char *path)
{
    struct ide_option opt;

    if (vm_ide_option_parse("--ide", text, &opt, err, sizeof(err)) != 0)
        fail_msg("--ide %s refused: %s", text, err);
    assert_int_equal(opt.channel, channel);
    assert_int_equal(opt.device, device);
    assert_int_equal(opt.media, media);
    assert_string_equal(opt.path, path);
}

static void expect_bad_ide_option(const char *text, const char *what)
{
    struct ide_option opt;

    if (vm_ide_option_parse("--ide", text, &opt, err, sizeof(err)) == 0)
        fail_msg("--ide %s accepted", text);
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void test_ide_option(void **state)
{
    unsigned channel = 9, device = 9;

    (void)state;
    expect_ide_option("0:0=/vms/old.img", 0, 0, VM_IDE_RW, "/vms/old.img");
    expect_ide_option("0:1=data.vhdx,readonly", 0, 1, VM_IDE_RO, "data.vhdx");
    expect_ide_option("1:0=/isos/install.iso", 1, 0, VM_IDE_DVD, "/isos/install.iso");
    expect_ide_option("1:1=/isos/SETUP.ISO", 1, 1, VM_IDE_DVD, "/isos/SETUP.ISO");
    expect_ide_option("1:1=/isos/disc.img,dvd", 1, 1, VM_IDE_DVD, "/isos/disc.img");
    /* An option says it all: an .iso file as a read-only hard disk. */
    expect_ide_option("0:0=/a.iso,readonly", 0, 0, VM_IDE_RO, "/a.iso");
    /* Commas and '=' belong to the path; a trailing comma ends one that looks optioned. */
    expect_ide_option("0:0=/vms/a,b=c.img", 0, 0, VM_IDE_RW, "/vms/a,b=c.img");
    expect_ide_option("0:0=/vms/a,dvd,", 0, 0, VM_IDE_RW, "/vms/a,dvd");
    expect_ide_option("0:0=/vms/x.iso,", 0, 0, VM_IDE_DVD, "/vms/x.iso");
    expect_bad_ide_option("/vms/old.img", "--ide /vms/old.img: not C:D=PATH (the slot, then the "
                                          "image: 0:0=/vms/disk.img, 1:0=/isos/install.iso)");
    expect_bad_ide_option("2:0=/a", "--ide 2:0=/a: IDE slot '2:0' is not C:D (channel C 0 or 1, "
                                    "device D 0 or 1: 0:0, 0:1, 1:0 or 1:1)");
    expect_bad_ide_option("0:2=/a", "IDE slot '0:2'");
    expect_bad_ide_option("00=/a", "IDE slot '00'");
    expect_bad_ide_option("0:00=/a", "IDE slot '0:00'");
    expect_bad_ide_option("=/a", "IDE slot ''");
    expect_bad_ide_option("0:0=", "--ide 0:0=: no path");
    expect_bad_ide_option("0:0=,dvd", "--ide 0:0=,dvd: no path");
    expect_bad_ide_option("0:0=/a.iso,cdrom", "--ide 0:0=/a.iso,cdrom: unknown IDE option 'cdrom' "
                                              "(C:D=PATH, C:D=PATH,readonly or C:D=PATH,dvd");
    expect_bad_ide_option("0:0=/a,ro", "unknown IDE option 'ro'");
    {
        struct ide_option opt;

        assert_int_equal(vm_ide_option_parse("ide set", "9:9=/a", &opt, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "ide set 9:9=/a: IDE slot '9:9'"));
    }
    assert_int_equal(vm_ide_slot_parse("1:1", 3, &channel, &device, err, sizeof(err)), 0);
    assert_int_equal(channel, 1);
    assert_int_equal(device, 1);
    assert_int_equal(vm_ide_slot_parse("1:2", 3, &channel, &device, err, sizeof(err)), -1);
    assert_int_equal(vm_ide_slot_parse("1", 1, &channel, &device, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "IDE slot '1' is not C:D"));
    assert_int_equal(channel, 1);
}

static void test_ide_set_and_remove(void **state)
{
    static struct vm_config c;
    unsigned lun = 7;

    (void)state;
    gen1_config(&c);
    assert_int_equal(vm_ide_set(&c, 1, 1, VM_IDE_DVD, "/d.iso", false, err, sizeof(err)), 0);
    assert_int_equal(vm_ide_set(&c, 0, 1, VM_IDE_RO, "/b", false, err, sizeof(err)), 0);
    assert_int_equal(vm_ide_set(&c, 1, 0, VM_IDE_RW, "/c", false, err, sizeof(err)), 0);
    assert_int_equal(vm_ide_set(&c, 0, 0, VM_IDE_RW, "/a", false, err, sizeof(err)), 0);
    /* Sorted by slot. */
    assert_int_equal(c.ide_count, 4);
    assert_string_equal(c.ide[0].path, "/a");
    assert_string_equal(c.ide[1].path, "/b");
    assert_string_equal(c.ide[2].path, "/c");
    assert_string_equal(c.ide[3].path, "/d.iso");
    assert_int_equal(vm_ide_find_slot(&c, 1, 0), 2);
    assert_int_equal(vm_ide_find_path(&c, "/d.iso"), 3);
    assert_int_equal(vm_ide_find_path(&c, "/z"), -1);
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), 0);

    /* create: a slot once. */
    assert_int_equal(vm_ide_set(&c, 1, 1, VM_IDE_DVD, "/e.iso", false, err, sizeof(err)), -1);
    assert_string_equal(err, "old's IDE 1:1 is taken by /d.iso");
    /* ide set: replaces, also the same image with another media. */
    assert_int_equal(vm_ide_set(&c, 1, 1, VM_IDE_DVD, "/e.iso", true, err, sizeof(err)), 0);
    assert_string_equal(c.ide[3].path, "/e.iso");
    assert_int_equal(c.ide_count, 4);
    assert_int_equal(vm_ide_set(&c, 0, 1, VM_IDE_RW, "/b", true, err, sizeof(err)), 0);
    assert_int_equal(c.ide[1].media, VM_IDE_RW);
    /* One image, one device. */
    assert_int_equal(vm_ide_set(&c, 1, 1, VM_IDE_RW, "/a", true, err, sizeof(err)), -1);
    assert_string_equal(err, "old has /a already (IDE 0:0)");
    assert_int_equal(vm_disk_add(&c, -1, false, "/s.vhdx", err, sizeof(err)), 0);
    assert_int_equal(vm_ide_set(&c, 1, 1, VM_IDE_RW, "/s.vhdx", true, err, sizeof(err)), -1);
    assert_string_equal(err, "old has /s.vhdx already (SCSI disk, LUN 0)");
    assert_int_equal(vm_disk_add(&c, -1, false, "/c", err, sizeof(err)), -1);
    assert_string_equal(err, "old has /c already (IDE 1:0)");
    assert_int_equal(vm_ide_set(&c, 2, 0, VM_IDE_RW, "/x", true, err, sizeof(err)), -1);
    assert_string_equal(err, "IDE slot 2:0 is out of range (0:0 to 1:1)");
    assert_string_equal(c.ide[3].path, "/e.iso");

    vm_ide_remove(&c, 1);
    assert_int_equal(c.ide_count, 3);
    assert_int_equal(vm_ide_find_slot(&c, 0, 1), -1);
    assert_string_equal(c.ide[1].path, "/c");
    vm_ide_remove(&c, 7); /* out of range: nothing */
    assert_int_equal(c.ide_count, 3);
    assert_int_equal(vm_ide_set(&c, 0, 1, VM_IDE_RO, "/f", false, err, sizeof(err)), 0);
    assert_string_equal(c.ide[1].path, "/f");

    /* A generation 2 VM has no IDE controller. */
    full_config(&c);
    assert_int_equal(vm_ide_set(&c, 0, 0, VM_IDE_RW, "/a", false, err, sizeof(err)), -1);
    assert_string_equal(err, "web is a generation 2 VM: IDE devices are for generation 1 VMs (give "
                             "it SCSI disks)");
    assert_int_equal(c.ide_count, 0);

    /* disk attach --lun 0:0: an IDE slot, which has no hot plug. */
    assert_int_equal(vm_disk_lun_parse("0:0", &lun, err, sizeof(err)), -1);
    assert_string_equal(err, "--lun 0:0 is an IDE slot, not a LUN: IDE devices change only while "
                             "the VM is off, with hvctl ide set and hvctl ide remove");
    assert_int_equal(lun, 7);
    assert_string_equal(vm_ide_media_name(VM_IDE_DVD), "dvd");
    assert_string_equal(vm_ide_media_text(VM_IDE_RO), "read-only hard disk");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_all_keys_comments_and_blank_lines),
        cmocka_unit_test(test_cmdline_edge_cases),
        cmocka_unit_test(test_limits_accepted),
        cmocka_unit_test(test_syntax_rejections),
        cmocka_unit_test(test_nul_byte_rejected),
        cmocka_unit_test(test_missing_required_keys),
        cmocka_unit_test(test_value_rejections),
        cmocka_unit_test(test_length_limits),
        cmocka_unit_test(test_format_and_parse_back),
        cmocka_unit_test(test_format_leaves_out_empty_optional_keys),
        cmocka_unit_test(test_format_refuses_invalid_and_small_buffer),
        cmocka_unit_test(test_validate),
        cmocka_unit_test_setup_teardown(test_write_then_read, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_failed_write_keeps_the_old_file, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_read_errors_name_the_file, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_make_dirs, make_dir, remove_dir),
        cmocka_unit_test(test_disk_lines),
        cmocka_unit_test(test_disk_rejections),
        cmocka_unit_test(test_validate_disks),
        cmocka_unit_test(test_format_disks_and_parse_back),
        cmocka_unit_test_setup_teardown(test_write_then_read_many_disks, make_dir, remove_dir),
        cmocka_unit_test(test_disk_option),
        cmocka_unit_test(test_lun_option),
        cmocka_unit_test(test_lun_choice_and_add),
        cmocka_unit_test(test_nic_lines),
        cmocka_unit_test(test_nic_rejections),
        cmocka_unit_test(test_validate_nics),
        cmocka_unit_test(test_format_nics_and_parse_back),
        cmocka_unit_test(test_generation_1_lines),
        cmocka_unit_test(test_generation_rejections),
        cmocka_unit_test(test_ide_rejections),
        cmocka_unit_test(test_validate_generation),
        cmocka_unit_test(test_format_generation_1_and_parse_back),
        cmocka_unit_test(test_ide_option),
        cmocka_unit_test(test_ide_set_and_remove),
    };
    return cmocka_run_group_tests_name("hvctl_config", tests, NULL, NULL);
}
