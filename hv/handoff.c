/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the handoff device tree the loader built (layout in
 * hv/include/hv/handoff.h).  The loader is ours, but the blob sits in memory
 * the firmware could have scribbled on, so every property is checked for
 * presence and length before use and the tree as a whole with fdt_check_header.
 */
#include <libfdt.h>
#include <stdio.h>

#include <hv/handoff.h>

struct parse_ctx {
    const void *fdt;
    char *err;
    size_t errlen;
};

static int fail(struct parse_ctx *c, const char *what, const char *prop, int fdt_err)
{
    if (c->errlen)
        snprintf(c->err, c->errlen, "handoff: %s '%s'%s%s", what, prop, fdt_err ? ": " : "",
                 fdt_err ? fdt_strerror(fdt_err) : "");
    return -1;
}

/* A property that must exist with exactly @len bytes. */
static const void *get_exact(struct parse_ctx *c, int node, const char *name, int len)
{
    int got;
    const void *v = fdt_getprop(c->fdt, node, name, &got);

    if (!v) {
        fail(c, "missing property", name, got);
        return NULL;
    }
    if (got != len) {
        fail(c, "wrong length of", name, 0);
        return NULL;
    }
    return v;
}

/* A NUL-terminated string property (fdt_getprop does not promise the NUL). */
static const char *get_string(struct parse_ctx *c, int node, const char *name)
{
    int got;
    const char *v = fdt_getprop(c->fdt, node, name, &got);

    if (!v) {
        fail(c, "missing property", name, got);
        return NULL;
    }
    if (got < 1 || v[got - 1] != '\0') {
        fail(c, "unterminated string", name, 0);
        return NULL;
    }
    return v;
}

static int get_u64(struct parse_ctx *c, int node, const char *name, uint64_t *out)
{
    const fdt64_t *v = get_exact(c, node, name, sizeof(*v));

    if (!v)
        return -1;
    *out = fdt64_ld(v);
    return 0;
}

static int get_range(struct parse_ctx *c, int node, const char *name, uint64_t *base,
                     uint64_t *size)
{
    const fdt64_t *v = get_exact(c, node, name, 2 * sizeof(*v));

    if (!v)
        return -1;
    *base = fdt64_ld(&v[0]);
    *size = fdt64_ld(&v[1]);
    if (*base + *size < *base)
        return fail(c, "range wraps around in", name, 0);
    return 0;
}

static int node_of(struct parse_ctx *c, const char *path)
{
    int node = fdt_path_offset(c->fdt, path);

    if (node < 0)
        return fail(c, "missing node", path, node);
    return node;
}

static int parse_chosen(struct parse_ctx *c, struct handoff_info *out)
{
    int node = node_of(c, "/chosen");
    int len;

    if (node < 0)
        return -1;
    if (!(out->loader = get_string(c, node, "hv,loader")) ||
        !(out->hv_options = get_string(c, node, "hv,options")) ||
        get_range(c, node, "hv,memory", &out->hv_base, &out->hv_size) ||
        get_u64(c, node, "hv,image-size", &out->hv_image_size) ||
        get_u64(c, node, "hv,trampoline", &out->trampoline))
        return -1;
    if (out->hv_image_size > out->hv_size)
        return fail(c, "image larger than memory in", "hv,image-size", 0);
    out->acpi_rsdp = 0;
    if (fdt_getprop(c->fdt, node, "hv,acpi-rsdp", &len) &&
        get_u64(c, node, "hv,acpi-rsdp", &out->acpi_rsdp))
        return -1;
    return 0;
}

static int parse_memory_map(struct parse_ctx *c, struct handoff_info *out)
{
    int node = node_of(c, "/memory-map");
    const fdt32_t *size, *version;
    int len;

    if (node < 0)
        return -1;
    if (!(size = get_exact(c, node, "efi,descriptor-size", sizeof(*size))) ||
        !(version = get_exact(c, node, "efi,descriptor-version", sizeof(*version))))
        return -1;
    out->efi_map = fdt_getprop(c->fdt, node, "efi,descriptors", &len);
    if (!out->efi_map)
        return fail(c, "missing property", "efi,descriptors", len);
    out->efi_desc_size = fdt32_ld(size);
    out->efi_desc_version = fdt32_ld(version);
    out->efi_map_size = (uint32_t)len;
    if (out->efi_desc_size == 0 || out->efi_map_size % out->efi_desc_size)
        return fail(c, "map size not a multiple of", "efi,descriptor-size", 0);
    return 0;
}

static int parse_modules(struct parse_ctx *c, struct handoff_info *out)
{
    int parent = node_of(c, "/modules");
    int node;

    if (parent < 0)
        return -1;
    out->nmodules = 0;
    fdt_for_each_subnode(node, c->fdt, parent)
    {
        struct handoff_module *m = &out->modules[out->nmodules];
        int len;

        if (out->nmodules == HANDOFF_MAX_MODULES)
            return fail(c, "too many modules in", "/modules", 0);
        if (!(m->kind = get_string(c, node, "hv,kind")) ||
            !(m->name = get_string(c, node, "hv,name")) ||
            get_range(c, node, "reg", &m->base, &m->size))
            return -1;
        m->cmdline = NULL;
        if (fdt_getprop(c->fdt, node, "hv,cmdline", &len) &&
            !(m->cmdline = get_string(c, node, "hv,cmdline")))
            return -1;
        out->nmodules++;
    }
    if (node != -FDT_ERR_NOTFOUND)
        return fail(c, "bad subnode in", "/modules", node);
    return 0;
}

int handoff_parse(const void *fdt, size_t max_size, struct handoff_info *out, char *err,
                  size_t errlen)
{
    struct parse_ctx c = {fdt, err, errlen};
    int rc;

    if (errlen)
        err[0] = '\0';
    rc = fdt_check_header(fdt); /* before totalsize is trusted */
    if (rc)
        return fail(&c, "bad header", "/", rc);
    if (fdt_totalsize(fdt) > max_size)
        return fail(&c, "blob larger than its buffer", "/", 0);
    rc = fdt_check_full(fdt, fdt_totalsize(fdt));
    if (rc)
        return fail(&c, "malformed tree", "/", rc);
    if (fdt_node_check_compatible(fdt, 0, HANDOFF_COMPATIBLE))
        return fail(&c, "not compatible with", HANDOFF_COMPATIBLE, 0);
    if (parse_chosen(&c, out) || parse_memory_map(&c, out) || parse_modules(&c, out))
        return -1;
    return 0;
}
