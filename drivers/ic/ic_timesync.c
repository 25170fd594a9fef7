// SPDX-License-Identifier: GPL-2.0-only
/*
 * The timesync IC.  Right after negotiation the host sends a SYNC message,
 * which Linux (hv_util.c adj_guesttime) turns into settimeofday; then a
 * SAMPLE every IC_TIMESYNC_PERIOD_MS, which Linux keeps for its PTP clock
 * (/dev/ptp_hyperv) without stepping the clock.
 *
 * With message version 4.0 the message carries the child's reference time
 * read together with the parent's wall clock: Linux adds the reference time
 * that passed until it handled the message (host_time += now_ref -
 * vmreferencetime), so a late delivery does not skew the clock.  Older
 * versions carry the wall clock only (struct ictimesync_data).
 */
#include <string.h>

#include "ic_internal.h"

static const struct ic_version timesync_versions[] = {{4, 0}, {3, 0}, {1, 0}};

static struct ic_timesync *to_timesync(struct ic_chan *c)
{
    return (struct ic_timesync *)((char *)c - offsetof(struct ic_timesync, chan));
}

static void timesync_reset(struct ic_chan *c)
{
    struct ic_timesync *ts = to_timesync(c);

    ts->sync_due = false;
    ts->outstanding = false;
    ts->tid = 0;
    ts->sent_ms = 0;
}

static void timesync_ready(struct ic_chan *c, uint64_t now)
{
    (void)now;
    to_timesync(c)->sync_due = true;
}

static size_t request_size(const struct ic_chan *c)
{
    return c->msg.major >= 4 ? sizeof(struct ic_timesync_ref_msg) : sizeof(struct ic_timesync_msg);
}

static void timesync_response(struct ic_chan *c, const struct ic_response *r, uint64_t now)
{
    struct ic_timesync *ts = to_timesync(c);

    (void)now;
    /* The guest's answer carries nothing the host needs; it only frees the
     * slot for the next sample. */
    if (ts->outstanding && r->tid == ts->tid && r->type == IC_MSG_TIMESYNC &&
        r->body_len >= request_size(c))
        ts->outstanding = false;
}

static int send_time(struct ic_timesync *ts, uint8_t flags, uint64_t now)
{
    struct ic_chan *c = &ts->chan;
    const struct ic_host *h = &c->ics->host;
    uint64_t tid;
    int rc;

    if (c->msg.major >= 4) {
        struct ic_timesync_ref_msg m;

        memset(&m, 0, sizeof(m));
        /* Read back to back: the pair is what the guest interpolates from. */
        m.parenttime = h->wall_time(h->opaque);
        m.vmreferencetime = h->reference_time(h->opaque);
        m.flags = flags;
        rc = ic_chan_request(c, IC_MSG_TIMESYNC, &m, sizeof(m), &tid);
    } else {
        struct ic_timesync_msg m;

        memset(&m, 0, sizeof(m));
        m.parenttime = h->wall_time(h->opaque);
        m.flags = flags;
        rc = ic_chan_request(c, IC_MSG_TIMESYNC, &m, sizeof(m), &tid);
    }
    if (rc != 0)
        return -1;
    ts->outstanding = true;
    ts->tid = tid;
    ts->sent_ms = now;
    return 0;
}

static void timesync_pump(struct ic_chan *c, uint64_t now, bool tick)
{
    struct ic_timesync *ts = to_timesync(c);

    (void)tick;
    if (ts->outstanding && now - ts->sent_ms >= IC_TIMESYNC_RESEND_MS)
        ts->outstanding = false; /* never answered: stop waiting */
    if (ts->outstanding)
        return;
    if (ts->sync_due) {
        if (send_time(ts, IC_TIMESYNC_SYNC, now) == 0)
            ts->sync_due = false;
        return;
    }
    if (now - ts->sent_ms >= IC_TIMESYNC_PERIOD_MS)
        send_time(ts, IC_TIMESYNC_SAMPLE, now);
}

const struct ic_service_ops ic_timesync_ops = {
    .id = IC_TIMESYNC,
    .versions = timesync_versions,
    .nversions = sizeof(timesync_versions) / sizeof(timesync_versions[0]),
    .reset = timesync_reset,
    .ready = timesync_ready,
    .response = timesync_response,
    .pump = timesync_pump,
};
