/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of drivers/storvsp, the host side of Linux's hv_storvsc.
 *
 * The VMBus channel API is faked (every vmbus_* function storvsp calls): a
 * fake channel records what the host sends and holds a queue of raw packets
 * from the guest, descriptor included, so that GPA-direct packets are laid
 * out exactly as Linux 6.1's vmbus_sendpacket_mpb_desc() writes them.  Guest
 * RAM is a malloc'd buffer at GPA_BASE; vmbus_channel_guest_ptr() answers
 * only inside it.  The guest is played by helpers written from Linux 6.1's
 * storvsc_drv.c (storvsc_channel_init, storvsc_queuecommand,
 * storvsc_on_io_completion), independently of the code under test: the wire
 * structures are spelled out again here.  Disks are real raw images in a
 * mkdtemp directory.  The host's I/O threads are a queue the test runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include <disk/disk.h>
#include <storvsp/storvsp.h>
#include <vmbus/channel.h>

/* The SCSI layer itself, for what storvsp never lets through to it. */
#include "../../drivers/storvsp/scsi_disk.h"

/* ---- Linux's wire format, spelled out --------------------------------------------------- */

enum {
    OP_COMPLETE_IO = 1,
    OP_REMOVE_DEVICE = 2,
    OP_EXECUTE_SRB = 3,
    OP_RESET_LUN = 4,
    OP_RESET_ADAPTER = 5,
    OP_RESET_BUS = 6,
    OP_BEGIN_INIT = 7,
    OP_END_INIT = 8,
    OP_QUERY_VERSION = 9,
    OP_QUERY_PROPERTIES = 10,
    OP_ENUMERATE_BUS = 11,
    OP_CREATE_SUB_CHANNELS = 13,
};

#define SRB_SUCCESS         0x01
#define SRB_ERROR           0x04
#define SRB_INVALID_REQUEST 0x06
#define SRB_INVALID_LUN     0x20
#define SRB_AUTOSENSE_VALID 0x80
#define SAM_CHECK_CONDITION 0x02
#define READ_TYPE           1
#define WRITE_TYPE          0
#define UNKNOWN_TYPE        2

struct vmscsi_request {
    uint16_t length;
    uint8_t srb_status;
    uint8_t scsi_status;
    uint8_t port_number;
    uint8_t path_id;
    uint8_t target_id;
    uint8_t lun;
    uint8_t cdb_length;
    uint8_t sense_info_length;
    uint8_t data_in;
    uint8_t reserved;
    uint32_t data_transfer_length;
    uint8_t cdb[20];
    uint16_t reserve;
    uint8_t queue_tag;
    uint8_t queue_action;
    uint32_t srb_flags;
    uint32_t time_out_value;
    uint32_t queue_sort_ey;
} __attribute__((packed));

struct vstor_packet {
    uint32_t operation;
    uint32_t flags;
    uint32_t status;
    union {
        struct vmscsi_request vm_srb;
        struct {
            uint32_t reserved;
            uint16_t max_channel_cnt;
            uint16_t reserved1;
            uint32_t flags;
            uint32_t max_transfer_bytes;
            uint64_t reserved2;
        } __attribute__((packed)) props;
        struct {
            uint16_t major_minor;
            uint16_t revision;
        } __attribute__((packed)) version;
        uint8_t buffer[0x34];
    };
} __attribute__((packed));

_Static_assert(sizeof(struct vstor_packet) == 64, "Linux struct vstor_packet");

/* ---- the fake VMBus ---------------------------------------------------------------------- */

#define GPA_BASE  0x0ull /* so that small pfns are RAM (test_gpa_checks) */
#define GUEST_MEM (4u << 20)

struct sent {
    uint16_t type, flags;
    uint64_t tid;
    uint32_t len;
    struct vstor_packet pkt;
};

struct vmbus_channel {
    struct vmbus_offer offer;
    const struct vmbus_device_ops *ops;
    void *dev;
    bool open, rescinded;
    struct sent sent[4096];
    unsigned nsent;
    uint8_t *in[64];
    uint32_t in_len[64];
    unsigned in_head, in_tail;
    int send_rc;
};

static struct vmbus_channel fake;
static int noffers;
static uint8_t *guest; /* GUEST_MEM bytes at GPA_BASE */
static struct vmbus_server *const SRV = (struct vmbus_server *)0x5678;

struct vmbus_channel *vmbus_server_offer(struct vmbus_server *srv, const struct vmbus_offer *offer,
                                         const struct vmbus_device_ops *ops, void *dev)
{
    assert_ptr_equal(srv, SRV);
    memset(&fake, 0, sizeof(fake));
    fake.offer = *offer;
    fake.ops = ops;
    fake.dev = dev;
    noffers++;
    return &fake;
}

void vmbus_server_rescind(struct vmbus_channel *ch)
{
    if (ch->open) {
        ch->open = false;
        ch->ops->close(ch, ch->dev);
    }
    ch->rescinded = true;
}

void *vmbus_channel_guest_ptr(const struct vmbus_channel *ch, uint64_t gpa, uint64_t len)
{
    (void)ch;
    /* Guest RAM is [GPA_BASE, GPA_BASE + GUEST_MEM) with GPA_BASE 0. */
    if (len > GUEST_MEM || gpa > GUEST_MEM - len)
        return NULL;
    return guest + gpa;
}

int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
                       const void *data, size_t len)
{
    struct sent *p;

    assert_false(ch->rescinded);
    if (!ch->open)
        return VMBUS_RING_CORRUPT;
    if (ch->send_rc != VMBUS_RING_OK)
        return ch->send_rc;
    assert_true(ch->nsent < 4096);
    assert_true(len <= sizeof(p->pkt));
    p = &ch->sent[ch->nsent++];
    memset(p, 0, sizeof(*p));
    p->type = type;
    p->flags = flags;
    p->tid = trans_id;
    p->len = (uint32_t)len;
    memcpy(&p->pkt, data, len);
    return VMBUS_RING_OK;
}

int vmbus_channel_recv(struct vmbus_channel *ch, void *buf, size_t size, uint32_t *len)
{
    unsigned i;

    if (!ch->open)
        return VMBUS_RING_CORRUPT;
    if (ch->in_head == ch->in_tail)
        return VMBUS_RING_EMPTY;
    i = ch->in_head % 64;
    *len = ch->in_len[i];
    if (*len > size)
        return VMBUS_RING_TOO_BIG;
    memcpy(buf, ch->in[i], *len);
    free(ch->in[i]);
    ch->in_head++;
    return VMBUS_RING_OK;
}

int vmbus_channel_skip(struct vmbus_channel *ch)
{
    if (ch->in_head == ch->in_tail)
        return VMBUS_RING_EMPTY;
    free(ch->in[ch->in_head % 64]);
    ch->in_head++;
    return VMBUS_RING_OK;
}

/* ---- the disk's system calls, observed ------------------------------------------------------
 *
 * The raw driver flushes with fdatasync() and discards with fallocate();
 * these definitions in the executable take the place of libc's, count the
 * calls and make them (or fail them on request). */

static unsigned nflush, npunch;
static int flush_errno; /* fail fdatasync with this, once */
static int punch_rc;    /* what the last hole punch returned */
static struct {
    off_t off, len;
} punched[8];

int fdatasync(int fd)
{
    nflush++;
    if (flush_errno) {
        errno = flush_errno;
        flush_errno = 0;
        return -1;
    }
    return (int)syscall(SYS_fdatasync, fd);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
    if (mode & FALLOC_FL_PUNCH_HOLE) {
        if (npunch < 8) {
            punched[npunch].off = off;
            punched[npunch].len = len;
        }
        npunch++;
    }
    if (!(mode & FALLOC_FL_PUNCH_HOLE))
        return (int)syscall(SYS_fallocate, fd, mode, off, len);
    punch_rc = (int)syscall(SYS_fallocate, fd, mode, off, len);
    return punch_rc;
}

/* ---- the fake host's I/O threads --------------------------------------------------------- */

static struct storvsp_io *ioq[2048];
static unsigned nio;
static bool io_inline; /* run each request inside submit */

static void host_submit(void *opaque, struct storvsp_io *io)
{
    assert_ptr_equal(opaque, &ioq);
    if (io_inline) {
        storvsp_io_execute(io);
        storvsp_io_complete(io);
        return;
    }
    assert_true(nio < 2048);
    ioq[nio++] = io;
}

/* Run what was submitted so far: every disk operation, then every
 * completion (requests submitted by the completions wait for the next
 * call). */
static void run_ios(void)
{
    static struct storvsp_io *batch[2048];
    unsigned n = nio;

    memcpy(batch, ioq, n * sizeof(batch[0]));
    nio = 0;
    for (unsigned i = 0; i < n; i++)
        storvsp_io_execute(batch[i]);
    for (unsigned i = 0; i < n; i++)
        storvsp_io_complete(batch[i]);
}

static const struct storvsp_host host = {&ioq, host_submit};

/* ---- fixture ----------------------------------------------------------------------------- */

static const struct vmbus_guid instance = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
static struct storvsp *s;
static char dir[64];
static char paths[4][128];
static uint64_t next_tid;

#define DISK_BYTES (8u << 20)

static void make_image(int i, uint64_t size)
{
    int fd;

    snprintf(paths[i], sizeof(paths[i]), "%s/d%d.img", dir, i);
    fd = open(paths[i], O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    close(fd);
}

static struct disk *open_image(int i, unsigned flags)
{
    struct disk *d = NULL;
    char err[DISK_ERR_MAX];

    assert_int_equal(disk_open(paths[i], flags, &d, err, sizeof(err)), 0);
    return d;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/storvsp.XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (int i = 0; i < 4; i++)
        make_image(i, DISK_BYTES);
    guest = calloc(1, GUEST_MEM);
    assert_non_null(guest);
    nio = 0;
    io_inline = false;
    nflush = npunch = 0;
    flush_errno = 0;
    noffers = 0;
    next_tid = 100;
    s = storvsp_create(SRV, &host, &instance);
    assert_non_null(s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    run_ios();
    storvsp_destroy(s);
    s = NULL;
    while (fake.in_head != fake.in_tail)
        free(fake.in[fake.in_head++ % 64]);
    free(guest);
    for (int i = 0; i < 4; i++)
        unlink(paths[i]);
    rmdir(dir);
    return 0;
}

/* ---- the guest ---------------------------------------------------------------------------- */

/* Queue a raw packet (descriptor included) and signal the host. */
static void guest_raw(const void *pkt, uint32_t len)
{
    unsigned i = fake.in_tail % 64;

    assert_true(fake.in_tail - fake.in_head < 64);
    fake.in[i] = malloc(len);
    assert_non_null(fake.in[i]);
    memcpy(fake.in[i], pkt, len);
    fake.in_len[i] = len;
    fake.in_tail++;
    fake.ops->notify(&fake, fake.dev);
}

/* An in-band packet with @plen bytes of payload, completion requested. */
static void guest_inband_len(uint64_t tid, const void *payload, uint32_t plen)
{
    uint8_t buf[512];
    struct vmbus_packet_desc d;
    uint32_t total = 16 + ((plen + 7) & ~7u);

    assert_true(total <= sizeof(buf));
    memset(buf, 0, sizeof(buf));
    d.type = VMBUS_PKT_DATA_INBAND;
    d.offset8 = 2;
    d.len8 = (uint16_t)(total / 8);
    d.flags = VMBUS_PKT_FLAG_COMPLETION;
    d.trans_id = tid;
    memcpy(buf, &d, sizeof(d));
    memcpy(buf + 16, payload, plen);
    guest_raw(buf, total);
}

static void guest_inband(uint64_t tid, const struct vstor_packet *p)
{
    guest_inband_len(tid, p, sizeof(*p));
}

/* The last packet the host sent, which must be the completion of @tid. */
static const struct vstor_packet *completion(uint64_t tid)
{
    const struct sent *p;

    assert_true(fake.nsent > 0);
    p = &fake.sent[fake.nsent - 1];
    assert_int_equal(p->type, VMBUS_PKT_COMP);
    assert_int_equal(p->tid, tid);
    /* Linux drops a completion shorter than its struct vstor_packet. */
    assert_int_equal(p->len, sizeof(struct vstor_packet));
    assert_int_equal(p->pkt.operation, OP_COMPLETE_IO);
    return &p->pkt;
}

/* One control operation; its completion. */
static const struct vstor_packet *control(uint32_t op, uint16_t version)
{
    struct vstor_packet p;
    uint64_t tid = next_tid++;
    unsigned before = fake.nsent;

    memset(&p, 0, sizeof(p));
    p.operation = op;
    p.flags = 1; /* REQUEST_COMPLETION_FLAG */
    p.version.major_minor = version;
    guest_inband(tid, &p);
    assert_int_equal(fake.nsent, before + 1);
    return completion(tid);
}

static void guest_open(void)
{
    fake.open = true;
    assert_int_equal(fake.ops->open(&fake, fake.dev), 0);
}

static void guest_close(void)
{
    fake.open = false;
    fake.ops->close(&fake, fake.dev);
}

/* storvsc_channel_init() with the versions of Linux 6.1. */
static void guest_init(void)
{
    const struct vstor_packet *c;

    guest_open();
    assert_int_equal(control(OP_BEGIN_INIT, 0)->status, 0);
    c = control(OP_QUERY_VERSION, 0x0602);
    assert_int_equal(c->status, 0);
    c = control(OP_QUERY_PROPERTIES, 0);
    assert_int_equal(c->status, 0);
    assert_true(c->props.max_transfer_bytes >= 4096);
    assert_int_equal(c->props.max_channel_cnt, 0);
    assert_int_equal(c->props.flags & 1, 0); /* no multi-channel */
    assert_int_equal(control(OP_END_INIT, 0)->status, 0);
}

struct cmd {
    uint8_t path, target, lun;
    uint8_t cdb[16];
    uint8_t cdb_len;
    uint8_t data_in;
    uint64_t gpa;    /* buffer, when len > 0 */
    uint32_t len;    /* GPA range byte count */
    uint32_t dtl;    /* data_transfer_length; 0: len */
    uint8_t sense;   /* sense_info_length; 0: 20 */
    int32_t npfn;    /* pfns in the packet; -1: what offset + len spans */
    uint32_t ranges; /* range count; 0: 1 */
    bool raw_dtl;    /* use dtl even when 0 */
    bool no_flags;   /* vstor_packet.flags 0 */
    uint64_t pfn_or; /* or'd into every pfn */
};

/* The vstor packet storvsc_queuecommand() builds for @c. */
static void srb_packet(const struct cmd *c, struct vstor_packet *pkt)
{
    struct vstor_packet p;
    struct vmscsi_request *r = &p.vm_srb;

    memset(&p, 0, sizeof(p));
    p.operation = OP_EXECUTE_SRB;
    p.flags = c->no_flags ? 0 : 1;
    r->length = sizeof(*r);
    r->path_id = c->path;
    r->target_id = c->target;
    r->lun = c->lun;
    r->cdb_length = c->cdb_len;
    memcpy(r->cdb, c->cdb, 16);
    r->sense_info_length = c->sense ? c->sense : 20;
    r->data_in = c->data_in;
    r->data_transfer_length = c->dtl || c->raw_dtl ? c->dtl : c->len;
    r->time_out_value = 60;
    *pkt = p;
}

/* Build the packet storvsc_queuecommand() sends for @c and send it. */
static uint64_t send_cmd(const struct cmd *c)
{
    uint8_t buf[4096];
    struct vstor_packet p;
    uint64_t tid = next_tid++;

    srb_packet(c, &p);
    if (c->len == 0 && c->npfn <= 0) {
        guest_inband(tid, &p);
        return tid;
    }
    {
        uint32_t off = (uint32_t)(c->gpa & 4095);
        uint32_t npfn = c->npfn > 0 ? (uint32_t)c->npfn : (off + c->len + 4095) / 4096;
        uint32_t desc_size = 32 + 8 * npfn;
        uint32_t total = (desc_size + sizeof(p) + 7) & ~7u;
        struct vmbus_packet_desc d;
        uint32_t v;

        assert_true(total <= sizeof(buf));
        memset(buf, 0, sizeof(buf));
        d.type = VMBUS_PKT_DATA_GPA_DIRECT;
        d.offset8 = (uint16_t)(desc_size / 8);
        d.len8 = (uint16_t)(total / 8);
        d.flags = VMBUS_PKT_FLAG_COMPLETION;
        d.trans_id = tid;
        memcpy(buf, &d, sizeof(d));
        v = c->ranges ? c->ranges : 1;
        memcpy(buf + 20, &v, 4);
        memcpy(buf + 24, &c->len, 4);
        memcpy(buf + 28, &off, 4);
        for (uint32_t i = 0; i < npfn; i++) {
            uint64_t pfn = (c->gpa / 4096 + i) | c->pfn_or;

            memcpy(buf + 32 + 8 * i, &pfn, 8);
        }
        memcpy(buf + desc_size, &p, sizeof(p));
        guest_raw(buf, total);
    }
    return tid;
}

/* Send @c, run the I/O, return its completion's request. */
static struct vmscsi_request run(const struct cmd *c)
{
    uint64_t tid = send_cmd(c);
    const struct vstor_packet *p;

    run_ios();
    p = completion(tid);
    assert_int_equal(p->vm_srb.lun, c->lun); /* Linux's error path reads these */
    assert_int_equal(p->vm_srb.target_id, c->target);
    return p->vm_srb;
}

static uint8_t *gmem(uint64_t gpa)
{
    return guest + (gpa - GPA_BASE);
}

#define BUF_A (GPA_BASE + 0x10000)
#define BUF_B (GPA_BASE + 0x100000)

static struct vmscsi_request simple(uint8_t lun, const uint8_t *cdb, uint8_t cdb_len, uint32_t len)
{
    struct cmd c;

    memset(&c, 0, sizeof(c));
    c.lun = lun;
    memcpy(c.cdb, cdb, cdb_len);
    c.cdb_len = cdb_len;
    c.data_in = len ? READ_TYPE : UNKNOWN_TYPE;
    c.gpa = BUF_A;
    c.len = len;
    memset(gmem(BUF_A), 0xee, len);
    return run(&c);
}

static void assert_good(const struct vmscsi_request *r)
{
    assert_int_equal(r->srb_status, SRB_SUCCESS);
    assert_int_equal(r->scsi_status, 0);
}

static void assert_sense(const struct vmscsi_request *r, uint8_t key, uint8_t asc, uint8_t ascq)
{
    assert_int_equal(r->srb_status, SRB_ERROR | SRB_AUTOSENSE_VALID);
    assert_int_equal(r->scsi_status, SAM_CHECK_CONDITION);
    assert_true(r->sense_info_length >= 14 && r->sense_info_length <= 20);
    assert_int_equal(r->cdb[0], 0x70);
    assert_int_equal(r->cdb[2] & 0xf, key);
    assert_int_equal(r->cdb[12], asc);
    assert_int_equal(r->cdb[13], ascq);
    assert_int_equal(r->data_transfer_length, 0);
}

static void tur_ok(uint8_t lun)
{
    static const uint8_t tur[6] = {0};
    struct vmscsi_request r = simple(lun, tur, 6, 0);

    assert_good(&r);
}

static void attach(unsigned lun, int img, unsigned flags)
{
    assert_int_equal(storvsp_attach(s, lun, open_image(img, flags)), 0);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- tests: the handshake --------------------------------------------------------------- */

static void test_offer(void **state)
{
    static const uint8_t scsi[16] = {0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d,
                                     0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f};

    (void)state;
    assert_int_equal(noffers, 1);
    assert_memory_equal(fake.offer.type.b, scsi, 16);
    assert_memory_equal(fake.offer.instance.b, instance.b, 16);
    assert_int_equal(fake.offer.sub_channel_index, 0);
}

static void test_negotiate(void **state)
{
    (void)state;
    guest_init();
    attach(0, 0, 0);
    tur_ok(0);
}

static void test_negotiate_versions(void **state)
{
    const struct vstor_packet *c;

    (void)state;
    guest_open();
    assert_int_equal(control(OP_BEGIN_INIT, 0)->status, 0);
    /* Win7 and older: refused, and the guest may try again. */
    c = control(OP_QUERY_VERSION, 0x0402);
    assert_int_not_equal(c->status, 0);
    assert_int_not_equal(control(OP_QUERY_VERSION, 0x0200)->status, 0);
    assert_int_not_equal(control(OP_QUERY_VERSION, 0x0603)->status, 0);
    /* Not yet negotiated: properties are out of order. */
    assert_int_not_equal(control(OP_QUERY_PROPERTIES, 0)->status, 0);
    assert_int_equal(control(OP_QUERY_VERSION, 0x0501)->status, 0);
    assert_int_equal(control(OP_QUERY_PROPERTIES, 0)->status, 0);
    assert_int_equal(control(OP_END_INIT, 0)->status, 0);
    attach(1, 0, 0);
    tur_ok(1);
}

static void test_negotiate_6_0(void **state)
{
    (void)state;
    guest_open();
    assert_int_equal(control(OP_BEGIN_INIT, 0)->status, 0);
    assert_int_equal(control(OP_QUERY_VERSION, 0x0600)->status, 0);
}

static void test_out_of_order(void **state)
{
    struct cmd c;
    uint64_t tid;

    (void)state;
    attach(0, 0, 0);
    guest_open();
    /* Before BEGIN_INIT: everything fails, nothing changes. */
    memset(&c, 0, sizeof(c));
    c.cdb_len = 6;
    tid = send_cmd(&c);
    assert_int_not_equal(completion(tid)->status, 0);
    assert_int_not_equal(control(OP_QUERY_VERSION, 0x0602)->status, 0);
    assert_int_not_equal(control(OP_END_INIT, 0)->status, 0);
    assert_int_not_equal(control(OP_RESET_BUS, 0)->status, 0);
    assert_int_equal(control(OP_BEGIN_INIT, 0)->status, 0);
    assert_int_not_equal(control(OP_BEGIN_INIT, 0)->status, 0);
    assert_int_equal(control(OP_QUERY_VERSION, 0x0602)->status, 0);
    assert_int_not_equal(control(OP_END_INIT, 0)->status, 0); /* properties first */
    assert_int_equal(control(OP_QUERY_PROPERTIES, 0)->status, 0);
    assert_int_equal(control(OP_END_INIT, 0)->status, 0);
    assert_int_not_equal(control(OP_END_INIT, 0)->status, 0);
    tur_ok(0);
}

static void test_resets_and_unknown_ops(void **state)
{
    (void)state;
    guest_init();
    attach(0, 0, 0);
    assert_int_equal(control(OP_RESET_LUN, 0)->status, 0);
    assert_int_equal(control(OP_RESET_ADAPTER, 0)->status, 0);
    assert_int_equal(control(OP_RESET_BUS, 0)->status, 0);
    assert_int_not_equal(control(99, 0)->status, 0);
    assert_int_not_equal(control(0, 0)->status, 0);
    assert_int_not_equal(control(OP_CREATE_SUB_CHANNELS, 0)->status, 0);
    assert_int_not_equal(control(OP_COMPLETE_IO, 0)->status, 0);
    tur_ok(0);
}

/* ---- tests: discovery ------------------------------------------------------------------------ */

static void test_inquiry(void **state)
{
    static const uint8_t std[6] = {0x12, 0, 0, 0, 96, 0};
    uint8_t cdb[6] = {0x12, 1, 0, 0, 255, 0};
    struct vmscsi_request r;
    const uint8_t *d = gmem(BUF_A);
    uint8_t naa0[16];

    (void)state;
    guest_init();
    attach(0, 0, 0);
    attach(3, 1, 0);

    r = simple(0, std, 6, 96);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 36);
    assert_int_equal(d[0], 0x00); /* connected direct-access device */
    assert_true(d[2] >= 0x05);    /* SPC-3 or later */
    assert_int_equal(d[4], 36 - 5);
    assert_memory_equal(d + 8, "Msft    ", 8);
    assert_memory_equal(d + 16, "Virtual Disk    ", 16);
    assert_int_equal(d[36], 0xee); /* nothing past the answer */

    /* Allocation length smaller than the data. */
    cdb[1] = 0;
    cdb[4] = 5;
    r = simple(0, cdb, 6, 96);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 5);
    assert_int_equal(d[5], 0xee);

    /* Buffer smaller than the allocation length. */
    cdb[4] = 96;
    r = simple(0, cdb, 6, 8);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 8);

    /* VPD 0x00: the pages. */
    cdb[1] = 1;
    cdb[4] = 255;
    r = simple(0, cdb, 6, 255);
    assert_good(&r);
    assert_int_equal(d[1], 0x00);
    assert_int_equal(d[3], 6);
    assert_memory_equal(d + 4, "\x00\x80\x83\xb0\xb1\xb2", 6);
    assert_int_equal(r.data_transfer_length, 10);

    /* 0x80: a serial number. */
    cdb[2] = 0x80;
    r = simple(0, cdb, 6, 255);
    assert_good(&r);
    assert_int_equal(d[1], 0x80);
    assert_true(d[3] > 0);
    for (unsigned i = 0; i < d[3]; i++)
        assert_true(d[4 + i] >= 0x20 && d[4 + i] < 0x7f);

    /* 0x83: an NAA designator, different for each disk. */
    cdb[2] = 0x83;
    r = simple(0, cdb, 6, 255);
    assert_good(&r);
    assert_int_equal(d[1], 0x83);
    assert_int_equal(d[5] & 0x0f, 3); /* NAA */
    assert_int_equal(d[7], 16);
    assert_int_equal(d[8] >> 4, 6);
    memcpy(naa0, d + 8, 16);
    r = simple(3, cdb, 6, 255);
    assert_good(&r);
    assert_memory_not_equal(naa0, d + 8, 16);

    /* 0xB0: block limits; raw images discard, so unmap limits too. */
    cdb[2] = 0xb0;
    r = simple(0, cdb, 6, 255);
    assert_good(&r);
    assert_int_equal(d[1], 0xb0);
    assert_int_equal(d[3], 0x3c);
    assert_int_equal(be32(d + 8), STORVSP_MAX_TRANSFER_BYTES / 512);
    assert_true(be32(d + 20) > 0);
    assert_true(be32(d + 24) > 0);

    /* 0xB1: non-rotating. */
    cdb[2] = 0xb1;
    r = simple(0, cdb, 6, 255);
    assert_good(&r);
    assert_int_equal(d[1], 0xb1);
    assert_int_equal(d[4] << 8 | d[5], 1);

    /* 0xB2: LBPU. */
    cdb[2] = 0xb2;
    r = simple(0, cdb, 6, 255);
    assert_good(&r);
    assert_int_equal(d[1], 0xb2);
    assert_true(d[5] & 0x80);

    /* No such page; page code without EVPD. */
    cdb[2] = 0x89;
    r = simple(0, cdb, 6, 255);
    assert_sense(&r, 0x5, 0x24, 0);
    cdb[1] = 0;
    cdb[2] = 0x80;
    r = simple(0, cdb, 6, 255);
    assert_sense(&r, 0x5, 0x24, 0);
    tur_ok(0);
}

static void test_inquiry_absent(void **state)
{
    static const uint8_t std[6] = {0x12, 0, 0, 0, 36, 0};
    struct vmscsi_request r;
    struct cmd c;

    (void)state;
    guest_init();
    attach(3, 0, 0);
    /* LUN 0 absent: qualifier 011b, type 0x1f, so the scan goes on. */
    r = simple(0, std, 6, 36);
    assert_good(&r);
    assert_int_equal(gmem(BUF_A)[0], 0x7f);
    /* Another target, another path: the same. */
    memset(&c, 0, sizeof(c));
    memcpy(c.cdb, std, 6);
    c.cdb_len = 6;
    c.data_in = READ_TYPE;
    c.gpa = BUF_A;
    c.len = 36;
    c.target = 1;
    r = run(&c);
    assert_good(&r);
    assert_int_equal(gmem(BUF_A)[0], 0x7f);
    c.target = 0;
    c.path = 2;
    c.lun = 3;
    r = run(&c);
    assert_good(&r);
    assert_int_equal(gmem(BUF_A)[0], 0x7f);
    /* Anything else there: invalid LUN, no data. */
    c.cdb[0] = 0x00;
    c.len = 0;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_LUN);
    c.path = 0;
    c.lun = 64;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_LUN);
    c.lun = 0;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_LUN);
    tur_ok(3);
}

static void test_report_luns(void **state)
{
    uint8_t cdb[12] = {0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0};
    const uint8_t *d = gmem(BUF_A);
    struct vmscsi_request r;
    struct cmd c;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    attach(3, 1, 0);
    r = simple(0, cdb, 12, 256);
    assert_good(&r);
    assert_int_equal(be32(d), 16);
    assert_int_equal(r.data_transfer_length, 24);
    assert_memory_equal(d + 8, "\0\0\0\0\0\0\0\0", 8);
    assert_memory_equal(d + 16, "\0\3\0\0\0\0\0\0", 8);

    /* Through an absent LUN 0, as the scan does once LUN 0 is gone. */
    assert_int_equal(storvsp_detach(s, 0), 0);
    r = simple(0, cdb, 12, 256);
    assert_good(&r);
    assert_int_equal(be32(d), 8);
    assert_memory_equal(d + 8, "\0\3\0\0\0\0\0\0", 8);

    /* Other targets have no LUNs. */
    memset(&c, 0, sizeof(c));
    memcpy(c.cdb, cdb, 12);
    c.cdb_len = 12;
    c.data_in = READ_TYPE;
    c.gpa = BUF_A;
    c.len = 256;
    c.target = 1;
    r = run(&c);
    assert_good(&r);
    assert_int_equal(be32(d), 0);

    /* Allocation length under 16. */
    cdb[9] = 8;
    cdb[8] = 0;
    r = simple(3, cdb, 12, 256);
    assert_sense(&r, 0x5, 0x24, 0);
    tur_ok(3);
}

static void test_read_capacity(void **state)
{
    static const uint8_t rc10[10] = {0x25};
    static const uint8_t rc16[16] = {0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0};
    const uint8_t *d = gmem(BUF_A);
    struct vmscsi_request r;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    attach(1, 1, DISK_OPEN_READ_ONLY);
    r = simple(0, rc10, 10, 8);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 8);
    assert_int_equal(be32(d), DISK_BYTES / 512 - 1);
    assert_int_equal(be32(d + 4), 512);

    r = simple(0, rc16, 16, 32);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 32);
    assert_int_equal(be32(d), 0);
    assert_int_equal(be32(d + 4), DISK_BYTES / 512 - 1);
    assert_int_equal(be32(d + 8), 512);
    assert_true(d[14] & 0x80); /* LBPME: raw discards */

    /* A read-only disk cannot discard. */
    r = simple(1, rc16, 16, 32);
    assert_good(&r);
    assert_false(d[14] & 0x80);

    /* Another service action. */
    {
        uint8_t bad[16] = {0x9e, 0x11};

        r = simple(0, bad, 16, 32);
        assert_sense(&r, 0x5, 0x24, 0);
    }
}

static void test_mode_sense(void **state)
{
    uint8_t ms6[6] = {0x1a, 0, 0x3f, 0, 255, 0};
    uint8_t ms10[10] = {0x5a, 0, 0x08, 0, 0, 0, 0, 1, 0, 0};
    const uint8_t *d = gmem(BUF_A);
    struct vmscsi_request r;
    bool caching = false, control_page = false;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    attach(1, 1, DISK_OPEN_READ_ONLY);

    r = simple(0, ms6, 6, 255);
    assert_good(&r);
    assert_int_equal(d[0] + 1, r.data_transfer_length);
    assert_int_equal(d[2] & 0x80, 0); /* writable */
    for (unsigned off = 4 + d[3]; off + 2 <= r.data_transfer_length; off += 2 + d[off + 1]) {
        if ((d[off] & 0x3f) == 0x08) {
            caching = true;
            assert_true(d[off + 2] & 0x04); /* WCE */
        }
        if ((d[off] & 0x3f) == 0x0a)
            control_page = true;
    }
    assert_true(caching);
    assert_true(control_page);

    r = simple(1, ms6, 6, 255);
    assert_good(&r);
    assert_true(d[2] & 0x80); /* WP */

    r = simple(0, ms10, 10, 256);
    assert_good(&r);
    assert_int_equal((d[0] << 8 | d[1]) + 2, r.data_transfer_length);
    assert_int_equal(d[8] & 0x3f, 0x08);
    assert_true(d[10] & 0x04);

    ms10[2] = 0x0a;
    r = simple(1, ms10, 10, 256);
    assert_good(&r);
    assert_true(d[3] & 0x80);
    assert_int_equal(d[8] & 0x3f, 0x0a);

    /* Pages we do not have; saved values. */
    ms6[2] = 0x1c;
    r = simple(0, ms6, 6, 255);
    assert_sense(&r, 0x5, 0x24, 0);
    ms6[2] = 0xc8;
    r = simple(0, ms6, 6, 255);
    assert_sense(&r, 0x5, 0x39, 0);
    tur_ok(0);
}

/* ---- tests: data ------------------------------------------------------------------------------
 */

static struct vmscsi_request rw10(uint8_t lun, bool write, uint32_t lba, uint16_t blocks,
                                  uint64_t gpa, uint32_t len)
{
    struct cmd c;

    memset(&c, 0, sizeof(c));
    c.lun = lun;
    c.cdb[0] = write ? 0x2a : 0x28;
    put_be32(c.cdb + 2, lba);
    c.cdb[7] = (uint8_t)(blocks >> 8);
    c.cdb[8] = (uint8_t)blocks;
    c.cdb_len = 10;
    c.data_in = write ? WRITE_TYPE : READ_TYPE;
    c.gpa = gpa;
    c.len = len;
    return run(&c);
}

static struct vmscsi_request rw16(uint8_t lun, bool write, uint64_t lba, uint32_t blocks,
                                  uint64_t gpa, uint32_t len)
{
    struct cmd c;

    memset(&c, 0, sizeof(c));
    c.lun = lun;
    c.cdb[0] = write ? 0x8a : 0x88;
    put_be64(c.cdb + 2, lba);
    put_be32(c.cdb + 10, blocks);
    c.cdb_len = 16;
    c.data_in = write ? WRITE_TYPE : READ_TYPE;
    c.gpa = gpa;
    c.len = len;
    return run(&c);
}

static void pattern(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i * 7 + seed + (i >> 9));
}

static void test_write_read(void **state)
{
    uint8_t expect[65536], file[65536];
    struct vmscsi_request r;
    int fd;

    (void)state;
    guest_init();
    attach(0, 0, 0);

    /* 64 KiB at LBA 100 from a buffer that starts mid-page. */
    pattern(expect, sizeof(expect), 3);
    memcpy(gmem(BUF_A + 0x200), expect, sizeof(expect));
    r = rw10(0, true, 100, 128, BUF_A + 0x200, sizeof(expect));
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, sizeof(expect));

    memset(gmem(BUF_B), 0, sizeof(expect));
    r = rw10(0, false, 100, 128, BUF_B, sizeof(expect));
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, sizeof(expect));
    assert_memory_equal(gmem(BUF_B), expect, sizeof(expect));

    /* It is in the image where it belongs. */
    fd = open(paths[0], O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, file, sizeof(file), 100 * 512), sizeof(file));
    close(fd);
    assert_memory_equal(file, expect, sizeof(file));

    /* READ 16 of part of it; WRITE 16 at the last block. */
    memset(gmem(BUF_B), 0, 4096);
    r = rw16(0, false, 108, 8, BUF_B, 4096);
    assert_good(&r);
    assert_memory_equal(gmem(BUF_B), expect + 8 * 512, 4096);
    pattern(gmem(BUF_A), 512, 9);
    r = rw16(0, true, DISK_BYTES / 512 - 1, 1, BUF_A, 512);
    assert_good(&r);
    memset(gmem(BUF_B), 0, 512);
    r = rw16(0, false, DISK_BYTES / 512 - 1, 1, BUF_B, 512);
    assert_good(&r);
    assert_memory_equal(gmem(BUF_B), gmem(BUF_A), 512);

    /* Length 0: nothing moves, success. */
    r = rw10(0, false, 5, 0, 0, 0);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 0);

    /* READ 6 and READ 12. */
    {
        struct cmd c;

        memset(&c, 0, sizeof(c));
        c.cdb[0] = 0x08;
        c.cdb[3] = 100;
        c.cdb[4] = 2;
        c.cdb_len = 6;
        c.data_in = READ_TYPE;
        c.gpa = BUF_B;
        c.len = 1024;
        r = run(&c);
        assert_good(&r);
        assert_memory_equal(gmem(BUF_B), expect, 1024);
        memset(&c.cdb, 0, sizeof(c.cdb));
        c.cdb[0] = 0xa8;
        c.cdb[5] = 101;
        c.cdb[9] = 1;
        c.cdb_len = 12;
        c.len = 512;
        r = run(&c);
        assert_good(&r);
        assert_memory_equal(gmem(BUF_B), expect + 512, 512);
    }
}

/* Send @c: it must go to the I/O threads, not be answered inline. */
static uint64_t send_queued(const struct cmd *c)
{
    unsigned before = fake.nsent, queued = nio;
    uint64_t tid = send_cmd(c);

    assert_int_equal(nio, queued + 1);
    assert_int_equal(fake.nsent, before);
    return tid;
}

static void test_sync_cache(void **state)
{
    static const uint8_t sc10[10] = {0x35};
    static const uint8_t sc16[16] = {0x91};
    struct vmscsi_request r;
    struct cmd c;
    uint64_t tid;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    attach(1, 1, DISK_OPEN_READ_ONLY);

    /* SYNCHRONIZE CACHE 10 and 16: a flush on an I/O thread. */
    memset(&c, 0, sizeof(c));
    memcpy(c.cdb, sc10, 10);
    c.cdb_len = 10;
    tid = send_queued(&c);
    assert_int_equal(nflush, 0);
    run_ios();
    assert_int_equal(nflush, 1);
    r = completion(tid)->vm_srb;
    assert_good(&r);
    memcpy(c.cdb, sc16, 16);
    c.cdb_len = 16;
    tid = send_queued(&c);
    run_ios();
    assert_int_equal(nflush, 2);
    r = completion(tid)->vm_srb;
    assert_good(&r);
    r = simple(0, sc10, 10, 0);
    assert_good(&r);
    assert_int_equal(nflush, 3);

    /* A flush that fails: a write error. */
    flush_errno = EIO;
    r = simple(0, sc10, 10, 0);
    assert_sense(&r, 0x3, 0x0c, 0);

    /* A plain write does not flush; FUA writes (10, 16) do, after it. */
    nflush = 0;
    pattern(gmem(BUF_A), 4096, 4);
    r = rw10(0, true, 16, 8, BUF_A, 4096);
    assert_good(&r);
    assert_int_equal(nflush, 0);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x2a;
    c.cdb[1] = 0x08; /* FUA */
    c.cdb[5] = 24;
    c.cdb[8] = 8;
    c.cdb_len = 10;
    c.data_in = WRITE_TYPE;
    c.gpa = BUF_A;
    c.len = 4096;
    tid = send_queued(&c);
    assert_int_equal(nflush, 0);
    run_ios();
    assert_int_equal(nflush, 1);
    r = completion(tid)->vm_srb;
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 4096);
    memset(c.cdb, 0, sizeof(c.cdb));
    c.cdb[0] = 0x8a;
    c.cdb[1] = 0x08;
    c.cdb[9] = 32;
    c.cdb[13] = 8;
    c.cdb_len = 16;
    r = run(&c);
    assert_good(&r);
    assert_int_equal(nflush, 2);
    /* The FUA write's flush failing fails the write. */
    flush_errno = EIO;
    r = run(&c);
    assert_sense(&r, 0x3, 0x0c, 0);
    /* The data is there. */
    memset(gmem(BUF_B), 0, 4096);
    r = rw10(0, false, 24, 8, BUF_B, 4096);
    assert_good(&r);
    assert_memory_equal(gmem(BUF_B), gmem(BUF_A), 4096);

    /* A read-only disk has nothing to flush: answered inline. */
    nflush = 0;
    memset(&c, 0, sizeof(c));
    c.lun = 1;
    memcpy(c.cdb, sc10, 10);
    c.cdb_len = 10;
    tid = send_cmd(&c);
    assert_int_equal(nio, 0);
    r = completion(tid)->vm_srb;
    assert_good(&r);
    assert_int_equal(nflush, 0);
}

static struct vmscsi_request unmap_cmd(uint8_t lun, const uint8_t *param, uint16_t plen,
                                       uint32_t buflen)
{
    struct cmd c;

    memset(&c, 0, sizeof(c));
    c.lun = lun;
    c.cdb[0] = 0x42;
    c.cdb[7] = (uint8_t)(plen >> 8);
    c.cdb[8] = (uint8_t)plen;
    c.cdb_len = 10;
    c.data_in = WRITE_TYPE;
    c.gpa = BUF_A;
    c.len = buflen;
    memcpy(gmem(BUF_A), param, buflen);
    return run(&c);
}

/* Allocated bytes of image @i, and where its first hole is. */
static void image_alloc(int i, off_t *blocks, off_t *hole)
{
    struct stat st;
    int fd = open(paths[i], O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    *blocks = st.st_blocks;
    *hole = lseek(fd, 0, SEEK_HOLE);
    close(fd);
}

static void test_unmap(void **state)
{
    static uint8_t big[8 + 16 * 257];
    uint8_t param[40];
    uint8_t zero[4096];
    struct vmscsi_request r;
    struct cmd c;
    off_t blocks0, hole0, blocks1, hole1;
    uint64_t tid;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    attach(1, 1, DISK_OPEN_READ_ONLY);

    pattern(gmem(BUF_B), 4096, 1);
    r = rw10(0, true, 0, 8, BUF_B, 4096);
    assert_good(&r);
    image_alloc(0, &blocks0, &hole0);
    assert_true(blocks0 > 0);

    /* One descriptor: a discard on an I/O thread, of exactly its bytes. */
    memset(param, 0, sizeof(param));
    param[1] = 22;
    param[3] = 16;
    put_be64(param + 8, 0);
    put_be32(param + 16, 8);
    memcpy(gmem(BUF_A), param, 24);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x42;
    c.cdb[8] = 24;
    c.cdb_len = 10;
    c.data_in = WRITE_TYPE;
    c.gpa = BUF_A;
    c.len = 24;
    tid = send_queued(&c);
    assert_int_equal(npunch, 0);
    run_ios();
    r = completion(tid)->vm_srb;
    assert_good(&r);
    assert_int_equal(npunch, 1);
    assert_int_equal(punched[0].off, 0);
    assert_int_equal(punched[0].len, 4096);
    /* Raw images punch holes: the blocks read as zeros again and the file
     * gives the space back (the file system of the test directory
     * permitting: only that is skipped). */
    if (punch_rc == 0) {
        image_alloc(0, &blocks1, &hole1);
        assert_true(blocks1 < blocks0);
        if (hole0 > 0) /* the file system reports holes */
            assert_int_equal(hole1, 0);
        memset(zero, 0, sizeof(zero));
        r = rw10(0, false, 0, 8, BUF_B, 4096);
        assert_good(&r);
        assert_memory_equal(gmem(BUF_B), zero, sizeof(zero));
    } else {
        print_message("note: the file system cannot punch holes; hole check skipped\n");
    }

    /* A zero-block descriptor: nothing to discard, answered inline. */
    npunch = 0;
    put_be64(param + 8, 64);
    put_be32(param + 16, 0);
    memcpy(gmem(BUF_A), param, 24);
    tid = send_cmd(&c);
    assert_int_equal(nio, 0);
    r = completion(tid)->vm_srb;
    assert_good(&r);
    assert_int_equal(npunch, 0);
    /* With a real one beside it: only the real one is discarded. */
    param[1] = 38;
    param[3] = 32;
    put_be64(param + 24, 80);
    put_be32(param + 32, 2);
    r = unmap_cmd(0, param, 40, 40);
    assert_good(&r);
    assert_int_equal(npunch, 1);
    assert_int_equal(punched[0].off, 80 * 512);
    assert_int_equal(punched[0].len, 1024);
    param[1] = 22;
    param[3] = 16;
    memset(param + 24, 0, 16);

    /* LBA + count past the end: straddling, starting at the end, an empty
     * range past the end.  An empty range at the very end is fine. */
    npunch = 0;
    put_be64(param + 8, DISK_BYTES / 512 - 4);
    put_be32(param + 16, 8);
    r = unmap_cmd(0, param, 24, 24);
    assert_sense(&r, 0x5, 0x21, 0);
    put_be64(param + 8, DISK_BYTES / 512);
    put_be32(param + 16, 1);
    r = unmap_cmd(0, param, 24, 24);
    assert_sense(&r, 0x5, 0x21, 0);
    put_be64(param + 8, DISK_BYTES / 512 + 1);
    put_be32(param + 16, 0);
    r = unmap_cmd(0, param, 24, 24);
    assert_sense(&r, 0x5, 0x21, 0);
    put_be64(param + 8, DISK_BYTES / 512);
    r = unmap_cmd(0, param, 24, 24);
    assert_good(&r);
    assert_int_equal(npunch, 0);

    /* A second descriptor past the end. */
    param[1] = 38;
    param[3] = 32;
    put_be64(param + 8, 0);
    put_be32(param + 16, 8);
    put_be64(param + 24, UINT64_MAX - 2);
    put_be32(param + 32, 8);
    r = unmap_cmd(0, param, 40, 40);
    assert_sense(&r, 0x5, 0x21, 0);
    assert_int_equal(npunch, 0);
    /* Block descriptor length not a multiple of 16, or past the list. */
    param[3] = 20;
    r = unmap_cmd(0, param, 40, 40);
    assert_sense(&r, 0x5, 0x26, 0);
    param[3] = 48;
    r = unmap_cmd(0, param, 40, 40);
    assert_sense(&r, 0x5, 0x26, 0);
    /* A parameter list longer than the buffer; shorter than its header. */
    r = unmap_cmd(0, param, 40, 24);
    assert_sense(&r, 0x5, 0x1a, 0);
    r = unmap_cmd(0, param, 4, 4);
    assert_sense(&r, 0x5, 0x1a, 0);

    /* 256 descriptors (the limit VPD 0xB0 announces): all discarded. */
    memset(big, 0, sizeof(big));
    for (unsigned i = 0; i < 257; i++) {
        put_be64(big + 8 + 16 * i, 2 * i);
        put_be32(big + 16 + 16 * i, 1);
    }
    big[2] = (16 * 256) >> 8;
    big[3] = (uint8_t)(16 * 256);
    npunch = 0;
    r = unmap_cmd(0, big, 8 + 16 * 256, 8 + 16 * 256);
    assert_good(&r);
    assert_int_equal(npunch, 256);
    /* 257: refused, nothing discarded; the list also longer than the
     * buffer. */
    big[2] = (16 * 257) >> 8;
    big[3] = (uint8_t)(16 * 257);
    npunch = 0;
    r = unmap_cmd(0, big, sizeof(big), sizeof(big));
    assert_sense(&r, 0x5, 0x26, 0);
    r = unmap_cmd(0, big, sizeof(big), 8 + 16 * 256);
    assert_sense(&r, 0x5, 0x1a, 0);
    assert_int_equal(npunch, 0);

    /* A disk that cannot discard has no UNMAP. */
    param[1] = 22;
    param[3] = 16;
    r = unmap_cmd(1, param, 24, 24);
    assert_sense(&r, 0x5, 0x20, 0);
    tur_ok(0);
}

static void test_read_only(void **state)
{
    struct vmscsi_request r;

    (void)state;
    guest_init();
    attach(2, 2, DISK_OPEN_READ_ONLY);
    pattern(gmem(BUF_A), 4096, 5);
    r = rw10(2, true, 0, 8, BUF_A, 4096);
    assert_sense(&r, 0x7, 0x27, 0);
    r = rw16(2, true, 0, 8, BUF_A, 4096);
    assert_sense(&r, 0x7, 0x27, 0);
    r = rw10(2, false, 0, 8, BUF_A, 4096);
    assert_good(&r);
    assert_int_equal(gmem(BUF_A)[0], 0);
}

/* ---- tests: hot plug --------------------------------------------------------------------------
 */

static void assert_enumerate_bus(unsigned idx)
{
    const struct sent *p = &fake.sent[idx];

    assert_true(idx < fake.nsent);
    assert_int_equal(p->type, VMBUS_PKT_DATA_INBAND);
    assert_int_equal(p->tid, 0);
    assert_int_equal(p->flags & VMBUS_PKT_FLAG_COMPLETION, 0);
    assert_true(p->len >= 4);
    assert_int_equal(p->pkt.operation, OP_ENUMERATE_BUS);
}

static void test_hot_attach(void **state)
{
    unsigned before;

    (void)state;
    /* Before the handshake: nothing to tell (the guest scans after it). */
    guest_open();
    attach(0, 0, 0);
    assert_int_equal(fake.nsent, 0);
    assert_int_equal(storvsp_attach(s, 0, NULL), -EINVAL);
    guest_close();
    guest_init();

    before = fake.nsent;
    attach(5, 1, 0);
    assert_int_equal(fake.nsent, before + 1);
    assert_enumerate_bus(before);
    assert_true(storvsp_has_lun(s, 5));
    tur_ok(5);

    /* Bad LUN, busy LUN: the disk stays the caller's. */
    {
        struct disk *d = open_image(2, 0);

        assert_int_equal(storvsp_attach(s, STORVSP_MAX_LUNS, d), -EINVAL);
        assert_int_equal(storvsp_attach(s, 5, d), -EBUSY);
        assert_int_equal(disk_close(d), 0);
    }
}

static bool image_in_use(int i)
{
    struct disk *d = NULL;
    char err[DISK_ERR_MAX];

    if (disk_open(paths[i], 0, &d, err, sizeof(err)) != 0)
        return true;
    disk_close(d);
    return false;
}

static void test_detach_in_flight(void **state)
{
    uint64_t tid;
    unsigned before;
    struct cmd c;
    struct vmscsi_request r;

    (void)state;
    guest_init();
    attach(2, 1, 0);
    assert_true(image_in_use(1));

    /* A write in flight... */
    memset(&c, 0, sizeof(c));
    c.lun = 2;
    c.cdb[0] = 0x2a;
    c.cdb[8] = 8;
    c.cdb_len = 10;
    c.data_in = WRITE_TYPE;
    c.gpa = BUF_A;
    c.len = 4096;
    pattern(gmem(BUF_A), 4096, 7);
    tid = send_cmd(&c);
    assert_int_equal(nio, 1);

    /* ...when the disk goes: gone at once, closed later. */
    before = fake.nsent;
    assert_int_equal(storvsp_detach(s, 2), 0);
    assert_false(storvsp_has_lun(s, 2));
    assert_int_equal(storvsp_detach(s, 2), -ENOENT);
    assert_int_equal(fake.nsent, before + 1);
    assert_enumerate_bus(before);
    assert_true(image_in_use(1));

    /* storvsc_host_scan's TEST UNIT READY: invalid LUN, Linux removes it. */
    memset(&c, 0, sizeof(c));
    c.lun = 2;
    c.cdb_len = 6;
    {
        uint64_t t2 = send_cmd(&c);

        assert_int_equal(completion(t2)->vm_srb.srb_status & 0x3f, SRB_INVALID_LUN);
    }
    assert_true(image_in_use(1));

    /* The write completes (the channel is the same), then the disk closes. */
    run_ios();
    r = completion(tid)->vm_srb;
    assert_good(&r);
    assert_false(image_in_use(1));

    /* An idle disk closes at once. */
    attach(4, 3, 0);
    assert_true(image_in_use(3));
    assert_int_equal(storvsp_detach(s, 4), 0);
    assert_false(image_in_use(3));
    /* The LUN can take a disk again. */
    attach(2, 1, 0);
    tur_ok(2);
}

static void test_completion_after_close_dropped(void **state)
{
    struct cmd c;
    unsigned before;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x28;
    c.cdb[8] = 8;
    c.cdb_len = 10;
    c.data_in = READ_TYPE;
    c.gpa = BUF_A;
    c.len = 4096;
    send_cmd(&c);
    assert_int_equal(nio, 1);
    guest_close();
    guest_init();
    before = fake.nsent;
    run_ios();
    assert_int_equal(fake.nsent, before); /* for a ring that is gone */
    tur_ok(0);

    /* Closed and not reopened: dropped as well. */
    before = fake.nsent;
    send_cmd(&c);
    guest_close();
    run_ios();
    assert_int_equal(fake.nsent, before);
}

static void test_ring_full_backlog(void **state)
{
    static const uint8_t inq[6] = {0x12, 0, 0, 0, 36, 0};
    struct cmd c;
    uint64_t t1, t2, t3;
    unsigned before;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    memcpy(c.cdb, inq, 6);
    c.cdb_len = 6;
    c.data_in = READ_TYPE;
    c.gpa = BUF_A;
    c.len = 36;

    before = fake.nsent;
    fake.send_rc = VMBUS_RING_FULL;
    t1 = send_cmd(&c);
    t2 = send_cmd(&c); /* stays in the guest's ring meanwhile */
    assert_int_equal(fake.in_tail - fake.in_head, 1);
    /* A disk request that completes meanwhile waits too. */
    c.cdb[0] = 0x35;
    c.len = 0;
    c.cdb_len = 10;
    fake.send_rc = VMBUS_RING_OK;
    fake.ops->notify(&fake, fake.dev); /* room again */
    assert_int_equal(fake.nsent, before + 2);
    assert_int_equal(fake.sent[before].tid, t1);
    assert_int_equal(fake.sent[before + 1].tid, t2);
    fake.send_rc = VMBUS_RING_FULL;
    t3 = send_cmd(&c);
    run_ios();
    assert_int_equal(fake.nsent, before + 2);
    fake.send_rc = VMBUS_RING_OK;
    fake.ops->notify(&fake, fake.dev);
    assert_int_equal(fake.nsent, before + 3);
    assert_int_equal(completion(t3)->vm_srb.srb_status, SRB_SUCCESS);

    /* A completion while the backlog waits goes behind it, even if the
     * ring has room by then. */
    t1 = send_cmd(&c); /* SYNCHRONIZE CACHE, in flight */
    fake.send_rc = VMBUS_RING_FULL;
    c.cdb[0] = 0x12;
    c.cdb[4] = 36;
    c.cdb_len = 6;
    c.len = 36;
    t2 = send_cmd(&c); /* INQUIRY, answered into the backlog */
    fake.send_rc = VMBUS_RING_OK;
    before = fake.nsent;
    run_ios();
    assert_int_equal(fake.nsent, before);
    fake.ops->notify(&fake, fake.dev);
    assert_int_equal(fake.nsent, before + 2);
    assert_int_equal(fake.sent[before].tid, t2);
    assert_int_equal(fake.sent[before + 1].tid, t1);
    c.cdb[0] = 0x35;
    c.cdb[4] = 0;
    c.cdb_len = 10;
    c.len = 0;

    /* A full ring when the channel closes: the backlog goes with it. */
    fake.send_rc = VMBUS_RING_FULL;
    send_cmd(&c);
    run_ios();
    guest_close();
    fake.send_rc = VMBUS_RING_OK;
    guest_init();
    tur_ok(0);
}

static void test_inline_host(void **state)
{
    struct vmscsi_request r;

    (void)state;
    io_inline = true; /* completions inside submit, inside storvsp's poll */
    guest_init();
    attach(0, 0, 0);
    pattern(gmem(BUF_A), 4096, 11);
    r = rw10(0, true, 8, 8, BUF_A, 4096);
    assert_good(&r);
    r = rw10(0, false, 8, 8, BUF_B, 4096);
    assert_good(&r);
    assert_memory_equal(gmem(BUF_A), gmem(BUF_B), 4096);
}

/* ---- tests: hostile guests ------------------------------------------------------------------ */

static void test_lba_checks(void **state)
{
    struct vmscsi_request r;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    /* Past the end; straddling the end; LBA + length wrapping. */
    r = rw10(0, false, DISK_BYTES / 512, 1, BUF_A, 512);
    assert_sense(&r, 0x5, 0x21, 0);
    r = rw10(0, false, DISK_BYTES / 512 - 1, 2, BUF_A, 1024);
    assert_sense(&r, 0x5, 0x21, 0);
    r = rw16(0, true, UINT64_MAX, 2, BUF_A, 1024);
    assert_sense(&r, 0x5, 0x21, 0);
    r = rw16(0, false, UINT64_MAX - 1, 4, BUF_A, 2048);
    assert_sense(&r, 0x5, 0x21, 0);
    r = rw16(0, false, 1, UINT32_MAX, BUF_A, 512);
    assert_sense(&r, 0x5, 0x21, 0);
    tur_ok(0);
}

static void test_transfer_length_checks(void **state)
{
    struct vmscsi_request r;
    struct cmd c;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    /* Buffer shorter, longer than the transfer. */
    r = rw10(0, false, 0, 8, BUF_A, 2048);
    assert_sense(&r, 0x5, 0x24, 0);
    r = rw10(0, false, 0, 8, BUF_A, 8192);
    assert_sense(&r, 0x5, 0x24, 0);
    /* A transfer beyond the maximum (with a matching buffer): refused. */
    r = rw16(0, false, 0, STORVSP_MAX_TRANSFER_BYTES / 512 * 2, BUF_A,
             STORVSP_MAX_TRANSFER_BYTES * 2);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    assert_int_equal(r.data_transfer_length, 0);
    /* data_transfer_length beyond the buffer. */
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x28;
    c.cdb[8] = 8;
    c.cdb_len = 10;
    c.data_in = READ_TYPE;
    c.gpa = BUF_A;
    c.len = 2048;
    c.dtl = 4096;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    /* data_transfer_length in an in-band packet (no buffer at all). */
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x12;
    c.cdb[4] = 36;
    c.cdb_len = 6;
    c.dtl = 36;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    tur_ok(0);
}

static void test_gpa_checks(void **state)
{
    struct vmscsi_request r;
    struct cmd c;
    uint8_t before = 0x5a;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x28;
    c.cdb[8] = 8;
    c.cdb_len = 10;
    c.data_in = READ_TYPE;
    c.len = 4096;

    /* Pages outside guest RAM: past the top, straddling the top, far away. */
    c.gpa = GPA_BASE + GUEST_MEM;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    c.gpa = GPA_BASE + GUEST_MEM - 2048;
    memset(gmem(c.gpa), before, 2048);
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    assert_int_equal(gmem(c.gpa)[0], before); /* nothing moved */
    c.gpa = 0xfffffffffffff000ull;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);

    /* pfns whose address wraps (pfn * 4096 past 2^64) onto guest RAM:
     * bit 52 over BUF_A; 2^52 itself (0); 2^52 + 1 (0x1000). */
    {
        static const uint64_t gpas[] = {BUF_A, 0, 0x1000};

        for (unsigned i = 0; i < 3; i++) {
            c.gpa = gpas[i];
            c.pfn_or = 1ull << 52;
            memset(gmem(c.gpa), before, 4096);
            r = run(&c);
            assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
            assert_int_equal(r.data_transfer_length, 0);
            assert_int_equal(gmem(c.gpa)[0], before); /* nothing moved */
            assert_int_equal(gmem(c.gpa)[4095], before);
        }
        c.pfn_or = 0;
    }

    /* Fewer pfns than the range spans: the next "pfn" would be the start
     * of the vstor packet (operation 3, flags 0: pfn 3, guest RAM here). */
    c.gpa = BUF_A + 0x800;
    c.npfn = 1;
    c.no_flags = true;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    c.no_flags = false;
    /* A range count reading past the packet. */
    c.gpa = BUF_A;
    c.npfn = 0;
    c.ranges = 5;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    c.ranges = 0xffffffff;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    c.ranges = 0;
    tur_ok(0);

    /* byte_offset >= 4096: built by hand. */
    {
        uint8_t buf[256];
        struct vmbus_packet_desc d;
        struct vstor_packet p;
        uint32_t v;
        uint64_t pfn = BUF_A / 4096;

        memset(buf, 0, sizeof(buf));
        memset(&p, 0, sizeof(p));
        p.operation = OP_EXECUTE_SRB;
        p.vm_srb.cdb_length = 10;
        p.vm_srb.cdb[0] = 0x28;
        p.vm_srb.cdb[8] = 1;
        p.vm_srb.data_in = READ_TYPE;
        p.vm_srb.data_transfer_length = 512;
        p.vm_srb.sense_info_length = 20;
        d.type = VMBUS_PKT_DATA_GPA_DIRECT;
        d.offset8 = (32 + 16) / 8;
        d.len8 = (48 + 64) / 8;
        d.flags = 1;
        d.trans_id = 4242;
        memcpy(buf, &d, sizeof(d));
        v = 1;
        memcpy(buf + 20, &v, 4);
        v = 512;
        memcpy(buf + 24, &v, 4);
        v = 4096;
        memcpy(buf + 28, &v, 4);
        memcpy(buf + 32, &pfn, 8);
        memcpy(buf + 40, &pfn, 8);
        memcpy(buf + 48, &p, sizeof(p));
        guest_raw(buf, 112);
        assert_int_equal(completion(4242)->vm_srb.srb_status & 0x3f, SRB_INVALID_REQUEST);
    }
    tur_ok(0);

    /* A well-formed buffer over two pages, a page offset in the first. */
    pattern(gmem(BUF_A), 8192, 2);
    r = rw10(0, true, 0, 8, BUF_A + 0x800, 4096);
    assert_good(&r);
    r = rw10(0, false, 0, 8, BUF_B + 0x100, 4096);
    assert_good(&r);
    assert_memory_equal(gmem(BUF_B + 0x100), gmem(BUF_A + 0x800), 4096);
}

static void test_short_packets(void **state)
{
    struct vstor_packet p;
    const struct vstor_packet *c;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&p, 0, sizeof(p));
    p.operation = OP_EXECUTE_SRB;
    p.vm_srb.cdb_length = 6;
    /* Header only, half a header, an SRB cut short. */
    guest_inband_len(7001, &p, 12);
    c = completion(7001);
    assert_int_not_equal(c->status, 0);
    assert_int_not_equal(c->vm_srb.srb_status, SRB_SUCCESS);
    guest_inband_len(7002, &p, 6);
    assert_int_not_equal(completion(7002)->status, 0);
    guest_inband_len(7003, &p, 40);
    assert_int_not_equal(completion(7003)->vm_srb.srb_status, SRB_SUCCESS);
    p.operation = OP_QUERY_VERSION;
    guest_inband_len(7004, &p, 13);
    assert_int_not_equal(completion(7004)->status, 0);
    /* A packet of a type storvsc never sends. */
    {
        uint8_t buf[16 + 64];
        struct vmbus_packet_desc d = {VMBUS_PKT_DATA_XFER_PAGES, 2, sizeof(buf) / 8, 1, 7005};

        memset(buf, 0, sizeof(buf));
        memcpy(buf, &d, sizeof(d));
        guest_raw(buf, sizeof(buf));
        assert_int_not_equal(completion(7005)->status, 0);
    }
    /* A completion from the guest: ignored. */
    {
        uint8_t buf[16 + 64];
        struct vmbus_packet_desc d = {VMBUS_PKT_COMP, 2, sizeof(buf) / 8, 0, 7006};
        unsigned before = fake.nsent;

        memset(buf, 0, sizeof(buf));
        memcpy(buf, &d, sizeof(d));
        guest_raw(buf, sizeof(buf));
        assert_int_equal(fake.nsent, before);
    }
    /* Far larger than any packet: still answered. */
    {
        uint32_t len = 16 + 64 + 16384;
        uint8_t *buf = calloc(1, len);
        struct vmbus_packet_desc d = {VMBUS_PKT_DATA_INBAND, 2, (uint16_t)(len / 8), 1, 7007};

        assert_non_null(buf);
        memcpy(buf, &d, sizeof(d));
        p.operation = 99;
        memcpy(buf + 16, &p, sizeof(p));
        guest_raw(buf, len);
        free(buf);
        assert_int_not_equal(completion(7007)->status, 0);
    }
    tur_ok(0);
}

static void test_bad_cdbs(void **state)
{
    static const uint8_t inq[6] = {0x12, 0, 0, 0, 36, 0};
    struct vmscsi_request r;
    struct cmd c;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    memcpy(c.cdb, inq, 6);
    c.data_in = READ_TYPE;
    c.gpa = BUF_A;
    c.len = 36;

    /* cdb_length beyond 16; zero. */
    c.cdb_len = 17;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    c.cdb_len = 0;
    r = run(&c);
    assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    /* Shorter than the opcode's group. */
    c.cdb_len = 4;
    r = run(&c);
    assert_sense(&r, 0x5, 0x24, 0);

    /* Sense length beyond the packet's 20 bytes: capped, nothing spills. */
    c.cdb_len = 6;
    c.cdb[0] = 0xc5;
    c.sense = 255;
    r = run(&c);
    assert_sense(&r, 0x5, 0x20, 0);
    assert_int_equal(r.sense_info_length, 18); /* fixed format, all of it */
    assert_int_equal(r.cdb[18], 0);
    assert_int_equal(r.cdb[19], 0);
    /* A short sense buffer: what fits. */
    c.sense = 8;
    r = run(&c);
    assert_int_equal(r.srb_status, SRB_ERROR | SRB_AUTOSENSE_VALID);
    assert_int_equal(r.sense_info_length, 8);
    assert_int_equal(r.cdb[12], 0); /* not sent */
    c.sense = 0;

    /* Unknown opcodes (WRITE SAME, ATA pass-through, vendor). */
    {
        static const uint8_t ops[] = {0x41, 0x93, 0x85, 0xa1, 0xff, 0x04};

        for (unsigned i = 0; i < sizeof(ops); i++) {
            memset(c.cdb, 0, sizeof(c.cdb));
            c.cdb[0] = ops[i];
            c.cdb_len = 16;
            c.len = 0;
            r = run(&c);
            assert_sense(&r, 0x5, 0x20, 0);
        }
    }
    /* Commands that just succeed. */
    {
        static const uint8_t ok[][10] = {{0x1b, 0, 0, 0, 1}, {0x1e}, {0x2f}, {0x00}};

        for (unsigned i = 0; i < 4; i++) {
            memset(c.cdb, 0, sizeof(c.cdb));
            memcpy(c.cdb, ok[i], 10);
            c.cdb_len = 10;
            r = run(&c);
            assert_good(&r);
        }
    }
    tur_ok(0);
}

/* QUERY_PROTOCOL_VERSION without its version during the handshake: refused,
 * and the handshake goes on from where it was. */
static void test_short_version(void **state)
{
    uint8_t buf[32];
    struct vmbus_packet_desc d;
    struct vstor_packet p;
    const struct vstor_packet *c;

    (void)state;
    guest_open();
    assert_int_equal(control(OP_BEGIN_INIT, 0)->status, 0);
    /* Header only, not padded to 8 bytes: 12 bytes of payload. */
    memset(buf, 0, sizeof(buf));
    memset(&p, 0, sizeof(p));
    p.operation = OP_QUERY_VERSION;
    p.flags = 1;
    d.type = VMBUS_PKT_DATA_INBAND;
    d.offset8 = 2;
    d.len8 = 4;
    d.flags = VMBUS_PKT_FLAG_COMPLETION;
    d.trans_id = 8001;
    memcpy(buf, &d, sizeof(d));
    memcpy(buf + 16, &p, 12);
    guest_raw(buf, 16 + 12);
    c = completion(8001);
    assert_int_equal(c->status, 0xc000000d); /* STATUS_INVALID_PARAMETER */
    /* Padded to 8 bytes the version reads as 0: a version mismatch. */
    guest_inband_len(8002, &p, 12);
    assert_int_equal(completion(8002)->status, 0xc0000059); /* REVISION_MISMATCH */
    /* Still waiting for a version: properties are out of order. */
    assert_int_not_equal(control(OP_QUERY_PROPERTIES, 0)->status, 0);
    assert_int_equal(control(OP_QUERY_VERSION, 0x0602)->status, 0);
    assert_int_equal(control(OP_QUERY_PROPERTIES, 0)->status, 0);
    assert_int_equal(control(OP_END_INIT, 0)->status, 0);
    attach(0, 0, 0);
    tur_ok(0);
}

/* data_transfer_length below the GPA buffer: the request is that long. */
static void test_short_transfer(void **state)
{
    struct vmscsi_request r;
    struct cmd c;
    const uint8_t *d = gmem(BUF_A);

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x12;
    c.cdb[4] = 255; /* allocation length beyond the transfer */
    c.cdb_len = 6;
    c.data_in = READ_TYPE;
    c.gpa = BUF_A;
    c.len = 4096;
    c.dtl = 36;
    memset(gmem(BUF_A), 0xee, 4096);
    r = run(&c);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 36);
    assert_memory_equal(d + 8, "Msft    ", 8);
    for (unsigned i = 36; i < 4096; i++)
        assert_int_equal(d[i], 0xee);
    /* VPD 0x83 (68 bytes) into 20. */
    c.cdb[1] = 1;
    c.cdb[2] = 0x83;
    c.dtl = 20;
    memset(gmem(BUF_A), 0xee, 4096);
    r = run(&c);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 20);
    for (unsigned i = 20; i < 4096; i++)
        assert_int_equal(d[i], 0xee);

    /* READ of 4096 bytes from an 8192-byte buffer: the second page stays. */
    pattern(gmem(BUF_B), 4096, 6);
    r = rw10(0, true, 40, 8, BUF_B, 4096);
    assert_good(&r);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x28;
    c.cdb[5] = 40;
    c.cdb[8] = 8;
    c.cdb_len = 10;
    c.data_in = READ_TYPE;
    c.gpa = BUF_A + 0x200;
    c.len = 8192;
    c.dtl = 4096;
    memset(gmem(BUF_A), 0xee, 3 * 4096);
    r = run(&c);
    assert_good(&r);
    assert_int_equal(r.data_transfer_length, 4096);
    assert_memory_equal(gmem(BUF_A + 0x200), gmem(BUF_B), 4096);
    for (unsigned i = 0x200 + 4096; i < 3 * 4096; i++)
        assert_int_equal(d[i], 0xee);
}

struct grange {
    uint64_t gpa;
    uint32_t len;
    int32_t npfn; /* -1: what offset + len spans */
};

/* @c with its buffer as the @n ranges @rg (data_transfer_length their sum,
 * or c->dtl). */
static uint64_t send_ranges(const struct cmd *c, const struct grange *rg, unsigned n)
{
    uint8_t buf[2048];
    struct vmbus_packet_desc d;
    struct vstor_packet p;
    struct cmd cc = *c;
    uint32_t off = 24, total = 0;
    uint64_t tid = next_tid++;

    memset(buf, 0, sizeof(buf));
    memcpy(buf + 20, &n, 4);
    for (unsigned i = 0; i < n; i++) {
        uint32_t boff = (uint32_t)(rg[i].gpa & 4095);
        uint32_t npfn = rg[i].npfn >= 0 ? (uint32_t)rg[i].npfn : (boff + rg[i].len + 4095) / 4096;

        assert_true(off + 8 + 8 * npfn + sizeof(p) <= sizeof(buf));
        memcpy(buf + off, &rg[i].len, 4);
        memcpy(buf + off + 4, &boff, 4);
        off += 8;
        for (uint32_t j = 0; j < npfn; j++, off += 8) {
            uint64_t pfn = rg[i].gpa / 4096 + j;

            memcpy(buf + off, &pfn, 8);
        }
        total += rg[i].len;
    }
    if (!cc.dtl)
        cc.len = total;
    srb_packet(&cc, &p);
    d.type = VMBUS_PKT_DATA_GPA_DIRECT;
    d.offset8 = (uint16_t)(off / 8);
    d.len8 = (uint16_t)((off + sizeof(p)) / 8);
    d.flags = VMBUS_PKT_FLAG_COMPLETION;
    d.trans_id = tid;
    memcpy(buf, &d, sizeof(d));
    memcpy(buf + off, &p, sizeof(p));
    guest_raw(buf, off + sizeof(p));
    return tid;
}

static struct vmscsi_request run_ranges(const struct cmd *c, const struct grange *rg, unsigned n)
{
    uint64_t tid = send_ranges(c, rg, n);

    run_ios();
    return completion(tid)->vm_srb;
}

/* Several ranges are one buffer, in order; a range of 0 bytes adds none,
 * but every pfn listed must still be guest RAM; at most 16 ranges. */
static void test_gpa_ranges(void **state)
{
    uint8_t expect[8192];
    struct vmscsi_request r;
    struct cmd c;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    pattern(expect, sizeof(expect), 8);
    memcpy(gmem(BUF_B), expect, sizeof(expect));
    r = rw10(0, true, 0, 16, BUF_B, 8192);
    assert_good(&r);

    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x28;
    c.cdb[8] = 8;
    c.cdb_len = 10;
    c.data_in = READ_TYPE;

    /* Two ranges, the first mid-page. */
    {
        const struct grange rg[] = {{BUF_A + 0x800, 2048, -1}, {BUF_A + 0x4000, 2048, -1}};

        memset(gmem(BUF_A), 0, 0x5000);
        r = run_ranges(&c, rg, 2);
        assert_good(&r);
        assert_int_equal(r.data_transfer_length, 4096);
        assert_memory_equal(gmem(BUF_A + 0x800), expect, 2048);
        assert_memory_equal(gmem(BUF_A + 0x4000), expect + 2048, 2048);
        assert_int_equal(gmem(BUF_A + 0x4800)[0], 0);
    }
    /* A range of 0 bytes between them (no pfn; one pfn at an offset). */
    {
        const struct grange rg[] = {{BUF_A, 1024, -1},
                                    {BUF_A + 0x3000, 0, 0},
                                    {BUF_A + 0x3100, 0, -1},
                                    {BUF_A + 0x4000, 3072, -1}};

        memset(gmem(BUF_A), 0, 0x5000);
        r = run_ranges(&c, rg, 4);
        assert_good(&r);
        assert_memory_equal(gmem(BUF_A), expect, 1024);
        assert_memory_equal(gmem(BUF_A + 0x4000), expect + 1024, 3072);
        assert_int_equal(gmem(BUF_A + 0x3100)[0], 0);
    }
    /* ...but with its pfn outside guest RAM: refused, whether or not the
     * other ranges carry bytes. */
    {
        const struct grange rg[] = {{BUF_A, 4096, -1}, {GUEST_MEM + 0x100, 0, -1}};
        const struct grange one[] = {{GUEST_MEM + 0x100, 0, -1}};
        static const uint8_t tur[6] = {0};
        struct cmd t;

        r = run_ranges(&c, rg, 2);
        assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
        memset(&t, 0, sizeof(t));
        memcpy(t.cdb, tur, 6);
        t.cdb_len = 6;
        r = run_ranges(&t, one, 1);
        assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
        /* A buffer of 0 bytes in guest RAM: fine. */
        {
            const struct grange ok[] = {{BUF_A + 0x100, 0, -1}, {BUF_A, 0, 0}};

            r = run_ranges(&t, ok, 2);
            assert_good(&r);
        }
    }
    /* Truncated by data_transfer_length across the ranges. */
    {
        const struct grange rg[] = {{BUF_A, 1024, -1}, {BUF_A + 0x4000, 3072, -1}};

        memset(gmem(BUF_A), 0, 0x5000);
        c.cdb[8] = 4;
        c.dtl = 2048;
        r = run_ranges(&c, rg, 2);
        assert_good(&r);
        assert_int_equal(r.data_transfer_length, 2048);
        assert_memory_equal(gmem(BUF_A), expect, 1024);
        assert_memory_equal(gmem(BUF_A + 0x4000), expect + 1024, 1024);
        assert_int_equal(gmem(BUF_A + 0x4400)[0], 0);
        c.dtl = 0;
    }
    /* 16 ranges of 512 bytes: accepted; 17: refused. */
    {
        struct grange rg[17];

        for (unsigned i = 0; i < 17; i++) {
            rg[i].gpa = BUF_A + 0x1000 * i + 0x100;
            rg[i].len = 512;
            rg[i].npfn = -1;
        }
        memset(gmem(BUF_A), 0, 0x11000);
        c.cdb[8] = 16;
        r = run_ranges(&c, rg, 16);
        assert_good(&r);
        for (unsigned i = 0; i < 16; i++)
            assert_memory_equal(gmem(rg[i].gpa), expect + 512 * i, 512);
        c.cdb[8] = 17;
        r = run_ranges(&c, rg, 17);
        assert_int_equal(r.srb_status & 0x3f, SRB_INVALID_REQUEST);
    }
    tur_ok(0);
}

/* VERIFY checks its range as READ does. */
static void test_verify(void **state)
{
    static const uint8_t lens[] = {10, 12, 16};
    static const uint8_t ops[] = {0x2f, 0xaf, 0x8f};
    struct vmscsi_request r;
    struct cmd c;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    c.cdb_len = 16;
    for (unsigned i = 0; i < 3; i++) {
        uint8_t *lba = c.cdb + 2;
        uint8_t *cnt = c.cdb + (i == 0 ? 7 : i == 1 ? 6 : 10);

        memset(c.cdb, 0, sizeof(c.cdb));
        c.cdb[0] = ops[i];
        c.cdb_len = lens[i];
        /* Inside; ending at the end; empty at the end. */
        cnt[i == 0 ? 1 : 3] = 8;
        r = run(&c);
        assert_good(&r);
        if (i == 2)
            put_be64(lba, DISK_BYTES / 512 - 8);
        else
            put_be32(lba, DISK_BYTES / 512 - 8);
        r = run(&c);
        assert_good(&r);
        /* Straddling the end; past it. */
        if (i == 2)
            put_be64(lba, DISK_BYTES / 512 - 4);
        else
            put_be32(lba, DISK_BYTES / 512 - 4);
        r = run(&c);
        assert_sense(&r, 0x5, 0x21, 0);
        cnt[i == 0 ? 1 : 3] = 0;
        if (i == 2)
            put_be64(lba, DISK_BYTES / 512);
        else
            put_be32(lba, DISK_BYTES / 512);
        r = run(&c);
        assert_good(&r);
        if (i == 2)
            put_be64(lba, UINT64_MAX);
        else
            put_be32(lba, DISK_BYTES / 512 + 1);
        r = run(&c);
        assert_sense(&r, 0x5, 0x21, 0);
        /* Shorter than its group. */
        c.cdb_len = (uint8_t)(lens[i] - 1);
        r = run(&c);
        assert_sense(&r, 0x5, 0x24, 0);
    }
    tur_ok(0);
}

/* Every supported opcode, one byte short of its group: INVALID FIELD IN
 * CDB; an unsupported one of any length: INVALID COMMAND OPERATION CODE. */
static void test_cdb_lengths(void **state)
{
    static const uint8_t ops[] = {0x00, 0x03, 0x08, 0x0a, 0x12, 0x1a, 0x1b, 0x1e,
                                  0x25, 0x28, 0x2a, 0x2f, 0x35, 0x42, 0x5a, 0x88,
                                  0x8a, 0x8f, 0x91, 0x9e, 0xa8, 0xaa, 0xaf};
    static const uint8_t bad[] = {0x01, 0x41, 0x93, 0xa1, 0xc5, 0xff};
    struct vmscsi_request r;
    struct cmd c;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    for (unsigned i = 0; i < sizeof(ops); i++) {
        uint8_t g = ops[i] < 0x20 ? 6 : ops[i] < 0x60 ? 10 : ops[i] < 0xa0 ? 16 : 12;

        memset(c.cdb, 0, sizeof(c.cdb));
        c.cdb[0] = ops[i];
        c.cdb_len = (uint8_t)(g - 1);
        r = run(&c);
        assert_sense(&r, 0x5, 0x24, 0);
    }
    for (unsigned i = 0; i < sizeof(bad); i++) {
        for (uint8_t len = 1; len <= 16; len++) {
            memset(c.cdb, 0, sizeof(c.cdb));
            c.cdb[0] = bad[i];
            c.cdb_len = len;
            r = run(&c);
            assert_sense(&r, 0x5, 0x20, 0);
        }
    }
    tur_ok(0);
}

/* The SCSI layer's own transfer limit, which storvsp's GPA parser keeps
 * any guest from reaching (it caps buffers at the same size): called
 * directly with a smaller limit. */
static void test_scsi_max_transfer(void **state)
{
    static const uint8_t id[16] = {1};
    struct scsi_disk sd;
    struct scsi_op op;
    struct scsi_result res;
    struct disk *d = open_image(0, 0);
    uint8_t *mem = calloc(1, 8192);
    struct iovec iov = {mem, 8192};
    uint8_t cdb[10] = {0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0};

    (void)state;
    assert_non_null(mem);
    assert_int_equal(scsi_disk_init(&sd, d, id, 0, 4096), 0);
    /* 8 KiB with a matching buffer: over the 4 KiB limit. */
    scsi_disk_command(&sd, cdb, 10, &iov, 1, 8192, &op, &res);
    assert_int_equal(op.kind, SCSI_OP_NONE);
    assert_int_equal(res.status, SCSI_STATUS_CHECK_CONDITION);
    assert_int_equal(res.sense[2], SENSE_ILLEGAL_REQUEST);
    assert_int_equal(res.sense[12] << 8 | res.sense[13], ASC_INVALID_FIELD_IN_CDB);
    /* 4 KiB: a read to run. */
    cdb[8] = 8;
    iov.iov_len = 4096;
    scsi_disk_command(&sd, cdb, 10, &iov, 1, 4096, &op, &res);
    assert_int_equal(op.kind, SCSI_OP_READ);
    assert_int_equal(op.len, 4096);
    scsi_op_free(&op);
    free(mem);
    assert_int_equal(disk_close(d), 0);
}

static void test_inflight_limit(void **state)
{
    struct cmd c;
    unsigned n = 0;

    (void)state;
    guest_init();
    attach(0, 0, 0);
    memset(&c, 0, sizeof(c));
    c.cdb[0] = 0x35;
    c.cdb_len = 10;
    /* The guest keeps sending; storvsp stops reading at its limit. */
    while (nio < 1024 && n < 1100) {
        send_cmd(&c);
        n++;
    }
    assert_int_equal(nio, 1024);
    send_cmd(&c);
    send_cmd(&c);
    assert_int_equal(nio, 1024);
    assert_int_equal(fake.in_tail - fake.in_head, 2);
    /* Completions let it read on. */
    run_ios();
    assert_int_equal(fake.in_tail - fake.in_head, 0);
    assert_int_equal(nio, 2);
    run_ios();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_offer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_6_0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resets_and_unknown_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inquiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inquiry_absent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_luns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_sense, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hot_attach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detach_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_completion_after_close_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_full_backlog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inline_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lba_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_length_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpa_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_packets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_cdbs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inflight_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpa_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cdb_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scsi_max_transfer, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
