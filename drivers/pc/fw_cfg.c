// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's firmware configuration interface (pc/fw_cfg.h).
 *
 * Items are looked up from the selector at every access rather than
 * cached, so that the selection stays a plain 16-bit value and no pointer
 * into the struct is kept: the struct may be copied or moved between
 * calls.  A DMA operation is decided whole before it has any effect (the
 * item, the offsets, every guest range mapped), then carried out, so that
 * one that fails leaves everything as it was but its control word.
 */
#include <errno.h>
#include <string.h>

#include <pc/fw_cfg.h>

static const char signature[4] = {'Q', 'E', 'M', 'U'};

/* ---- byte order -------------------------------------------------------------- */

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- items ------------------------------------------------------------------- */

/* The item a selector value names, or NULL: beyond every table, or a
 * file slot not in use.  Bit 14 is masked off, as QEMU does. */
static const struct fw_cfg_item *lookup(const struct fw_cfg *fw, uint16_t key)
{
    unsigned idx = key & FW_CFG_ENTRY_MASK;

    if (key & FW_CFG_ARCH_LOCAL)
        return idx < FW_CFG_LEGACY_KEYS ? &fw->legacy[1][idx] : NULL;
    if (idx < FW_CFG_LEGACY_KEYS)
        return &fw->legacy[0][idx];
    if (idx - FW_CFG_FILE_FIRST < fw->nfiles)
        return &fw->files[idx - FW_CFG_FILE_FIRST].item;
    return NULL;
}

/* The bytes of @it, or NULL if it has none to give. */
static const uint8_t *item_bytes(const struct fw_cfg *fw, const struct fw_cfg_item *it)
{
    if (!it)
        return NULL;
    switch (it->kind) {
    case FW_CFG_ITEM_EXTERNAL:
        return it->data;
    case FW_CFG_ITEM_INLINE:
        return it->value;
    case FW_CFG_ITEM_DIR:
        return fw->dir;
    case FW_CFG_ITEM_ABSENT:
        break;
    }
    return NULL;
}

/* The item's length; 0 for no item. */
static uint32_t item_len(const struct fw_cfg_item *it)
{
    return it && it->kind != FW_CFG_ITEM_ABSENT ? it->len : 0;
}

static void set_inline(struct fw_cfg_item *it, const void *v, uint32_t len)
{
    memset(it, 0, sizeof(*it));
    it->kind = FW_CFG_ITEM_INLINE;
    it->len = len;
    memcpy(it->value, v, len);
}

static void rebuild_dir(struct fw_cfg *fw)
{
    memset(fw->dir, 0, sizeof(fw->dir));
    put_be32(fw->dir, fw->nfiles);
    for (unsigned i = 0; i < fw->nfiles; i++) {
        uint8_t *e = fw->dir + 4 + i * FW_CFG_DIR_ENTRY_SIZE;

        put_be32(e, fw->files[i].item.len);
        put_be16(e + 4, (uint16_t)(FW_CFG_FILE_FIRST + i));
        /* e + 6: reserved, 0.  The name is NUL-padded to 56 bytes. */
        memcpy(e + 8, fw->files[i].name, FW_CFG_MAX_FILE_PATH);
    }
    fw->legacy[0][FW_CFG_FILE_DIR].len = 4 + fw->nfiles * FW_CFG_DIR_ENTRY_SIZE;
}

void fw_cfg_init(struct fw_cfg *fw, fw_cfg_map_fn map, void *opaque)
{
    uint8_t id[4];

    memset(fw, 0, sizeof(*fw));
    fw->map = map;
    fw->opaque = opaque;
    set_inline(&fw->legacy[0][FW_CFG_SIGNATURE], signature, sizeof(signature));
    put_le(id, FW_CFG_ID_TRADITIONAL | (map ? FW_CFG_ID_DMA : 0), sizeof(id));
    set_inline(&fw->legacy[0][FW_CFG_ID], id, sizeof(id));
    fw->legacy[0][FW_CFG_FILE_DIR].kind = FW_CFG_ITEM_DIR;
    rebuild_dir(fw);
}

void fw_cfg_reset(struct fw_cfg *fw)
{
    fw->selector = FW_CFG_SIGNATURE;
    fw->offset = 0;
    fw->dma_high = 0;
}

/* The legacy slot @key may fill, or NULL: the model's own keys, the file
 * range and anything past the legacy tables are not the owner's. */
static struct fw_cfg_item *legacy_slot(struct fw_cfg *fw, uint16_t key)
{
    unsigned idx = key & ~FW_CFG_ARCH_LOCAL;

    if (idx >= FW_CFG_LEGACY_KEYS)
        return NULL;
    if (key & FW_CFG_ARCH_LOCAL)
        return &fw->legacy[1][idx];
    if (idx == FW_CFG_SIGNATURE || idx == FW_CFG_ID || idx == FW_CFG_FILE_DIR)
        return NULL;
    return &fw->legacy[0][idx];
}

int fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data, size_t len)
{
    struct fw_cfg_item *it = legacy_slot(fw, key);

    if (!it || len > UINT32_MAX || (!data && len))
        return -EINVAL;
    memset(it, 0, sizeof(*it));
    it->kind = FW_CFG_ITEM_EXTERNAL;
    it->len = (uint32_t)len;
    it->data = data;
    return 0;
}

static int add_int(struct fw_cfg *fw, uint16_t key, uint64_t value, unsigned bytes)
{
    struct fw_cfg_item *it = legacy_slot(fw, key);
    uint8_t v[8];

    if (!it)
        return -EINVAL;
    put_le(v, value, bytes);
    set_inline(it, v, bytes);
    return 0;
}

int fw_cfg_add_u16(struct fw_cfg *fw, uint16_t key, uint16_t value)
{
    return add_int(fw, key, value, 2);
}

int fw_cfg_add_u32(struct fw_cfg *fw, uint16_t key, uint32_t value)
{
    return add_int(fw, key, value, 4);
}

int fw_cfg_add_u64(struct fw_cfg *fw, uint16_t key, uint64_t value)
{
    return add_int(fw, key, value, 8);
}

static int add_file(struct fw_cfg *fw, const char *name, const void *data, void *wdata, size_t len)
{
    size_t nlen = name ? strnlen(name, FW_CFG_MAX_FILE_PATH) : 0;
    unsigned at;

    if (nlen == 0 || nlen >= FW_CFG_MAX_FILE_PATH || len > UINT32_MAX || (!data && len))
        return -EINVAL;
    if (fw_cfg_file_key(fw, name) >= 0)
        return -EEXIST;
    if (fw->nfiles == FW_CFG_MAX_FILES)
        return -ENOSPC;
    /* Insertion sort: QEMU's order, and with it QEMU's keys. */
    for (at = fw->nfiles; at > 0 && strcmp(name, fw->files[at - 1].name) < 0; at--)
        fw->files[at] = fw->files[at - 1];
    memset(&fw->files[at], 0, sizeof(fw->files[at]));
    memcpy(fw->files[at].name, name, nlen);
    fw->files[at].item.kind = FW_CFG_ITEM_EXTERNAL;
    fw->files[at].item.len = (uint32_t)len;
    fw->files[at].item.data = data;
    fw->files[at].item.wdata = wdata;
    fw->nfiles++;
    rebuild_dir(fw);
    return 0;
}

int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data, size_t len)
{
    return add_file(fw, name, data, NULL, len);
}

int fw_cfg_add_file_writable(struct fw_cfg *fw, const char *name, void *data, size_t len)
{
    return add_file(fw, name, data, data, len);
}

int fw_cfg_file_key(const struct fw_cfg *fw, const char *name)
{
    for (unsigned i = 0; i < fw->nfiles; i++)
        if (strncmp(fw->files[i].name, name, FW_CFG_MAX_FILE_PATH) == 0)
            return (int)(FW_CFG_FILE_FIRST + i);
    return -ENOENT;
}

/* ---- the data port ----------------------------------------------------------- */

static uint8_t data_read(struct fw_cfg *fw)
{
    const struct fw_cfg_item *it = lookup(fw, fw->selector);
    const uint8_t *p = item_bytes(fw, it);

    if (!p || fw->offset >= item_len(it))
        return 0;
    return p[fw->offset++];
}

/* ---- DMA --------------------------------------------------------------------- */

/* Whether [gpa, gpa + len) stays inside the 64-bit space (len > 0). */
static bool range_ok(uint64_t gpa, uint64_t len)
{
    return gpa <= UINT64_MAX - (len - 1);
}

/* Tell the guest the operation failed, if its control word is RAM. */
static void dma_fail(struct fw_cfg *fw, uint64_t desc)
{
    uint8_t *ctl;

    if (!range_ok(desc, 4))
        return;
    ctl = fw->map(fw->opaque, desc, 4, true);
    if (ctl)
        put_be32(ctl, FW_CFG_DMA_CTL_ERROR);
}

static void dma_run(struct fw_cfg *fw, uint64_t desc)
{
    uint8_t *d, access[FW_CFG_DMA_ACCESS_SIZE];
    uint32_t control, length, avail, n;
    uint64_t address;
    uint16_t key = fw->selector;
    uint32_t offset = fw->offset;
    const struct fw_cfg_item *it;
    const uint8_t *src;
    uint8_t *buf;

    if (!range_ok(desc, FW_CFG_DMA_ACCESS_SIZE)) {
        dma_fail(fw, desc);
        return;
    }
    d = fw->map(fw->opaque, desc, FW_CFG_DMA_ACCESS_SIZE, true);
    if (!d) {
        dma_fail(fw, desc);
        return;
    }
    /* One copy: the guest (another vCPU, or this very transfer if the
     * target overlaps the descriptor) may change it while we work. */
    memcpy(access, d, sizeof(access));
    control = get_be32(access);
    length = get_be32(access + 4);
    address = get_be64(access + 8);

    if (control & ~(uint32_t)FW_CFG_DMA_CTL_KNOWN & 0xFFFFu)
        goto fail;
    if (control & FW_CFG_DMA_CTL_SELECT) {
        key = (uint16_t)(control >> 16);
        offset = 0;
    }
    it = lookup(fw, key);
    src = item_bytes(fw, it);
    /* The offset may lie past the end if the owner replaced the item
     * with a shorter one while it was selected. */
    avail = src && offset < item_len(it) ? item_len(it) - offset : 0;

    if (length == 0) {
        /* Nothing to move, whatever the operation: only a select. */
    } else if (control & FW_CFG_DMA_CTL_READ) {
        if (!range_ok(address, length))
            goto fail;
        buf = fw->map(fw->opaque, address, length, true);
        if (!buf)
            goto fail;
        n = length < avail ? length : avail;
        if (n)
            memcpy(buf, src + offset, n);
        /* Past the item's end the guest reads zeros, as from the port. */
        memset(buf + n, 0, length - n);
        offset += n;
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        /* Items cannot grow, and a write cut at the end would leave a
         * half-written pointer: refuse it whole, as QEMU does. */
        if (!it || !it->wdata || length > avail || !range_ok(address, length))
            goto fail;
        buf = fw->map(fw->opaque, address, length, false);
        if (!buf)
            goto fail;
        memmove(it->wdata + offset, buf, length);
        offset += length;
    } else if (control & FW_CFG_DMA_CTL_SKIP) {
        offset += length < avail ? length : avail;
    }

    fw->selector = key;
    fw->offset = offset;
    put_be32(d, 0);
    return;

fail:
    put_be32(d, FW_CFG_DMA_CTL_ERROR);
}

/* ---- ports ------------------------------------------------------------------- */

uint64_t fw_cfg_io_read(struct fw_cfg *fw, uint64_t offset, unsigned size)
{
    uint64_t value = 0;

    if (size < 1 || size > 8)
        return UINT64_MAX;
    /* The data register is 8 bits wide: a wider read would move the
     * offset by an amount the guest did not ask for. */
    if (size == 1 && offset <= FW_CFG_PORT_DATA)
        return data_read(fw);
    for (unsigned i = size; i-- > 0;) {
        uint64_t o = offset + i;
        uint8_t b = 0xFF;

        if (fw->map && o >= FW_CFG_PORT_DMA_HIGH && o < FW_CFG_PORTS)
            b = (uint8_t)FW_CFG_DMA_SIGNATURE[o - FW_CFG_PORT_DMA_HIGH];
        value = value << 8 | b;
    }
    return value;
}

void fw_cfg_io_write(struct fw_cfg *fw, uint64_t offset, unsigned size, uint64_t value)
{
    if (offset == FW_CFG_PORT_SELECTOR && size == 2) {
        fw->selector = (uint16_t)value;
        fw->offset = 0;
        return;
    }
    if (!fw->map)
        return;
    /* The register is big-endian: the OUT's first byte is the most
     * significant, so the value the instruction carries is byte-swapped. */
    if (offset == FW_CFG_PORT_DMA_HIGH && size == 4) {
        fw->dma_high = __builtin_bswap32((uint32_t)value);
    } else if ((offset == FW_CFG_PORT_DMA_LOW && size == 4) ||
               (offset == FW_CFG_PORT_DMA_HIGH && size == 8)) {
        uint64_t desc = size == 8
                            ? __builtin_bswap64(value)
                            : (uint64_t)fw->dma_high << 32 | __builtin_bswap32((uint32_t)value);

        /* The address is 0 again after every operation, so that a 32-bit
         * guest need not write the high half. */
        fw->dma_high = 0;
        dma_run(fw, desc);
    }
    /* Data port writes: ignored since QEMU 2.4; nothing else is writable. */
}

/* ---- etc/e820 ---------------------------------------------------------------- */

int fw_cfg_e820_build(const struct fw_cfg_e820_entry *entries, size_t count, void *out,
                      size_t out_size)
{
    uint8_t *p = out;

    /* Space first: it bounds how many entries there are to look at. */
    if (count > out_size / FW_CFG_E820_ENTRY_SIZE)
        return -ENOSPC;
    for (size_t i = 0; i < count; i++)
        if (!entries[i].length || !entries[i].type || !range_ok(entries[i].base, entries[i].length))
            return -EINVAL;
    for (size_t i = 0; i < count; i++, p += FW_CFG_E820_ENTRY_SIZE) {
        put_le(p, entries[i].base, 8);
        put_le(p + 8, entries[i].length, 8);
        put_le(p + 16, entries[i].type, 4);
    }
    return 0;
}
