// SPDX-License-Identifier: GPL-2.0-only
/* The table and the JSON of "hvctl list" (see list_format.h). */
#include <stdlib.h>
#include <string.h>

#include "list_format.h"
#include "size.h"

void uptime_format(bool has_uptime, uint64_t s, char *buf, size_t buf_size)
{
    unsigned long long secs = s;

    if (!has_uptime)
        snprintf(buf, buf_size, "-");
    else if (secs < 60)
        snprintf(buf, buf_size, "%llus", secs);
    else if (secs < 3600)
        snprintf(buf, buf_size, "%llum%02llus", secs / 60, secs % 60);
    else if (secs < 86400)
        snprintf(buf, buf_size, "%lluh%02llum", secs / 3600, secs % 3600 / 60);
    else
        snprintf(buf, buf_size, "%llud%02lluh", secs / 86400, secs % 86400 / 3600);
}

static int compare_rows(const void *a, const void *b)
{
    return strcmp(((const struct vm_row *)a)->name, ((const struct vm_row *)b)->name);
}

void list_sort(struct vm_row *rows, size_t n)
{
    if (n > 1)
        qsort(rows, n, sizeof(*rows), compare_rows);
}

const char *heartbeat_text(enum vm_heartbeat heartbeat)
{
    switch (heartbeat) {
    case VM_HEARTBEAT_OK:
        return "OK";
    case VM_HEARTBEAT_LOST:
        return "lost";
    case VM_HEARTBEAT_NONE:
        return "no contact";
    case VM_HEARTBEAT_UNKNOWN:
        break;
    }
    return "-";
}

/* The JSON word: "ok", "lost", "none", or NULL for null. */
static const char *heartbeat_json(enum vm_heartbeat heartbeat)
{
    switch (heartbeat) {
    case VM_HEARTBEAT_OK:
        return "ok";
    case VM_HEARTBEAT_LOST:
        return "lost";
    case VM_HEARTBEAT_NONE:
        return "none";
    case VM_HEARTBEAT_UNKNOWN:
        break;
    }
    return NULL;
}

enum column { COL_NAME, COL_STATE, COL_CPUS, COL_MEMORY, COL_UPTIME, COL_HEARTBEAT, N_COLUMNS };

static const char *const headers[N_COLUMNS] = {"NAME",   "STATE",  "CPUS",
                                               "MEMORY", "UPTIME", "HEARTBEAT"};

/* The text of every cell of one row. */
struct row_text {
    char cells[N_COLUMNS][VM_NAME_MAX + 1];
};

static void row_text(const struct vm_row *row, struct row_text *t)
{
    snprintf(t->cells[COL_NAME], sizeof(t->cells[0]), "%s", row->name);
    snprintf(t->cells[COL_STATE], sizeof(t->cells[0]), "%s", vm_state_name(row->state));
    snprintf(t->cells[COL_CPUS], sizeof(t->cells[0]), "%u", row->cpus);
    size_format_exact(row->memory_bytes, t->cells[COL_MEMORY], sizeof(t->cells[0]));
    uptime_format(row->has_uptime, row->uptime_s, t->cells[COL_UPTIME], sizeof(t->cells[0]));
    snprintf(t->cells[COL_HEARTBEAT], sizeof(t->cells[0]), "%s", heartbeat_text(row->heartbeat));
}

static void print_cells(FILE *out, const char *const cells[N_COLUMNS], const size_t widths[])
{
    for (int c = 0; c < N_COLUMNS; c++) {
        /* Two spaces between columns, none after the last. */
        if (c == N_COLUMNS - 1)
            fprintf(out, "%s\n", cells[c]);
        else
            fprintf(out, "%-*s  ", (int)widths[c], cells[c]);
    }
}

int list_print_table(FILE *out, const struct vm_row *rows, size_t n)
{
    size_t widths[N_COLUMNS];
    struct row_text t;

    for (int c = 0; c < N_COLUMNS; c++)
        widths[c] = strlen(headers[c]);
    for (size_t i = 0; i < n; i++) {
        row_text(&rows[i], &t);
        for (int c = 0; c < N_COLUMNS; c++) {
            if (strlen(t.cells[c]) > widths[c])
                widths[c] = strlen(t.cells[c]);
        }
    }
    print_cells(out, headers, widths);
    for (size_t i = 0; i < n; i++) {
        const char *cells[N_COLUMNS];

        row_text(&rows[i], &t);
        for (int c = 0; c < N_COLUMNS; c++)
            cells[c] = t.cells[c];
        print_cells(out, cells, widths);
    }
    return ferror(out) ? -1 : 0;
}

void json_print_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

int list_print_json(FILE *out, const struct vm_row *rows, size_t n)
{
    /* One object per line: valid JSON that grep and diff can still read. */
    fputs("[", out);
    for (size_t i = 0; i < n; i++) {
        fputs(i == 0 ? "\n  {\"name\": " : ",\n  {\"name\": ", out);
        json_print_string(out, rows[i].name);
        fputs(", \"state\": ", out);
        json_print_string(out, vm_state_name(rows[i].state));
        fprintf(out, ", \"cpus\": %u, \"memory_bytes\": %llu, \"uptime_s\": ", rows[i].cpus,
                (unsigned long long)rows[i].memory_bytes);
        if (rows[i].has_uptime)
            fprintf(out, "%llu", (unsigned long long)rows[i].uptime_s);
        else
            fputs("null", out);
        fputs(", \"heartbeat\": ", out);
        if (heartbeat_json(rows[i].heartbeat) != NULL)
            json_print_string(out, heartbeat_json(rows[i].heartbeat));
        else
            fputs("null", out);
        fputs("}", out);
    }
    fputs(n > 0 ? "\n]\n" : "]\n", out);
    return ferror(out) ? -1 : 0;
}
