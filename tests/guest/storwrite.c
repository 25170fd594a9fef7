// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtest=storwrite round=K: a well-behaved storvsc initiator that writes
 * and flushes until it is killed, the guest half of the crash-consistency
 * case (tests/system/cases/44-storage-crash.sh).  It brings the SCSI
 * controller's channel up as Linux does (VMBus through vmbus_client.c, the
 * vstor handshake), reads LUN 0's capacity, then for i = 0, 1, 2, ...
 * writes 64 KiB at 64 KiB block i % 256 holding the line "K i\n" over and
 * over (what `yes "K i" | head -c 65536` makes), sends SYNCHRONIZE CACHE,
 * and once both have completed with success says so on COM1:
 *
 *     hvtest: storwrite flushed K i
 *
 * Every write said to be flushed must then be in the image, however the
 * worker dies.  The line goes out only after the flush: whatever the
 * console shows is a promise the disk has to keep.  A request that fails
 * ends the test with a FAIL line; nothing else does.
 *
 * One request at a time, and only the next one after its completion, so
 * that the write being made at a kill is the only one whose data may be
 * old or new.
 */
#include "vstor.h"

#define OUT_PAGES   4
#define IN_PAGES    4
#define RING_GPADL  0x5A5A0
#define BLOCK_BYTES 65536u
#define BLOCKS      256u /* written round and round: 16 MiB */

static uint8_t ring_pages[OUT_PAGES + IN_PAGES][4096] __attribute__((aligned(4096)));
static uint8_t data[BLOCK_BYTES] __attribute__((aligned(4096)));
static uint8_t small[4096] __attribute__((aligned(4096)));

static uint64_t pkt[512];    /* the packet being sent */
static uint64_t in_pkt[512]; /* the packet read from the inbound ring */
static uint64_t area[2 + BLOCK_BYTES / 4096];

static struct {
    struct vmbus_chan ch;
    uint64_t round;
    uint64_t next_tid;
    uint32_t block_size;
    uint64_t blocks;
} st;

static struct vstor_packet req; /* the request being built */
static struct vstor_packet rep; /* its completion */

_Noreturn static void fail(const char *step, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

_Noreturn static void fail(const char *step, const char *fmt, ...)
{
    char detail[256];
    va_list ap;

    va_start(ap, fmt);
    fmt_vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    finish("storwrite FAIL: round %lu: %s: %s", st.round, step, detail);
}

/* A shared step (vmbus_client.c) of @step went wrong: @err says how. */
static void need(const char *step, const char *err)
{
    if (err)
        fail(step, "%s", err);
}

/* ---- one request at a time ----------------------------------------------------------- */

/* Send the packet of @len bytes in pkt and wait for the completion of its
 * transaction @tid, into rep: the host answers each request once. */
static void transact(const char *step, uint64_t tid, uint32_t len)
{
    uint64_t deadline;
    uint32_t got_len;
    bool got;
    struct vmbus_desc d;

    need(step, vmbus_chan_send(&st.ch, pkt, len, true));
    deadline = vmbus_now() + VMBUS_TIMEOUT_S * REF_1S;
    for (unsigned spin = 0;; spin++) {
        need(step, vmbus_chan_read(&st.ch, in_pkt, sizeof(in_pkt), &got_len, &got));
        if (got)
            break;
        /* The clock is an exit: read it now and then only. */
        if ((spin & 255) == 255 && vmbus_now() > deadline)
            fail(step, "expected a completion got none in %u s", VMBUS_TIMEOUT_S);
        __asm__ volatile("pause");
    }
    copy_bytes(&d, in_pkt, sizeof(d));
    if (d.type != VMBUS_PKT_COMP || d.trans_id != tid)
        fail(step, "expected the completion of transaction %lu got a packet of type %u for %lu",
             tid, d.type, d.trans_id);
    if (got_len - d.offset8 * 8u < sizeof(rep))
        fail(step, "expected a completion of %lu bytes got %u", sizeof(rep),
             got_len - d.offset8 * 8u);
    copy_bytes(&rep, (uint8_t *)in_pkt + d.offset8 * 8u, sizeof(rep));
    if (rep.operation != VSTOR_OP_COMPLETE_IO)
        fail(step, "expected operation 0x%x got 0x%x", VSTOR_OP_COMPLETE_IO, rep.operation);
}

/* A vstor operation with no body (the handshake's steps). */
static void vstor_op(const char *step, uint32_t op)
{
    uint64_t tid = ++st.next_tid;

    fill_bytes(&req, 0, sizeof(req));
    req.operation = op;
    req.flags = VSTOR_FLAG_COMPLETION;
    if (op == VSTOR_OP_QUERY_VERSION)
        req.version = VSTOR_VERSION_WIN10;
    transact(step, tid,
             vmbus_build_inband(pkt, VMBUS_PKT_INBAND, VMBUS_PKT_FLAG_COMPLETION, tid, &req,
                                sizeof(req)));
    if (rep.status != NT_SUCCESS)
        fail(step, "expected NTSTATUS 0x0 got 0x%x", rep.status);
}

/* EXECUTE_SRB of the 10-byte @cdb for LUN 0, with @len bytes of data
 * in or out of @buf (none if @len is 0), as Linux fills it in; it must
 * succeed whole. */
static void scsi(const char *step, const uint8_t *cdb, void *buf, uint32_t len, bool data_in)
{
    uint64_t tid = ++st.next_tid;
    uint32_t n;

    fill_bytes(&req, 0, sizeof(req));
    req.operation = VSTOR_OP_EXECUTE_SRB;
    req.flags = VSTOR_FLAG_COMPLETION;
    req.srb.length = sizeof(req.srb);
    req.srb.cdb_length = 10;
    req.srb.sense_info_length = VSTOR_SENSE_SIZE;
    req.srb.data_in = data_in ? 1 : 0;
    req.srb.data_transfer_length = len;
    req.srb.srb_flags = data_in ? SRB_FLAGS_DATA_IN : SRB_FLAGS_DATA_OUT;
    copy_bytes(req.srb.cdb, cdb, 10);
    if (len)
        n = vmbus_build_gpa(pkt, tid, 1, area, vmbus_range(area, buf, len), &req, sizeof(req));
    else
        n = vmbus_build_inband(pkt, VMBUS_PKT_INBAND, VMBUS_PKT_FLAG_COMPLETION, tid, &req,
                               sizeof(req));
    transact(step, tid, n);
    /* The sense data (fixed format) comes back where the CDB went. */
    if (rep.status != NT_SUCCESS || rep.srb.srb_status != SRB_SUCCESS || rep.srb.scsi_status != 0 ||
        rep.srb.data_transfer_length != len)
        fail(step,
             "expected NTSTATUS 0x0, SRB status 0x%x, SCSI status 0x0, %u bytes got 0x%x, "
             "0x%x, 0x%x, %u bytes (sense key 0x%x, ASC/ASCQ 0x%02x%02x)",
             SRB_SUCCESS, len, rep.status, rep.srb.srb_status, rep.srb.scsi_status,
             rep.srb.data_transfer_length, rep.srb.cdb[2] & 0xF, rep.srb.cdb[12], rep.srb.cdb[13]);
}

static void cdb10(uint8_t *c, uint8_t op, uint32_t lba, uint16_t count)
{
    fill_bytes(c, 0, 10);
    c[0] = op;
    put_be32(c + 2, lba);
    put_be16(c + 7, count);
}

/* ---- bringing the controller up ------------------------------------------------------ */

static void connect(void)
{
    static uint64_t pfns[OUT_PAGES + IN_PAGES];
    uint32_t version, status;
    const char *err;

    if (!hyperv_present())
        fail("CPUID 0x40000000", "expected 'Microsoft Hv' got another signature");
    err = vmbus_synic_init();
    if (err)
        fail("SynIC", "%s", err);
    need("INITIATE_CONTACT", vmbus_connect(&version));
    need("REQUESTOFFERS", vmbus_find_offer(vstor_scsi_class, &st.ch, NULL));
    if (!st.ch.offered)
        fail("REQUESTOFFERS", "expected a SCSI controller offer got none (no --disk?)");
    for (unsigned i = 0; i < OUT_PAGES + IN_PAGES; i++)
        pfns[i] = pfn(ring_pages[i]);
    need("ring GPADL", vmbus_gpadl(st.ch.relid, RING_GPADL, pfns, OUT_PAGES + IN_PAGES, 0,
                                   (OUT_PAGES + IN_PAGES) * 4096, &status));
    if (status)
        fail("ring GPADL", "expected creation_status 0x0 got 0x%x", status);
    vmbus_chan_rings(&st.ch, ring_pages, OUT_PAGES, IN_PAGES);
    need("OPENCHANNEL", vmbus_open(&st.ch, 1, RING_GPADL, OUT_PAGES, &status));
    if (status)
        fail("OPENCHANNEL", "expected status 0x0 got 0x%x", status);

    vstor_op("BEGIN_INITIALIZATION", VSTOR_OP_BEGIN_INIT);
    vstor_op("QUERY_PROTOCOL_VERSION 6.2", VSTOR_OP_QUERY_VERSION);
    vstor_op("QUERY_PROPERTIES", VSTOR_OP_QUERY_PROPERTIES);
    if (rep.props.max_transfer_bytes < BLOCK_BYTES)
        fail("QUERY_PROPERTIES", "expected max_transfer_bytes of at least 0x%x got 0x%x",
             BLOCK_BYTES, rep.props.max_transfer_bytes);
    vstor_op("END_INITIALIZATION", VSTOR_OP_END_INIT);
}

static void read_capacity(void)
{
    uint8_t c[10];

    cdb10(c, OP_READ_CAPACITY10, 0, 0);
    fill_bytes(small, 0, 8);
    scsi("READ CAPACITY(10)", c, small, 8, true);
    st.blocks = (uint64_t)be32(small) + 1;
    st.block_size = be32(small + 4);
    if (st.block_size < 512 || st.block_size > BLOCK_BYTES || BLOCK_BYTES % st.block_size)
        fail("READ CAPACITY(10)", "expected a block size that divides %u got %u", BLOCK_BYTES,
             st.block_size);
    if (st.blocks * st.block_size < (uint64_t)BLOCKS * BLOCK_BYTES)
        fail("READ CAPACITY(10)", "expected a disk of at least %u bytes got %lu",
             BLOCKS * BLOCK_BYTES, st.blocks * st.block_size);
}

/* ---- the writes ---------------------------------------------------------------------- */

/* data = "K i\n" over and over, cut at BLOCK_BYTES. */
static void fill_block(uint64_t i)
{
    char line[48];
    int n = fmt_snprintf(line, sizeof(line), "%lu %lu\n", st.round, i);

    for (uint32_t at = 0; at < BLOCK_BYTES; at++)
        data[at] = (uint8_t)line[at % (uint32_t)n];
}

_Noreturn void test_storwrite(uint64_t round)
{
    uint32_t per_block;
    uint8_t c[10];

    st.round = round;
    connect();
    read_capacity();
    per_block = BLOCK_BYTES / st.block_size;
    say("storwrite round %lu: LUN 0 has %lu blocks of %u bytes; writing", round, st.blocks,
        st.block_size);
    for (uint64_t i = 0;; i++) {
        fill_block(i);
        cdb10(c, OP_WRITE10, (uint32_t)(i % BLOCKS) * per_block, (uint16_t)per_block);
        scsi("WRITE(10)", c, data, BLOCK_BYTES, false);
        /* LBA 0 and 0 blocks: the whole disk, as Linux's sd sends it. */
        cdb10(c, OP_SYNC_CACHE10, 0, 0);
        scsi("SYNCHRONIZE CACHE(10)", c, NULL, 0, false);
        say("storwrite flushed %lu %lu", round, i);
    }
}
