// SPDX-License-Identifier: GPL-2.0-only
/*
 * The heartbeat IC: the host sends heartbeat_msg_data with a sequence number
 * on every tick and Linux (hv_util.c heartbeat_onchannelcallback) answers
 * with seq_num + 1.  One heartbeat is in flight at a time; an unanswered one
 * is replaced after IC_HEARTBEAT_LOST_MS, so a hung guest finds at most one
 * stale request per period in its ring.
 *
 * State: NO_CONTACT until the first valid answer after the channel opened,
 * OK while answers come, LOST once the last valid answer is
 * IC_HEARTBEAT_LOST_MS old (ten missed ticks), OK again with the next one.
 * A closed channel (guest reboot, driver unloaded) is NO_CONTACT: nothing
 * in the guest is running the service.
 */
#include <string.h>

#include "ic_internal.h"

static const struct ic_version heartbeat_versions[] = {{3, 0}, {1, 0}};

static struct ic_heartbeat *to_heartbeat(struct ic_chan *c)
{
    return (struct ic_heartbeat *)((char *)c - offsetof(struct ic_heartbeat, chan));
}

static void heartbeat_reset(struct ic_chan *c)
{
    struct ic_heartbeat *hb = to_heartbeat(c);

    hb->state = IC_HEARTBEAT_NO_CONTACT;
    hb->ever_sent = false;
    hb->outstanding = false;
    hb->tid = 0;
    hb->sent_ms = 0;
    hb->last_ok_ms = 0;
}

static void update_state(struct ic_heartbeat *hb, uint64_t now)
{
    if (hb->state == IC_HEARTBEAT_OK && now - hb->last_ok_ms >= IC_HEARTBEAT_LOST_MS)
        hb->state = IC_HEARTBEAT_LOST;
}

static void heartbeat_response(struct ic_chan *c, const struct ic_response *r, uint64_t now)
{
    struct ic_heartbeat *hb = to_heartbeat(c);
    struct ic_heartbeat_msg m;

    if (!hb->outstanding || r->tid != hb->tid || r->type != IC_MSG_HEARTBEAT ||
        r->status != IC_S_OK || r->body_len < sizeof(m))
        return;
    memcpy(&m, r->body, sizeof(m));
    if (m.seq_num != hb->seq + 1)
        return;
    hb->outstanding = false;
    hb->state = IC_HEARTBEAT_OK;
    hb->last_ok_ms = now;
}

static void heartbeat_pump(struct ic_chan *c, uint64_t now, bool tick)
{
    struct ic_heartbeat *hb = to_heartbeat(c);
    struct ic_heartbeat_msg m;
    uint64_t tid;

    update_state(hb, now);
    /* The first heartbeat goes out at once, the others with the ticks. */
    if (hb->ever_sent && !tick)
        return;
    if (hb->outstanding && now - hb->sent_ms < IC_HEARTBEAT_LOST_MS)
        return;
    memset(&m, 0, sizeof(m));
    /* Steps of 2: no answer (seq + 1) can pass for a later request. */
    m.seq_num = hb->seq + 2;
    if (ic_chan_request(c, IC_MSG_HEARTBEAT, &m, sizeof(m), &tid) != 0)
        return;
    hb->seq = m.seq_num;
    hb->ever_sent = true;
    hb->outstanding = true;
    hb->tid = tid;
    hb->sent_ms = now;
}

const struct ic_service_ops ic_heartbeat_ops = {
    .id = IC_HEARTBEAT,
    .versions = heartbeat_versions,
    .nversions = sizeof(heartbeat_versions) / sizeof(heartbeat_versions[0]),
    .reset = heartbeat_reset,
    .response = heartbeat_response,
    .pump = heartbeat_pump,
};

enum ic_heartbeat_state ic_heartbeat_state(const struct ic_services *ics)
{
    const struct ic_heartbeat *hb = &ics->heartbeat;

    /* Computed now, so the answer does not depend on the tick's cadence. */
    if (hb->state == IC_HEARTBEAT_OK && ic_now(ics) - hb->last_ok_ms >= IC_HEARTBEAT_LOST_MS)
        return IC_HEARTBEAT_LOST;
    return hb->state;
}
