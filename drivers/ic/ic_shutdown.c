// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shutdown IC: the host asks the guest to power off or restart.  Linux
 * (hv_util.c shutdown_onchannelcallback) reads shutdown_msg_data.flags:
 * 0 or 1 power off, 2 or 3 restart, 4 or 5 hibernate (bit 0 is "force",
 * which Linux always does anyway), anything else HV_E_FAIL; it answers
 * HV_S_OK before it starts going down.  Restart needs message version 3.1,
 * hibernation 3.2; a guest that negotiated less answers HV_E_FAIL, which is
 * recorded like any refusal.
 */
#include <string.h>

#include "ic_internal.h"

static const struct ic_version shutdown_versions[] = {{3, 2}, {3, 1}, {3, 0}, {1, 0}};

static struct ic_shutdown *to_shutdown(struct ic_chan *c)
{
    return (struct ic_shutdown *)((char *)c - offsetof(struct ic_shutdown, chan));
}

static void shutdown_reset(struct ic_chan *c)
{
    struct ic_shutdown *sd = to_shutdown(c);

    sd->result = IC_SHUTDOWN_NONE;
    sd->status = 0;
    sd->tid = 0;
}

static void shutdown_response(struct ic_chan *c, const struct ic_response *r, uint64_t now)
{
    struct ic_shutdown *sd = to_shutdown(c);

    (void)now;
    if (sd->result != IC_SHUTDOWN_PENDING || r->tid != sd->tid || r->type != IC_MSG_SHUTDOWN ||
        r->body_len < sizeof(struct ic_shutdown_msg))
        return;
    sd->status = r->status;
    sd->result = r->status == IC_S_OK ? IC_SHUTDOWN_ACCEPTED : IC_SHUTDOWN_REFUSED;
}

static void shutdown_pump(struct ic_chan *c, uint64_t now, bool tick)
{
    /* Nothing periodic: requests come from ic_shutdown_request(). */
    (void)c;
    (void)now;
    (void)tick;
}

const struct ic_service_ops ic_shutdown_ops = {
    .id = IC_SHUTDOWN,
    .versions = shutdown_versions,
    .nversions = sizeof(shutdown_versions) / sizeof(shutdown_versions[0]),
    .reset = shutdown_reset,
    .response = shutdown_response,
    .pump = shutdown_pump,
};

bool ic_shutdown_ready(const struct ic_services *ics)
{
    return ic_chan_ready(&ics->shutdown.chan);
}

int ic_shutdown_request(struct ic_services *ics, bool reboot)
{
    struct ic_shutdown *sd = &ics->shutdown;
    struct ic_shutdown_msg msg;
    uint64_t tid;

    memset(&msg, 0, sizeof(msg));
    msg.reason_code = IC_SHUTDOWN_REASON_PLANNED;
    msg.flags = reboot ? IC_SHUTDOWN_FLAG_RESTART : 0;
    if (ic_chan_request(&sd->chan, IC_MSG_SHUTDOWN, &msg, sizeof(msg), &tid) != 0)
        return -1;
    /* A second request supersedes the first: only its answer counts. */
    sd->tid = tid;
    sd->result = IC_SHUTDOWN_PENDING;
    sd->status = 0;
    return 0;
}

enum ic_shutdown_result ic_shutdown_result(const struct ic_services *ics, uint32_t *status)
{
    if (status)
        *status = ics->shutdown.status;
    return ics->shutdown.result;
}
