// SPDX-License-Identifier: GPL-2.0-only
/*
 * storvsp: the channel, the vstor protocol and the life of a request
 * (storvsp/storvsp.h, storvsp_internal.h for the wire format).
 *
 * Handshake, as Linux 6.1's storvsc_channel_init() runs it: BEGIN_INIT;
 * QUERY_PROTOCOL_VERSION for 6.2, 6.0, 5.1 in turn until one succeeds (a
 * refused version is answered with REVISION_MISMATCH and the guest tries
 * the next); QUERY_PROPERTIES; END_INIT.  Each is answered with a COMPLETE_IO
 * completion; a packet out of that order gets INVALID_DEVICE_STATE and
 * changes nothing.  Then EXECUTE_SRB carries SCSI commands.
 *
 * A command whose target is absent (any path or target but 0/0, a LUN
 * without a disk) gets SRB_STATUS_INVALID_LUN, on which Linux removes the
 * device, except INQUIRY and REPORT LUNS, which the scan needs answered as
 * Hyper-V does.  Hot add and remove send ENUMERATE_BUS (transaction id 0):
 * Linux's storvsc_host_scan() then sends TEST UNIT READY to every device it
 * knows (a removed one fails with INVALID_LUN) and rescans with REPORT LUNS.
 *
 * Requests that need the disk go to the host's I/O threads; the rest are
 * answered at once.  A completion that finds the guest's inbound ring full
 * waits in the backlog; while it is non-empty the guest's requests are left
 * in its ring, so the guest is throttled instead of the host queueing
 * without bound.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <disk/disk.h>

#include "storvsp_internal.h"

#define OP_INQUIRY     0x12
#define OP_REPORT_LUNS 0xa0

/* ba6163d9-04a1-4d29-b605-72e2ffb1dc7f, the first three fields little-endian */
static const struct vmbus_guid scsi_class = {{0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d, 0xb6,
                                              0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f}};

static void poll_channel(struct storvsp *s);

/* ---- sending ------------------------------------------------------------------------- */

static bool channel_ready(const struct storvsp *s)
{
    return s->state != VSTOR_CLOSED && s->ch;
}

static void backlog_clear(struct storvsp *s)
{
    while (s->backlog) {
        struct storvsp_pending *p = s->backlog;

        s->backlog = p->next;
        free(p);
    }
    s->backlog_tail = &s->backlog;
}

static int send_raw(struct storvsp *s, uint16_t type, uint64_t tid, const struct vstor_packet *p)
{
    return vmbus_channel_send(s->ch, type, 0, tid, p, sizeof(*p));
}

/* Send @p, or queue it behind earlier packets the full ring refused. */
static void send_packet(struct storvsp *s, uint16_t type, uint64_t tid,
                        const struct vstor_packet *p)
{
    struct storvsp_pending *q;
    int rc;

    if (!channel_ready(s))
        return;
    if (!s->backlog) {
        rc = send_raw(s, type, tid, p);
        if (rc != VMBUS_RING_FULL)
            return; /* sent, or the channel broke (close has run) */
    }
    q = malloc(sizeof(*q));
    if (!q)
        return; /* the guest times the request out and resets */
    q->next = NULL;
    q->type = type;
    q->trans_id = tid;
    q->pkt = *p;
    *s->backlog_tail = q;
    s->backlog_tail = &q->next;
}

static void backlog_flush(struct storvsp *s)
{
    while (s->backlog && channel_ready(s)) {
        struct storvsp_pending *q = s->backlog;
        int rc = send_raw(s, q->type, q->trans_id, &q->pkt);

        if (rc == VMBUS_RING_FULL)
            return; /* the guest signals again when it has read */
        if (!channel_ready(s))
            return; /* close ran inside the send and cleared the backlog */
        s->backlog = q->next;
        if (!s->backlog)
            s->backlog_tail = &s->backlog;
        free(q);
    }
}

static void complete_status(struct storvsp *s, uint64_t tid, uint32_t status)
{
    struct vstor_packet p;

    memset(&p, 0, sizeof(p));
    p.operation = VSTOR_OP_COMPLETE_IO;
    p.status = status;
    send_packet(s, VMBUS_PKT_COMP, tid, &p);
}

_Static_assert(SCSI_SENSE_LEN <= VSTOR_SENSE_MAX, "sense data fits the packet");

static uint32_t srb_nt_status(uint8_t srb_status)
{
    switch (srb_status & 0x3f) {
    case SRB_STATUS_SUCCESS:
        return NT_SUCCESS;
    case SRB_STATUS_INVALID_LUN:
        return NT_DEVICE_DOES_NOT_EXIST;
    case SRB_STATUS_INVALID_REQUEST:
        return NT_INVALID_DEVICE_REQUEST;
    default:
        return NT_IO_DEVICE_ERROR;
    }
}

/*
 * Complete an EXECUTE_SRB: the guest's request echoed with the outcome.
 * @res NULL: @srb_status alone (an invalid LUN or request).  A CHECK
 * CONDITION is SRB_STATUS_ERROR with autosense, which Linux hands to the
 * SCSI midlayer to read the sense.
 */
static void complete_srb(struct storvsp *s, uint64_t tid, const struct vstor_srb *req,
                         uint8_t srb_status, const struct scsi_result *res)
{
    struct vstor_packet p;
    size_t sense_len;

    memset(&p, 0, sizeof(p));
    p.operation = VSTOR_OP_COMPLETE_IO;
    p.srb = *req;
    p.srb.length = sizeof(struct vstor_srb);
    p.srb.scsi_status = 0;
    p.srb.data_transfer_length = 0;
    p.srb.sense_info_length = 0;
    memset(p.srb.cdb, 0, sizeof(p.srb.cdb));
    if (res && res->status == SCSI_STATUS_GOOD) {
        srb_status = SRB_STATUS_SUCCESS;
        p.srb.data_transfer_length = res->transferred;
    } else if (res) {
        srb_status = SRB_STATUS_ERROR;
        p.srb.scsi_status = res->status;
        /* As much sense as the guest's buffer takes (its own length): all
         * our sense fits the packet's 20 bytes. */
        sense_len = req->sense_info_length;
        if (sense_len > SCSI_SENSE_LEN)
            sense_len = SCSI_SENSE_LEN;
        if (sense_len) {
            memcpy(p.srb.cdb, res->sense, sense_len);
            p.srb.sense_info_length = (uint8_t)sense_len;
            srb_status |= SRB_STATUS_AUTOSENSE_VALID;
        }
    }
    p.srb.srb_status = srb_status;
    p.status = srb_nt_status(srb_status);
    send_packet(s, VMBUS_PKT_COMP, tid, &p);
}

static void send_enumerate_bus(struct storvsp *s)
{
    struct vstor_packet p;

    if (s->state != VSTOR_READY)
        return; /* the guest scans when its handshake ends */
    memset(&p, 0, sizeof(p));
    p.operation = VSTOR_OP_ENUMERATE_BUS;
    /* Unsolicited: transaction id 0, no completion wanted. */
    send_packet(s, VMBUS_PKT_DATA_INBAND, 0, &p);
}

/* ---- disks ----------------------------------------------------------------------------- */

static void disk_put(struct storvsp_disk *d)
{
    if (--d->refs)
        return;
    disk_close(d->sd.disk);
    free(d);
}

/* ---- requests -------------------------------------------------------------------------- */

static void present_luns(const struct storvsp *s, bool *present)
{
    for (unsigned i = 0; i < STORVSP_MAX_LUNS; i++)
        present[i] = s->luns[i] != NULL;
}

/* The EXECUTE_SRB at byte @off of @pkt (a packet of @type whose payload is
 * @plen bytes, the vstor header included). */
static void execute_srb(struct storvsp *s, uint64_t tid, uint16_t type, const uint8_t *pkt,
                        size_t off, size_t plen)
{
    const uint8_t *payload = pkt + off;
    struct vstor_srb req;
    struct gpa_buf buf;
    struct scsi_result res;
    struct scsi_op op;
    struct storvsp_disk *d;
    struct storvsp_io *io;
    bool present[STORVSP_MAX_LUNS];
    size_t cdb_len;

    memset(&req, 0, sizeof(req));
    /* Every version this host accepts has the Windows 8 request size. */
    if (plen < VSTOR_HDR_SIZE + sizeof(req)) {
        memcpy(&req, payload + VSTOR_HDR_SIZE, plen - VSTOR_HDR_SIZE);
        complete_srb(s, tid, &req, SRB_STATUS_INVALID_REQUEST, NULL);
        return;
    }
    memcpy(&req, payload + VSTOR_HDR_SIZE, sizeof(req));

    memset(&buf, 0, sizeof(buf));
    if (type == VMBUS_PKT_DATA_GPA_DIRECT &&
        gpa_range_parse(s->ch, pkt, off, STORVSP_MAX_TRANSFER_BYTES, &buf) != 0) {
        complete_srb(s, tid, &req, SRB_STATUS_INVALID_REQUEST, NULL);
        return;
    }
    /* The one check of cdb_length: everything below (the SCSI layer
     * included) may rely on 1..16 bytes.  Out of range is a malformed
     * request, not a SCSI error. */
    cdb_len = req.cdb_length;
    if (req.data_transfer_length > buf.len || cdb_len == 0 || cdb_len > VSTOR_CDB_MAX) {
        gpa_buf_free(&buf);
        complete_srb(s, tid, &req, SRB_STATUS_INVALID_REQUEST, NULL);
        return;
    }
    /* The buffer is what the request says it is. */
    gpa_buf_truncate(&buf, req.data_transfer_length);

    if (req.cdb[0] == OP_REPORT_LUNS) {
        /* Our LUNs are on path 0, target 0; other targets have none. */
        present_luns(s, present);
        scsi_report_luns(req.cdb, cdb_len, req.path_id == 0 && req.target_id == 0 ? present : NULL,
                         STORVSP_MAX_LUNS, buf.iov, buf.iovcnt, buf.len, &res);
        gpa_buf_free(&buf);
        complete_srb(s, tid, &req, 0, &res);
        return;
    }
    d = req.path_id == 0 && req.target_id == 0 && req.lun < STORVSP_MAX_LUNS ? s->luns[req.lun]
                                                                             : NULL;
    if (!d) {
        if (scsi_absent_lun_inquiry(req.cdb, cdb_len, buf.iov, buf.iovcnt, buf.len, &res))
            complete_srb(s, tid, &req, 0, &res);
        else
            complete_srb(s, tid, &req, SRB_STATUS_INVALID_LUN, NULL);
        gpa_buf_free(&buf);
        return;
    }

    scsi_disk_command(&d->sd, req.cdb, cdb_len, buf.iov, buf.iovcnt, buf.len, &op, &res);
    if (op.kind == SCSI_OP_NONE) {
        gpa_buf_free(&buf);
        complete_srb(s, tid, &req, 0, &res);
        return;
    }
    io = calloc(1, sizeof(*io));
    if (!io) {
        scsi_op_free(&op);
        gpa_buf_free(&buf);
        scsi_set_sense(&res, SENSE_HARDWARE_ERROR, ASC_INTERNAL_TARGET_FAILURE);
        complete_srb(s, tid, &req, 0, &res);
        return;
    }
    io->s = s;
    io->d = d;
    io->gen = s->gen;
    io->trans_id = tid;
    io->req = req;
    io->op = op;
    io->buf = buf;
    d->refs++;
    s->inflight++;
    s->host.submit(s->host.opaque, io);
}

void storvsp_io_execute(struct storvsp_io *io)
{
    struct disk *disk = io->d->sd.disk;
    const struct scsi_op *op = &io->op;
    int rc = 0;

    switch (op->kind) {
    case SCSI_OP_READ:
        rc = disk_readv(disk, op->offset, io->buf.iov, io->buf.iovcnt);
        break;
    case SCSI_OP_WRITE:
        rc = disk_writev(disk, op->offset, io->buf.iov, io->buf.iovcnt);
        if (rc == 0 && op->fua)
            rc = disk_flush(disk);
        break;
    case SCSI_OP_FLUSH:
        rc = disk_flush(disk);
        break;
    case SCSI_OP_UNMAP:
        for (unsigned i = 0; i < op->nranges && rc == 0; i++)
            rc = disk_discard(disk, op->ranges[i].offset, op->ranges[i].len);
        break;
    default:
        rc = -EINVAL;
        break;
    }
    io->rc = rc;
}

void storvsp_io_complete(struct storvsp_io *io)
{
    struct storvsp *s = io->s;
    struct scsi_result res;

    scsi_disk_finish(&io->op, io->rc, &res);
    /* A completion for a ring the guest has since closed or reopened
     * would answer a transaction id it no longer knows. */
    if (io->gen == s->gen && s->state == VSTOR_READY)
        complete_srb(s, io->trans_id, &io->req, 0, &res);
    disk_put(io->d);
    scsi_op_free(&io->op);
    gpa_buf_free(&io->buf);
    free(io);
    /* Reading may have paused at the in-flight limit. */
    if (s->inflight-- == STORVSP_INFLIGHT_MAX)
        poll_channel(s);
}

/* ---- the vstor protocol ------------------------------------------------------------------ */

static bool version_ok(uint16_t v)
{
    return v == VSTOR_VERSION_WIN10 || v == VSTOR_VERSION_WIN8_1 || v == VSTOR_VERSION_WIN8;
}

static void handle_packet(struct storvsp *s, const uint8_t *pkt, uint32_t len)
{
    struct vmbus_packet_desc desc;
    struct vstor_packet p;
    const uint8_t *payload;
    size_t off, plen;
    uint32_t op;

    memcpy(&desc, pkt, sizeof(desc));
    if (desc.type == VMBUS_PKT_COMP)
        return; /* we ask for none: nothing to match */
    off = (size_t)desc.offset8 * 8;
    /* The ring checked offset8 against the packet; stay safe regardless. */
    if (off < sizeof(desc) || off > len)
        return;
    payload = pkt + off;
    plen = len - off;
    if (desc.type != VMBUS_PKT_DATA_INBAND && desc.type != VMBUS_PKT_DATA_GPA_DIRECT) {
        complete_status(s, desc.trans_id, NT_INVALID_DEVICE_REQUEST);
        return;
    }
    if (plen < VSTOR_HDR_SIZE) {
        complete_status(s, desc.trans_id, NT_INVALID_PARAMETER);
        return;
    }
    memcpy(&op, payload, sizeof(op));

    switch (op) {
    case VSTOR_OP_BEGIN_INIT:
        if (s->state != VSTOR_WAIT_BEGIN)
            break;
        s->state = VSTOR_WAIT_VERSION;
        complete_status(s, desc.trans_id, NT_SUCCESS);
        return;
    case VSTOR_OP_QUERY_VERSION: {
        struct vstor_version v;

        if (s->state != VSTOR_WAIT_VERSION)
            break;
        if (plen < VSTOR_HDR_SIZE + sizeof(v)) {
            complete_status(s, desc.trans_id, NT_INVALID_PARAMETER);
            return;
        }
        memcpy(&v, payload + VSTOR_HDR_SIZE, sizeof(v));
        memset(&p, 0, sizeof(p));
        p.operation = VSTOR_OP_COMPLETE_IO;
        p.version.major_minor = v.major_minor;
        if (version_ok(v.major_minor)) {
            s->state = VSTOR_WAIT_PROPERTIES;
            p.status = NT_SUCCESS;
        } else {
            /* Linux goes on to its next version. */
            p.status = NT_REVISION_MISMATCH;
        }
        send_packet(s, VMBUS_PKT_COMP, desc.trans_id, &p);
        return;
    }
    case VSTOR_OP_QUERY_PROPERTIES:
        if (s->state != VSTOR_WAIT_PROPERTIES)
            break;
        memset(&p, 0, sizeof(p));
        p.operation = VSTOR_OP_COMPLETE_IO;
        p.status = NT_SUCCESS;
        /* One channel: no sub-channels, no multi-channel flag.  Linux sizes
         * its requests (max_sectors, sg_tablesize) from max_transfer_bytes,
         * so it must not be 0. */
        p.props.max_channel_count = 0;
        p.props.flags = 0;
        p.props.max_transfer_bytes = STORVSP_MAX_TRANSFER_BYTES;
        s->state = VSTOR_WAIT_END;
        send_packet(s, VMBUS_PKT_COMP, desc.trans_id, &p);
        return;
    case VSTOR_OP_END_INIT:
        if (s->state != VSTOR_WAIT_END)
            break;
        s->state = VSTOR_READY;
        complete_status(s, desc.trans_id, NT_SUCCESS);
        return;
    case VSTOR_OP_EXECUTE_SRB:
        if (s->state != VSTOR_READY)
            break;
        execute_srb(s, desc.trans_id, desc.type, pkt, off, plen);
        return;
    case VSTOR_OP_RESET_LUN:
    case VSTOR_OP_RESET_ADAPTER:
    case VSTOR_OP_RESET_BUS:
        if (s->state != VSTOR_READY)
            break;
        /* Nothing is queued inside storvsp: requests in flight complete on
         * their own, and Linux waits for them after a reset. */
        complete_status(s, desc.trans_id, NT_SUCCESS);
        return;
    default:
        /* CREATE_SUB_CHANNELS included: we announced none. */
        complete_status(s, desc.trans_id, NT_INVALID_DEVICE_REQUEST);
        return;
    }
    complete_status(s, desc.trans_id, NT_INVALID_DEVICE_STATE);
}

/*
 * Send what waits, then read the guest's packets until its ring is empty,
 * its inbound ring is full (the backlog is non-empty) or the in-flight
 * limit is reached.  Reentry (a host that completes a request inside
 * submit) only counts: the outer loop goes on.
 */
static void poll_channel(struct storvsp *s)
{
    if (s->polling || !channel_ready(s))
        return;
    s->polling = true;
    backlog_flush(s);
    while (channel_ready(s) && !s->backlog && s->inflight < STORVSP_INFLIGHT_MAX) {
        uint32_t len = 0;
        uint8_t *big;
        int rc = vmbus_channel_recv(s->ch, s->rx, sizeof(s->rx), &len);

        if (rc == VMBUS_RING_OK) {
            handle_packet(s, (const uint8_t *)s->rx, len);
            continue;
        }
        if (rc != VMBUS_RING_TOO_BIG)
            break; /* empty, or corrupt (close has run) */
        /* Larger than any packet storvsc sends for our transfer size, but
         * answer it (with an error) rather than leave the guest waiting. */
        big = malloc(len);
        if (!big || vmbus_channel_recv(s->ch, big, len, &len) != VMBUS_RING_OK) {
            free(big);
            if (vmbus_channel_skip(s->ch) != VMBUS_RING_OK)
                break;
            continue;
        }
        handle_packet(s, big, len);
        free(big);
    }
    s->polling = false;
}

/* ---- the channel ---------------------------------------------------------------------- */

static int dev_open(struct vmbus_channel *ch, void *dev)
{
    struct storvsp *s = dev;

    s->ch = ch;
    s->gen++;
    s->state = VSTOR_WAIT_BEGIN;
    backlog_clear(s);
    return 0;
}

static void dev_close(struct vmbus_channel *ch, void *dev)
{
    struct storvsp *s = dev;

    (void)ch;
    s->gen++;
    s->state = VSTOR_CLOSED;
    backlog_clear(s);
}

static void dev_notify(struct vmbus_channel *ch, void *dev)
{
    (void)ch;
    poll_channel(dev);
}

static const struct vmbus_device_ops storvsp_ops = {
    .open = dev_open,
    .close = dev_close,
    .notify = dev_notify,
};

struct storvsp *storvsp_create(struct vmbus_server *srv, const struct storvsp_host *host,
                               const struct vmbus_guid *instance)
{
    struct vmbus_offer offer;
    struct storvsp *s;

    if (!srv || !host || !host->submit || !instance)
        return NULL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->host = *host;
    s->instance = *instance;
    s->state = VSTOR_CLOSED;
    s->backlog_tail = &s->backlog;

    memset(&offer, 0, sizeof(offer));
    offer.type = scsi_class;
    offer.instance = *instance;
    offer.sub_channel_index = 0;
    s->ch = vmbus_server_offer(srv, &offer, &storvsp_ops, s);
    if (!s->ch) {
        free(s);
        return NULL;
    }
    return s;
}

void storvsp_destroy(struct storvsp *s)
{
    if (!s)
        return;
    /* The host has completed every request it was given: an io holds s. */
    assert(s->inflight == 0);
    vmbus_server_rescind(s->ch); /* close runs if open */
    s->ch = NULL;
    s->state = VSTOR_CLOSED;
    backlog_clear(s);
    for (unsigned i = 0; i < STORVSP_MAX_LUNS; i++) {
        if (s->luns[i])
            disk_put(s->luns[i]);
        s->luns[i] = NULL;
    }
    free(s);
}

int storvsp_attach(struct storvsp *s, unsigned lun, struct disk *d)
{
    struct storvsp_disk *sd;
    int rc;

    if (!s || !d || lun >= STORVSP_MAX_LUNS)
        return -EINVAL;
    if (s->luns[lun])
        return -EBUSY;
    sd = calloc(1, sizeof(*sd));
    if (!sd)
        return -ENOMEM;
    rc = scsi_disk_init(&sd->sd, d, s->instance.b, lun, STORVSP_MAX_TRANSFER_BYTES);
    if (rc) {
        free(sd);
        return rc;
    }
    sd->refs = 1;
    s->luns[lun] = sd;
    send_enumerate_bus(s);
    return 0;
}

int storvsp_detach(struct storvsp *s, unsigned lun)
{
    struct storvsp_disk *d;

    if (!s || lun >= STORVSP_MAX_LUNS || !s->luns[lun])
        return -ENOENT;
    d = s->luns[lun];
    /* Gone for new commands now; closed when its last request is done. */
    s->luns[lun] = NULL;
    disk_put(d);
    send_enumerate_bus(s);
    return 0;
}

bool storvsp_has_lun(const struct storvsp *s, unsigned lun)
{
    return s && lun < STORVSP_MAX_LUNS && s->luns[lun];
}

void storvsp_describe(const struct storvsp *s, char *buf, size_t len)
{
    unsigned backlog = 0, luns = 0;

    if (!s) {
        snprintf(buf, len, "storvsp: none");
        return;
    }
    for (const struct storvsp_pending *p = s->backlog; p; p = p->next)
        backlog++;
    for (unsigned i = 0; i < STORVSP_MAX_LUNS; i++)
        luns += s->luns[i] != NULL;
    snprintf(buf, len, "storvsp: state %d, %u LUNs, %u requests in flight, %u completions waiting",
             (int)s->state, luns, s->inflight, backlog);
}
