/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's GPADLs (guest physical address descriptor lists): memory the
 * guest shares with the host, named by an id it chooses.  GPADL_HEADER
 * announces the range data (range_buflen bytes describing rangecount GPA
 * ranges: a struct vmbus_gpa_range, then the PFNs of the pages it spans),
 * carries its start, and GPADL_BODY messages bring the rest in order.  When
 * all of it has arrived the ranges are checked, every page is mapped with
 * host->map_pages() into one view, and GPADL_CREATED reports the outcome.
 *
 * Choices:
 *  - A GPADL whose data is inconsistent (a range's byte_offset not inside
 *    its first page, a zero byte_count, more or fewer PFNs than its ranges
 *    span), whose pages are not guest RAM, whose id is in use, or that would
 *    exceed VMBUS_GPADL_MAX GPADLs gets creation_status != 0 and is
 *    forgotten (Linux then gives up on it without a teardown).
 *  - Several ranges are taken as long as every one is whole pages: the view
 *    is then their concatenation.  A single range may start and end inside
 *    a page (the view starts at byte_offset).  Linux sends one range,
 *    page-aligned, for rings and buffers alike.
 *  - Messages longer than needed are fine (UEFI clients pad to the maximum
 *    message size): only the announced amount of data is taken.
 *  - GPADL_TEARDOWN of the GPADL that holds an open channel's rings closes
 *    that channel first (Linux closes before tearing down; a guest that does
 *    not must not leave the device on unmapped memory); for another GPADL of
 *    an open channel the device's gpadl_teardown callback runs first.  A
 *    teardown naming an unknown or incomplete GPADL, or the wrong relid, is
 *    ignored, as a GPADL_BODY for an unknown or complete GPADL is.
 */
#include <stdlib.h>
#include <string.h>

#include "server_internal.h"

/* Any GPADL, complete or still receiving its data. */
static struct vmbus_gpadl *gpadl_lookup(struct vmbus_server *srv, uint32_t id)
{
    for (struct vmbus_gpadl *g = srv->gpadls; g; g = g->next)
        if (g->id == id)
            return g;
    return NULL;
}

struct vmbus_gpadl *vmbus_gpadl_find(struct vmbus_server *srv, uint32_t id)
{
    struct vmbus_gpadl *g = gpadl_lookup(srv, id);

    return g && g->complete ? g : NULL;
}

void *vmbus_server_gpadl_view(struct vmbus_server *srv, uint32_t gpadl_id, size_t *len)
{
    struct vmbus_gpadl *g = srv ? vmbus_gpadl_find(srv, gpadl_id) : NULL;

    if (!g)
        return NULL;
    if (len)
        *len = g->len;
    return g->view;
}

void *vmbus_channel_gpadl_view(struct vmbus_channel *ch, uint32_t gpadl_id, size_t *len)
{
    struct vmbus_gpadl *g = ch ? vmbus_gpadl_find(ch->srv, gpadl_id) : NULL;

    if (!g || g->relid != ch->relid)
        return NULL;
    if (len)
        *len = g->len;
    return g->view;
}

static void gpadl_free(struct vmbus_server *srv, struct vmbus_gpadl *g)
{
    struct vmbus_gpadl **pp;

    for (pp = &srv->gpadls; *pp; pp = &(*pp)->next) {
        if (*pp == g) {
            *pp = g->next;
            break;
        }
    }
    if (g->map)
        srv->host.unmap_pages(srv->host.opaque, g->map, g->map_pages);
    srv->gpadl_count--;
    free(g->data);
    free(g);
}

void vmbus_gpadl_free_relid(struct vmbus_server *srv, uint32_t relid)
{
    struct vmbus_gpadl *g = srv->gpadls, *next;

    for (; g; g = next) {
        next = g->next;
        if (g->relid == relid)
            gpadl_free(srv, g);
    }
}

void vmbus_gpadl_free_all(struct vmbus_server *srv)
{
    while (srv->gpadls)
        gpadl_free(srv, srv->gpadls);
}

static void send_created(struct vmbus_server *srv, uint32_t relid, uint32_t id, uint32_t status)
{
    struct vmbus_msg_gpadl_created m;

    memset(&m, 0, sizeof(m));
    m.header.msgtype = VMBUS_MSG_GPADL_CREATED;
    /* Linux matches the reply to its request by both. */
    m.child_relid = relid;
    m.gpadl = id;
    m.creation_status = status;
    vmbus_srv_send(srv, &m, sizeof(m));
}

/*
 * Check the complete range data, squeeze the PFNs together (in place: each
 * one moves left past the range headers before it) and map them.  False if
 * anything is wrong.
 */
static bool gpadl_map(struct vmbus_server *srv, struct vmbus_gpadl *g)
{
    struct vmbus_gpa_range first = {0, 0};
    uint32_t pos = 0, pages = 0;

    for (uint32_t r = 0; r < g->range_count; r++) {
        struct vmbus_gpa_range range;
        uint64_t n;

        if (pos >= g->entries)
            return false;
        memcpy(&range, &g->data[pos++], sizeof(range));
        if (range.byte_count == 0 || range.byte_offset >= VMBUS_PAGE)
            return false;
        /* 64-bit: byte_offset + byte_count can pass 4 GiB. */
        n = ((uint64_t)range.byte_offset + range.byte_count + VMBUS_PAGE - 1) / VMBUS_PAGE;
        if (n > g->entries - pos)
            return false;
        /* Concatenated ranges only read as one buffer if none has holes. */
        if (g->range_count > 1 && (range.byte_offset != 0 || range.byte_count % VMBUS_PAGE))
            return false;
        if (r == 0)
            first = range;
        memmove(&g->data[pages], &g->data[pos], n * sizeof(uint64_t));
        pos += (uint32_t)n;
        pages += (uint32_t)n;
    }
    /* Every announced entry must belong to a range. */
    if (pos != g->entries)
        return false;

    g->map = srv->host.map_pages(srv->host.opaque, g->data, pages);
    if (!g->map)
        return false;
    g->map_pages = pages;
    if (g->range_count == 1) {
        g->view = (uint8_t *)g->map + first.byte_offset;
        g->len = first.byte_count;
    } else {
        g->view = g->map;
        g->len = (size_t)pages * VMBUS_PAGE;
    }
    g->whole_pages = g->view == g->map && g->len == (size_t)pages * VMBUS_PAGE;
    /* The PFNs are not needed once mapped. */
    free(g->data);
    g->data = NULL;
    return true;
}

/* Take up to @count u64s of range data from an unaligned message. */
static void gpadl_append(struct vmbus_server *srv, struct vmbus_gpadl *g, const uint8_t *src,
                         size_t count)
{
    uint32_t room = g->entries - g->filled;

    if (count > room)
        count = room;
    memcpy(&g->data[g->filled], src, count * sizeof(uint64_t));
    g->filled += (uint32_t)count;
    if (g->filled < g->entries)
        return;
    if (gpadl_map(srv, g)) {
        g->complete = true;
        send_created(srv, g->relid, g->id, 0);
    } else {
        send_created(srv, g->relid, g->id, VMBUS_STATUS_UNSUCCESSFUL);
        gpadl_free(srv, g);
    }
}

void vmbus_gpadl_header_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size)
{
    struct vmbus_msg_gpadl_header h;
    struct vmbus_gpadl *g;
    uint32_t entries;

    if (size < sizeof(h))
        return;
    memcpy(&h, msg, sizeof(h));
    entries = h.range_buflen / 8u;
    /* Each range takes a header and at least one PFN. */
    if (!vmbus_srv_guest_channel(srv, h.child_relid) || h.rangecount == 0 || h.range_buflen % 8u ||
        entries < 2u * h.rangecount || gpadl_lookup(srv, h.gpadl) ||
        srv->gpadl_count >= VMBUS_GPADL_MAX)
        goto fail;

    g = calloc(1, sizeof(*g));
    if (!g)
        goto fail;
    /* range_buflen is 16 bits: at most 8191 entries, 64 KiB. */
    g->data = calloc(entries, sizeof(uint64_t));
    if (!g->data) {
        free(g);
        goto fail;
    }
    g->id = h.gpadl;
    g->relid = h.child_relid;
    g->range_count = h.rangecount;
    g->entries = entries;
    g->next = srv->gpadls;
    srv->gpadls = g;
    srv->gpadl_count++;
    gpadl_append(srv, g, msg + sizeof(h), (size - sizeof(h)) / 8);
    return;

fail:
    send_created(srv, h.child_relid, h.gpadl, VMBUS_STATUS_UNSUCCESSFUL);
}

void vmbus_gpadl_body_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size)
{
    struct vmbus_msg_gpadl_body b;
    struct vmbus_gpadl *g;

    if (size < sizeof(b))
        return;
    memcpy(&b, msg, sizeof(b));
    g = gpadl_lookup(srv, b.gpadl);
    if (!g || g->complete)
        return;
    gpadl_append(srv, g, msg + sizeof(b), (size - sizeof(b)) / 8);
}

void vmbus_gpadl_teardown_msg(struct vmbus_server *srv, const uint8_t *msg, size_t size)
{
    struct vmbus_msg_gpadl_teardown t;
    struct vmbus_msg_gpadl_torndown m;
    struct vmbus_channel *ch;
    struct vmbus_gpadl *g;

    if (size < sizeof(t))
        return;
    memcpy(&t, msg, sizeof(t));
    g = vmbus_gpadl_find(srv, t.gpadl);
    if (!g || g->relid != t.child_relid)
        return;

    ch = srv->chans[g->relid];
    if (ch && ch->state == VMBUS_CH_OPEN) {
        /* Neither callback can free the GPADL: only the guest's messages and
         * disconnection do. */
        if (ch->ring_gpadl == g->id)
            vmbus_channel_close(ch);
        else if (ch->ops && ch->ops->gpadl_teardown)
            ch->ops->gpadl_teardown(ch, ch->dev, g->id);
    }
    gpadl_free(srv, g);

    memset(&m, 0, sizeof(m));
    m.header.msgtype = VMBUS_MSG_GPADL_TORNDOWN;
    m.gpadl = t.gpadl;
    vmbus_srv_send(srv, &m, sizeof(m));
}
