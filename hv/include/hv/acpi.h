/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The little ACPI the hypervisor reads itself: finding a table through the
 * RSDP and XSDT/RSDT, and the MADT's list of CPUs (local APIC and x2APIC
 * entries) with the local APIC's address.  Everything else in ACPI is the
 * parent's business.  Firmware tables are untrusted input: every length and
 * checksum is checked before use.  Pure logic over a memory-reading callback,
 * compiled into the hypervisor and for the host's unit tests.
 */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS      256
#define ACPI_MAX_TABLE_LEN (1U << 20) /* a bound on any table's length field */

/* Errors (negative returns). */
#define ACPI_EINVAL    -1 /* RSDP, root table or the table sought unreadable or corrupt */
#define ACPI_ENOTFOUND -2 /* a valid root table without (a valid copy of) the table */

/* Physical memory as the caller can read it. */
struct acpi_mem {
    /* [pa, pa+len) readable, or NULL.  Pointers stay valid until the call
     * that asked for them returns; they need not be aligned. */
    const void *(*map)(void *ctx, uint64_t pa, size_t len);
    void *ctx;
};

struct acpi_cpu {
    uint32_t apic_id;
    uint32_t acpi_uid; /* ACPI processor UID (one byte in local APIC entries) */
    bool enabled;      /* false: online-capable only (may be hot-added later) */
    bool x2apic_entry; /* listed by a Processor Local x2APIC entry */
};

struct acpi_madt_info {
    uint64_t lapic_base; /* the MADT's address, or the Local APIC Address Override's */
    uint32_t madt_flags; /* bit 0: the machine also has dual 8259 PICs */
    size_t ncpus;
    struct acpi_cpu cpus[ACPI_MAX_CPUS]; /* in table order, each APIC id once */
    bool truncated;                      /* more CPUs than ACPI_MAX_CPUS */
    bool malformed; /* an entry was too short or ran past the table: the list stops there */
};

/*
 * Find the table with signature @sig from the RSDP at @rsdp_pa: the XSDT if
 * the RSDP has revision >= 2 and an XSDT address, else the RSDT.  Entries
 * that are 0, lead to unreadable memory or to a copy with a bad length or
 * checksum are skipped.  0 with @table_pa set, or a negative error with a
 * message in @err (always terminated when @errlen > 0).
 */
int acpi_find_table(const struct acpi_mem *mem, uint64_t rsdp_pa, const char sig[4],
                    uint64_t *table_pa, char *err, size_t errlen);

/* Find the MADT ("APIC") and list the usable CPUs: enabled or online-capable,
 * not the all-ones (broadcast) id.  0 or a negative error as above. */
int acpi_parse_madt(const struct acpi_mem *mem, uint64_t rsdp_pa, struct acpi_madt_info *out,
                    char *err, size_t errlen);

#endif
