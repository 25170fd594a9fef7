// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmwp: the worker process of one child partition.
 *
 *   vmwp --config FILE --run-dir DIR
 *
 * Sets the VM up (config, /dev/vid partition, RAM, kernel and initrd, ACPI
 * tables, VPs, devices, the run directory's sockets), writes DIR/vmwp.pid
 * and runs it in the foreground until the guest powers off or resets, a VP
 * triple-faults, the control socket says stop, or SIGTERM/SIGINT/SIGHUP
 * arrive (SIGUSR1 logs what the devices wait for and goes on).  Exit
 * status 0 then; 1 for any setup error (one line on stderr, nothing left
 * in DIR) or when vmwp cannot go on.  docs/vmwp.md has the whole
 * story.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hv/vid_ioctl.h>
#include <ic/ic.h>

#include "boot.h"
#include "config.h"
#include "console.h"
#include "control.h"
#include "guest_memory.h"
#include "log.h"
#include "pc_boot.h"
#include "pc_platform.h"
#include "platform.h"
#include "run_dir.h"
#include "vm.h"
#include "storage.h"
#include "network.h"
#include "netlink.h"
#include "vmbus_host.h"
#include "vp_thread.h"

#define VID_PATH        "/dev/" VID_DEVICE_NAME
#define KERNEL_FILE_MAX (512ull << 20) /* far more than any bzImage */
#define STOP_TIMEOUT_MS 3000
#define ERR_LEN         8192 /* room for two paths of PATH_MAX */

/* Everything the VM is made of; one per process. */
struct worker {
    struct vmwp_config config;
    struct run_dir run_dir;
    struct vm vm;
    struct guest_memory memory;
    struct platform platform;
    struct pc_platform pc; /* generation 1 */
    struct pc_boot pc_boot;
    bool pc_boot_ready, pc_timer_started;
    struct console console;
    struct vp_context vp_ctx;
    int vid_fd, partition_fd;
    uint64_t ref_tsc_base, tsc_hz; /* the child's reference clock, from the hypervisor */
    struct vmbus_host_ctx vmbus;
    bool vmbus_ready;
    struct vm_storage storage;
    bool storage_ready;
    struct vm_network network;
    bool network_ready;
    int control_fd, console_fd, log_fd, signal_fd;
    bool vm_ready, console_ready; /* what teardown() has to undo */
    char boot_summary[200];
    bool assert_failed_logged, lint0_failed_logged;
    char **argv; /* for the restart after a guest reset */
};

static struct worker worker = {
    .vid_fd = -1,
    .partition_fd = -1,
    .control_fd = -1,
    .console_fd = -1,
    .log_fd = -1,
    .signal_fd = -1,
};

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vmwp_log("%s (usage: vmwp --config FILE --run-dir DIR)", msg);
    exit(1);
}

static void parse_options(int argc, char **argv, const char **config, const char **run_dir)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        {"run-dir", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    *config = *run_dir = NULL;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            *config = optarg;
            break;
        case 'r':
            *run_dir = optarg;
            break;
        default:
            usage_error("unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unexpected argument '%s'", argv[optind]);
    if (!*config || !*run_dir)
        usage_error("--config and --run-dir are required");
}

/* ---- files ------------------------------------------------------------------ */

/* Read a whole file of at most @max bytes into a new buffer. */
static uint8_t *read_file(const char *what, const char *path, uint64_t max, size_t *size, char *err,
                          size_t errlen)
{
    struct stat st;
    uint8_t *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > max) {
        snprintf(err, errlen, "%s %s: not a regular file of 1 byte to %llu MiB", what, path,
                 (unsigned long long)(max >> 20));
        close(fd);
        return NULL;
    }
    buf = malloc((size_t)st.st_size);
    if (!buf) {
        snprintf(err, errlen, "%s %s: out of memory", what, path);
        close(fd);
        return NULL;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s %s: %s", what, path, n ? strerror(errno) : "file shrank");
            free(buf);
            close(fd);
            return NULL;
        }
        got += (size_t)n;
    }
    close(fd);
    *size = got;
    return buf;
}

/* Read exactly @size bytes of the file at @fd into @dst. */
static int read_exact(int fd, uint8_t *dst, uint64_t size)
{
    while (size) {
        ssize_t n = read(fd, dst, size > (1u << 30) ? (1u << 30) : (size_t)size);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!n)
                errno = EIO; /* the file shrank since fstat */
            return -1;
        }
        dst += n;
        size -= (uint64_t)n;
    }
    return 0;
}

/* ---- platform hooks ---------------------------------------------------------- */

static void hook_assert_interrupt(void *opaque, const struct ioapic_irq *irq)
{
    struct worker *w = opaque;
    struct vid_interrupt vi = {
        .type = irq->type,
        .vector = irq->vector,
        .dest = irq->dest,
        .flags = (irq->logical ? VID_IRQ_LOGICAL : 0) | (irq->level ? VID_IRQ_LEVEL : 0),
    };
    int rc;

    /* A kick for a pause or stop can land during the call: not an error. */
    do
        rc = ioctl(w->partition_fd, VID_ASSERT_INTERRUPT, &vi);
    while (rc != 0 && errno == EINTR);
    if (rc != 0)
        vmwp_log_once(&w->assert_failed_logged,
                      "VID_ASSERT_INTERRUPT (pin %u, vector %u, dest 0x%x): %s (logged once)",
                      irq->pin, irq->vector, irq->dest, strerror(errno));
}

/* The 8259s' INTR: the LINT0 wire of every VP. */
static void hook_lint0(void *opaque, bool level)
{
    struct worker *w = opaque;
    struct vid_interrupt vi = {
        .type = HV_INTERRUPT_TYPE_LINT0,
        .vector = level,
        .dest = 0xFF,
        .flags = VID_IRQ_LEVEL,
    };
    int rc;

    do
        rc = ioctl(w->partition_fd, VID_ASSERT_INTERRUPT, &vi);
    while (rc != 0 && errno == EINTR);
    if (rc != 0)
        vmwp_log_once(&w->lint0_failed_logged, "VID_ASSERT_INTERRUPT (LINT0 %d): %s (logged once)",
                      level, strerror(errno));
}

static void *hook_guest_map(void *opaque, uint64_t gpa, size_t len, bool to_memory)
{
    struct worker *w = opaque;

    (void)to_memory; /* all of RAM is the guest's to read and write */
    return guest_memory_ptr(&w->memory, gpa, len);
}

static void hook_serial_output(void *opaque, uint8_t byte)
{
    struct worker *w = opaque;

    console_output(&w->console, byte);
}

static void hook_request(void *opaque, enum platform_request what)
{
    struct worker *w = opaque;

    if (what == PLATFORM_POWER_OFF)
        vm_request_exit(&w->vm, VM_EXIT_POWER_OFF, "guest powered off");
    else
        vm_request_exit(&w->vm, VM_EXIT_RESET, "guest reset: the VM restarts");
}

static size_t console_input(void *opaque, const uint8_t *bytes, size_t n)
{
    struct worker *w = opaque;

    return platform_console_input(&w->platform, bytes, n);
}

/* ---- setup ------------------------------------------------------------------- */

static int open_partition(struct worker *w, char *err, size_t errlen)
{
    struct vid_version ver;
    struct vid_create_partition cp = {.max_vps = w->config.cpus};

    w->vid_fd = open(VID_PATH, O_RDWR | O_CLOEXEC);
    if (w->vid_fd < 0) {
        snprintf(err, errlen, "%s: %s (is the vid module loaded?)", VID_PATH, strerror(errno));
        return -1;
    }
    memset(&ver, 0, sizeof(ver));
    if (ioctl(w->vid_fd, VID_GET_VERSION, &ver) != 0) {
        snprintf(err, errlen, "%s: VID_GET_VERSION: %s", VID_PATH, strerror(errno));
        return -1;
    }
    /* Same major, and at least the minor that brought the VP ioctls. */
    if (VID_VERSION_MAJOR_OF(ver.module_version) != VID_VERSION_MAJOR ||
        VID_VERSION_MINOR_OF(ver.module_version) < VID_VERSION_MINOR) {
        snprintf(err, errlen, "%s: module interface %u.%u, vmwp needs %u.%u or a later %u.x",
                 VID_PATH, VID_VERSION_MAJOR_OF(ver.module_version),
                 VID_VERSION_MINOR_OF(ver.module_version), VID_VERSION_MAJOR, VID_VERSION_MINOR,
                 VID_VERSION_MAJOR);
        return -1;
    }
    w->partition_fd = ioctl(w->vid_fd, VID_CREATE_PARTITION, &cp);
    if (w->partition_fd < 0) {
        snprintf(err, errlen, "VID_CREATE_PARTITION (%u VPs): %s", w->config.cpus, strerror(errno));
        return -1;
    }
    w->ref_tsc_base = cp.reference_tsc_base;
    w->tsc_hz = cp.tsc_frequency;
    if (fcntl(w->partition_fd, F_SETFD, FD_CLOEXEC) != 0) {
        snprintf(err, errlen, "partition fd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* VP 0 starts at the reset vector unless the worker sets its registers;
 * the others wait for INIT and STARTUP in the hypervisor. */
static int create_vps(struct worker *w, char *err, size_t errlen)
{
    for (unsigned i = 0; i < w->config.cpus; i++) {
        struct vid_create_vp cv = {.vp_index = i};
        int fd = ioctl(w->partition_fd, VID_CREATE_VP, &cv);

        if (fd < 0) {
            snprintf(err, errlen, "VID_CREATE_VP %u: %s", i, strerror(errno));
            return -1;
        }
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        w->vm.vps[i].fd = fd;
    }
    return 0;
}

/* Generation 1: the firmware boots the machine from its drives. */
static int load_firmware(struct worker *w, char *err, size_t errlen)
{
    if (create_vps(w, err, errlen) ||
        pc_boot_setup(&w->pc_boot, &w->pc, &w->config, &w->memory, w->partition_fd, err, errlen))
        return -1;
    w->pc_boot_ready = true;
    snprintf(w->boot_summary, sizeof(w->boot_summary),
             "generation 1: firmware of %zu KiB, ACPI RSDP 0x%llx, %u IDE drive(s)",
             w->pc_boot.rom_size >> 10, (unsigned long long)w->pc_boot.rsdp_gpa,
             w->config.ide_count);
    return 0;
}

/* The child has no PIT or HPET to calibrate its TSC against: it reads the
 * frequency from the Hyper-V frequency MSRs (enlightened guests) or takes
 * tsc_early_khz= from its command line. */
static int load_guest(struct worker *w, char *err, size_t errlen)
{
    struct boot_inputs in = {.cmdline = w->config.cmdline, .cpus = w->config.cpus};
    struct boot_plan plan;
    size_t kernel_size = 0;
    uint8_t *kernel;
    int initrd_fd = -1, rc = -1;

    kernel = read_file("kernel", w->config.kernel, KERNEL_FILE_MAX, &kernel_size, err, errlen);
    if (!kernel)
        return -1;
    in.kernel = kernel;
    in.kernel_size = kernel_size;
    if (w->config.initrd[0]) {
        struct stat st;

        initrd_fd = open(w->config.initrd, O_RDONLY | O_CLOEXEC);
        if (initrd_fd < 0 || fstat(initrd_fd, &st) != 0) {
            snprintf(err, errlen, "initrd %s: %s", w->config.initrd, strerror(errno));
            goto out;
        }
        if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
            snprintf(err, errlen, "initrd %s: not a regular file with data", w->config.initrd);
            goto out;
        }
        in.initrd_size = (uint64_t)st.st_size;
    }
    if (boot_setup(&w->memory, &in, &plan, err, errlen))
        goto out;
    if (initrd_fd >= 0) {
        uint8_t *dst = guest_memory_ptr(&w->memory, plan.initrd_gpa, in.initrd_size);

        if (!dst || read_exact(initrd_fd, dst, in.initrd_size)) {
            snprintf(err, errlen, "initrd %s: %s", w->config.initrd,
                     dst ? strerror(errno) : "no guest memory at its address");
            goto out;
        }
    }

    /* VP 0 starts at the kernel's 64-bit entry; the others wait for the
     * guest's INIT and STARTUP IPIs in the hypervisor. */
    if (create_vps(w, err, errlen))
        goto out;
    {
        struct vid_register regs[BOOT_VP0_REGS];
        struct vid_registers set = {
            .count = boot_vp0_registers(&plan.entry, regs),
            .regs = (uint64_t)(uintptr_t)regs,
        };

        if (ioctl(w->vm.vps[0].fd, VID_VP_SET_REGISTERS, &set) != 0) {
            snprintf(err, errlen, "VID_VP_SET_REGISTERS (VP 0 entry state): %s", strerror(errno));
            goto out;
        }
    }
    /* Logged once setup has succeeded: a failed setup says one line only. */
    snprintf(w->boot_summary, sizeof(w->boot_summary),
             "kernel at 0x%llx (entry 0x%llx), initrd %llu bytes at 0x%llx, ACPI RSDP 0x%llx",
             (unsigned long long)plan.kernel_gpa, (unsigned long long)plan.entry.rip,
             (unsigned long long)in.initrd_size, (unsigned long long)plan.initrd_gpa,
             (unsigned long long)plan.rsdp_gpa);
    rc = 0;
out:
    if (initrd_fd >= 0)
        close(initrd_fd);
    free(kernel);
    return rc;
}

/* Signals: the kick handler for VP threads; termination signals read
 * through a signalfd by the main loop.  Every thread created afterwards
 * inherits the blocked set (VP threads unblock the kick signal). */
static int setup_signals(struct worker *w, char *err, size_t errlen)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    if (vp_install_kick_handler()) {
        snprintf(err, errlen, "sigaction: %s", strerror(errno));
        return -1;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, VM_KICK_SIGNAL);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sigdelset(&set, VM_KICK_SIGNAL);
    w->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (w->signal_fd < 0) {
        snprintf(err, errlen, "signalfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* The run directory's log and sockets; the pid file comes later. */
static int open_run_dir_files(struct worker *w, char *err, size_t errlen)
{
    char msg[ERR_LEN];

    w->log_fd = run_dir_open_log(&w->run_dir.console_log, err, errlen);
    if (w->log_fd < 0)
        return -1;
    w->console_fd = run_dir_listen(&w->run_dir.console_sock, err, errlen);
    if (w->console_fd < 0)
        return -1;
    w->control_fd = run_dir_listen(&w->run_dir.control_sock, err, errlen);
    if (w->control_fd < 0)
        return -1;
    if (console_init(&w->console, w->console_fd, w->log_fd, console_input, w, msg, sizeof(msg))) {
        snprintf(err, errlen, "%s", msg);
        return -1;
    }
    w->console_ready = true;
    return 0;
}

static int start_threads(struct worker *w, char *err, size_t errlen)
{
    int rc = console_start(&w->console);

    if (rc) {
        snprintf(err, errlen, "console thread: %s", strerror(rc));
        return -1;
    }
    if (w->platform.pc) {
        rc = pc_platform_start(&w->pc);
        if (rc) {
            snprintf(err, errlen, "PIT timer thread: %s", strerror(rc));
            return -1;
        }
        w->pc_timer_started = true;
    }
    w->vp_ctx = (struct vp_context){&w->vm, &w->platform, &w->memory, &w->vmbus};
    for (unsigned i = 0; i < w->config.cpus; i++) {
        rc = vp_thread_start(&w->vm.vps[i], &w->vp_ctx);
        if (rc) {
            snprintf(err, errlen, "VP %u thread: %s", i, strerror(rc));
            return -1;
        }
    }
    return 0;
}

/*
 * NIC @n: a TAP device plugged into its switch's bridge (as an access port
 * of its VLAN, with the bridge's MTU), offered to the guest as a synthetic
 * NIC.  The TAP goes away with the worker, and leaves the bridge by itself.
 */
static int open_nic(struct worker *w, const struct vmwp_nic *n, char *err, size_t errlen)
{
    char ifname[NL_IFNAME_MAX + 1];
    struct nl_sock nl;
    unsigned mtu = 0;
    int fd, rc;

    fd = nl_tap_open("hvtap%d", 0, ifname, err, errlen);
    if (fd < 0)
        return -1;
    if (nl_open(&nl, err, errlen) != 0) {
        close(fd);
        return -1;
    }
    rc = nl_port_attach(&nl, ifname, n->bridge, n->vlan, &mtu, err, errlen);
    nl_close(&nl);
    if (rc != 0) {
        close(fd);
        return -1;
    }
    if (n->legacy)
        return network_add_legacy_nic(&w->network, &w->platform, n->index, n->mac, fd, ifname, err,
                                      errlen);
    return network_add_nic(&w->network, n->index, n->mac, mtu, fd, ifname, err, errlen);
}

static int setup(struct worker *w, const char *config_path, const char *run_dir, char *err,
                 size_t errlen)
{
    const struct platform_hooks hooks = {
        .assert_interrupt = hook_assert_interrupt,
        .serial_output = hook_serial_output,
        .request = hook_request,
        .lint0 = hook_lint0,
        .guest_map = hook_guest_map,
        .opaque = w,
    };
    bool gen1;

    if (vmwp_config_load(config_path, &w->config, err, errlen))
        return -1;
    gen1 = w->config.generation == 1;
    for (unsigned i = 0, legacy = 0; i < w->config.nic_count; i++) {
        if (w->config.nics[i].legacy && (!gen1 || ++legacy > PC_NICS_MAX)) {
            snprintf(err, errlen,
                     gen1 ? "config %s: nic %u: a generation 1 child has at most %u legacy NICs"
                          : "config %s: nic %u: a legacy NIC needs a generation 1 child",
                     config_path, w->config.nics[i].index, PC_NICS_MAX);
            return -1;
        }
    }
    if (run_dir_init(&w->run_dir, run_dir, err, errlen) || setup_signals(w, err, errlen))
        return -1;
    if (vm_init(&w->vm, w->config.cpus)) {
        snprintf(err, errlen, "cannot set up the VM's state: %s", strerror(errno));
        return -1;
    }
    w->vm_ready = true;
    if (guest_memory_layout(&w->memory, w->config.memory, err, errlen) ||
        open_partition(w, err, errlen) ||
        guest_memory_create(&w->memory, w->partition_fd, err, errlen))
        return -1;
    if (platform_init(&w->platform, &hooks, gen1 ? &w->pc : NULL)) {
        snprintf(err, errlen, "cannot set up the devices");
        return -1;
    }
    if (gen1 ? load_firmware(w, err, errlen) : load_guest(w, err, errlen))
        return -1;
    if (vmbus_host_start(&w->vmbus, w->partition_fd, &w->memory, w->ref_tsc_base, w->tsc_hz, err,
                         errlen))
        return -1;
    w->vmbus_ready = true;
    if (storage_start(&w->storage, &w->vmbus, err, errlen))
        return -1;
    w->storage_ready = true;
    for (unsigned i = 0; i < w->config.disk_count; i++) {
        const struct vmwp_disk *d = &w->config.disks[i];

        if (storage_attach(&w->storage, d->lun, d->path, d->read_only, err, errlen))
            return -1;
    }
    if (network_start(&w->network, &w->vmbus, err, errlen))
        return -1;
    w->network_ready = true;
    for (unsigned i = 0; i < w->config.nic_count; i++)
        if (open_nic(w, &w->config.nics[i], err, errlen))
            return -1;
    return open_run_dir_files(w, err, errlen) || start_threads(w, err, errlen) ||
                   run_dir_write_pid(&w->run_dir, err, errlen)
               ? -1
               : 0;
}

/* ---- running ------------------------------------------------------------------ */

/* The guest's integration services, for the control requests: NULL when
 * there is no VMBus.  Every ic_* call holds the VMBus lock. */
static struct ic_services *services(struct worker *w)
{
    return w->vmbus_ready ? w->vmbus.ics : NULL;
}

static enum control_heartbeat heartbeat(struct worker *w)
{
    struct ic_services *ics = services(w);
    enum control_heartbeat hb = CONTROL_HEARTBEAT_NONE;

    if (!ics)
        return hb;
    pthread_mutex_lock(&w->vmbus.lock);
    switch (ic_heartbeat_state(ics)) {
    case IC_HEARTBEAT_OK:
        hb = CONTROL_HEARTBEAT_OK;
        break;
    case IC_HEARTBEAT_LOST:
        hb = CONTROL_HEARTBEAT_LOST;
        break;
    default:
        break;
    }
    pthread_mutex_unlock(&w->vmbus.lock);
    return hb;
}

/* The kvp reply: every pair the guest published, as many as fit. */
static void kvp_reply(struct worker *w, char *reply, size_t size)
{
    struct ic_services *ics = services(w);
    struct control_kvp_reply r;
    size_t n;

    pthread_mutex_lock(&w->vmbus.lock);
    n = ics ? ic_kvp_count(ics) : 0;
    control_kvp_reply_start(&r, reply, size, n);
    for (size_t i = 0; i < n; i++) {
        const char *pool, *key, *value;

        if (ic_kvp_get(ics, i, &pool, &key, &value) == 0 &&
            control_kvp_reply_add(&r, pool, key, value) != 0)
            break;
    }
    pthread_mutex_unlock(&w->vmbus.lock);
}

/* One of the integration-service requests that succeed or not: 0 or -1. */
static int ic_request(struct worker *w, enum control_request req, const struct control_kvp_set *kv)
{
    struct ic_services *ics = services(w);
    int rc = -1;

    if (!ics)
        return -1;
    pthread_mutex_lock(&w->vmbus.lock);
    if (req == CONTROL_KVP_SET)
        rc = ic_kvp_set(ics, kv->key, kv->value);
    else
        rc = ic_shutdown_request(ics, req == CONTROL_REBOOT);
    pthread_mutex_unlock(&w->vmbus.lock);
    return rc;
}

static void serve_control(struct worker *w)
{
    /* Static: a kvp reply may be 64 KiB; the main thread serves one
     * connection at a time. */
    static char line[CONTROL_LINE_MAX], reply[CONTROL_REPLY_MAX];
    static struct control_kvp_set kv;
    static struct control_disk disk;
    static char disk_msg[ERR_LEN];
    char msg[200];
    int fd = accept4(w->control_fd, NULL, NULL, SOCK_CLOEXEC);
    enum control_request req;
    long len;

    if (fd < 0)
        return;
    len = control_read_request(fd, line, sizeof(line));
    if (len < 0) {
        control_send_reply(fd, "error no request line");
        close(fd);
        return;
    }
    switch ((req = control_parse(line, (size_t)len))) {
    case CONTROL_STATUS:
        control_format_status(reply, sizeof(reply), vm_paused(&w->vm), vm_uptime_s(&w->vm),
                              w->config.cpus, w->config.memory, heartbeat(w));
        break;
    case CONTROL_PAUSE:
        if (vm_pause(&w->vm, msg, sizeof(msg)))
            snprintf(reply, sizeof(reply), "error %s", msg);
        else
            snprintf(reply, sizeof(reply), "ok");
        break;
    case CONTROL_RESUME:
        if (vm_resume(&w->vm, msg, sizeof(msg)))
            snprintf(reply, sizeof(reply), "error %s", msg);
        else
            snprintf(reply, sizeof(reply), "ok");
        break;
    case CONTROL_STOP:
        /* Answer first: the client is told before the sockets go. */
        control_send_reply(fd, "ok");
        close(fd);
        vm_request_exit(&w->vm, VM_EXIT_STOP, "stopped by the control socket");
        return;
    case CONTROL_SHUTDOWN:
    case CONTROL_REBOOT:
        /* The guest powers itself off (or resets): vmwp exits as for any
         * power-off of the guest's own. */
        snprintf(reply, sizeof(reply), "%s",
                 ic_request(w, req, NULL) == 0 ? "ok" : CONTROL_REPLY_NO_SHUTDOWN);
        if (req == CONTROL_SHUTDOWN)
            vmwp_log("shutdown requested through the guest's shutdown service: %s", reply);
        break;
    case CONTROL_KVP:
        kvp_reply(w, reply, sizeof(reply));
        break;
    case CONTROL_KVP_SET:
        if (control_parse_kvp_set(line, (size_t)len, &kv, msg, sizeof(msg)) != 0)
            snprintf(reply, sizeof(reply), "error %s", msg);
        else
            snprintf(reply, sizeof(reply), "%s",
                     ic_request(w, req, &kv) == 0 ? "ok" : CONTROL_REPLY_KVP_SET_REFUSED);
        break;
    case CONTROL_DISK_ATTACH:
    case CONTROL_DISK_DETACH:
        if (control_parse_disk(req, line, (size_t)len, &disk, disk_msg, sizeof(disk_msg)) != 0 ||
            (req == CONTROL_DISK_ATTACH
                 ? storage_attach(&w->storage, disk.lun, disk.path, disk.read_only, disk_msg,
                                  sizeof(disk_msg))
                 : storage_detach(&w->storage, disk.lun, disk_msg, sizeof(disk_msg))) != 0)
            snprintf(reply, sizeof(reply), "error %s", disk_msg);
        else
            snprintf(reply, sizeof(reply), "ok");
        break;
    default:
        snprintf(reply, sizeof(reply), "%s", CONTROL_REPLY_UNKNOWN);
        break;
    }
    control_send_reply(fd, reply);
    close(fd);
}

/* SIGUSR1: what the devices are waiting for, into the log. */
static void dump_state(struct worker *w)
{
    vmwp_log("state dump (SIGUSR1)");
    if (w->vmbus_ready)
        vmbus_host_dump(&w->vmbus);
    if (w->storage_ready)
        storage_dump(&w->storage);
    vmwp_log("state dump ends");
}

static void run(struct worker *w)
{
    for (;;) {
        struct pollfd fds[3] = {
            {.fd = w->vm.exit_fd, .events = POLLIN},
            {.fd = w->signal_fd, .events = POLLIN},
            {.fd = w->control_fd, .events = POLLIN},
        };

        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            vm_request_exit(&w->vm, VM_EXIT_FAILURE, "poll: %s", strerror(errno));
            return;
        }
        if (fds[0].revents)
            return;
        if (fds[1].revents) {
            struct signalfd_siginfo si;

            if (read(w->signal_fd, &si, sizeof(si)) != sizeof(si))
                continue;
            if (si.ssi_signo == SIGUSR1) {
                dump_state(w);
                continue;
            }
            vm_request_exit(&w->vm, VM_EXIT_SIGNAL, "stopped by signal %s",
                            strsignal((int)si.ssi_signo));
            return;
        }
        if (fds[2].revents)
            serve_control(w);
        if (vm_stopping(&w->vm))
            return;
    }
}

/* Tear down whatever exists, in the reverse order of setup. */
static void teardown(struct worker *w, bool setup_failed, bool restarting)
{
    unsigned stuck = w->vm_ready ? vm_stop_vps(&w->vm, STOP_TIMEOUT_MS) : 0;

    if (stuck)
        vmwp_log("%u VP thread(s) did not stop within %u ms; exiting anyway", stuck,
                 STOP_TIMEOUT_MS);
    if (w->pc_timer_started)
        pc_platform_stop(&w->pc);
    if (w->console_ready)
        console_stop(&w->console);
    if (w->control_fd >= 0)
        close(w->control_fd);
    if (w->console_fd >= 0)
        close(w->console_fd);
    run_dir_cleanup(&w->run_dir, setup_failed, restarting);
    if (w->log_fd >= 0)
        close(w->log_fd);
    if (!stuck) {
        /* No VP thread can be inside the VMBus server now.  The disks'
         * requests in flight finish first: what the guest was told is
         * written stays written. */
        if (w->storage_ready)
            storage_stop(&w->storage);
        if (w->network_ready)
            network_stop(&w->network);
        if (w->vmbus_ready)
            vmbus_host_stop(&w->vmbus);
        if (w->pc_boot_ready)
            pc_boot_teardown(&w->pc_boot); /* the IDE drives, flushed and closed */
        /* The partition (and the memory it pins) goes with its fd; the VP
         * fds first. */
        for (unsigned i = 0; w->vm_ready && i < w->vm.nvps; i++) {
            if (w->vm.vps[i].fd >= 0)
                close(w->vm.vps[i].fd);
        }
        if (w->partition_fd >= 0)
            close(w->partition_fd);
        guest_memory_destroy(&w->memory);
    }
    if (w->vid_fd >= 0)
        close(w->vid_fd);
}

int main(int argc, char **argv)
{
    const char *config_path, *run_dir;
    char err[ERR_LEN];
    int status;

    parse_options(argc, argv, &config_path, &run_dir);
    if (setup(&worker, config_path, run_dir, err, sizeof(err))) {
        vmwp_log("%s", err);
        teardown(&worker, true, false);
        return 1;
    }
    vmwp_log("VM '%s' running: %u CPU(s), %llu MiB, pid %ld; %s", worker.config.name,
             worker.config.cpus, (unsigned long long)(worker.config.memory >> 20), (long)getpid(),
             worker.boot_summary);
    run(&worker);
    status = vm_exit_status(&worker.vm);
    {
        char reason[400];

        /* Before vmwp.pid goes: hvctl never sees the VM off without it. */
        if (vm_crashed(&worker.vm, reason, sizeof(reason)) &&
            run_dir_record_crash(&worker.run_dir, reason, err, sizeof(err)))
            vmwp_log("%s", err);
    }
    teardown(&worker, false, worker.vm.reason == VM_EXIT_RESET);
    if (worker.vm.reason == VM_EXIT_RESET) {
        /* A reset is a power cycle: the same worker starts afresh, as the
         * same process, so hvctl sees the VM running throughout. */
        vmwp_log("restarting after the guest's reset");
        execv("/proc/self/exe", argv);
        vmwp_log("restart failed: %s", strerror(errno));
        run_dir_cleanup(&worker.run_dir, false, false); /* the pid file kept for it */
        return 1;
    }
    vmwp_log("exiting with status %d", status);
    return status;
}
