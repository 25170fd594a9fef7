// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVP (key-value pair) IC.  Linux's hv_kvp.c passes each request to the
 * hv_kvp_daemon and answers when it replies (or with HV_E_FAIL after 30 s);
 * it handles one transaction at a time, so the host keeps one request in
 * flight.
 *
 * Reading: the host enumerates a pool with KVP_OP_ENUMERATE and index 0, 1,
 * 2, ...; the guest fills in key and value (UTF-16LE, sizes in bytes with the
 * NUL) and status HV_S_OK, or answers with an error status past the end (the
 * daemon's HV_S_CONT).  Pool "auto" (2) is the daemon's fixed list (index 0
 * FullyQualifiedDomainName ... 9 ProcessorArchitecture), pool "guest" (1)
 * what the guest's administrator stored.  A round over both runs every
 * IC_KVP_PERIOD_MS; a pool's pairs are replaced when its enumeration ends
 * with an error status, so readers see whole snapshots.  An item that does
 * not convert (bad UTF-16, odd size, empty key) is skipped.
 *
 * Writing: ic_kvp_set() pairs go to pool "external" (0) with KVP_OP_SET,
 * REG_SZ, key and value NUL-terminated (Linux converts with
 * utf16s_to_utf8s, which stops at the NUL).  They are kept and written again
 * each time the channel becomes ready.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ic_internal.h"

static const struct ic_version kvp_versions[] = {{4, 0}, {3, 0}, {1, 0}};

/* Enumeration order, and the names ic_kvp_get() gives. */
static const uint8_t pool_ids[IC_KVP_GUEST_POOLS] = {IC_KVP_POOL_AUTO, IC_KVP_POOL_GUEST};
static const char *const pool_names[IC_KVP_GUEST_POOLS] = {"auto", "guest"};

/* UTF-8 sizes of the longest key and value the protocol carries. */
#define KEY_UTF8_CAP   (IC_KVP_KEY_BYTES / 2 * 3 + 1)
#define VALUE_UTF8_CAP (IC_KVP_VALUE_BYTES / 2 * 3 + 1)

static struct ic_kvp *to_kvp(struct ic_chan *c)
{
    return (struct ic_kvp *)((char *)c - offsetof(struct ic_kvp, chan));
}

static void list_clear(struct ic_kvp_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    l->n = 0;
}

void ic_kvp_free(struct ic_kvp *kvp)
{
    for (unsigned int p = 0; p < IC_KVP_GUEST_POOLS; p++)
        list_clear(&kvp->pools[p]);
    list_clear(&kvp->staging);
    for (size_t i = 0; i < kvp->nset; i++) {
        free(kvp->set[i].key);
        free(kvp->set[i].value);
    }
    kvp->nset = 0;
}

static void kvp_reset(struct ic_chan *c)
{
    struct ic_kvp *kvp = to_kvp(c);

    /* A new guest (or none) has published nothing yet. */
    for (unsigned int p = 0; p < IC_KVP_GUEST_POOLS; p++)
        list_clear(&kvp->pools[p]);
    list_clear(&kvp->staging);
    for (size_t i = 0; i < kvp->nset; i++)
        kvp->set[i].delivered = false;
    kvp->enum_active = false;
    kvp->busy = IC_KVP_IDLE;
    kvp->stalled = false;
}

static void kvp_ready(struct ic_chan *c, uint64_t now)
{
    to_kvp(c)->next_enum_ms = now;
}

/* End the current pool: publish what it gave, go on with the next. */
static void finish_pool(struct ic_kvp *kvp, uint64_t now)
{
    struct ic_kvp_list *dst = &kvp->pools[kvp->enum_pool];

    list_clear(dst);
    *dst = kvp->staging;
    kvp->staging.n = 0;
    kvp->enum_index = 0;
    if (++kvp->enum_pool == IC_KVP_GUEST_POOLS) {
        kvp->enum_active = false;
        kvp->next_enum_ms = now + IC_KVP_PERIOD_MS;
    }
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

/* The value of an enumerated item as UTF-8, or -1. */
static int decode_value(const struct ic_kvp_value *v, char *out, size_t cap)
{
    switch (v->value_type) {
    case IC_REG_SZ:
    case IC_REG_EXPAND_SZ:
        if (v->value_size > IC_KVP_VALUE_BYTES)
            return -1;
        return ic_utf16le_to_utf8(v->value, v->value_size, out, cap);
    case IC_REG_DWORD: {
        uint32_t x;

        if (v->value_size != sizeof(x))
            return -1;
        memcpy(&x, v->value, sizeof(x));
        return snprintf(out, cap, "%u", x);
    }
    case IC_REG_U64_LINUX:
    case IC_REG_QWORD: {
        uint64_t x;

        if (v->value_size != sizeof(x))
            return -1;
        memcpy(&x, v->value, sizeof(x));
        return snprintf(out, cap, "%llu", (unsigned long long)x);
    }
    default:
        return -1;
    }
}

static void add_item(struct ic_kvp *kvp, const struct ic_kvp_value *v)
{
    char key[KEY_UTF8_CAP], value[VALUE_UTF8_CAP];
    struct ic_kvp_pair *p;

    if (v->key_size > IC_KVP_KEY_BYTES ||
        ic_utf16le_to_utf8(v->key, v->key_size, key, sizeof(key)) <= 0 ||
        decode_value(v, value, sizeof(value)) < 0)
        return;
    p = &kvp->staging.items[kvp->staging.n];
    p->key = dup_str(key);
    p->value = dup_str(value);
    if (!p->key || !p->value) {
        free(p->key);
        free(p->value);
        return;
    }
    kvp->staging.n++;
}

static void enum_answer(struct ic_kvp *kvp, const struct ic_response *r, uint64_t now)
{
    struct ic_kvp_enumerate_msg m;

    memcpy(&m, r->body, sizeof(m));
    /* Linux edits the request in place: operation, pool and index stay. */
    if (m.hdr.operation != IC_KVP_OP_ENUMERATE || m.hdr.pool != pool_ids[kvp->enum_pool] ||
        m.index != kvp->enum_index)
        return;
    kvp->busy = IC_KVP_IDLE;
    if (r->status != IC_S_OK) {
        finish_pool(kvp, now);
        return;
    }
    add_item(kvp, &m.data);
    if (++kvp->enum_index >= IC_KVP_ENUM_MAX || kvp->staging.n == IC_KVP_POOL_MAX)
        finish_pool(kvp, now);
}

static void set_answer(struct ic_kvp *kvp, const struct ic_response *r)
{
    struct ic_kvp_set_msg m;
    struct ic_kvp_host_pair *hp = &kvp->set[kvp->busy_set];

    memcpy(&m, r->body, sizeof(m));
    if (m.hdr.operation != IC_KVP_OP_SET || m.hdr.pool != IC_KVP_POOL_EXTERNAL)
        return;
    kvp->busy = IC_KVP_IDLE;
    /* A refusal is final too: the same pair would be refused again.  A value
     * changed meanwhile still has to go. */
    if (hp->gen == kvp->busy_gen)
        hp->delivered = true;
}

static void kvp_response(struct ic_chan *c, const struct ic_response *r, uint64_t now)
{
    struct ic_kvp *kvp = to_kvp(c);

    /* Answers echo the whole request, and both requests are this size. */
    if (r->type != IC_MSG_KVP || r->body_len < sizeof(struct ic_kvp_enumerate_msg))
        return;
    if (kvp->busy != IC_KVP_IDLE && r->tid == kvp->busy_tid) {
        if (kvp->busy == IC_KVP_BUSY_ENUM)
            enum_answer(kvp, r, now);
        else
            set_answer(kvp, r);
    } else if (kvp->stalled && r->tid == kvp->stale_tid) {
        /* The guest is answering again: the late answer itself is stale. */
        kvp->stalled = false;
    }
}

static int send_enum(struct ic_kvp *kvp)
{
    struct ic_kvp_enumerate_msg m;

    memset(&m, 0, sizeof(m));
    m.hdr.operation = IC_KVP_OP_ENUMERATE;
    m.hdr.pool = pool_ids[kvp->enum_pool];
    m.index = kvp->enum_index;
    if (ic_chan_request(&kvp->chan, IC_MSG_KVP, &m, sizeof(m), &kvp->busy_tid) != 0)
        return -1;
    kvp->busy = IC_KVP_BUSY_ENUM;
    return 0;
}

static int send_set(struct ic_kvp *kvp, size_t i)
{
    struct ic_kvp_set_msg m;
    int k, v;

    memset(&m, 0, sizeof(m));
    m.hdr.operation = IC_KVP_OP_SET;
    m.hdr.pool = IC_KVP_POOL_EXTERNAL;
    m.data.value_type = IC_REG_SZ;
    /* Checked by ic_kvp_set(); a failure here would be a bug, not input. */
    k = ic_utf8_to_utf16le(kvp->set[i].key, m.data.key, sizeof(m.data.key));
    v = ic_utf8_to_utf16le(kvp->set[i].value, m.data.value, sizeof(m.data.value));
    if (k < 0 || v < 0) {
        kvp->set[i].delivered = true;
        return -1;
    }
    m.data.key_size = (uint32_t)k;
    m.data.value_size = (uint32_t)v;
    if (ic_chan_request(&kvp->chan, IC_MSG_KVP, &m, sizeof(m), &kvp->busy_tid) != 0)
        return -1;
    kvp->busy = IC_KVP_BUSY_SET;
    kvp->busy_set = i;
    kvp->busy_gen = kvp->set[i].gen;
    return 0;
}

static void kvp_timeout(struct ic_kvp *kvp, uint64_t now)
{
    if (kvp->busy == IC_KVP_BUSY_ENUM) {
        /* Abandon the round; the published pools stay as they were. */
        list_clear(&kvp->staging);
        kvp->enum_active = false;
        kvp->next_enum_ms = now + IC_KVP_PERIOD_MS;
    }
    /* A SET stays undelivered and goes again later. */
    kvp->busy = IC_KVP_IDLE;
    kvp->stalled = true;
    kvp->stale_tid = kvp->busy_tid;
    kvp->stall_until_ms = now + IC_KVP_STALL_MS;
}

static void kvp_pump(struct ic_chan *c, uint64_t now, bool tick)
{
    struct ic_kvp *kvp = to_kvp(c);

    (void)tick;
    if (kvp->busy != IC_KVP_IDLE) {
        if (now - kvp->busy_ms >= IC_KVP_TIMEOUT_MS)
            kvp_timeout(kvp, now);
        return;
    }
    if (kvp->stalled) {
        if (now < kvp->stall_until_ms)
            return;
        kvp->stalled = false;
    }
    for (size_t i = 0; i < kvp->nset; i++) {
        if (!kvp->set[i].delivered) {
            if (send_set(kvp, i) == 0)
                kvp->busy_ms = now;
            return;
        }
    }
    if (!kvp->enum_active && now >= kvp->next_enum_ms) {
        kvp->enum_active = true;
        kvp->enum_pool = 0;
        kvp->enum_index = 0;
        list_clear(&kvp->staging);
    }
    if (kvp->enum_active && send_enum(kvp) == 0)
        kvp->busy_ms = now;
}

const struct ic_service_ops ic_kvp_ops = {
    .id = IC_KVP,
    .versions = kvp_versions,
    .nversions = sizeof(kvp_versions) / sizeof(kvp_versions[0]),
    .reset = kvp_reset,
    .ready = kvp_ready,
    .response = kvp_response,
    .pump = kvp_pump,
};

size_t ic_kvp_count(const struct ic_services *ics)
{
    size_t n = 0;

    for (unsigned int p = 0; p < IC_KVP_GUEST_POOLS; p++)
        n += ics->kvp.pools[p].n;
    return n;
}

int ic_kvp_get(const struct ic_services *ics, size_t i, const char **pool, const char **key,
               const char **value)
{
    for (unsigned int p = 0; p < IC_KVP_GUEST_POOLS; p++) {
        const struct ic_kvp_list *l = &ics->kvp.pools[p];

        if (i < l->n) {
            if (pool)
                *pool = pool_names[p];
            if (key)
                *key = l->items[i].key;
            if (value)
                *value = l->items[i].value;
            return 0;
        }
        i -= l->n;
    }
    return -1;
}

int ic_kvp_set(struct ic_services *ics, const char *key, const char *value)
{
    uint8_t scratch[IC_KVP_VALUE_BYTES];
    struct ic_kvp *kvp = &ics->kvp;
    struct ic_kvp_host_pair *hp = NULL;
    long klen, vlen;
    char *k, *v;

    if (!key || !value)
        return -1;
    klen = ic_utf8_check(key);
    vlen = ic_utf8_check(value);
    /* Both limits: the UTF-16 form travels, the UTF-8 form must fit the
     * guest's buffer of the same byte size. */
    if (klen <= 0 || klen > (long)IC_KVP_KEY_UTF8_MAX || vlen < 0 ||
        vlen > (long)IC_KVP_VALUE_UTF8_MAX ||
        ic_utf8_to_utf16le(key, scratch, IC_KVP_KEY_BYTES) < 0 ||
        ic_utf8_to_utf16le(value, scratch, IC_KVP_VALUE_BYTES) < 0)
        return -1;
    for (size_t i = 0; i < kvp->nset; i++) {
        if (strcmp(kvp->set[i].key, key) == 0) {
            hp = &kvp->set[i];
            break;
        }
    }
    if (!hp && kvp->nset == IC_KVP_SET_MAX)
        return -1;
    v = dup_str(value);
    k = hp ? NULL : dup_str(key);
    if (!v || (!hp && !k)) {
        free(v);
        free(k);
        return -1;
    }
    if (!hp) {
        hp = &kvp->set[kvp->nset++];
        hp->key = k;
        hp->value = NULL;
        hp->gen = 0;
    }
    free(hp->value);
    hp->value = v;
    hp->gen++;
    hp->delivered = false;
    /* Sent by the next pump (a guest signal or the next tick). */
    return 0;
}
