/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A child partition's hypercalls (see child_hypercall.h).
 */
#include <stddef.h>
#include <string.h>

#include <hv/child_hypercall.h>
#include <hv/hypercall.h>

/* The input of a slow call: 8-byte aligned, @size bytes inside one page of
 * the guest's RAM.  Copies it to @buf; HV_STATUS_SUCCESS or
 * HV_STATUS_INVALID_ALIGNMENT (as for the parent's calls: the buffer is
 * not one the hypervisor may read). */
static uint16_t read_input(const struct guest_mem *mem, uint64_t gpa, void *buf, size_t size)
{
    const uint8_t *page;

    if ((gpa & 7) || (gpa & 0xFFF) + size > 4096)
        return HV_STATUS_INVALID_ALIGNMENT;
    page = mem->page(mem->ctx, gpa & ~0xFFFULL);
    if (!page)
        return HV_STATUS_INVALID_ALIGNMENT;
    memcpy(buf, page + (gpa & 0xFFF), size);
    return HV_STATUS_SUCCESS;
}

static bool post_message(const struct hypercall *hc, uint64_t input, const struct guest_mem *mem,
                         uint16_t *status, struct hv_x64_hypercall_intercept_message *fwd)
{
    struct hv_input_post_message head;

    if (hc->fast) {
        *status = HV_STATUS_INVALID_HYPERCALL_INPUT; /* no fast form: 256 bytes of input */
        return false;
    }
    /* The whole input must be readable, even the payload the header
     * does not use: the TLFS input is one fixed-size structure. */
    *status = read_input(mem, input, &head, sizeof(head));
    if (*status != HV_STATUS_SUCCESS)
        return false;
    if (head.reserved) {
        *status = HV_STATUS_INVALID_HYPERCALL_INPUT;
        return false;
    }
    if (head.connection_id & ~HV_CONNECTION_ID_MASK) {
        *status = HV_STATUS_INVALID_CONNECTION_ID;
        return false;
    }
    /* Type 0 means "no message"; the types with bit 31 are the
     * hypervisor's own. */
    if (!head.message_type || (head.message_type & 0x80000000u) ||
        head.payload_size > HV_MESSAGE_PAYLOAD_SIZE) {
        *status = HV_STATUS_INVALID_PARAMETER;
        return false;
    }
    fwd->call_code = HVCALL_POST_MESSAGE;
    fwd->connection_id = head.connection_id;
    fwd->message_type = head.message_type;
    fwd->payload_size = head.payload_size;
    fwd->payload_gpa = input + offsetof(struct hv_input_post_message, payload);
    return true;
}

static bool signal_event(const struct hypercall *hc, uint64_t input, const struct guest_mem *mem,
                         uint16_t *status, struct hv_x64_hypercall_intercept_message *fwd)
{
    struct hv_input_signal_event in;

    _Static_assert(sizeof(in) == 8, "one register in the fast form");
    if (hc->fast) {
        memcpy(&in, &input, sizeof(in));
    } else {
        *status = read_input(mem, input, &in, sizeof(in));
        if (*status != HV_STATUS_SUCCESS)
            return false;
    }
    if (in.reserved) {
        *status = HV_STATUS_INVALID_HYPERCALL_INPUT;
        return false;
    }
    if (in.connection_id & ~HV_CONNECTION_ID_MASK) {
        *status = HV_STATUS_INVALID_CONNECTION_ID;
        return false;
    }
    fwd->call_code = HVCALL_SIGNAL_EVENT;
    fwd->connection_id = in.connection_id;
    fwd->flag_number = in.flag_number;
    return true;
}

bool child_hypercall(uint64_t control, uint64_t input, const struct guest_mem *mem,
                     uint16_t *status, struct hv_x64_hypercall_intercept_message *fwd)
{
    struct hypercall hc;

    *status = hypercall_decode(control, &hc);
    if (*status != HV_STATUS_SUCCESS)
        return false;
    if (hc.code != HVCALL_POST_MESSAGE && hc.code != HVCALL_SIGNAL_EVENT) {
        *status = HV_STATUS_INVALID_HYPERCALL_CODE;
        return false;
    }
    /* Both are simple calls: a rep count or a variable header is a
     * malformed call. */
    if (hc.varhead_qwords || hc.rep_count || hc.rep_start) {
        *status = HV_STATUS_INVALID_HYPERCALL_INPUT;
        return false;
    }
    if (hc.code == HVCALL_POST_MESSAGE)
        return post_message(&hc, input, mem, status, fwd);
    return signal_event(&hc, input, mem, status, fwd);
}
