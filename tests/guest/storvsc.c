// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtest=storvsc: a storvsc initiator that is also a hostile guest, against
 * the worker's storvsp (drivers/storvsp).  It connects to VMBus
 * (vmbus_client.c), opens the SCSI controller's channel, runs the vstor
 * handshake and SCSI commands on LUN 0, and sends what a broken or
 * malicious guest would: packets out of order, short, of unknown types,
 * with page lists that lie or name memory that is not its own, commands
 * past the end of the disk or for targets that are not there, a ring it
 * corrupts.  Each answer is checked against what storvsp is written to
 * give (a failed completion, an SRB status, a CHECK CONDITION with its
 * sense, a dropped packet), and after all of it the controller must still
 * read back what was written.  One numbered check after another; the
 * first that fails is the result line.
 *
 * Requests mostly go one at a time: send, signal, poll the inbound ring
 * for the completion with that transaction id.  A packet storvsp is to
 * drop is followed by a TEST UNIT READY, whose completion must be the next
 * packet (a VMBus message the server is to ignore, by one it must refuse).
 * Some checks send many at once: storvsp's I/O threads, its in-flight
 * limit and its backlog when our inbound ring is full.
 */
#include "vstor.h"

/* ---- what we share with the host ----------------------------------------------------- */

/* Lopsided on purpose: the outbound ring takes more READs (1060) than
 * storvsp may have in flight (1024), and the inbound ring fewer
 * completions (46) than that, so that a flood of requests reaches both
 * of storvsp's brakes.  32 pages in all: a GPADL_HEADER and a GPADL_BODY. */
#define OUT_PAGES  30
#define IN_PAGES   2
#define RING_GPADL 0xE1E10
#define TIMEOUT_S  VMBUS_TIMEOUT_S
#define TIMEOUT    (TIMEOUT_S * REF_1S)
/* The largest max_transfer_bytes this test takes (the PFN list's size). */
#define MAX_XFER_PFNS 256

static uint8_t ring_pages[OUT_PAGES + IN_PAGES][4096] __attribute__((aligned(4096)));

/* Data buffers: the round trip writes from WBUF (three pages: the buffer
 * starts inside the first) and reads into RBUF, whose bytes around the
 * buffer must stay as they were.  SPARE is followed by one more page, for
 * the requests of two blocks of 4 KiB. */
enum { WBUF = 0, RBUF = 3, SMALL = 6, SPARE = 7, DATA_PAGES = 9 };
static uint8_t pages[DATA_PAGES][4096] __attribute__((aligned(4096)));

#define RT_LBA       8
#define RT_BYTES     8192
#define RT_WOFF      0x100
#define RT_ROFF      0x300
#define FILL         0xEE /* what a buffer holds before the host writes to it */
#define PATTERN_SEED 0x5A

static uint64_t pkt[2048];    /* the packet being built */
static uint64_t in_pkt[2048]; /* the packet read from the inbound ring */
static uint64_t area[2 + MAX_XFER_PFNS + 8];

static struct {
    struct vmbus_chan ch;
    uint64_t next_tid;
    uint32_t max_transfer;
    uint32_t block_size;
    uint64_t blocks;
    uint64_t ram_top;
    bool lbpme; /* READ CAPACITY(16): the disk takes UNMAP */
} st;

static uint8_t inquiry[16];     /* the start of LUN 0's INQUIRY data */
static struct vstor_packet req; /* the request being built */
static struct vstor_packet rep; /* the completion last read */

/* ---- small things -------------------------------------------------------------------- */

/* Byte @i of the data written at RT_LBA (with @seed), not the same at any
 * two offsets of a block nor in any two blocks. */
static uint8_t pattern(uint32_t i, uint8_t seed)
{
    return (uint8_t)(i ^ (i >> 8) * 37u ^ (i >> 16) * 101u ^ seed);
}

/* ---- checks and their FAIL lines ----------------------------------------------------- */

static unsigned checks;
static char what[160];

static void check(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The next check, and what it is called in a FAIL line. */
static void check(const char *fmt, ...)
{
    va_list ap;

    checks++;
    va_start(ap, fmt);
    fmt_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
}

_Noreturn static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

_Noreturn static void fail(const char *fmt, ...)
{
    char detail[256];
    va_list ap;

    va_start(ap, fmt);
    fmt_vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    finish("storvsc FAIL: check %u (%s): %s", checks, what, detail);
}

/* A shared step (vmbus_client.c) went wrong: @err says how. */
static void need(const char *err)
{
    if (err)
        fail("%s", err);
}

static void expect(const char *field, uint64_t want, uint64_t got)
{
    if (got != want)
        fail("expected %s 0x%lx got 0x%lx", field, want, got);
}

static void expect_nonzero(const char *field, uint64_t got)
{
    if (!got)
        fail("expected %s non-zero got 0x0", field);
}

/* @n bytes at @p are @v (what the host was not to touch). */
static void expect_fill(const char *where, const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            fail("expected 0x%02x at byte %lu of %s got 0x%02x", v, i, where, p[i]);
}

/* @n bytes at @p hold the pattern from byte @from of the round trip's. */
static void expect_pattern(const uint8_t *p, uint32_t from, uint32_t n, uint8_t seed)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != pattern(from + i, seed))
            fail("expected data byte %u to be 0x%02x got 0x%02x", from + i, pattern(from + i, seed),
                 p[i]);
}

/* ---- VMBus messages ------------------------------------------------------------------ */

static void post(uint32_t conn, const void *msg, uint32_t size)
{
    uint64_t status = vmbus_post(conn, msg, size);

    if (status)
        fail("expected HvPostMessage status 0x0 got 0x%lx", status);
}

static void check_refused_version(uint32_t conn, uint32_t version, uint64_t sint)
{
    static struct vmbus_msg m;
    const struct vmbus_version_response *r = (const void *)m.bytes;
    uint64_t status;

    need(vmbus_initiate(conn, version, sint, &status, &m));
    expect("HvPostMessage status", 0, status);
    expect("version_supported", 0, r->supported);
}

static void negotiate(void)
{
    uint32_t version;

    /* Each INITIATE_CONTACT starts the connection over: the refused ones
     * come first and leave nothing behind. */
    check("INITIATE_CONTACT for version 7.0 (unknown)");
    check_refused_version(VMBUS_CONN_INITIATE, 0x70000, VMBUS_SINT);
    check("INITIATE_CONTACT for 5.0 on connection 1 (5.x is on 4)");
    check_refused_version(VMBUS_CONN_LEGACY, VMBUS_V5_0, VMBUS_SINT);
    check("INITIATE_CONTACT for 5.3 with message SINT 16");
    check_refused_version(VMBUS_CONN_INITIATE, VMBUS_V5_3, 16);
    check("INITIATE_CONTACT for 5.3 with VTL 1");
    check_refused_version(VMBUS_CONN_INITIATE, VMBUS_V5_3, VMBUS_SINT | 1u << 8);
    check("INITIATE_CONTACT, the newest version the host takes");
    need(vmbus_connect(&version));
}

static void find_offer(void)
{
    check("REQUESTOFFERS: an offer of class ba6163d9-04a1-4d29-b605-72e2ffb1dc7f (SCSI)");
    need(vmbus_find_offer(vstor_scsi_class, &st.ch, NULL));
    if (!st.ch.offered)
        fail("expected a SCSI controller offer got none (is the child given a --disk?)");
    expect_nonzero("child_relid", st.ch.relid);
    expect_nonzero("connection_id", st.ch.conn_id);
    /* We signal with HvSignalEvent on the connection id only: a channel
     * with a monitor page would want a monitor bit instead. */
    expect("monitor_allocated", 0, st.ch.monitor_allocated);
    expect("is_dedicated_interrupt", 1, st.ch.dedicated_interrupt);
}

/* A GPADL of @n pages; the GPADL_CREATED status. */
static uint32_t gpadl(uint32_t relid, uint32_t id, const uint64_t *pfns, unsigned n)
{
    uint32_t status;

    need(vmbus_gpadl(relid, id, pfns, n, 0, n * 4096, &status));
    return status;
}

static void create_gpadls(void)
{
    static uint64_t pfns[OUT_PAGES + IN_PAGES];
    uint64_t one = pfn(pages[SPARE]), mmio = 0xFFFFF, high = 1ULL << 28;

    check("GPADL for relid 0 (no channel)");
    expect_nonzero("creation_status", gpadl(0, 0x100, &one, 1));
    check("GPADL with PFN 0xFFFFF (MMIO hole below 4 GiB)");
    expect_nonzero("creation_status", gpadl(st.ch.relid, 0x101, &mmio, 1));
    check("GPADL with PFN 0x10000000 (1 TiB, far above RAM)");
    expect_nonzero("creation_status", gpadl(st.ch.relid, 0x102, &high, 1));

    /* Both rings in one GPADL, 32 pages: a header and a body. */
    for (unsigned i = 0; i < OUT_PAGES + IN_PAGES; i++)
        pfns[i] = pfn(ring_pages[i]);
    check("GPADL of the %u ring pages (GPADL_HEADER and GPADL_BODY)", OUT_PAGES + IN_PAGES);
    expect("creation_status", 0, gpadl(st.ch.relid, RING_GPADL, pfns, OUT_PAGES + IN_PAGES));
    check("GPADL with the id of the ring GPADL again");
    expect_nonzero("creation_status", gpadl(st.ch.relid, RING_GPADL, &one, 1));
}

/* Post OPENCHANNEL (@size bytes of it) for @relid, rings reset. */
static void post_open(uint32_t relid, uint32_t openid, uint32_t gpadl_id, uint32_t downstream,
                      uint32_t size)
{
    uint64_t status = vmbus_post_open(&st.ch, relid, openid, gpadl_id, downstream, size);

    if (status)
        fail("expected HvPostMessage status 0x0 got 0x%lx", status);
}

/* OPENCHANNEL; the OPENCHANNEL_RESULT status. */
static uint32_t open_channel(uint32_t openid, uint32_t gpadl_id, uint32_t downstream)
{
    uint32_t status;

    need(vmbus_open(&st.ch, openid, gpadl_id, downstream, &status));
    return status;
}

/* The server answers messages in order: a GPADL it must refuse (relid 0)
 * shows that the message before it was answered with nothing. */
static void expect_no_answer(void)
{
    uint64_t one = pfn(pages[SPARE]);

    expect_nonzero("creation_status of the GPADL for relid 0 after it", gpadl(0, 0x1FF, &one, 1));
}

static void open_checks(void)
{
    uint64_t pfns[4];
    uint32_t status;

    check("HvSignalEvent on the channel before it is open");
    expect("status (INVALID_CONNECTION_ID)", 0x12, vmbus_signal(st.ch.conn_id, 0));
    check("OPENCHANNEL of 20 bytes (of 148) is answered with nothing");
    post_open(st.ch.relid, 1, RING_GPADL, OUT_PAGES, 20);
    expect_no_answer();
    check("OPENCHANNEL for relid 0x3F (not offered) is answered with nothing");
    post_open(0x3F, 1, RING_GPADL, OUT_PAGES, sizeof(struct vmbus_open_channel));
    expect_no_answer();
    check("OPENCHANNEL with the inbound ring at page 1 (no room for the outbound)");
    expect_nonzero("status", open_channel(1, RING_GPADL, 1));
    check("OPENCHANNEL with the inbound ring at page %u (the GPADL's end)", OUT_PAGES + IN_PAGES);
    expect_nonzero("status", open_channel(1, RING_GPADL, OUT_PAGES + IN_PAGES));
    check("OPENCHANNEL with GPADL 0x101 (refused earlier)");
    expect_nonzero("status", open_channel(2, 0x101, OUT_PAGES));

    /* A single range may start inside its first page; rings may not. */
    for (unsigned i = 0; i < 4; i++)
        pfns[i] = pfn(ring_pages[i]);
    check("GPADL of 4 pages starting at byte 0x100");
    need(vmbus_gpadl(st.ch.relid, 0x103, pfns, 4, 0x100, 4 * 4096 - 0x100, &status));
    expect("creation_status", 0, status);
    check("OPENCHANNEL on that GPADL (not whole pages)");
    expect_nonzero("status", open_channel(2, 0x103, 2));

    check("OPENCHANNEL");
    expect("status", 0, open_channel(3, RING_GPADL, OUT_PAGES));
    check("OPENCHANNEL of the open channel is answered with nothing");
    post(vmbus_msg_conn,
         &(struct vmbus_open_channel){
             {VMBUS_MSG_OPENCHANNEL, 0}, st.ch.relid, 9, RING_GPADL, 0, OUT_PAGES, {0}},
         sizeof(struct vmbus_open_channel));
    expect_no_answer();
}

/* ---- packets ------------------------------------------------------------------------- */

static void signal_host(void)
{
    need(vmbus_chan_signal(&st.ch));
}

/* Set while a batch of packets is written: one signal after the last. */
static bool hold_signal;

static void ring_send(uint32_t len)
{
    need(vmbus_chan_send(&st.ch, pkt, len, !hold_signal));
}

/* Build, in pkt, an in-band (or any descriptor-only) packet of @type. */
static uint32_t build_inband(uint16_t type, uint64_t tid, const void *payload, uint32_t len)
{
    return vmbus_build_inband(pkt, type, VMBUS_PKT_FLAG_COMPLETION, tid, payload, len);
}

/* Build a GPA-direct packet in pkt. */
static uint32_t build_gpa(uint64_t tid, uint32_t rangecount, const uint64_t *ranges, unsigned words,
                          const void *payload, uint32_t len)
{
    return vmbus_build_gpa(pkt, tid, rangecount, ranges, words, payload, len);
}

static uint64_t send_inband(uint16_t type, const void *payload, uint32_t len)
{
    uint64_t tid = ++st.next_tid;

    ring_send(build_inband(type, tid, payload, len));
    return tid;
}

static uint64_t send_gpa(uint32_t rangecount, const uint64_t *ranges, unsigned words,
                         const void *payload, uint32_t len)
{
    uint64_t tid = ++st.next_tid;

    ring_send(build_gpa(tid, rangecount, ranges, words, payload, len));
    return tid;
}

/* The next packet in the inbound ring, if there is one (else 0), which
 * must be the completion of a transaction in [@lo, @hi]: into rep; its
 * transaction id.  If the host waits for room in the ring, it is told. */
static uint64_t try_reply(uint64_t lo, uint64_t hi)
{
    struct vmbus_desc d;
    uint32_t len, plen;
    bool got;

    need(vmbus_chan_read(&st.ch, in_pkt, sizeof(in_pkt), &len, &got));
    if (!got)
        return 0;
    copy_bytes(&d, in_pkt, sizeof(d));
    if (d.trans_id < lo || d.trans_id > hi)
        fail("expected the completion of transaction %lu got a packet of type %u for "
             "transaction %lu",
             lo, d.type, d.trans_id);
    expect("packet type", VMBUS_PKT_COMP, d.type);
    plen = len - d.offset8 * 8u;
    /* Linux drops a completion shorter than its vstor_packet. */
    if (plen < sizeof(rep))
        fail("expected a completion of %lu bytes got %u", sizeof(rep), plen);
    copy_bytes(&rep, (uint8_t *)in_pkt + d.offset8 * 8u, sizeof(rep));
    expect("operation", VSTOR_OP_COMPLETE_IO, rep.operation);
    return d.trans_id;
}

/* The same, waiting for it. */
static uint64_t next_reply(uint64_t lo, uint64_t hi)
{
    uint64_t deadline = vmbus_now() + TIMEOUT, tid;

    for (unsigned spin = 0; !(tid = try_reply(lo, hi)); spin++) {
        if ((spin & 255) == 255 && vmbus_now() > deadline)
            fail("expected a completion for transaction %lu got none in %u s", lo, TIMEOUT_S);
        __asm__ volatile("pause");
    }
    return tid;
}

static void wait_reply(uint64_t tid)
{
    next_reply(tid, tid);
}

/* A vstor packet of @op with @body (in-band); its transaction id. */
static uint64_t send_op(uint32_t op, const void *body, uint32_t len)
{
    fill_bytes(&req, 0, sizeof(req));
    req.operation = op;
    req.flags = VSTOR_FLAG_COMPLETION;
    copy_bytes(req.buffer, body, len);
    return send_inband(VMBUS_PKT_INBAND, &req, sizeof(req));
}

static void expect_status(uint64_t tid, uint32_t nt)
{
    wait_reply(tid);
    expect("NTSTATUS", nt, rep.status);
}

/* ---- the handshake ------------------------------------------------------------------- */

static uint64_t query_version(uint16_t v)
{
    uint16_t body[2] = {v, 0}; /* major_minor, revision */

    return send_op(VSTOR_OP_QUERY_VERSION, body, sizeof(body));
}

/* The event flag of our channel: the host signalled a completion. */
static void check_event_flag(void)
{
    volatile uint64_t *word = vmbus_event_flags() + st.ch.relid / 64;
    uint64_t bit = 1ULL << (st.ch.relid % 64), deadline = vmbus_now() + TIMEOUT;

    check("the host sets the channel's event flag (SIEFP SINT2, flag %u)", st.ch.relid);
    while (!(*word & bit))
        if (vmbus_now() > deadline)
            fail("expected flag %u set got clear after %u s", st.ch.relid, TIMEOUT_S);
    __atomic_fetch_and(word, ~bit, __ATOMIC_SEQ_CST);
}

static void handshake_checks(void)
{
    uint64_t tid;

    check("QUERY_PROPERTIES before BEGIN_INITIALIZATION");
    expect_status(send_op(VSTOR_OP_QUERY_PROPERTIES, NULL, 0), NT_INVALID_DEVICE_STATE);
    check("EXECUTE_SRB before BEGIN_INITIALIZATION");
    expect_status(send_op(VSTOR_OP_EXECUTE_SRB, NULL, 0), NT_INVALID_DEVICE_STATE);
    check("BEGIN_INITIALIZATION");
    expect_status(send_op(VSTOR_OP_BEGIN_INIT, NULL, 0), NT_SUCCESS);
    check_event_flag();

    /* 8 bytes: shorter than the vstor header (operation, flags, status). */
    check("a vstor packet of 8 bytes");
    expect_status(send_inband(VMBUS_PKT_INBAND, (uint32_t[2]){VSTOR_OP_QUERY_VERSION, 1}, 8),
                  NT_INVALID_PARAMETER);
    check("vstor operation 0x55 (unknown)");
    expect_status(send_op(0x55, NULL, 0), NT_INVALID_DEVICE_REQUEST);
    check("QUERY_PROTOCOL_VERSION 7.0 (unknown)");
    expect_status(query_version(0x0700), NT_REVISION_MISMATCH);
    expect("version echoed", 0x0700, rep.version);
    check("QUERY_PROTOCOL_VERSION 4.2 (older than storvsc's 5.1)");
    expect_status(query_version(0x0402), NT_REVISION_MISMATCH);
    check("END_INITIALIZATION before the version is agreed");
    expect_status(send_op(VSTOR_OP_END_INIT, NULL, 0), NT_INVALID_DEVICE_STATE);
    check("QUERY_PROTOCOL_VERSION 6.2");
    expect_status(query_version(VSTOR_VERSION_WIN10), NT_SUCCESS);
    expect("version echoed", VSTOR_VERSION_WIN10, rep.version);
    check("END_INITIALIZATION before QUERY_PROPERTIES");
    expect_status(send_op(VSTOR_OP_END_INIT, NULL, 0), NT_INVALID_DEVICE_STATE);

    check("QUERY_PROPERTIES");
    tid = send_op(VSTOR_OP_QUERY_PROPERTIES, NULL, 0);
    expect_status(tid, NT_SUCCESS);
    st.max_transfer = rep.props.max_transfer_bytes;
    /* Linux sizes its requests from it: it must not be 0.  The bound is
     * ours: the PFN list of the largest transfer is in .bss. */
    if (!st.max_transfer || st.max_transfer % 4096 || st.max_transfer > MAX_XFER_PFNS * 4096)
        fail("expected max_transfer_bytes a non-zero multiple of 4096 up to 0x%x got 0x%x",
             MAX_XFER_PFNS * 4096, st.max_transfer);

    check("END_INITIALIZATION");
    expect_status(send_op(VSTOR_OP_END_INIT, NULL, 0), NT_SUCCESS);
    check("BEGIN_INITIALIZATION after the handshake");
    expect_status(send_op(VSTOR_OP_BEGIN_INIT, NULL, 0), NT_INVALID_DEVICE_STATE);
    check("QUERY_PROTOCOL_VERSION after the handshake");
    expect_status(query_version(VSTOR_VERSION_WIN10), NT_INVALID_DEVICE_STATE);
}

/* ---- SCSI requests ------------------------------------------------------------------- */

/* An EXECUTE_SRB for LUN 0 with @cdb (its length @cdb_len, up to 16
 * bytes copied), @xfer bytes of data in or out, as Linux fills it. */
static void srb(const uint8_t *cdb, unsigned cdb_len, uint32_t xfer, bool data_in)
{
    fill_bytes(&req, 0, sizeof(req));
    req.operation = VSTOR_OP_EXECUTE_SRB;
    req.flags = VSTOR_FLAG_COMPLETION;
    req.srb.length = sizeof(req.srb);
    req.srb.cdb_length = (uint8_t)cdb_len;
    req.srb.sense_info_length = VSTOR_SENSE_SIZE;
    req.srb.data_in = data_in ? 1 : 0;
    req.srb.data_transfer_length = xfer;
    req.srb.srb_flags = data_in ? SRB_FLAGS_DATA_IN : SRB_FLAGS_DATA_OUT;
    copy_bytes(req.srb.cdb, cdb, cdb_len < 16 ? cdb_len : 16);
}

static uint64_t send_srb_inband(void)
{
    return send_inband(VMBUS_PKT_INBAND, &req, sizeof(req));
}

/* The request with the buffer [@p, @p + @len) as its one GPA range. */
static uint64_t send_srb_buf(const void *p, uint32_t len)
{
    unsigned words = vmbus_range(area, p, len);

    return send_gpa(1, area, words, &req, sizeof(req));
}

static unsigned cdb10(uint8_t *c, uint8_t op, uint32_t lba, uint16_t count)
{
    fill_bytes(c, 0, 16);
    c[0] = op;
    put_be32(c + 2, lba);
    put_be16(c + 7, count);
    return 10;
}

static unsigned cdb16(uint8_t *c, uint8_t op, uint64_t lba, uint32_t count)
{
    fill_bytes(c, 0, 16);
    c[0] = op;
    put_be64(c + 2, lba);
    put_be32(c + 10, count);
    return 16;
}

static void expect_srb_reply(uint32_t nt, uint8_t srb_status, uint8_t scsi_status, uint32_t xfer);

/* The completion of @tid: the request echoed with this outcome. */
static void expect_srb(uint64_t tid, uint32_t nt, uint8_t srb_status, uint8_t scsi_status,
                       uint32_t xfer)
{
    wait_reply(tid);
    expect_srb_reply(nt, srb_status, scsi_status, xfer);
}

/* The same for the completion already in rep. */
static void expect_srb_reply(uint32_t nt, uint8_t srb_status, uint8_t scsi_status, uint32_t xfer)
{
    expect("NTSTATUS", nt, rep.status);
    expect("SRB status", srb_status, rep.srb.srb_status);
    expect("SCSI status", scsi_status, rep.srb.scsi_status);
    expect("data_transfer_length", xfer, rep.srb.data_transfer_length);
    expect("LUN echoed", req.srb.lun, rep.srb.lun);
    expect("target echoed", req.srb.target_id, rep.srb.target_id);
    expect("path echoed", req.srb.path_id, rep.srb.path_id);
}

static void expect_good(uint64_t tid, uint32_t xfer)
{
    expect_srb(tid, NT_SUCCESS, SRB_SUCCESS, 0, xfer);
}

/* CHECK CONDITION with fixed-format sense @key, @asc_ascq. */
static void expect_sense(uint64_t tid, uint8_t key, uint16_t asc_ascq)
{
    const uint8_t *s = rep.srb.cdb;

    expect_srb(tid, NT_IO_DEVICE_ERROR, SRB_ERROR | SRB_AUTOSENSE_VALID, SCSI_CHECK_CONDITION, 0);
    expect("sense_info_length", FIXED_SENSE_LEN, rep.srb.sense_info_length);
    expect("sense response code", 0x70, s[0]);
    expect("sense key", key, s[2] & 0xF);
    expect("ASC/ASCQ", asc_ascq, (uint16_t)(s[12] << 8 | s[13]));
}

/* A request storvsp refuses before any SCSI: SRB_STATUS_INVALID_REQUEST. */
static void expect_invalid(uint64_t tid)
{
    expect_srb(tid, NT_INVALID_DEVICE_REQUEST, SRB_INVALID_REQUEST, 0, 0);
}

static void expect_no_lun(uint64_t tid)
{
    expect_srb(tid, NT_DEVICE_DOES_NOT_EXIST, SRB_INVALID_LUN, 0, 0);
}

/* TEST UNIT READY for LUN 0, built (in req) but not sent. */
static void tur_srb(void)
{
    static const uint8_t tur[6] = {OP_TEST_UNIT_READY};

    srb(tur, 6, 0, false);
}

static uint64_t test_unit_ready(void)
{
    tur_srb();
    return send_srb_inband();
}

/* READ(10) or WRITE(10) of @bytes at @lba through the buffer @p. */
static uint64_t rw10(bool write, uint64_t lba, void *p, uint32_t bytes)
{
    uint8_t c[16];

    srb(c,
        cdb10(c, write ? OP_WRITE10 : OP_READ10, (uint32_t)lba, (uint16_t)(bytes / st.block_size)),
        bytes, !write);
    return send_srb_buf(p, bytes);
}

/* Read the round trip's blocks back into RBUF and compare. */
static void check_read_back(uint8_t seed)
{
    uint8_t *rb = pages[RBUF] + RT_ROFF;

    fill_bytes(pages[RBUF], FILL, 3 * 4096);
    expect_good(rw10(false, RT_LBA, rb, RT_BYTES), RT_BYTES);
    expect_pattern(rb, 0, RT_BYTES, seed);
    expect_fill("the read buffer's page before the data", pages[RBUF], RT_ROFF, FILL);
    expect_fill("the read buffer's page after the data", rb + RT_BYTES,
                3 * 4096 - RT_ROFF - RT_BYTES, FILL);
}

/* ---- well-formed --------------------------------------------------------------------- */

static void sanity_checks(uint64_t want_blocks)
{
    uint8_t *b = pages[SMALL], *wb = pages[WBUF] + RT_WOFF, c[16];
    uint64_t last;

    check("INQUIRY, LUN 0");
    fill_bytes(c, 0, 16);
    c[0] = OP_INQUIRY;
    c[4] = 96; /* allocation length */
    srb(c, 6, 96, true);
    fill_bytes(b, FILL, 4096);
    expect_good(send_srb_buf(b, 96), 36);
    expect("peripheral qualifier and device type", 0x00, b[0]);
    if (b[8] != 'M' || b[9] != 's' || b[10] != 'f' || b[11] != 't')
        fail("expected vendor 'Msft' got '%.4s'", (const char *)b + 8);
    expect_fill("the INQUIRY buffer past 36 bytes", b + 36, 4096 - 36, FILL);
    copy_bytes(inquiry, b, sizeof(inquiry));

    check("READ CAPACITY(16), LUN 0");
    fill_bytes(c, 0, 16);
    c[0] = OP_SERVICE_ACTION_IN;
    c[1] = SAI_READ_CAPACITY16;
    put_be32(c + 10, 32);
    srb(c, 16, 32, true);
    fill_bytes(b, FILL, 4096);
    expect_good(send_srb_buf(b, 32), 32);
    st.blocks = be64(b) + 1;
    st.block_size = be32(b + 8);
    st.lbpme = b[14] & 0x80;
    if (st.block_size != 512 && st.block_size != 4096)
        fail("expected a block size of 512 or 4096 got %u", st.block_size);
    if (want_blocks)
        expect("blocks (blocks= on the command line)", want_blocks, st.blocks);
    /* Room for the largest transfer at LBA 0 and the round trip's blocks,
     * with the end of the disk well past them. */
    if (st.blocks * st.block_size < st.max_transfer + 65536ULL)
        fail("expected a disk of at least %u bytes got %lu", st.max_transfer + 65536,
             st.blocks * st.block_size);

    check("READ CAPACITY(10), LUN 0");
    fill_bytes(c, 0, 16);
    c[0] = OP_READ_CAPACITY10;
    srb(c, 10, 8, true);
    expect_good(send_srb_buf(b, 8), 8);
    last = st.blocks - 1 > 0xFFFFFFFEULL ? 0xFFFFFFFFULL : st.blocks - 1;
    expect("last LBA", last, be32(b));
    expect("block size", st.block_size, be32(b + 4));

    check("REPORT LUNS, target 0");
    fill_bytes(c, 0, 16);
    c[0] = OP_REPORT_LUNS;
    put_be32(c + 6, 64);
    srb(c, 12, 64, true);
    fill_bytes(b, FILL, 4096);
    expect_good(send_srb_buf(b, 64), 16);
    expect("LUN list length", 8, be32(b));
    expect("LUN 0's entry", 0, be64(b + 8));

    check("TEST UNIT READY, LUN 0");
    expect_good(test_unit_ready(), 0);

    check("WRITE(10) of %u bytes at LBA %u (buffer across 3 pages)", RT_BYTES, RT_LBA);
    for (uint32_t i = 0; i < RT_BYTES; i++)
        wb[i] = pattern(i, PATTERN_SEED);
    expect_good(rw10(true, RT_LBA, wb, RT_BYTES), RT_BYTES);
    check("READ(10) of them back");
    check_read_back(PATTERN_SEED);

    /* Two ranges, whole pages each: the data goes to them in order. */
    check("READ(10) of them into two GPA ranges");
    {
        uint8_t cdb[16];
        unsigned n = vmbus_range(area, pages[SPARE], 4096);

        n += vmbus_range(area + n, pages[SMALL], RT_BYTES - 4096);
        fill_bytes(pages[SPARE], FILL, 4096);
        fill_bytes(pages[SMALL], FILL, 4096);
        srb(cdb, cdb10(cdb, OP_READ10, RT_LBA, RT_BYTES / st.block_size), RT_BYTES, true);
        expect_good(send_gpa(2, area, n, &req, sizeof(req)), RT_BYTES);
        expect_pattern(pages[SPARE], 0, 4096, PATTERN_SEED);
        expect_pattern(pages[SMALL], 4096, RT_BYTES - 4096, PATTERN_SEED);
    }

    /* The announced maximum, into one page listed over and over. */
    check("READ(10) of max_transfer_bytes (0x%x) into one page listed %u times", st.max_transfer,
          st.max_transfer / 4096);
    {
        uint8_t cdb[16];
        unsigned n = st.max_transfer / 4096;

        area[0] = st.max_transfer;
        for (unsigned i = 0; i < n; i++)
            area[1 + i] = pfn(pages[SPARE]);
        srb(cdb, cdb10(cdb, OP_READ10, 0, (uint16_t)(st.max_transfer / st.block_size)),
            st.max_transfer, true);
        expect_good(send_gpa(1, area, 1 + n, &req, sizeof(req)), st.max_transfer);
    }

    /* The buffer is what data_transfer_length says, not what the page
     * list spans. */
    check("READ(10) of 1 block, data_transfer_length 1 block, a buffer of 4096");
    fill_bytes(pages[SPARE], FILL, 4096);
    srb(c, cdb10(c, OP_READ10, RT_LBA, 1), st.block_size, true);
    if (st.block_size < 4096) {
        expect_good(send_srb_buf(pages[SPARE], 4096), st.block_size);
        expect_pattern(pages[SPARE], 0, st.block_size, PATTERN_SEED);
        expect_fill("the buffer past data_transfer_length", pages[SPARE] + st.block_size,
                    4096 - st.block_size, FILL);
    }

    /* Scatter: each byte of the answer to its own range, in two pages
     * alternately (no two ranges contiguous). */
    check("INQUIRY of 16 bytes into 16 ranges of 1 byte each");
    fill_bytes(c, 0, 16);
    c[0] = OP_INQUIRY;
    c[4] = 16;
    srb(c, 6, 16, true);
    fill_bytes(pages[SPARE], FILL, 2 * 4096);
    for (unsigned i = 0; i < 16; i++) {
        area[2 * i] = 1 | (uint64_t)(i * 64) << 32;
        area[2 * i + 1] = pfn(pages[SPARE + i % 2]);
    }
    expect_good(send_gpa(16, area, 32, &req, sizeof(req)), 16);
    for (unsigned i = 0; i < 16; i++)
        if (pages[SPARE + i % 2][i * 64] != inquiry[i])
            fail("expected INQUIRY byte %u 0x%02x got 0x%02x", i, inquiry[i],
                 pages[SPARE + i % 2][i * 64]);
    check("17 ranges (storvsp takes 16)");
    area[32] = 1 | (uint64_t)(16 * 64) << 32;
    area[33] = pfn(pages[SPARE]);
    srb(c, 6, 17, true);
    expect_invalid(send_gpa(17, area, 34, &req, sizeof(req)));

    check("READ(10) of the last block");
    expect_good(rw10(false, st.blocks - 1, pages[SPARE], st.block_size), st.block_size);
}

/* Many requests at once: storvsp hands them to its I/O threads, and each
 * must complete once, with its own data, in any order. */
static void inflight_checks(void)
{
    uint32_t bs = st.block_size, nblk = RT_BYTES / bs, n = 3 * 4096 / bs;
    uint8_t *rb = pages[RBUF];
    uint64_t first = st.next_tid + 1;
    bool seen[24];

    if (n > 24)
        n = 24;
    check("%u READ(10)s of one block each in flight at once", n);
    fill_bytes(rb, FILL, 3 * 4096);
    fill_bytes(seen, 0, sizeof(seen));
    hold_signal = true;
    for (uint32_t i = 0; i < n; i++)
        rw10(false, RT_LBA + i % nblk, rb + i * bs, bs);
    hold_signal = false;
    signal_host();
    for (uint32_t k = 0; k < n; k++) {
        uint64_t tid = next_reply(first, first + n - 1);

        if (seen[tid - first])
            fail("expected one completion of transaction %lu got a second", tid);
        seen[tid - first] = true;
        expect_srb_reply(NT_SUCCESS, SRB_SUCCESS, 0, bs);
    }
    for (uint32_t i = 0; i < n; i++)
        expect_pattern(rb + i * bs, (i % nblk) * bs, bs, PATTERN_SEED);
}

/*
 * @n requests (TEST UNIT READY, answered at once, or READs of one block,
 * which go to the I/O threads), written as fast as the outbound ring
 * takes them and never more than its room: more completions than the
 * inbound ring holds.  storvsp then stops reading until we make room; we
 * signal only when the host asks (pending_send_sz), as Linux does, so a
 * host that does not ask stalls here.  Each request completes once.
 */
#define FLOOD_MAX 2048

static void flood(bool disk, uint32_t n)
{
    static uint8_t seen[FLOOD_MAX];
    uint64_t first = st.next_tid + 1, deadline = vmbus_now() + TIMEOUT;
    uint32_t sent = 0, got = 0, len, words = 0, waits = st.ch.host_waits;
    uint8_t c[16];

    check("%u %s in a row: more completions than the inbound ring holds", n,
          disk ? "READ(10)s of one block" : "TEST UNIT READYs");
    fill_bytes(seen, 0, n);
    if (disk) {
        srb(c, cdb10(c, OP_READ10, RT_LBA, 1), st.block_size, true);
        words = vmbus_range(area, pages[SPARE], st.block_size);
    } else {
        tur_srb();
    }
    while (got < n) {
        bool progress = false;
        uint64_t tid;

        for (; sent < n; sent++, progress = true) {
            len = disk ? build_gpa(first + sent, 1, area, words, &req, sizeof(req))
                       : build_inband(VMBUS_PKT_INBAND, first + sent, &req, sizeof(req));
            if (vmbus_ring_write(&st.ch.out, pkt, len))
                break;
        }
        if (progress)
            signal_host();
        while (got < n && (tid = try_reply(first, first + n - 1))) {
            if (seen[tid - first])
                fail("expected one completion of transaction %lu got a second", tid);
            seen[tid - first] = 1;
            expect_srb_reply(NT_SUCCESS, SRB_SUCCESS, 0, disk ? st.block_size : 0);
            got++;
            progress = true;
        }
        if (progress)
            deadline = vmbus_now() + TIMEOUT;
        else if (vmbus_now() > deadline)
            fail("expected %u completions got %u in %u s (%u requests sent; inbound ring "
                 "pending_send_sz 0x%x)",
                 n, got, TIMEOUT_S, sent, st.ch.in.hdr->pending_send_sz);
    }
    st.next_tid = first + n - 1;
    /* The inline answers fill the ring within one signal: the host must
     * have run out of room, and asked. */
    if (!disk && st.ch.host_waits == waits)
        fail("expected the host to wait for room (pending_send_sz) got no wait");
}

/* ---- hostile: packets ---------------------------------------------------------------- */

static void packet_checks(void)
{
    uint64_t tid;

    check("packet type 7 (transfer pages) with an EXECUTE_SRB");
    tur_srb();
    expect_status(send_inband(VMBUS_PKT_XFER_PAGES, &req, sizeof(req)), NT_INVALID_DEVICE_REQUEST);
    check("packet type 0x1234 (none)");
    expect_status(send_inband(0x1234, &req, sizeof(req)), NT_INVALID_DEVICE_REQUEST);

    /* storvsp asks for no completions: one from the guest is dropped. */
    check("a completion packet from the guest is dropped");
    send_inband(VMBUS_PKT_COMP, &req, sizeof(req));
    expect_good(test_unit_ready(), 0);

    check("CREATE_SUB_CHANNELS (none were announced)");
    expect_status(send_op(VSTOR_OP_CREATE_SUB_CHANNELS, (uint16_t[1]){4}, 2),
                  NT_INVALID_DEVICE_REQUEST);
    check("vstor operation 0xFFFFFFFF");
    expect_status(send_op(0xFFFFFFFF, NULL, 0), NT_INVALID_DEVICE_REQUEST);
    check("HvSignalEvent on the channel with flag 2048 (not an event flag)");
    expect("status (INVALID_PARAMETER)", 0x5, vmbus_signal(st.ch.conn_id, 2048));
    check("RESET_BUS");
    expect_status(send_op(VSTOR_OP_RESET_BUS, NULL, 0), NT_SUCCESS);
    check("RESET_LUN");
    expect_status(send_op(VSTOR_OP_RESET_LUN, NULL, 0), NT_SUCCESS);

    check("EXECUTE_SRB of %u bytes (the pre-Windows 8 request)", 12 + VSTOR_SRB_WIN7_SIZE);
    tur_srb();
    expect_invalid(send_inband(VMBUS_PKT_INBAND, &req, 12 + VSTOR_SRB_WIN7_SIZE));
    check("EXECUTE_SRB of 8 bytes");
    expect_status(send_inband(VMBUS_PKT_INBAND, &req, 8), NT_INVALID_PARAMETER);

    /* Larger than storvsp's receive buffer: taken all the same. */
    check("EXECUTE_SRB in an in-band packet of 9000 bytes");
    tur_srb();
    {
        static uint8_t big[9000];

        copy_bytes(big, &req, sizeof(req));
        tid = send_inband(VMBUS_PKT_INBAND, big, sizeof(big));
    }
    expect_good(tid, 0);

    /* Descriptor and payload only: offset8 2 leaves no room for the page
     * list's reserved word and range count. */
    check("GPA-direct packet with no room for its range count");
    {
        uint8_t c[16];

        srb(c, cdb10(c, OP_READ10, RT_LBA, (uint16_t)(4096 / st.block_size)), 4096, true);
        expect_invalid(send_inband(VMBUS_PKT_GPA_DIRECT, &req, sizeof(req)));
    }
}

/* ---- hostile: SCSI commands ---------------------------------------------------------- */

static void lba_checks(void)
{
    uint8_t c[16];
    uint32_t bs = st.block_size;

    check("READ(10) at LBA = capacity");
    expect_sense(rw10(false, st.blocks, pages[SPARE], bs), KEY_ILLEGAL_REQUEST,
                 ASC_LBA_OUT_OF_RANGE);
    check("READ(10) of 2 blocks from the last one");
    expect_sense(rw10(false, st.blocks - 1, pages[SPARE], 2 * bs), KEY_ILLEGAL_REQUEST,
                 ASC_LBA_OUT_OF_RANGE);
    check("READ(16) at LBA 2^64 - 1, 2 blocks (LBA + length wraps to 1)");
    srb(c, cdb16(c, OP_READ16, ~0ULL, 2), 2 * bs, true);
    expect_sense(send_srb_buf(pages[SPARE], 2 * bs), KEY_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
    check("READ(16) at LBA 2^64 - capacity, capacity + 1 blocks (wraps to 1)");
    srb(c, cdb16(c, OP_READ16, 0 - st.blocks, (uint32_t)st.blocks + 1), bs, true);
    expect_sense(send_srb_buf(pages[SPARE], bs), KEY_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
    check("READ(16) at LBA 1, 0xFFFFFFFF blocks");
    srb(c, cdb16(c, OP_READ16, 1, 0xFFFFFFFF), bs, true);
    expect_sense(send_srb_buf(pages[SPARE], bs), KEY_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
    check("WRITE(16) at LBA 2^64 - 1, 1 block");
    fill_bytes(pages[SPARE], 0xA5, 4096);
    srb(c, cdb16(c, OP_WRITE16, ~0ULL, 1), bs, false);
    expect_sense(send_srb_buf(pages[SPARE], bs), KEY_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
    check("READ(10) of 0 blocks at LBA = capacity (allowed)");
    srb(c, cdb10(c, OP_READ10, (uint32_t)st.blocks, 0), 0, true);
    expect_good(send_srb_inband(), 0);
}

static void length_checks(void)
{
    uint8_t c[16];
    uint32_t bs = st.block_size;

    check("data_transfer_length 8192 with a buffer of 4096");
    srb(c, cdb10(c, OP_READ10, RT_LBA, (uint16_t)(8192 / bs)), 8192, true);
    expect_invalid(send_srb_buf(pages[SPARE], 4096));
    check("READ(10) of 8192 bytes with data_transfer_length and buffer 4096");
    srb(c, cdb10(c, OP_READ10, RT_LBA, (uint16_t)(8192 / bs)), 4096, true);
    expect_sense(send_srb_buf(pages[SPARE], 4096), KEY_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
    check("READ(10) of 1 block in-band (data_transfer_length, no buffer)");
    srb(c, cdb10(c, OP_READ10, RT_LBA, 1), bs, true);
    expect_invalid(send_srb_inband());

    check("a buffer of max_transfer_bytes + 4096");
    {
        unsigned n = st.max_transfer / 4096 + 1;

        area[0] = n * 4096;
        for (unsigned i = 0; i < n; i++)
            area[1 + i] = pfn(pages[SPARE]);
        srb(c, cdb10(c, OP_READ10, 0, (uint16_t)(n * 4096 / bs)), n * 4096, true);
        expect_invalid(send_gpa(1, area, 1 + n, &req, sizeof(req)));
    }
}

/* A READ of one page whose PFN is @bad. */
static void bad_pfn(const char *where, uint64_t bad)
{
    uint8_t c[16];

    check("READ(10) into PFN 0x%lx (%s)", bad, where);
    srb(c, cdb10(c, OP_READ10, RT_LBA, (uint16_t)(4096 / st.block_size)), 4096, true);
    area[0] = 4096;
    area[1] = bad;
    expect_invalid(send_gpa(1, area, 2, &req, sizeof(req)));
}

static void gpa_checks(void)
{
    uint8_t c[16];
    uint32_t bs = st.block_size;

    bad_pfn("MMIO hole just below 4 GiB", 0xFFFFF);
    bad_pfn("the local APIC", 0xFEE00);
    bad_pfn("the first page above RAM", (st.ram_top + 4095) >> 12);
    bad_pfn("1 TiB", 1ULL << 28);
    bad_pfn("the highest 52-bit PFN", (1ULL << 52) - 1);
    bad_pfn("PFN * 4096 wraps 64 bits", 1ULL << 52);
    bad_pfn("all ones", ~0ULL);

    /* The good first page stays as it was: nothing moves before every
     * page is checked. */
    check("READ(10) into 2 pages, the second in the MMIO hole");
    fill_bytes(pages[SPARE], FILL, 4096);
    srb(c, cdb10(c, OP_READ10, RT_LBA, (uint16_t)(8192 / bs)), 8192, true);
    area[0] = 8192;
    area[1] = pfn(pages[SPARE]);
    area[2] = 0xFFFFF;
    expect_invalid(send_gpa(1, area, 3, &req, sizeof(req)));
    expect_fill("the first page", pages[SPARE], 4096, FILL);

    check("WRITE(10) from 2 pages, the second in the MMIO hole, changes no block");
    fill_bytes(pages[SPARE], 0xA5, 4096);
    srb(c, cdb10(c, OP_WRITE10, RT_LBA, (uint16_t)(8192 / bs)), 8192, false);
    expect_invalid(send_gpa(1, area, 3, &req, sizeof(req)));
    check_read_back(PATTERN_SEED);

    check("a range at offset 0x800 of 4096 bytes with 1 PFN");
    srb(c, cdb10(c, OP_READ10, RT_LBA, (uint16_t)(4096 / bs)), 4096, true);
    area[0] = 4096 | 0x800ULL << 32;
    area[1] = pfn(pages[SPARE]);
    expect_invalid(send_gpa(1, area, 2, &req, sizeof(req)));
    check("a range at offset 4096 (past its first page)");
    area[0] = 512 | 4096ULL << 32;
    expect_invalid(send_gpa(1, area, 2, &req, sizeof(req)));
    check("a range of 0xFFFFFFFF bytes with 1 PFN");
    area[0] = 0xFFFFFFFFULL;
    expect_invalid(send_gpa(1, area, 2, &req, sizeof(req)));

    area[0] = 4096;
    check("range count 2 with one range");
    expect_invalid(send_gpa(2, area, 2, &req, sizeof(req)));
    check("range count 0");
    expect_invalid(send_gpa(0, area, 2, &req, sizeof(req)));
    check("range count 0xFFFFFFFF");
    expect_invalid(send_gpa(0xFFFFFFFF, area, 2, &req, sizeof(req)));
}

static void cdb_checks(void)
{
    uint8_t c[16];

    check("CDB opcode 0xC7 (unknown)");
    fill_bytes(c, 0, 16);
    c[0] = OP_VENDOR_C7;
    srb(c, 16, 0, true);
    expect_sense(send_srb_inband(), KEY_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
    check("INQUIRY for VPD page 0x42 (none)");
    fill_bytes(c, 0, 16);
    c[0] = OP_INQUIRY;
    c[1] = 1;
    c[2] = 0x42;
    c[4] = 96;
    srb(c, 6, 96, true);
    expect_sense(send_srb_buf(pages[SMALL], 96), KEY_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);

    tur_srb();
    check("CDB length 17");
    req.srb.cdb_length = 17;
    expect_invalid(send_srb_inband());
    check("CDB length 255");
    req.srb.cdb_length = 255;
    expect_invalid(send_srb_inband());
    check("CDB length 0");
    req.srb.cdb_length = 0;
    expect_invalid(send_srb_inband());
    check("READ(10) with CDB length 6");
    srb(c, cdb10(c, OP_READ10, RT_LBA, 1), st.block_size, true);
    req.srb.cdb_length = 6;
    expect_sense(send_srb_buf(pages[SPARE], st.block_size), KEY_ILLEGAL_REQUEST,
                 ASC_INVALID_FIELD_IN_CDB);

    /* The sense goes back as far as the guest's buffer says. */
    check("CHECK CONDITION with sense_info_length 0");
    srb(c, cdb10(c, OP_READ10, (uint32_t)st.blocks, 1), st.block_size, true);
    req.srb.sense_info_length = 0;
    expect_srb(send_srb_buf(pages[SPARE], st.block_size), NT_IO_DEVICE_ERROR, SRB_ERROR,
               SCSI_CHECK_CONDITION, 0);
    expect("sense_info_length", 0, rep.srb.sense_info_length);
    check("CHECK CONDITION with sense_info_length 255");
    req.srb.sense_info_length = 255;
    expect_sense(send_srb_buf(pages[SPARE], st.block_size), KEY_ILLEGAL_REQUEST,
                 ASC_LBA_OUT_OF_RANGE);
}

/* UNMAP with @plen bytes of parameters (one block descriptor: @lba,
 * @count; block descriptor data length @bdlen) in a buffer of @buf bytes. */
static uint64_t unmap(uint16_t plen, uint16_t bdlen, uint64_t lba, uint32_t count, uint32_t buf)
{
    uint8_t c[16], *p = pages[SMALL];

    fill_bytes(c, 0, 16);
    c[0] = OP_UNMAP;
    put_be16(c + 7, plen);
    fill_bytes(p, 0, 24);
    put_be16(p, 22);
    put_be16(p + 2, bdlen);
    put_be64(p + 8, lba);
    put_be32(p + 16, count);
    srb(c, 10, buf, false);
    return send_srb_buf(p, buf);
}

static void unmap_checks(void)
{
    check("UNMAP of LBA 2^64 - 1, 2 blocks (%s)", st.lbpme ? "LBPME set" : "no UNMAP: LBPME clear");
    expect_sense(unmap(24, 16, ~0ULL, 2, 24), KEY_ILLEGAL_REQUEST,
                 st.lbpme ? ASC_LBA_OUT_OF_RANGE : ASC_INVALID_OPCODE);
    if (!st.lbpme)
        return;
    check("UNMAP with a parameter list of 24 bytes in a buffer of 8");
    expect_sense(unmap(24, 16, 0, 1, 8), KEY_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH);
    check("UNMAP with a block descriptor data length of 15");
    expect_sense(unmap(24, 15, 0, 1, 24), KEY_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_PAR);
    check("UNMAP of the last block (well-formed)");
    expect_good(unmap(24, 16, st.blocks - 1, 1, 24), 0);
}

static void lun_checks(void)
{
    uint8_t c[16];

    check("TEST UNIT READY, LUN 1 (no disk)");
    tur_srb();
    req.srb.lun = 1;
    expect_no_lun(send_srb_inband());
    check("TEST UNIT READY, LUN 200 (beyond the controller's)");
    req.srb.lun = 200;
    expect_no_lun(send_srb_inband());
    check("TEST UNIT READY, target 1");
    req.srb.lun = 0;
    req.srb.target_id = 1;
    expect_no_lun(send_srb_inband());
    check("TEST UNIT READY, path 1");
    req.srb.target_id = 0;
    req.srb.path_id = 1;
    expect_no_lun(send_srb_inband());
    check("READ(10), LUN 63 (no disk)");
    srb(c, cdb10(c, OP_READ10, RT_LBA, 1), st.block_size, true);
    req.srb.lun = 63;
    expect_no_lun(send_srb_buf(pages[SPARE], st.block_size));

    /* Linux's scan needs these answered for an absent unit. */
    check("INQUIRY, LUN 1 (no disk): peripheral qualifier 3");
    fill_bytes(c, 0, 16);
    c[0] = OP_INQUIRY;
    c[4] = 96;
    srb(c, 6, 96, true);
    req.srb.lun = 1;
    fill_bytes(pages[SMALL], FILL, 4096);
    expect_good(send_srb_buf(pages[SMALL], 96), 36);
    expect("peripheral qualifier and device type", 0x7F, pages[SMALL][0]);
    check("REPORT LUNS, target 1: none");
    fill_bytes(c, 0, 16);
    c[0] = OP_REPORT_LUNS;
    put_be32(c + 6, 64);
    srb(c, 12, 64, true);
    req.srb.target_id = 1;
    fill_bytes(pages[SMALL], FILL, 4096);
    expect_good(send_srb_buf(pages[SMALL], 64), 8);
    expect("LUN list length", 0, be32(pages[SMALL]));
}

/* ---- a ring the guest breaks --------------------------------------------------------- */

/* After the ring was broken: the channel is closed (signals are refused),
 * nothing came back, and CLOSECHANNEL, OPENCHANNEL and the handshake
 * bring it back on the same GPADL. */
static void expect_closed_and_reopen(uint32_t openid)
{
    uint64_t status, deadline = vmbus_now() + TIMEOUT;
    uint32_t len;

    /* The signal that delivered the damage was taken (the channel was
     * open); the next ones find it closed. */
    while ((status = vmbus_signal(st.ch.conn_id, 0)) == 0 && vmbus_now() < deadline)
        ;
    expect("HvSignalEvent status on the closed channel (INVALID_CONNECTION_ID)", 0x12, status);
    expect("packets in the inbound ring", 0,
           (uint64_t)vmbus_ring_read(&st.ch.in, in_pkt, sizeof(in_pkt), &len));

    check("CLOSECHANNEL, OPENCHANNEL (same GPADL) and the handshake again");
    need(vmbus_close(&st.ch));
    expect("OPENCHANNEL_RESULT status", 0, open_channel(openid, RING_GPADL, OUT_PAGES));
    expect_status(send_op(VSTOR_OP_BEGIN_INIT, NULL, 0), NT_SUCCESS);
    expect_status(query_version(VSTOR_VERSION_WIN10), NT_SUCCESS);
    expect_status(send_op(VSTOR_OP_QUERY_PROPERTIES, NULL, 0), NT_SUCCESS);
    expect_status(send_op(VSTOR_OP_END_INIT, NULL, 0), NT_SUCCESS);
    /* Requests from before the break never complete into the new ring. */
    expect_good(test_unit_ready(), 0);
}

static void corrupt_ring_checks(void)
{
    struct vmbus_desc *d = (struct vmbus_desc *)pkt;
    uint8_t c[16];

    /* The payload would start past the packet's end: the host can only
     * give up on the ring, and closes the channel.  Reads of the largest
     * size go first, in the same batch: they are in flight at the close
     * and must not complete into the reopened channel. */
    check("8 large READs, then a packet whose offset8 (8) is past its len8 (4)");
    hold_signal = true;
    for (unsigned i = 0; i < 8; i++) {
        unsigned n = st.max_transfer / 4096;

        area[0] = st.max_transfer;
        for (unsigned k = 0; k < n; k++)
            area[1 + k] = pfn(pages[SPARE]);
        srb(c, cdb10(c, OP_READ10, 0, (uint16_t)(st.max_transfer / st.block_size)), st.max_transfer,
            true);
        send_gpa(1, area, 1 + n, &req, sizeof(req));
    }
    fill_bytes(pkt, 0, 32);
    *d = (struct vmbus_desc){VMBUS_PKT_INBAND, 8, 4, VMBUS_PKT_FLAG_COMPLETION, ++st.next_tid};
    ring_send(32);
    hold_signal = false;
    signal_host();
    expect_closed_and_reopen(4);

    /* len8 says 4 KiB; 32 bytes were written. */
    check("a packet whose len8 (512) is more than was written");
    fill_bytes(pkt, 0, 32);
    *d = (struct vmbus_desc){VMBUS_PKT_INBAND, 2, 512, VMBUS_PKT_FLAG_COMPLETION, ++st.next_tid};
    ring_send(32);
    expect_closed_and_reopen(5);

    check("write_index past the end of the ring");
    st.ch.out.hdr->write_index = st.ch.out.size + 8;
    signal_host();
    expect_closed_and_reopen(6);
}

static void teardown_checks(void)
{
    check("CLOSECHANNEL: the channel takes no more signals");
    need(vmbus_close(&st.ch));
    expect("HvSignalEvent status (INVALID_CONNECTION_ID)", 0x12, vmbus_signal(st.ch.conn_id, 0));
    check("GPADL_TEARDOWN of the ring GPADL");
    need(vmbus_gpadl_teardown(st.ch.relid, RING_GPADL));
    check("UNLOAD");
    need(vmbus_unload());
}

/* ---- the test ------------------------------------------------------------------------ */

_Noreturn void test_storvsc(uint64_t ram_top, uint64_t want_blocks)
{
    const char *err;

    if (!ram_top)
        finish("storvsc FAIL: no RAM in the e820 table");
    st.ram_top = ram_top;
    vmbus_chan_rings(&st.ch, ring_pages, OUT_PAGES, IN_PAGES);
    check("CPUID 0x40000000 says Microsoft Hv");
    if (!hyperv_present())
        fail("expected 'Microsoft Hv' got another signature (not a child of this hypervisor)");
    check("hypercall page and SynIC (SIMP, SIEFP, SINT2 polled, SCONTROL)");
    err = vmbus_synic_init();
    if (err)
        fail("expected them enabled got: %s", err);

    negotiate();
    find_offer();
    create_gpadls();
    open_checks();
    handshake_checks();
    sanity_checks(want_blocks);
    inflight_checks();
    flood(false, FLOOD_MAX);
    flood(true, 1500);
    packet_checks();
    lba_checks();
    length_checks();
    gpa_checks();
    cdb_checks();
    unmap_checks();
    lun_checks();
    check("TEST UNIT READY after the hostile requests");
    expect_good(test_unit_ready(), 0);
    corrupt_ring_checks();
    check("READ(10) of the round trip's blocks after all of it");
    check_read_back(PATTERN_SEED);
    teardown_checks();
    finish("storvsc PASS: %u checks", checks);
}
