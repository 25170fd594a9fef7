/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building the handoff device tree (layout in hv/include/hv/handoff.h).
 * Pure libfdt code: the loader runs it under fdt_guard (see fdt_guard.h) and
 * the unit tests run it on the host against the hypervisor's parser.
 */
#include <libfdt.h>

#include <hv/handoff.h>

static int set_u64(void *fdt, int node, const char *name, uint64_t v)
{
    return fdt_setprop_u64(fdt, node, name, v);
}

static int set_range(void *fdt, int node, const char *name, uint64_t base, uint64_t size)
{
    fdt64_t cells[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

    return fdt_setprop(fdt, node, name, cells, sizeof(cells));
}

/* Stop at the first libfdt error: every step below returns one. */
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int try_rc_ = (expr);                                                                      \
        if (try_rc_ < 0)                                                                           \
            return try_rc_;                                                                        \
    } while (0)

static int add_module(void *fdt, int parent, size_t index, const struct handoff_module *m)
{
    char name[24] = "module@";
    size_t len = 7;
    size_t digits = 1;
    int node;

    for (size_t v = index; v >= 10; v /= 10)
        digits++;
    for (size_t i = 0, v = index; i < digits; i++, v /= 10)
        name[len + digits - 1 - i] = (char)('0' + v % 10);
    name[len + digits] = '\0';

    node = fdt_add_subnode(fdt, parent, name);
    TRY(node);
    TRY(fdt_setprop_string(fdt, node, "hv,kind", m->kind));
    TRY(fdt_setprop_string(fdt, node, "hv,name", m->name ? m->name : ""));
    TRY(set_range(fdt, node, "reg", m->base, m->size));
    if (m->cmdline)
        TRY(fdt_setprop_string(fdt, node, "hv,cmdline", m->cmdline));
    return 0;
}

int handoff_build(void *buf, size_t bufsize, const struct handoff_params *p)
{
    int chosen, mods, map;

    if (bufsize > INT32_MAX || p->nmodules > HANDOFF_MAX_MODULES)
        return -FDT_ERR_BADVALUE;
    TRY(fdt_create_empty_tree(buf, (int)bufsize));
    TRY(fdt_setprop_string(buf, 0, "compatible", HANDOFF_COMPATIBLE));

    chosen = fdt_add_subnode(buf, 0, "chosen");
    TRY(chosen);
    TRY(fdt_setprop_string(buf, chosen, "hv,loader", p->loader));
    TRY(fdt_setprop_string(buf, chosen, "hv,options", p->hv_options ? p->hv_options : ""));
    TRY(set_range(buf, chosen, "hv,memory", p->hv_base, p->hv_size));
    TRY(set_u64(buf, chosen, "hv,image-size", p->hv_image_size));
    TRY(set_u64(buf, chosen, "hv,trampoline", p->trampoline));
    if (p->acpi_rsdp)
        TRY(set_u64(buf, chosen, "hv,acpi-rsdp", p->acpi_rsdp));

    /* The map itself is only known after ExitBootServices: create the node
     * now so that adding it later is a single setprop into free space. */
    map = fdt_add_subnode(buf, 0, "memory-map");
    TRY(map);

    mods = fdt_add_subnode(buf, 0, "modules");
    TRY(mods);
    /* fdt_add_subnode puts a new node before its older siblings: add the
     * modules last to first so the tree lists them in order. */
    for (size_t i = p->nmodules; i-- > 0;)
        TRY(add_module(buf, mods, i, &p->modules[i]));
    return 0;
}

int handoff_set_memory_map(void *buf, const void *map, uint32_t map_size, uint32_t desc_size,
                           uint32_t desc_version)
{
    int node = fdt_path_offset(buf, "/memory-map");

    if (map_size > INT32_MAX)
        return -FDT_ERR_BADVALUE;
    TRY(node);
    TRY(fdt_setprop_u32(buf, node, "efi,descriptor-size", desc_size));
    TRY(fdt_setprop_u32(buf, node, "efi,descriptor-version", desc_version));
    TRY(fdt_setprop(buf, node, "efi,descriptors", map, (int)map_size));
    return 0;
}
