/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checking and loading hv.elf, a static-PIE x86-64 image (see elf_load.h).
 * Built into the UEFI loader, where there is no libc or <elf.h>, and into the
 * host unit tests; so the few ELF64 structures needed are declared here and
 * memory is touched only through compiler builtins.  The file may be damaged
 * or hostile and its buffer has no alignment guarantee: every field is copied
 * out with memcpy and every offset, size and count is bounded before use.
 */
#include <stdbool.h>

#include "elf_load.h"
#include "msgbuf.h"

#define ELF_EI_CLASS          4
#define ELF_EI_DATA           5
#define ELF_EI_VERSION        6
#define ELF_CLASS64           2
#define ELF_DATA2LSB          1
#define ELF_EV_CURRENT        1
#define ELF_ET_EXEC           2
#define ELF_ET_DYN            3
#define ELF_EM_X86_64         62
#define ELF_PT_LOAD           1
#define ELF_PT_DYNAMIC        2
#define ELF_PF_X              1
#define ELF_DT_NULL           0
#define ELF_DT_PLTRELSZ       2
#define ELF_DT_RELA           7
#define ELF_DT_RELASZ         8
#define ELF_DT_RELAENT        9
#define ELF_DT_RELSZ          18
#define ELF_DT_RELRSZ         35
#define ELF_R_X86_64_NONE     0
#define ELF_R_X86_64_RELATIVE 8

#define ELF_PAGE_SIZE 4096ULL
#define ELF_MAX_SPAN  (1ULL << 30)
/* Real images have about ten program headers; the cap keeps the pairwise
 * overlap check cheap on a damaged file. */
#define ELF_MAX_PHNUM 128

struct elf64_ehdr {
    unsigned char e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

struct elf64_dyn {
    int64_t d_tag;
    uint64_t d_val;
};

struct elf64_rela {
    uint64_t r_offset;
    uint64_t r_info;
    int64_t r_addend;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header layout");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header layout");
_Static_assert(sizeof(struct elf64_dyn) == 16, "ELF64 dynamic entry layout");
_Static_assert(sizeof(struct elf64_rela) == 24, "ELF64 RELA entry layout");

/* Starts the messages about one program header: "hv.elf: program header N: ". */
static void msg_phdr(struct msg *m, unsigned index)
{
    msg_str(m, "hv.elf: program header ");
    msg_dec(m, index);
    msg_str(m, ": ");
}

/* The caller has checked that the whole header table lies inside the file. */
static void read_phdr(const uint8_t *file, const struct elf64_ehdr *eh, unsigned index,
                      struct elf64_phdr *ph)
{
    __builtin_memcpy(ph, file + eh->e_phoff + (uint64_t)index * sizeof(*ph), sizeof(*ph));
}

static int check_header(const uint8_t *file, size_t size, struct elf64_ehdr *eh, struct msg *m)
{
    if (size < sizeof(*eh)) {
        msg_str(m, "hv.elf: file too small for an ELF header (");
        msg_dec(m, size);
        msg_str(m, " bytes)");
        return -1;
    }
    __builtin_memcpy(eh, file, sizeof(*eh));
    if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
        eh->e_ident[3] != 'F') {
        msg_str(m, "hv.elf: not an ELF file (bad magic)");
        return -1;
    }
    if (eh->e_ident[ELF_EI_CLASS] != ELF_CLASS64) {
        msg_str(m, "hv.elf: not a 64-bit ELF (class ");
        msg_dec(m, eh->e_ident[ELF_EI_CLASS]);
        msg_str(m, ")");
        return -1;
    }
    if (eh->e_ident[ELF_EI_DATA] != ELF_DATA2LSB) {
        msg_str(m, "hv.elf: not a little-endian ELF (data encoding ");
        msg_dec(m, eh->e_ident[ELF_EI_DATA]);
        msg_str(m, ")");
        return -1;
    }
    if (eh->e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT || eh->e_version != ELF_EV_CURRENT) {
        msg_str(m, "hv.elf: unknown ELF version");
        return -1;
    }
    if (eh->e_machine != ELF_EM_X86_64) {
        msg_str(m, "hv.elf: not an x86-64 ELF (machine ");
        msg_dec(m, eh->e_machine);
        msg_str(m, ")");
        return -1;
    }
    if (eh->e_type != ELF_ET_DYN && eh->e_type != ELF_ET_EXEC) {
        msg_str(m, "hv.elf: not an executable (ELF type ");
        msg_dec(m, eh->e_type);
        msg_str(m, ", expected ET_DYN)");
        return -1;
    }
    if (eh->e_phentsize != sizeof(struct elf64_phdr)) {
        msg_str(m, "hv.elf: program header size ");
        msg_dec(m, eh->e_phentsize);
        msg_str(m, ", expected 56");
        return -1;
    }
    if (eh->e_phnum == 0) {
        msg_str(m, "hv.elf: no program headers");
        return -1;
    }
    if (eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff) {
        msg_str(m, "hv.elf: program headers (offset ");
        msg_hex(m, eh->e_phoff);
        msg_str(m, ", ");
        msg_dec(m, eh->e_phnum);
        msg_str(m, " entries) extend past the end of the file (");
        msg_dec(m, size);
        msg_str(m, " bytes)");
        return -1;
    }
    if (eh->e_phnum > ELF_MAX_PHNUM) {
        msg_str(m, "hv.elf: too many program headers (");
        msg_dec(m, eh->e_phnum);
        msg_str(m, ", at most 128)");
        return -1;
    }
    return 0;
}

/* One PT_LOAD on its own: inside the file, inside the 1 GiB limit, sane alignment. */
static int check_load(const struct elf64_phdr *ph, unsigned index, size_t size, struct msg *m)
{
    if (ph->p_filesz > ph->p_memsz) {
        msg_phdr(m, index);
        msg_str(m, "p_filesz ");
        msg_hex(m, ph->p_filesz);
        msg_str(m, " exceeds p_memsz ");
        msg_hex(m, ph->p_memsz);
        return -1;
    }
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
        msg_phdr(m, index);
        msg_str(m, "file bytes at offset ");
        msg_hex(m, ph->p_offset);
        msg_str(m, " size ");
        msg_hex(m, ph->p_filesz);
        msg_str(m, " extend past the end of the file (");
        msg_dec(m, size);
        msg_str(m, " bytes)");
        return -1;
    }
    if (ph->p_vaddr > ELF_MAX_SPAN || ph->p_memsz > ELF_MAX_SPAN - ph->p_vaddr) {
        msg_phdr(m, index);
        msg_str(m, "segment at ");
        msg_hex(m, ph->p_vaddr);
        msg_str(m, " size ");
        msg_hex(m, ph->p_memsz);
        msg_str(m, " ends beyond the 1 GiB image limit");
        return -1;
    }
    /* The loader aligns the base to max_align, so it must be a usable power of two. */
    if ((ph->p_align & (ph->p_align - 1)) != 0 || ph->p_align > ELF_MAX_SPAN) {
        msg_phdr(m, index);
        msg_str(m, "p_align ");
        msg_hex(m, ph->p_align);
        msg_str(m, " is not a power of two up to 1 GiB");
        return -1;
    }
    return 0;
}

/*
 * The whole image: header, every PT_LOAD, no two loads sharing a byte (they are
 * copied into one flat buffer, so an overlap would silently clobber one of
 * them), entry point in code that comes from the file.
 */
static int check_image(const uint8_t *file, size_t size, struct elf64_ehdr *eh,
                       struct elf_image_info *info, struct msg *m)
{
    struct elf64_phdr ph, other;
    uint64_t lowest = UINT64_MAX, end = 0, max_align = 0;
    unsigned loads = 0;
    bool entry_ok = false;

    if (check_header(file, size, eh, m) != 0)
        return -1;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        read_phdr(file, eh, i, &ph);
        if (ph.p_type != ELF_PT_LOAD)
            continue;
        if (check_load(&ph, i, size, m) != 0)
            return -1;
        for (unsigned j = 0; j < i && ph.p_memsz != 0; j++) {
            read_phdr(file, eh, j, &other);
            if (other.p_type != ELF_PT_LOAD || other.p_memsz == 0)
                continue;
            /* Both were bounded by check_load(), so the ends cannot overflow. */
            if (ph.p_vaddr < other.p_vaddr + other.p_memsz &&
                other.p_vaddr < ph.p_vaddr + ph.p_memsz) {
                msg_phdr(m, i);
                msg_str(m, "PT_LOAD at ");
                msg_hex(m, ph.p_vaddr);
                msg_str(m, " overlaps program header ");
                msg_dec(m, j);
                return -1;
            }
        }
        loads++;
        if (ph.p_vaddr < lowest)
            lowest = ph.p_vaddr;
        if (ph.p_vaddr + ph.p_memsz > end)
            end = ph.p_vaddr + ph.p_memsz;
        if (ph.p_align > max_align)
            max_align = ph.p_align;
        /* Entry in the BSS tail would run zeroes: require file-backed code. */
        if ((ph.p_flags & ELF_PF_X) && eh->e_entry >= ph.p_vaddr &&
            eh->e_entry - ph.p_vaddr < ph.p_filesz)
            entry_ok = true;
    }

    if (loads == 0) {
        msg_str(m, "hv.elf: no PT_LOAD segment");
        return -1;
    }
    if (eh->e_type == ELF_ET_EXEC && lowest != 0) {
        msg_str(m, "hv.elf: ET_EXEC linked at ");
        msg_hex(m, lowest);
        msg_str(m, ", not 0: not position independent");
        return -1;
    }
    if (!entry_ok) {
        msg_str(m, "hv.elf: entry point ");
        msg_hex(m, eh->e_entry);
        msg_str(m, " is not inside the file bytes of an executable PT_LOAD");
        return -1;
    }
    /* end <= 1 GiB (check_load), which is page aligned: rounding cannot overflow. */
    info->span = (end + ELF_PAGE_SIZE - 1) & ~(ELF_PAGE_SIZE - 1);
    info->entry = eh->e_entry;
    info->max_align = max_align;
    return 0;
}

int elf_inspect(const void *file, size_t size, struct elf_image_info *info, char *err,
                size_t errlen)
{
    struct elf64_ehdr eh;
    struct msg m;

    msg_init(&m, err, errlen);
    return check_image(file, size, &eh, info, &m);
}

/*
 * Finds the one PT_DYNAMIC, if any, and checks that it lies inside the file
 * bytes of a PT_LOAD: elsewhere it would read as zeroes, i.e. as an empty
 * table, and the relocations would be skipped without a word.
 * Returns 1 if found, 0 if there is none, -1 on error.
 */
static int find_dynamic(const uint8_t *file, const struct elf64_ehdr *eh, struct elf64_phdr *dyn,
                        struct msg *m)
{
    struct elf64_phdr ph;
    int found = 0;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        read_phdr(file, eh, i, &ph);
        if (ph.p_type != ELF_PT_DYNAMIC)
            continue;
        if (found) {
            msg_phdr(m, i);
            msg_str(m, "second PT_DYNAMIC");
            return -1;
        }
        *dyn = ph;
        found = 1;
    }
    if (!found)
        return 0;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        read_phdr(file, eh, i, &ph);
        /* ph is a checked PT_LOAD, so vaddr + filesz cannot overflow. */
        if (ph.p_type == ELF_PT_LOAD && dyn->p_vaddr >= ph.p_vaddr &&
            dyn->p_vaddr <= ph.p_vaddr + ph.p_filesz &&
            dyn->p_memsz <= ph.p_vaddr + ph.p_filesz - dyn->p_vaddr)
            return 1;
    }
    msg_str(m, "hv.elf: PT_DYNAMIC at ");
    msg_hex(m, dyn->p_vaddr);
    msg_str(m, " size ");
    msg_hex(m, dyn->p_memsz);
    msg_str(m, " is not inside the file bytes of a PT_LOAD");
    return -1;
}

struct rela_table {
    uint64_t addr; /* link address (offset in the image) */
    uint64_t size; /* bytes */
};

static int dyn_tag_twice(const char *name, struct msg *m)
{
    msg_str(m, "hv.elf: ");
    msg_str(m, name);
    msg_str(m, " appears twice in the dynamic section");
    return -1;
}

/* Reads the dynamic section from the loaded image (it lies inside it, see find_dynamic). */
static int read_dynamic(const uint8_t *image, const struct elf64_phdr *dyn, struct rela_table *rela,
                        struct msg *m)
{
    uint64_t count = dyn->p_memsz / sizeof(struct elf64_dyn);
    uint64_t relaent = 0;
    bool have_rela = false, have_relasz = false, have_relaent = false, have_null = false;
    const char *unsupported = NULL; /* a non-empty table of another relocation kind */
    struct elf64_dyn d;

    rela->addr = 0;
    rela->size = 0;
    for (uint64_t i = 0; i < count && !have_null; i++) {
        __builtin_memcpy(&d, image + dyn->p_vaddr + i * sizeof(d), sizeof(d));
        switch (d.d_tag) {
        case ELF_DT_NULL:
            have_null = true;
            break;
        case ELF_DT_RELA:
            if (have_rela)
                return dyn_tag_twice("DT_RELA", m);
            have_rela = true;
            rela->addr = d.d_val;
            break;
        case ELF_DT_RELASZ:
            if (have_relasz)
                return dyn_tag_twice("DT_RELASZ", m);
            have_relasz = true;
            rela->size = d.d_val;
            break;
        case ELF_DT_RELAENT:
            if (have_relaent)
                return dyn_tag_twice("DT_RELAENT", m);
            have_relaent = true;
            relaent = d.d_val;
            break;
        /* Relocations in other tables would be left unapplied: refuse rather than
         * start a half-relocated hypervisor (e.g. one linked with
         * -z pack-relative-relocs, which moves RELATIVE into DT_RELR). */
        case ELF_DT_RELSZ:
            unsupported = d.d_val != 0 && !unsupported ? "DT_REL" : unsupported;
            break;
        case ELF_DT_PLTRELSZ:
            unsupported = d.d_val != 0 && !unsupported ? "DT_JMPREL" : unsupported;
            break;
        case ELF_DT_RELRSZ:
            unsupported = d.d_val != 0 && !unsupported ? "DT_RELR" : unsupported;
            break;
        default:
            break;
        }
    }

    if (!have_null) {
        msg_str(m, "hv.elf: dynamic section has no DT_NULL within its ");
        msg_dec(m, dyn->p_memsz);
        msg_str(m, " bytes");
        return -1;
    }
    if (unsupported) {
        msg_str(m, "hv.elf: ");
        msg_str(m, unsupported);
        msg_str(m, " relocations are not supported (only RELA)");
        return -1;
    }
    if (!have_rela) {
        if (rela->size != 0) {
            msg_str(m, "hv.elf: DT_RELASZ without DT_RELA");
            return -1;
        }
        return 0;
    }
    if (!have_relasz) {
        msg_str(m, "hv.elf: DT_RELA without DT_RELASZ");
        return -1;
    }
    if (!have_relaent || relaent != sizeof(struct elf64_rela)) {
        msg_str(m, "hv.elf: DT_RELAENT ");
        if (have_relaent)
            msg_dec(m, relaent);
        else
            msg_str(m, "missing");
        msg_str(m, ", expected 24");
        return -1;
    }
    if (rela->size % sizeof(struct elf64_rela) != 0) {
        msg_str(m, "hv.elf: DT_RELASZ ");
        msg_dec(m, rela->size);
        msg_str(m, " is not a multiple of 24");
        return -1;
    }
    return 0;
}

static int apply_relocations(uint8_t *image, uint64_t span, const struct rela_table *rela,
                             uint64_t load_base, struct msg *m)
{
    struct elf64_rela r;

    if (rela->addr > span || rela->size > span - rela->addr) {
        msg_str(m, "hv.elf: relocation table at ");
        msg_hex(m, rela->addr);
        msg_str(m, " size ");
        msg_hex(m, rela->size);
        msg_str(m, " is outside the image (span ");
        msg_hex(m, span);
        msg_str(m, ")");
        return -1;
    }
    for (uint64_t i = 0; i < rela->size / sizeof(r); i++) {
        __builtin_memcpy(&r, image + rela->addr + i * sizeof(r), sizeof(r));
        uint32_t type = (uint32_t)r.r_info;

        if (type == ELF_R_X86_64_NONE)
            continue;
        if (type != ELF_R_X86_64_RELATIVE) {
            msg_str(m, "hv.elf: relocation ");
            msg_dec(m, i);
            msg_str(m, ": unsupported type ");
            msg_dec(m, type);
            msg_str(m, " (only R_X86_64_RELATIVE and R_X86_64_NONE)");
            return -1;
        }
        if (span < sizeof(uint64_t) || r.r_offset > span - sizeof(uint64_t)) {
            msg_str(m, "hv.elf: relocation ");
            msg_dec(m, i);
            msg_str(m, ": r_offset ");
            msg_hex(m, r.r_offset);
            msg_str(m, " is outside the image (span ");
            msg_hex(m, span);
            msg_str(m, ")");
            return -1;
        }
        /* Unsigned: a negative addend wraps exactly as the CPU's add would. */
        uint64_t value = load_base + (uint64_t)r.r_addend;

        __builtin_memcpy(image + r.r_offset, &value, sizeof(value));
    }
    return 0;
}

int elf_load(const void *file, size_t size, const struct elf_image_info *info, void *dest,
             uint64_t load_base, char *err, size_t errlen)
{
    const uint8_t *bytes = file;
    uint8_t *image = dest;
    struct elf_image_info checked;
    struct elf64_ehdr eh;
    struct elf64_phdr ph;
    struct rela_table rela;
    struct msg m;
    int rc;

    msg_init(&m, err, errlen);
    /* Re-validate rather than trust the caller: @info sizes the copies below. */
    if (check_image(bytes, size, &eh, &checked, &m) != 0)
        return -1;
    if (info->span != checked.span) {
        msg_str(&m, "hv.elf: image info does not match the file (span ");
        msg_hex(&m, info->span);
        msg_str(&m, ", file needs ");
        msg_hex(&m, checked.span);
        msg_str(&m, ")");
        return -1;
    }

    __builtin_memset(image, 0, checked.span);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        read_phdr(bytes, &eh, i, &ph);
        if (ph.p_type == ELF_PT_LOAD)
            __builtin_memcpy(image + ph.p_vaddr, bytes + ph.p_offset, ph.p_filesz);
    }

    rc = find_dynamic(bytes, &eh, &ph, &m);
    if (rc <= 0)
        return rc;
    if (read_dynamic(image, &ph, &rela, &m) != 0)
        return -1;
    return apply_relocations(image, checked.span, &rela, load_base, &m);
}
