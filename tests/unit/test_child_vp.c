/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parent's hypercalls for child VPs (hv/child_vp.c): HvCallCreateVp,
 * HvCallGetVpRegisters, HvCallSetVpRegisters, HvCallAssertVirtualInterrupt
 * and HvCallDispatchVp, every check of their input and the status it
 * returns (docs/abi.md), and the control word's form for each of them
 * (hv/include/hv/hypercall.h).
 *
 * What hv/child_vp.c calls in arch/x86_64 is stubbed here and recorded: the
 * VMCB set-up, register access by name (a fake register file in the VP's
 * VMCB page: the value checks of the real one are arch/x86_64/svm_child.c's
 * and not run here), the run loop, kicks by IPI, and this CPU's index.
 *
 * Every input is handed over as the hypervisor's copy of it would be: the
 * bytes up to the end of the parent's page, here a heap block of exactly
 * that size, so ASan catches a read beyond the page.  Output buffers are
 * poisoned, to see that a refused call writes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/svm_child.h>
#include <hv/abi.h>
#include <hv/child.h>
#include <hv/child_vp.h>
#include <hv/heap.h>
#include <hv/hypercall.h>

#define MiB       (1ULL << 20)
#define HEAP_SIZE (4 * MiB)
#define KICK      0xF2           /* the partitions' kick vector */
#define REFUSED   0xBADBADBADULL /* a value the fake register file refuses */
#define POISON    0xA5

/* ---- stubs for what hv/child_vp.c calls in arch/x86_64 ---------------------------------- */

/* This CPU, as hv/child_vp.c sees it. */
static unsigned current_cpu;

unsigned this_cpu_index(void)
{
    return current_cpu;
}

/* Four CPUs are up; their APIC ids differ from their indexes. */
#define NCPUS 4
struct percpu *cpus[MAX_CPUS];
static struct percpu percpus[NCPUS];

static struct {
    unsigned n;
    uint32_t apic_id, icr;
} ipis;

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    ipis.n++;
    ipis.apic_id = apic_id;
    ipis.icr = icr_low;
}

uint64_t tsc_khz(void)
{
    return 2000000; /* 2 GHz */
}

/* Heap allocations that succeed before every later one fails; -1: all do. */
static int allocs_left = -1;

uint64_t heap_alloc_zeroed(struct page_pool *pool, size_t pages)
{
    uint64_t pa;

    if (allocs_left == 0)
        return 0;
    if (allocs_left > 0)
        allocs_left--;
    pa = page_alloc(pool, pages, 1);
    if (pa)
        memset((void *)pa, 0, pages * PAGE_SIZE); /* the pool is identity-mapped */
    return pa;
}

/* The fake register file, in the VP's VMCB page (allocated and freed with
 * the VP, as the real VMCB is). */
struct fake_regs {
    uint64_t guest_tsc;
    unsigned n;
    struct {
        uint32_t name;
        union hv_register_value v;
    } r[64];
};
_Static_assert(sizeof(struct fake_regs) <= 4096, "fits the VMCB page");

static unsigned vp_inits, reg_sets;

int svm_child_vp_init(struct child_vp *cvp, struct page_pool *pool)
{
    uint64_t v = heap_alloc_zeroed(pool, 1);

    vp_inits++;
    if (!v)
        return -1;
    cvp->vp.vmcb = (struct vmcb *)v;
    return 0;
}

static struct fake_regs *fake(struct child_vp *cvp)
{
    assert_non_null(cvp->vp.vmcb);
    return (struct fake_regs *)cvp->vp.vmcb;
}

/* The names of hv/abi.h (the arch refuses the others). */
static bool known_name(uint32_t name)
{
    return (name >= HV_X64_REGISTER_RAX && name <= HV_X64_REGISTER_RFLAGS) ||
           (name >= HV_X64_REGISTER_CR0 && name <= HV_X64_REGISTER_XFEM) ||
           name == HV_X64_REGISTER_DR7 ||
           (name >= HV_X64_REGISTER_ES && name <= HV_X64_REGISTER_TR) ||
           name == HV_X64_REGISTER_IDTR || name == HV_X64_REGISTER_GDTR ||
           (name >= HV_X64_REGISTER_TSC && name <= HV_X64_REGISTER_SFMASK) ||
           name == HV_REGISTER_PENDING_INTERRUPTION || name == HV_REGISTER_INTERRUPT_STATE;
}

static union hv_register_value *fake_slot(struct child_vp *cvp, uint32_t name, bool add)
{
    struct fake_regs *f = fake(cvp);

    for (unsigned i = 0; i < f->n; i++)
        if (f->r[i].name == name)
            return &f->r[i].v;
    if (!add)
        return NULL;
    assert_true(f->n < 64);
    f->r[f->n].name = name;
    return &f->r[f->n++].v;
}

uint16_t svm_child_get_reg(struct child_vp *cvp, uint32_t name, union hv_register_value *out)
{
    union hv_register_value *v;

    /* hv/child_vp.c answers these itself, from the local APIC and the VP. */
    assert_int_not_equal(name, HV_X64_REGISTER_APIC_BASE);
    assert_int_not_equal(name, HV_X64_REGISTER_XFEM);
    if (!known_name(name))
        return HV_STATUS_INVALID_PARAMETER;
    memset(out, 0, sizeof(*out));
    if (name == HV_X64_REGISTER_TSC)
        out->reg64 = fake(cvp)->guest_tsc;
    else if ((v = fake_slot(cvp, name, false)))
        *out = *v;
    return HV_STATUS_SUCCESS;
}

uint16_t svm_child_set_reg(struct child_vp *cvp, uint32_t name, const union hv_register_value *in)
{
    assert_int_not_equal(name, HV_X64_REGISTER_APIC_BASE);
    if (!known_name(name) || in->reg64 == REFUSED)
        return HV_STATUS_INVALID_PARAMETER;
    reg_sets++;
    if (name == HV_X64_REGISTER_TSC)
        fake(cvp)->guest_tsc = in->reg64;
    else if (name == HV_X64_REGISTER_XFEM)
        cvp->xcr0 = in->reg64;
    else
        *fake_slot(cvp, name, true) = *in;
    return HV_STATUS_SUCCESS;
}

/* The run loop: records what it was given and returns at once, as one that
 * found nothing to run (a dead VP says so). */
static struct {
    unsigned n;
    struct child_vp *cvp;
    uint64_t timer_armed;
    int run_state; /* at entry */
    uint64_t rax;  /* at entry */
    /* If set, called after the VP was published as halted, before the
     * dispatch ends. */
    void (*while_halted)(struct child_vp *cvp);
} ran;

void svm_child_dispatch(struct child_vp *cvp, uint64_t timer_armed, struct hv_message *msg)
{
    union hv_register_value *rax = fake_slot(cvp, HV_X64_REGISTER_RAX, false);

    ran.n++;
    ran.cvp = cvp;
    ran.timer_armed = timer_armed;
    ran.run_state = __atomic_load_n(&cvp->run_state, __ATOMIC_SEQ_CST);
    ran.rax = rax ? rax->reg64 : 0;
    memset(msg, 0, sizeof(*msg));
    msg->header.message_type = cvp->dead ? HVMSG_UNRECOVERABLE_EXCEPTION : HVMSG_X64_HALT;
    msg->header.sender = cvp->child->id;
    if (ran.while_halted) {
        /* As the real run loop after it published the halt: the VP looks
         * halted, but its dispatcher still looks at it. */
        __atomic_store_n(&cvp->run_state, CHILD_VP_HALTED, __ATOMIC_SEQ_CST);
        ran.while_halted(cvp);
        return;
    }
    __atomic_store_n(&cvp->run_state, CHILD_VP_IDLE, __ATOMIC_SEQ_CST);
}

/* ---- the environment ---------------------------------------------------------------------- */

static uint8_t *heap;
static struct page_pool pool;
static struct mem_range ranges[1] = {{0, 1 * MiB, MEM_USABLE}};
static struct memmap map = {ranges, 1, 1};
static struct child_env env;

/* The hypervisor's heap is identity-mapped, as in the hypervisor. */
static void *identity(uint64_t pa)
{
    return (void *)pa;
}

static int setup(void **state)
{
    (void)state;
    heap = aligned_alloc(4096, HEAP_SIZE);
    assert_int_equal(page_pool_init(&pool, (uint64_t)heap, heap, HEAP_SIZE), 0);
    assert_int_equal(child_env_init(&env, &pool, &map, identity), 0);
    env.destroy_vp = child_vp_destroy;
    env.vp_running = child_vp_running;
    memset(cpus, 0, sizeof(cpus));
    for (unsigned i = 0; i < NCPUS; i++) {
        percpus[i] = (struct percpu){.cpu_index = i, .apic_id = 0x10 + i};
        cpus[i] = &percpus[i];
    }
    memset(&ipis, 0, sizeof(ipis));
    memset(&ran, 0, sizeof(ran));
    allocs_left = -1;
    vp_inits = reg_sets = 0;
    /* wakes that an earlier test left on some CPU */
    for (current_cpu = 0; current_cpu < MAX_CPUS; current_cpu++)
        child_vp_take_wakes();
    current_cpu = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(heap);
    return 0;
}

static uint64_t partition(uint32_t max_vps, uint32_t kick)
{
    struct hv_input_create_partition in = {.max_vps = max_vps, .kick_vector = kick};
    uint64_t id = 0;

    assert_int_equal(child_create(&env, &in, &id), HV_STATUS_SUCCESS);
    return id;
}

static struct child_partition *part(uint64_t id)
{
    struct child_partition *p = child_find(&env, id);

    assert_non_null(p);
    return p;
}

static struct child_vp *vp(uint64_t id, unsigned index)
{
    assert_true(index < HV_MAX_CHILD_VPS);
    assert_non_null(part(id)->vps[index]);
    return part(id)->vps[index];
}

/* The parent's input page, built in place; a call gets a copy of its
 * first in_room bytes. */
static uint8_t page[HV_PAGE_SIZE] __attribute__((aligned(8)));

static void *input_copy(size_t in_room)
{
    void *copy = malloc(in_room ? in_room : 1);

    assert_true(in_room <= sizeof(page));
    memcpy(copy, page, in_room);
    return copy;
}

static void *output(size_t out_room)
{
    void *out = malloc(out_room ? out_room : 1);

    memset(out, POISON, out_room);
    return out;
}

static bool untouched(const void *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (((const uint8_t *)buf)[i] != POISON)
            return false;
    return true;
}

/* ---- HvCallCreateVp ------------------------------------------------------------------------- */

static struct hv_input_create_vp *create_in(uint64_t id, uint32_t index)
{
    struct hv_input_create_vp *in = (void *)page;

    memset(page, 0, sizeof(page));
    in->partition_id = id;
    in->vp_index = index;
    return in;
}

static uint16_t call_create(size_t in_room)
{
    void *in = input_copy(in_room);
    uint16_t st = child_vp_call_create(&env, in, in_room);

    free(in);
    return st;
}

static uint16_t create_vp(uint64_t id, uint32_t index)
{
    create_in(id, index);
    return call_create(sizeof(struct hv_input_create_vp));
}

static void test_create_input_must_fit_the_page(void **state)
{
    uint64_t id = partition(1, 0);

    (void)state;
    create_in(id, 0);
    assert_int_equal(call_create(sizeof(struct hv_input_create_vp) - 1),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call_create(0), HV_STATUS_INVALID_ALIGNMENT);
    assert_null(part(id)->vps[0]);
    assert_int_equal(call_create(sizeof(struct hv_input_create_vp)), HV_STATUS_SUCCESS);
}

static void test_create_reserved_fields_must_be_zero(void **state)
{
    uint64_t id = partition(1, 0);

    (void)state;
    create_in(id, 0)->padding = 1;
    assert_int_equal(call_create(sizeof(struct hv_input_create_vp)), HV_STATUS_INVALID_PARAMETER);
    create_in(id, 0)->flags = 1ULL << 63;
    assert_int_equal(call_create(sizeof(struct hv_input_create_vp)), HV_STATUS_INVALID_PARAMETER);
    assert_null(part(id)->vps[0]);
    assert_int_equal(vp_inits, 0);
}

static void test_create_unknown_partition(void **state)
{
    uint64_t id = partition(1, 0);

    (void)state;
    assert_int_equal(create_vp(id + 1, 0), HV_STATUS_INVALID_PARTITION_ID);
    assert_int_equal(create_vp(0, 0), HV_STATUS_INVALID_PARTITION_ID);
    /* a deleted partition's id names nothing any more */
    assert_int_equal(child_delete(&env, id), HV_STATUS_SUCCESS);
    assert_int_equal(create_vp(id, 0), HV_STATUS_INVALID_PARTITION_ID);
}

static void test_create_vp_index_below_max_vps(void **state)
{
    uint64_t id = partition(2, 0);

    (void)state;
    assert_int_equal(create_vp(id, 2), HV_STATUS_INVALID_VP_INDEX);
    assert_int_equal(create_vp(id, HV_MAX_CHILD_VPS), HV_STATUS_INVALID_VP_INDEX);
    assert_int_equal(create_vp(id, UINT32_MAX), HV_STATUS_INVALID_VP_INDEX);
    assert_int_equal(vp_inits, 0);
    assert_int_equal(create_vp(id, 1), HV_STATUS_SUCCESS);
    assert_int_equal(create_vp(id, 0), HV_STATUS_SUCCESS);
}

static void test_create_twice_is_refused(void **state)
{
    uint64_t id = partition(2, 0);
    struct child_vp *first;
    size_t free_frames;

    (void)state;
    assert_int_equal(create_vp(id, 1), HV_STATUS_SUCCESS);
    first = vp(id, 1);
    free_frames = pool.free_frames;
    assert_int_equal(create_vp(id, 1), HV_STATUS_OBJECT_IN_USE);
    /* the VP stays as it was, and nothing was allocated for the second */
    assert_ptr_equal(vp(id, 1), first);
    assert_int_equal(pool.free_frames, free_frames);
}

static void test_create_sets_up_the_vp(void **state)
{
    uint64_t id = partition(HV_MAX_CHILD_VPS, 0);
    struct child_partition *p = part(id);

    (void)state;
    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++)
        assert_int_equal(create_vp(id, i), HV_STATUS_SUCCESS);
    assert_int_equal(vp_inits, HV_MAX_CHILD_VPS);
    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++) {
        struct child_vp *cvp = vp(id, i);
        struct vlapic_target t;

        assert_ptr_equal(cvp->child, p);
        assert_int_equal(cvp->vp.index, i);
        assert_int_equal(cvp->vp.apic_id, i);
        assert_int_equal(cvp->run_state, CHILD_VP_IDLE);
        assert_false(child_vp_running(cvp));
        assert_int_equal(cvp->last_cpu, -1);
        assert_int_equal(cvp->xcr0, 1);
        assert_non_null(cvp->fpu_area);
        /* VP 0 runs from the parent's registers; the others wait for SIPI */
        assert_int_equal(cvp->vp.state, i == 0 ? VP_RUNNING : VP_WAIT_SIPI);
        vlapic_target_info(&cvp->vlapic, &t);
        assert_int_equal(t.mode, VLAPIC_XAPIC);
        assert_int_equal(t.id, i);
    }
    /* the local APICs see each other */
    assert_int_equal(p->apic_bus.nvps, HV_MAX_CHILD_VPS);
    assert_ptr_equal(p->apic_bus.ctx, p);
}

static void test_create_out_of_memory_leaks_nothing(void **state)
{
    uint64_t id = partition(1, 0);
    size_t free_frames = pool.free_frames;

    (void)state;
    /* the VP, its FPU page, its VMCB: each one failing in turn */
    for (int ok = 0; ok < 3; ok++) {
        allocs_left = ok;
        assert_int_equal(create_vp(id, 0), HV_STATUS_INSUFFICIENT_MEMORY);
        assert_null(part(id)->vps[0]);
        assert_int_equal(pool.free_frames, free_frames);
    }
    allocs_left = -1;
    assert_int_equal(create_vp(id, 0), HV_STATUS_SUCCESS);
    assert_true(pool.free_frames < free_frames);
}

/* A partition with VPs goes back to the pool whole; not while one runs. */
static void test_delete_frees_the_vps_not_while_one_runs(void **state)
{
    size_t free_frames = pool.free_frames;
    uint64_t id = partition(4, 0);
    struct child_vp *cvp;

    (void)state;
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(create_vp(id, i), HV_STATUS_SUCCESS);
    cvp = vp(id, 2);
    cvp->run_state = 3;
    assert_int_equal(child_delete(&env, id), HV_STATUS_INVALID_PARTITION_STATE);
    assert_ptr_equal(vp(id, 2), cvp);
    /* halted in the parent is not running */
    cvp->run_state = CHILD_VP_HALTED;
    assert_int_equal(child_delete(&env, id), HV_STATUS_SUCCESS);
    assert_int_equal(pool.free_frames, free_frames);
}

/* ---- the control word ----------------------------------------------------------------------- */

static uint16_t form(uint16_t code, uint64_t extra)
{
    struct hypercall hc;
    uint16_t st = hypercall_decode(code | extra, &hc);

    return st != HV_STATUS_SUCCESS ? st : hypercall_check_form(&hc);
}

#define REPS(count, start)                                                                         \
    ((uint64_t)(count) << HV_HYPERCALL_REP_COUNT_SHIFT | (uint64_t)(start)                         \
                                                             << HV_HYPERCALL_REP_START_SHIFT)

static void test_control_word_form_of_the_vp_calls(void **state)
{
    static const uint16_t simple[] = {HVCALL_CREATE_VP, HVCALL_ASSERT_VIRTUAL_INTERRUPT,
                                      HVCALL_DISPATCH_VP};
    static const uint16_t rep[] = {HVCALL_GET_VP_REGISTERS, HVCALL_SET_VP_REGISTERS};

    (void)state;
    for (unsigned i = 0; i < 3; i++) {
        assert_false(hypercall_is_rep(simple[i]));
        assert_int_equal(form(simple[i], 0), HV_STATUS_SUCCESS);
        /* a rep count (or start) on a simple call is a malformed call */
        assert_int_equal(form(simple[i], REPS(1, 0)), HV_STATUS_INVALID_HYPERCALL_INPUT);
        assert_int_equal(form(simple[i], REPS(1, 1)), HV_STATUS_INVALID_HYPERCALL_INPUT);
        assert_int_equal(form(simple[i], REPS(0xFFF, 0)), HV_STATUS_INVALID_HYPERCALL_INPUT);
    }
    for (unsigned i = 0; i < 2; i++) {
        assert_true(hypercall_is_rep(rep[i]));
        assert_int_equal(form(rep[i], 0), HV_STATUS_SUCCESS);
        assert_int_equal(form(rep[i], REPS(3, 0)), HV_STATUS_SUCCESS);
        assert_int_equal(form(rep[i], REPS(3, 3)), HV_STATUS_SUCCESS);
        assert_int_equal(form(rep[i], REPS(3, 4)), HV_STATUS_INVALID_HYPERCALL_INPUT);
    }
    /* no call has a fast form or a variable header (yet) */
    for (unsigned i = 0; i < 5; i++) {
        uint16_t code = i < 3 ? simple[i] : rep[i - 3];

        assert_int_equal(form(code, HV_HYPERCALL_FAST), HV_STATUS_INVALID_HYPERCALL_INPUT);
        assert_int_equal(form(code, 1ULL << HV_HYPERCALL_VARHEAD_SHIFT),
                         HV_STATUS_INVALID_HYPERCALL_INPUT);
        assert_int_equal(form(code, HV_HYPERCALL_VARHEAD_MASK), HV_STATUS_INVALID_HYPERCALL_INPUT);
        assert_int_equal(form(code, 1ULL << 63), HV_STATUS_INVALID_HYPERCALL_INPUT);
    }
}

/* ---- HvCallGetVpRegisters and HvCallSetVpRegisters ------------------------------------------ */

#define GET_HEAD   sizeof(struct hv_input_get_vp_registers)
#define SET_HEAD   sizeof(struct hv_input_set_vp_registers)
#define GET_IN(n)  (GET_HEAD + (n) * sizeof(uint32_t))
#define SET_IN(n)  (SET_HEAD + (n) * sizeof(struct hv_register_assoc))
#define GET_OUT(n) ((n) * sizeof(union hv_register_value))

static struct hv_input_get_vp_registers *get_in(uint64_t id, uint32_t index)
{
    struct hv_input_get_vp_registers *in = (void *)page;

    memset(page, 0, sizeof(page));
    in->partition_id = id;
    in->vp_index = index;
    return in;
}

static struct hv_input_set_vp_registers *set_in(uint64_t id, uint32_t index)
{
    return (struct hv_input_set_vp_registers *)get_in(id, index); /* the same header */
}

static void set_elem(unsigned i, uint32_t name, uint64_t value)
{
    struct hv_register_assoc *a = &((struct hv_input_set_vp_registers *)page)->elements[i];

    a->name = name;
    a->value.reg64 = value;
}

/* The call with @count reps from @start; *done as the hypervisor
 * initialises it (the rep start). */
static uint16_t call_registers(uint16_t code, unsigned count, unsigned start, size_t in_room,
                               void *out, size_t out_room, unsigned *done)
{
    struct hypercall hc = {.code = code, .rep_count = count, .rep_start = start};
    void *in = input_copy(in_room);
    uint16_t st;

    assert_int_equal(hypercall_check_form(&hc), HV_STATUS_SUCCESS);
    *done = start;
    st = child_vp_call_registers(&env, &hc, in, in_room, out, out_room, done);
    free(in);
    return st;
}

/* Set/Get of @n registers built in the page, with exact rooms. */
static uint16_t set_regs(unsigned n, unsigned *done)
{
    return call_registers(HVCALL_SET_VP_REGISTERS, n, 0, SET_IN(n), NULL, 0, done);
}

static uint16_t get_regs(unsigned n, union hv_register_value *out, unsigned *done)
{
    return call_registers(HVCALL_GET_VP_REGISTERS, n, 0, GET_IN(n), out, GET_OUT(n), done);
}

static uint64_t get_reg(uint64_t id, uint32_t index, uint32_t name)
{
    union hv_register_value *out = output(GET_OUT(1));
    uint64_t v;
    unsigned done;

    get_in(id, index)->names[0] = name;
    assert_int_equal(get_regs(1, out, &done), HV_STATUS_SUCCESS);
    assert_int_equal(done, 1);
    v = out->reg64;
    free(out);
    return v;
}

static uint16_t set_reg(uint64_t id, uint32_t index, uint32_t name, uint64_t value)
{
    unsigned done;

    set_in(id, index);
    set_elem(0, name, value);
    return set_regs(1, &done);
}

static uint64_t with_vps(unsigned max_vps, unsigned created)
{
    uint64_t id = partition(max_vps, KICK);

    for (unsigned i = 0; i < created; i++)
        assert_int_equal(create_vp(id, i), HV_STATUS_SUCCESS);
    return id;
}

static void test_registers_input_must_fit_the_page(void **state)
{
    uint64_t id = with_vps(1, 1);
    union hv_register_value *out = output(GET_OUT(HV_GET_VP_REGISTERS_MAX_REPS));
    struct hv_input_get_vp_registers *g = get_in(id, 0);
    unsigned done;

    (void)state;
    for (unsigned i = 0; i < 8; i++)
        g->names[i] = HV_X64_REGISTER_RAX + i;
    /* the header alone must be there, even with no reps */
    assert_int_equal(call_registers(HVCALL_GET_VP_REGISTERS, 0, 0, GET_HEAD - 1, out, 0, &done),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call_registers(HVCALL_GET_VP_REGISTERS, 0, 0, GET_HEAD, out, 0, &done),
                     HV_STATUS_SUCCESS);
    /* the names of every rep, from rep 0, whatever the start */
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 8, 0, GET_IN(8) - 1, out, GET_OUT(8), &done),
        HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(done, 0);
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 8, 7, GET_IN(8) - 4, out, GET_OUT(8), &done),
        HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(done, 7);
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 8, 0, GET_IN(8), out, GET_OUT(8), &done),
        HV_STATUS_SUCCESS);
    assert_int_equal(done, 8);
    /* the largest rep count the control word holds, on a full page */
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 0xFFF, 0, HV_PAGE_SIZE, out, HV_PAGE_SIZE, &done),
        HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(
        call_registers(HVCALL_SET_VP_REGISTERS, 0xFFF, 0, HV_PAGE_SIZE, NULL, 0, &done),
        HV_STATUS_INVALID_ALIGNMENT);

    set_in(id, 0);
    for (unsigned i = 0; i < HV_SET_VP_REGISTERS_MAX_REPS; i++)
        set_elem(i, HV_X64_REGISTER_RAX + i % 16, i);
    assert_int_equal(call_registers(HVCALL_SET_VP_REGISTERS, 0, 0, SET_HEAD - 1, NULL, 0, &done),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call_registers(HVCALL_SET_VP_REGISTERS, 2, 0, SET_IN(2) - 8, NULL, 0, &done),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(reg_sets, 0);
    /* a page holds 127 elements (and 16 bytes to spare) */
    assert_int_equal(HV_SET_VP_REGISTERS_MAX_REPS, 127);
    assert_true(SET_IN(HV_SET_VP_REGISTERS_MAX_REPS + 1) > HV_PAGE_SIZE);
    assert_int_equal(call_registers(HVCALL_SET_VP_REGISTERS, HV_SET_VP_REGISTERS_MAX_REPS + 1, 0,
                                    HV_PAGE_SIZE, NULL, 0, &done),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call_registers(HVCALL_SET_VP_REGISTERS, HV_SET_VP_REGISTERS_MAX_REPS, 0,
                                    HV_PAGE_SIZE, NULL, 0, &done),
                     HV_STATUS_SUCCESS);
    assert_int_equal(done, HV_SET_VP_REGISTERS_MAX_REPS);
    free(out);
}

static void test_get_registers_output_must_fit_the_page(void **state)
{
    uint64_t id = with_vps(1, 1);
    union hv_register_value *out = output(HV_PAGE_SIZE);
    struct hv_input_get_vp_registers *g = get_in(id, 0);
    unsigned done;

    (void)state;
    for (unsigned i = 0; i < 257; i++)
        g->names[i] = HV_X64_REGISTER_RAX;
    /* 16 bytes a rep, from the start of the output, whatever the rep start */
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 4, 0, GET_IN(4), out, GET_OUT(4) - 8, &done),
        HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 4, 3, GET_IN(4), out, GET_OUT(4) - 8, &done),
        HV_STATUS_INVALID_ALIGNMENT);
    /* not in the parent's RAM */
    assert_int_equal(call_registers(HVCALL_GET_VP_REGISTERS, 1, 0, GET_IN(1), out, 0, &done),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_true(untouched(out, HV_PAGE_SIZE));
    /* a page of output holds 256 values, fewer than the input's names */
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 257, 0, GET_IN(257), out, HV_PAGE_SIZE, &done),
        HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(
        call_registers(HVCALL_GET_VP_REGISTERS, 256, 0, GET_IN(256), out, HV_PAGE_SIZE, &done),
        HV_STATUS_SUCCESS);
    assert_int_equal(done, 256);
    free(out);
}

static void test_registers_header_reserved_fields(void **state)
{
    uint64_t id = with_vps(1, 1);
    union hv_register_value *out = output(GET_OUT(1));
    unsigned done;

    (void)state;
    for (unsigned field = 0; field < 4; field++) {
        struct hv_input_get_vp_registers *g = get_in(id, 0);

        /* input_vtl (no VTLs but 0) and the three padding bytes */
        if (field == 0)
            g->input_vtl = 1;
        else
            g->padding[field - 1] = 0x80;
        g->names[0] = HV_X64_REGISTER_RAX;
        assert_int_equal(get_regs(1, out, &done), HV_STATUS_INVALID_PARAMETER);
        assert_int_equal(done, 0);
        assert_int_equal(set_regs(1, &done), HV_STATUS_INVALID_PARAMETER);
    }
    assert_true(untouched(out, GET_OUT(1)));
    assert_int_equal(reg_sets, 0);
    free(out);
}

static void test_registers_unknown_partition_or_vp(void **state)
{
    uint64_t id = with_vps(4, 2);
    union hv_register_value *out = output(GET_OUT(1));
    static const uint32_t bad_vps[] = {2, 3, 4, HV_MAX_CHILD_VPS - 1, HV_MAX_CHILD_VPS, UINT32_MAX};
    unsigned done;

    (void)state;
    get_in(id + 1, 0)->names[0] = HV_X64_REGISTER_RAX;
    assert_int_equal(get_regs(1, out, &done), HV_STATUS_INVALID_PARTITION_ID);
    set_in(id + 1, 0);
    set_elem(0, HV_X64_REGISTER_RAX, 1);
    assert_int_equal(set_regs(1, &done), HV_STATUS_INVALID_PARTITION_ID);
    /* not created (2, 3), beyond max_vps, beyond any partition's VPs */
    for (unsigned i = 0; i < sizeof(bad_vps) / sizeof(bad_vps[0]); i++) {
        get_in(id, bad_vps[i])->names[0] = HV_X64_REGISTER_RAX;
        assert_int_equal(get_regs(1, out, &done), HV_STATUS_INVALID_VP_INDEX);
        set_in(id, bad_vps[i]);
        set_elem(0, HV_X64_REGISTER_RAX, 1);
        assert_int_equal(set_regs(1, &done), HV_STATUS_INVALID_VP_INDEX);
    }
    assert_true(untouched(out, GET_OUT(1)));
    assert_int_equal(reg_sets, 0);
    free(out);
}

static void test_registers_not_while_the_vp_runs(void **state)
{
    uint64_t id = with_vps(2, 2);
    union hv_register_value *out = output(GET_OUT(1));
    struct child_vp *cvp = vp(id, 1);
    unsigned done;

    (void)state;
    /* running on another CPU, or on this one (a nested call) */
    for (int cpu = 0; cpu < 2; cpu++) {
        cvp->run_state = cpu;
        get_in(id, 1)->names[0] = HV_X64_REGISTER_RIP;
        assert_int_equal(get_regs(1, out, &done), HV_STATUS_INVALID_VP_STATE);
        assert_int_equal(set_reg(id, 1, HV_X64_REGISTER_RIP, 0x1000), HV_STATUS_INVALID_VP_STATE);
    }
    assert_true(untouched(out, GET_OUT(1)));
    assert_int_equal(reg_sets, 0);
    /* its sibling is not running */
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_RIP, 0x1000), HV_STATUS_SUCCESS);
    /* halted in the parent, or back in it: the parent's to change */
    cvp->run_state = CHILD_VP_HALTED;
    assert_int_equal(set_reg(id, 1, HV_X64_REGISTER_RIP, 0x2000), HV_STATUS_SUCCESS);
    cvp->run_state = CHILD_VP_IDLE;
    assert_int_equal(get_reg(id, 1, HV_X64_REGISTER_RIP), 0x2000);
    free(out);
}

static void test_set_registers_element_reserved_fields(void **state)
{
    uint64_t id = with_vps(1, 1);
    struct hv_input_set_vp_registers *in;
    unsigned done;

    (void)state;
    in = set_in(id, 0);
    set_elem(0, HV_X64_REGISTER_RAX, 1);
    set_elem(1, HV_X64_REGISTER_RBX, 2);
    set_elem(2, HV_X64_REGISTER_RCX, 3);
    in->elements[1].reserved1 = 1;
    assert_int_equal(set_regs(3, &done), HV_STATUS_INVALID_PARAMETER);
    /* the call stops at the bad element: the one before it is done */
    assert_int_equal(done, 1);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RAX), 1);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RBX), 0);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RCX), 0);

    in = set_in(id, 0);
    set_elem(0, HV_X64_REGISTER_RAX, 1);
    set_elem(1, HV_X64_REGISTER_RBX, 2);
    in->elements[1].reserved2 = 1ULL << 63;
    assert_int_equal(set_regs(2, &done), HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(done, 1);
    /* fixed, the caller resumes at the failed element */
    in->elements[1].reserved2 = 0;
    assert_int_equal(call_registers(HVCALL_SET_VP_REGISTERS, 2, 1, SET_IN(2), NULL, 0, &done),
                     HV_STATUS_SUCCESS);
    assert_int_equal(done, 2);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RBX), 2);
}

static void test_refused_register_stops_the_call(void **state)
{
    uint64_t id = with_vps(1, 1);
    union hv_register_value *out = output(GET_OUT(3));
    struct hv_input_get_vp_registers *g;
    unsigned done;

    (void)state;
    /* an unknown name, a value the arch refuses */
    set_in(id, 0);
    set_elem(0, HV_X64_REGISTER_RAX, 1);
    set_elem(1, 0x00020012, 2);
    set_elem(2, HV_X64_REGISTER_RCX, 3);
    assert_int_equal(set_regs(3, &done), HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(done, 1);
    set_elem(1, HV_X64_REGISTER_RBX, REFUSED);
    assert_int_equal(call_registers(HVCALL_SET_VP_REGISTERS, 3, 1, SET_IN(3), NULL, 0, &done),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(done, 1);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RCX), 0);

    g = get_in(id, 0);
    g->names[0] = HV_X64_REGISTER_RAX;
    g->names[1] = 0xFFFFFFFF;
    g->names[2] = HV_X64_REGISTER_RCX;
    assert_int_equal(get_regs(3, out, &done), HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(done, 1);
    /* the value before the failed rep is out; the rest of the page is not written */
    assert_int_equal(out[0].reg64, 1);
    assert_true(untouched(&out[1], GET_OUT(2)));
    free(out);
}

static void test_registers_round_trip(void **state)
{
    uint64_t id = with_vps(2, 2);
    union hv_register_value *out = output(GET_OUT(4));
    struct hv_input_set_vp_registers *in;
    struct hv_input_get_vp_registers *g;
    unsigned done;

    (void)state;
    in = set_in(id, 1);
    set_elem(0, HV_X64_REGISTER_RIP, 0xFFF0);
    set_elem(1, HV_X64_REGISTER_R15, 0x1515);
    in->elements[2].name = HV_X64_REGISTER_CS;
    in->elements[2].value.segment =
        (struct hv_x64_segment_register){0xFFFF0000, 0xFFFF, 0xF000, 0x9B};
    set_elem(3, HV_X64_REGISTER_XFEM, 3);
    assert_int_equal(set_regs(4, &done), HV_STATUS_SUCCESS);
    assert_int_equal(done, 4);

    g = get_in(id, 1);
    g->names[0] = HV_X64_REGISTER_RIP;
    g->names[1] = HV_X64_REGISTER_R15;
    g->names[2] = HV_X64_REGISTER_CS;
    g->names[3] = HV_X64_REGISTER_XFEM;
    assert_int_equal(get_regs(4, out, &done), HV_STATUS_SUCCESS);
    assert_int_equal(done, 4);
    assert_int_equal(out[0].reg64, 0xFFF0);
    assert_int_equal(out[0].reg128[1], 0); /* a 64-bit value's upper half is 0 */
    assert_int_equal(out[1].reg64, 0x1515);
    assert_int_equal(out[2].segment.base, 0xFFFF0000);
    assert_int_equal(out[2].segment.selector, 0xF000);
    assert_int_equal(out[2].segment.attributes, 0x9B);
    assert_int_equal(out[3].reg64, 3); /* XCR0 is the VP's own */
    assert_int_equal(vp(id, 1)->xcr0, 3);
    /* VP 0 was not touched */
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RIP), 0);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_XFEM), 1);
    free(out);
}

#define BASE_XAPIC  0xFEE00800ULL /* enabled */
#define BASE_X2APIC 0xFEE00C00ULL
#define BASE_BSP    0x100ULL

static void test_apic_base_is_the_local_apics(void **state)
{
    uint64_t id = with_vps(2, 2);

    (void)state;
    /* the boot processor's bit is read-only */
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_APIC_BASE), BASE_XAPIC | BASE_BSP);
    assert_int_equal(get_reg(id, 1, HV_X64_REGISTER_APIC_BASE), BASE_XAPIC);
    assert_int_equal(set_reg(id, 1, HV_X64_REGISTER_APIC_BASE, BASE_XAPIC | BASE_BSP),
                     HV_STATUS_SUCCESS);
    assert_int_equal(get_reg(id, 1, HV_X64_REGISTER_APIC_BASE), BASE_XAPIC);
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_XAPIC), HV_STATUS_SUCCESS);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_APIC_BASE), BASE_XAPIC | BASE_BSP);
    /* reserved bits, x2APIC without enable, x2APIC back to xAPIC */
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_XAPIC | 1),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_XAPIC | 1ULL << 63),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_X2APIC & ~0x800ULL),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_X2APIC), HV_STATUS_SUCCESS);
    assert_int_equal(vlapic_mode(&vp(id, 0)->vlapic), VLAPIC_X2APIC);
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_XAPIC),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(vlapic_mode(&vp(id, 0)->vlapic), VLAPIC_X2APIC);
    assert_int_equal(reg_sets, 0);
}

/* The local APIC's timer runs on the guest's TSC (the run loop ticks it
 * with that): a write of APIC_BASE must bring it up to the guest's time,
 * not the host's, or an armed timer fires early. */
static void test_apic_base_write_ticks_the_guest_clock(void **state)
{
    uint64_t id = with_vps(1, 1);
    struct child_vp *cvp = vp(id, 0);

    (void)state;
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_TSC, 1000), HV_STATUS_SUCCESS);
    vlapic_mmio_write(&cvp->vlapic, VLAPIC_REG_SVR, 0x1FF, 1000);
    vlapic_mmio_write(&cvp->vlapic, VLAPIC_REG_LVT_TIMER, 2u << 17 | 0x30, 1000); /* deadline */
    assert_int_equal(vlapic_msr_write(&cvp->vlapic, VLAPIC_MSR_TSC_DEADLINE, 5000, 1000), 0);
    assert_int_equal(vlapic_pending(&cvp->vlapic), -1);
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_XAPIC), HV_STATUS_SUCCESS);
    assert_int_equal(vlapic_pending(&cvp->vlapic), -1);
    /* once the guest's clock passes the deadline, it fires */
    fake(cvp)->guest_tsc = 5000;
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_APIC_BASE, BASE_XAPIC), HV_STATUS_SUCCESS);
    assert_int_equal(vlapic_pending(&cvp->vlapic), 0x30);
}

/* ---- HvCallAssertVirtualInterrupt ----------------------------------------------------------- */

#define ASSERT_IN  sizeof(struct hv_input_assert_virtual_interrupt)
#define ASSERT_OUT sizeof(struct hv_output_assert_virtual_interrupt)

static struct hv_input_assert_virtual_interrupt *assert_in(uint64_t id, uint32_t type,
                                                           uint64_t dest, uint32_t vector)
{
    struct hv_input_assert_virtual_interrupt *in = (void *)page;

    memset(page, 0, sizeof(page));
    in->partition_id = id;
    in->interrupt_type = type;
    in->dest_address = dest;
    in->vector = vector;
    return in;
}

/* The call as built; *wake_vps is its output, unless it failed (then the
 * output must be untouched). */
static uint16_t call_assert_room(size_t in_room, size_t out_room, uint64_t *wake_vps)
{
    void *in = input_copy(in_room);
    void *out = output(out_room);
    uint16_t st = child_vp_call_assert_interrupt(&env, in, in_room, out, out_room);

    if (st == HV_STATUS_SUCCESS)
        memcpy(wake_vps, out, sizeof(*wake_vps));
    else
        assert_true(untouched(out, out_room));
    free(in);
    free(out);
    return st;
}

static uint16_t call_assert(uint64_t *wake_vps)
{
    return call_assert_room(ASSERT_IN, ASSERT_OUT, wake_vps);
}

static bool irr_posted(struct child_vp *cvp, unsigned vector)
{
    return cvp->posted_irr[vector / 64] & 1ULL << (vector % 64);
}

static bool nothing_posted(struct child_vp *cvp)
{
    return !child_vp_has_posted(cvp);
}

static void clear_posted(uint64_t id)
{
    for (unsigned i = 0; i < HV_MAX_CHILD_VPS; i++) {
        struct child_vp *cvp = part(id)->vps[i];

        if (cvp) {
            memset(cvp->posted_irr, 0, sizeof(cvp->posted_irr));
            cvp->posted_events = 0;
            cvp->posted_sipi_vector = 0;
        }
    }
}

static void test_assert_input_and_output_must_fit(void **state)
{
    uint64_t id = with_vps(1, 1), wake;

    (void)state;
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30);
    assert_int_equal(call_assert_room(ASSERT_IN - 1, ASSERT_OUT, &wake),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call_assert_room(ASSERT_IN, ASSERT_OUT - 1, &wake),
                     HV_STATUS_INVALID_ALIGNMENT);
    /* an output that is not in the parent's RAM */
    assert_int_equal(call_assert_room(ASSERT_IN, 0, &wake), HV_STATUS_INVALID_ALIGNMENT);
    assert_true(nothing_posted(vp(id, 0)));
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_true(irr_posted(vp(id, 0), 0x30));
}

static void test_assert_reserved_fields_and_flags(void **state)
{
    uint64_t id = with_vps(1, 1), wake;

    (void)state;
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30)->reserved = 1;
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30)->target_vtl = 1;
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    for (unsigned i = 0; i < 3; i++) {
        assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30)->padding[i] = 1;
        assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    }
    /* flags are bit 0 only */
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30)->level_triggered = 2;
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30)->logical_dest = 2;
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30)->logical_dest = 0x80000001;
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_true(nothing_posted(vp(id, 0)));
    /* level-triggered is taken (and delivered as edge) */
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x30)->level_triggered = 1;
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_true(irr_posted(vp(id, 0), 0x30));
}

static void test_assert_vectors_and_types(void **state)
{
    uint64_t id = with_vps(1, 1), wake;
    struct child_vp *cvp = vp(id, 0);
    static const uint32_t bad_types[] = {1, 2, 3, 7, 9, 0x100, UINT32_MAX};

    (void)state;
    /* fixed: 16-255 (0-15 are exceptions' and reserved) */
    for (uint32_t v = 0; v < 16; v++) {
        assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, v);
        assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    }
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 256);
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, UINT32_MAX);
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    /* a vector is never beyond 255, whatever the type */
    assert_in(id, HV_INTERRUPT_TYPE_NMI, 0, 256);
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_in(id, HV_INTERRUPT_TYPE_SIPI, 0, 0x100);
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    /* lowest priority, SMI, reserved, ExtINT and beyond */
    for (unsigned i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
        assert_in(id, bad_types[i], 0, 0x30);
        assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    }
    assert_true(nothing_posted(cvp));

    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 16);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 255);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_true(irr_posted(cvp, 16));
    assert_true(irr_posted(cvp, 255));
    assert_in(id, HV_INTERRUPT_TYPE_NMI, 0, 0);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_in(id, HV_INTERRUPT_TYPE_INIT, 0, 0);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_in(id, HV_INTERRUPT_TYPE_SIPI, 0, 0x9A);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(cvp->posted_events, CHILD_EVENT_NMI | CHILD_EVENT_INIT | CHILD_EVENT_SIPI);
    assert_int_equal(cvp->posted_sipi_vector, 0x9A);
}

static void test_assert_unknown_partition(void **state)
{
    uint64_t id = with_vps(1, 1), wake;

    (void)state;
    assert_in(id + 1, HV_INTERRUPT_TYPE_FIXED, 0xFF, 0x30);
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARTITION_ID);
    /* the input is checked first */
    assert_in(id + 1, HV_INTERRUPT_TYPE_FIXED, 0xFF, 0x3);
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_true(nothing_posted(vp(id, 0)));
    /* a partition with no VPs yet takes it, and nobody gets it */
    assert_in(partition(2, 0), HV_INTERRUPT_TYPE_FIXED, 0xFF, 0x30);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(wake, 0);
}

/* Which of VPs 0-3 got vector 0x30 from the call as built. */
static unsigned delivered_to(uint64_t id)
{
    uint64_t wake = ~0ULL;
    unsigned got = 0;

    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(wake, 0); /* none was halted */
    for (unsigned i = 0; i < 4; i++)
        if (irr_posted(vp(id, i), 0x30))
            got |= 1u << i;
    clear_posted(id);
    return got;
}

static void test_assert_destinations(void **state)
{
    uint64_t id = with_vps(4, 4);
    struct hv_input_assert_virtual_interrupt *in;

    (void)state;
    /* physical: an APIC id, all (0xFF), nobody */
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 2, 0x30);
    assert_int_equal(delivered_to(id), 1u << 2);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0xFF, 0x30);
    assert_int_equal(delivered_to(id), 0xF);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 7, 0x30);
    assert_int_equal(delivered_to(id), 0);
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0x102, 0x30);
    assert_int_equal(delivered_to(id), 0);

    /* logical flat: an 8-bit mask of LDRs */
    for (unsigned i = 0; i < 4; i++)
        vlapic_mmio_write(&vp(id, i)->vlapic, VLAPIC_REG_LDR, (0x10u << i) << 24, 0);
    in = assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0x60, 0x30);
    in->logical_dest = 1;
    assert_int_equal(delivered_to(id), 0x6);
    in->dest_address = 0x0F;
    assert_int_equal(delivered_to(id), 0);

    /* logical cluster: cluster in the high nibble, members in the low */
    for (unsigned i = 0; i < 4; i++) {
        vlapic_mmio_write(&vp(id, i)->vlapic, VLAPIC_REG_DFR, 0x0FFFFFFF, 0);
        vlapic_mmio_write(&vp(id, i)->vlapic, VLAPIC_REG_LDR,
                          ((i / 2 + 1) << 4 | 1u << (i % 2)) << 24, 0);
    }
    in->dest_address = 0x23; /* cluster 2: VPs 2 and 3 */
    assert_int_equal(delivered_to(id), 0xC);
    in->dest_address = 0x11;
    assert_int_equal(delivered_to(id), 0x1);
    in->dest_address = 0x31;
    assert_int_equal(delivered_to(id), 0);
    in->dest_address = 0xFF; /* broadcast in logical mode too */
    assert_int_equal(delivered_to(id), 0xF);

    /* a disabled APIC takes nothing, not even a broadcast */
    assert_int_equal(set_reg(id, 3, HV_X64_REGISTER_APIC_BASE, 0xFEE00000), HV_STATUS_SUCCESS);
    in = assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0xFF, 0x30);
    assert_int_equal(delivered_to(id), 0x7);
    in->dest_address = 3;
    assert_int_equal(delivered_to(id), 0);
}

static void test_assert_destinations_x2apic(void **state)
{
    uint64_t id = with_vps(4, 4);
    struct hv_input_assert_virtual_interrupt *in;

    (void)state;
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(set_reg(id, i, HV_X64_REGISTER_APIC_BASE, BASE_X2APIC), HV_STATUS_SUCCESS);
    in = assert_in(id, HV_INTERRUPT_TYPE_FIXED, 1, 0x30);
    assert_int_equal(delivered_to(id), 0x2);
    in->dest_address = 0xFFFFFFFF;
    assert_int_equal(delivered_to(id), 0xF);
    /* 0xFF is an id like any other in x2APIC mode */
    in->dest_address = 0xFF;
    assert_int_equal(delivered_to(id), 0);
    in->dest_address = 1ULL << 32 | 1;
    assert_int_equal(delivered_to(id), 0);
    /* logical: cluster (id / 16) in bits 16-31, a member mask below */
    in->logical_dest = 1;
    in->dest_address = 0x0000000A;
    assert_int_equal(delivered_to(id), 0xA);
    in->dest_address = 0x00010001;
    assert_int_equal(delivered_to(id), 0);
}

static void test_assert_wakes_halted_vps_once(void **state)
{
    uint64_t id = with_vps(4, 4), wake = 0;

    (void)state;
    vp(id, 1)->run_state = CHILD_VP_HALTED;
    vp(id, 3)->run_state = CHILD_VP_HALTED;
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0xFF, 0x30);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(wake, 1u << 1 | 1u << 3);
    /* the caller that woke them owns the wake-up: they are back in the parent */
    assert_int_equal(vp(id, 1)->run_state, CHILD_VP_IDLE);
    assert_int_equal(vp(id, 3)->run_state, CHILD_VP_IDLE);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(wake, 0);
    assert_int_equal(ipis.n, 0);
}

/* LINT0 is a wire, not a message: its level reaches every VP whatever the
 * destination; raising it wakes halted VPs, lowering it kicks nobody. */
static void test_assert_lint0_level(void **state)
{
    uint64_t id = with_vps(2, 2), wake = 0;

    (void)state;
    /* a level of 0 or 1, asserted as level-triggered */
    assert_in(id, HV_INTERRUPT_TYPE_LINT0, 0, 1);
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_in(id, HV_INTERRUPT_TYPE_LINT0, 0, 2)->level_triggered = 1;
    assert_int_equal(call_assert(&wake), HV_STATUS_INVALID_PARAMETER);
    assert_false(vp(id, 0)->lint0);
    assert_true(nothing_posted(vp(id, 0)));

    vp(id, 0)->run_state = CHILD_VP_HALTED;
    assert_in(id, HV_INTERRUPT_TYPE_LINT0, 0x55, 1)->level_triggered = 1;
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(wake, 1u << 0);
    assert_true(vp(id, 0)->lint0 && vp(id, 1)->lint0);
    assert_true(vp(id, 0)->posted_events & CHILD_EVENT_LINT0);
    assert_true(irr_posted(vp(id, 0), 0x30) == false);
    clear_posted(id);

    vp(id, 1)->run_state = CHILD_VP_HALTED;
    assert_in(id, HV_INTERRUPT_TYPE_LINT0, 0, 0)->level_triggered = 1;
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(wake, 0);
    assert_false(vp(id, 0)->lint0 || vp(id, 1)->lint0);
    assert_true(nothing_posted(vp(id, 1)));
    assert_int_equal(vp(id, 1)->run_state, CHILD_VP_HALTED);
}

/* The 8259 vector the parent hands over: VALID | vector, or 0. */
static void test_pending_extint_register(void **state)
{
    uint64_t id = with_vps(1, 1);

    (void)state;
    assert_int_equal(vp(id, 0)->extint_vector, -1);
    assert_int_equal(get_reg(id, 0, HV_REGISTER_PENDING_EXTINT), 0);
    assert_int_equal(set_reg(id, 0, HV_REGISTER_PENDING_EXTINT, HV_PENDING_EXTINT_VALID | 0x08),
                     HV_STATUS_SUCCESS);
    assert_int_equal(vp(id, 0)->extint_vector, 0x08);
    assert_int_equal(get_reg(id, 0, HV_REGISTER_PENDING_EXTINT), HV_PENDING_EXTINT_VALID | 0x08);
    assert_int_equal(set_reg(id, 0, HV_REGISTER_PENDING_EXTINT, 0x200 | 0x08),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(set_reg(id, 0, HV_REGISTER_PENDING_EXTINT, 1ULL << 40),
                     HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(vp(id, 0)->extint_vector, 0x08);
    assert_int_equal(set_reg(id, 0, HV_REGISTER_PENDING_EXTINT, 0), HV_STATUS_SUCCESS);
    assert_int_equal(vp(id, 0)->extint_vector, -1);
}

static void test_assert_kicks_a_vp_running_elsewhere(void **state)
{
    uint64_t id = with_vps(2, 2), wake = ~0ULL;
    struct child_vp *cvp = vp(id, 1);

    (void)state;
    current_cpu = 0;
    cvp->run_state = 3;
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 1, 0x41);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(wake, 0); /* running: nothing to wake */
    assert_true(irr_posted(cvp, 0x41));
    assert_int_equal(ipis.n, 1);
    assert_int_equal(ipis.apic_id, 0x13);
    assert_int_equal(ipis.icr, APIC_DM_FIXED << 8 | KICK);
    /* an NMI is kicked in the same way */
    assert_in(id, HV_INTERRUPT_TYPE_NMI, 1, 0);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(ipis.n, 2);

    /* not the CPU that asserts: it is in the parent, not in the VP */
    current_cpu = 3;
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(ipis.n, 2);
    /* a VP in the parent needs no kick */
    current_cpu = 0;
    cvp->run_state = CHILD_VP_IDLE;
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(ipis.n, 2);
}

static void test_assert_without_kick_vector_or_cpu(void **state)
{
    uint64_t id = partition(1, 0), wake;
    struct child_vp *cvp;

    (void)state;
    assert_int_equal(create_vp(id, 0), HV_STATUS_SUCCESS);
    cvp = vp(id, 0);
    cvp->run_state = 2;
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x41);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_true(irr_posted(cvp, 0x41));
    assert_int_equal(ipis.n, 0); /* it sees the interrupt at its next exit */

    /* a CPU that is not up is never sent an IPI */
    id = with_vps(1, 1);
    vp(id, 0)->run_state = NCPUS;
    assert_in(id, HV_INTERRUPT_TYPE_FIXED, 0, 0x41);
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    vp(id, 0)->run_state = MAX_CPUS - 1;
    assert_int_equal(call_assert(&wake), HV_STATUS_SUCCESS);
    assert_int_equal(ipis.n, 0);
}

/* A VP's IPI to a sibling goes the same way: posted, and the halted
 * sibling reported when the sender's dispatch returns. */
static void test_sibling_ipi_posts_and_reports_wakes(void **state)
{
    uint64_t id = with_vps(3, 3);
    struct vlapic *vl = &vp(id, 0)->vlapic;

    (void)state;
    current_cpu = 2;
    vp(id, 1)->run_state = CHILD_VP_HALTED;
    vp(id, 2)->run_state = 1;
    vlapic_mmio_write(vl, VLAPIC_REG_ICR_HIGH, 1u << 24, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_ICR, 0x50, 0);
    assert_true(irr_posted(vp(id, 1), 0x50));
    vlapic_mmio_write(vl, VLAPIC_REG_ICR_HIGH, 2u << 24, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_ICR, 0x51, 0);
    assert_true(irr_posted(vp(id, 2), 0x51));
    assert_int_equal(ipis.n, 1);
    assert_int_equal(ipis.apic_id, 0x11);
    /* reported once, to this CPU only */
    current_cpu = 0;
    assert_int_equal(child_vp_take_wakes(), 0);
    current_cpu = 2;
    assert_int_equal(child_vp_take_wakes(), 1u << 1);
    assert_int_equal(child_vp_take_wakes(), 0);
}

/* ---- HvCallDispatchVp ----------------------------------------------------------------------- */

#define DISPATCH_IN(n)                                                                             \
    (sizeof(struct hv_input_dispatch_vp) + (n) * sizeof(struct hv_register_assoc))

static struct hv_input_dispatch_vp *dispatch_in(uint64_t id, uint32_t index, uint32_t nregs)
{
    struct hv_input_dispatch_vp *in = (void *)page;

    memset(page, 0, sizeof(page));
    in->partition_id = id;
    in->vp_index = index;
    in->nregs = nregs;
    in->timer_armed = UINT64_MAX;
    return in;
}

/* As hv/parent_hypercall.c does: the checks, the claim (under its lock),
 * then the run; the message goes to @msg. */
static uint16_t call_dispatch_hc(const struct hypercall *hc, size_t in_room, size_t out_room,
                                 struct hv_message *msg)
{
    void *in = input_copy(in_room);
    struct child_vp *cvp = NULL;
    uint16_t st = child_vp_call_dispatch_check(hc, in, in_room, out_room);

    if (st == HV_STATUS_SUCCESS)
        st = child_vp_call_dispatch_claim(&env, in, (int)current_cpu, &cvp);
    if (st == HV_STATUS_SUCCESS) {
        assert_non_null(cvp);
        child_vp_dispatch(cvp, ((struct hv_input_dispatch_vp *)in)->timer_armed, msg);
    }
    free(in);
    return st;
}

static uint16_t call_dispatch_room(size_t in_room, size_t out_room)
{
    struct hypercall hc = {.code = HVCALL_DISPATCH_VP};
    struct hv_message msg;

    return call_dispatch_hc(&hc, in_room, out_room, &msg);
}

static uint16_t call_dispatch(struct hv_message *msg)
{
    struct hypercall hc = {.code = HVCALL_DISPATCH_VP};
    const struct hv_input_dispatch_vp *d = (const void *)page;

    return call_dispatch_hc(&hc, DISPATCH_IN(d->nregs), HV_MESSAGE_SIZE, msg);
}

static void test_dispatch_control_word(void **state)
{
    uint64_t id = with_vps(1, 1);
    struct hypercall bad[] = {
        {.code = HVCALL_DISPATCH_VP, .fast = true},
        {.code = HVCALL_DISPATCH_VP, .varhead_qwords = 1},
        {.code = HVCALL_DISPATCH_VP, .rep_count = 1},
        {.code = HVCALL_DISPATCH_VP, .rep_count = 2, .rep_start = 1},
    };
    struct hv_message msg;

    (void)state;
    dispatch_in(id, 0, 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(call_dispatch_hc(&bad[i], DISPATCH_IN(0), HV_MESSAGE_SIZE, &msg),
                         HV_STATUS_INVALID_HYPERCALL_INPUT);
    assert_int_equal(ran.n, 0);
}

static void test_dispatch_input_and_output_must_fit(void **state)
{
    uint64_t id = with_vps(1, 1);
    struct hv_input_dispatch_vp *in;

    (void)state;
    in = dispatch_in(id, 0, 0);
    assert_int_equal(call_dispatch_room(DISPATCH_IN(0) - 1, HV_MESSAGE_SIZE),
                     HV_STATUS_INVALID_ALIGNMENT);
    /* the message is 256 bytes */
    assert_int_equal(call_dispatch_room(DISPATCH_IN(0), HV_MESSAGE_SIZE - 8),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(call_dispatch_room(DISPATCH_IN(0), 0), HV_STATUS_INVALID_ALIGNMENT);
    /* the register writes that follow */
    in->nregs = 2;
    assert_int_equal(call_dispatch_room(DISPATCH_IN(2) - 8, HV_MESSAGE_SIZE),
                     HV_STATUS_INVALID_ALIGNMENT);
    /* more than a page holds, with sizes that overflow 32 bits */
    in->nregs = HV_DISPATCH_VP_MAX_REGS + 1;
    assert_int_equal(call_dispatch_room(HV_PAGE_SIZE, HV_MESSAGE_SIZE),
                     HV_STATUS_INVALID_ALIGNMENT);
    in->nregs = UINT32_MAX;
    assert_int_equal(call_dispatch_room(HV_PAGE_SIZE, HV_MESSAGE_SIZE),
                     HV_STATUS_INVALID_ALIGNMENT);
    in->nregs = 0x08000000; /* * 32 = 2^32 */
    assert_int_equal(call_dispatch_room(HV_PAGE_SIZE, HV_MESSAGE_SIZE),
                     HV_STATUS_INVALID_ALIGNMENT);
    assert_int_equal(ran.n, 0);
    /* a full page of them */
    assert_int_equal(DISPATCH_IN(HV_DISPATCH_VP_MAX_REGS), HV_PAGE_SIZE);
    in->nregs = HV_DISPATCH_VP_MAX_REGS;
    for (unsigned i = 0; i < HV_DISPATCH_VP_MAX_REGS; i++)
        in->regs[i].name = HV_X64_REGISTER_RAX + i % 16;
    assert_int_equal(call_dispatch_room(HV_PAGE_SIZE, HV_MESSAGE_SIZE), HV_STATUS_SUCCESS);
    assert_int_equal(ran.n, 1);
}

static void test_dispatch_flags_must_be_zero(void **state)
{
    uint64_t id = with_vps(1, 1);
    struct hv_message msg;

    (void)state;
    dispatch_in(id, 0, 0)->flags = 1;
    assert_int_equal(call_dispatch(&msg), HV_STATUS_INVALID_PARAMETER);
    dispatch_in(id, 0, 0)->flags = 1ULL << 63;
    assert_int_equal(call_dispatch(&msg), HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(ran.n, 0);
    assert_int_equal(vp(id, 0)->run_state, CHILD_VP_IDLE);
}

static void test_dispatch_unknown_partition_or_vp(void **state)
{
    uint64_t id = with_vps(4, 2);
    static const uint32_t bad_vps[] = {2, 4, HV_MAX_CHILD_VPS, UINT32_MAX};
    struct hv_message msg;

    (void)state;
    dispatch_in(id + 1, 0, 0);
    assert_int_equal(call_dispatch(&msg), HV_STATUS_INVALID_PARTITION_ID);
    for (unsigned i = 0; i < sizeof(bad_vps) / sizeof(bad_vps[0]); i++) {
        dispatch_in(id, bad_vps[i], 0);
        assert_int_equal(call_dispatch(&msg), HV_STATUS_INVALID_VP_INDEX);
    }
    assert_int_equal(ran.n, 0);
}

static void test_dispatch_refuses_a_running_vp(void **state)
{
    uint64_t id = with_vps(2, 2);
    struct child_vp *cvp = vp(id, 1), *claimed = NULL;
    struct hv_input_dispatch_vp *in;
    struct hv_message msg;
    void *copy;

    (void)state;
    /* claimed by another CPU's dispatch, or by this CPU's */
    for (int cpu = 0; cpu < 2; cpu++) {
        cvp->run_state = cpu;
        in = dispatch_in(id, 1, 1);
        in->regs[0].name = HV_X64_REGISTER_RAX;
        in->regs[0].value.reg64 = 7;
        assert_int_equal(call_dispatch(&msg), HV_STATUS_INVALID_VP_STATE);
        assert_int_equal(cvp->run_state, cpu);
    }
    /* its register writes were not applied under the running VP */
    assert_int_equal(reg_sets, 0);
    assert_int_equal(ran.n, 0);
    /* two dispatches of one VP: the second one finds it claimed */
    cvp->run_state = CHILD_VP_IDLE;
    dispatch_in(id, 1, 0);
    copy = input_copy(DISPATCH_IN(0));
    assert_int_equal(child_vp_call_dispatch_claim(&env, copy, 1, &claimed), HV_STATUS_SUCCESS);
    assert_ptr_equal(claimed, cvp);
    assert_int_equal(cvp->run_state, 1);
    assert_true(child_vp_running(cvp));
    current_cpu = 2;
    assert_int_equal(call_dispatch(&msg), HV_STATUS_INVALID_VP_STATE);
    assert_int_equal(ran.n, 0);
    free(copy);
}

static void test_dispatch_register_writes(void **state)
{
    uint64_t id = with_vps(1, 1);
    struct child_vp *cvp = vp(id, 0);
    struct hv_input_dispatch_vp *in;
    struct hv_message msg;

    (void)state;
    /* a reserved field, an unknown name, a refused value, a bad APIC base:
     * the VP is not claimed and does not run */
    for (unsigned bad = 0; bad < 5; bad++) {
        in = dispatch_in(id, 0, 2);
        in->regs[0].name = HV_X64_REGISTER_RAX;
        in->regs[0].value.reg64 = 0x1234;
        in->regs[1].name = HV_X64_REGISTER_RIP;
        if (bad == 0)
            in->regs[1].reserved1 = 1;
        else if (bad == 1)
            in->regs[1].reserved2 = 1;
        else if (bad == 2)
            in->regs[1].name = 0x00020012;
        else if (bad == 3)
            in->regs[1].value.reg64 = REFUSED;
        else
            in->regs[1] =
                (struct hv_register_assoc){.name = HV_X64_REGISTER_APIC_BASE,
                                           .value.reg64 = 0xFEE00400}; /* x2APIC, disabled */
        assert_int_equal(call_dispatch(&msg), HV_STATUS_INVALID_PARAMETER);
        assert_int_equal(cvp->run_state, CHILD_VP_IDLE);
        assert_int_equal(ran.n, 0);
    }
    /* the writes before the bad one stay applied (the call is not atomic) */
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RAX), 0x1234);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RIP), 0);

    /* applied before entry */
    in = dispatch_in(id, 0, 2);
    in->regs[0].name = HV_X64_REGISTER_RAX;
    in->regs[0].value.reg64 = 0xAB;
    in->regs[1].name = HV_X64_REGISTER_RIP;
    in->regs[1].value.reg64 = 0x1002;
    assert_int_equal(call_dispatch(&msg), HV_STATUS_SUCCESS);
    assert_int_equal(ran.n, 1);
    assert_int_equal(ran.rax, 0xAB);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RIP), 0x1002);
}

static void test_dispatch_runs_the_vp_on_this_cpu(void **state)
{
    uint64_t id = with_vps(2, 2);
    struct hv_input_dispatch_vp *in;
    struct hv_message msg;

    (void)state;
    current_cpu = 3;
    in = dispatch_in(id, 1, 0);
    in->timer_armed = 123456789;
    assert_int_equal(call_dispatch(&msg), HV_STATUS_SUCCESS);
    assert_int_equal(ran.n, 1);
    assert_ptr_equal(ran.cvp, vp(id, 1));
    /* claimed for this CPU while it runs: kicks and other calls see it */
    assert_int_equal(ran.run_state, 3);
    assert_int_equal(ran.timer_armed, 123456789);
    assert_int_equal(msg.header.message_type, HVMSG_X64_HALT);
    assert_int_equal(msg.header.sender, id);
    assert_int_equal(vp(id, 1)->run_state, CHILD_VP_IDLE);
    /* halted in the parent: the parent may run it again (to poll it) */
    vp(id, 1)->run_state = CHILD_VP_HALTED;
    assert_int_equal(call_dispatch(&msg), HV_STATUS_SUCCESS);
    assert_int_equal(ran.n, 2);
    assert_int_equal(ran.run_state, 3);
}

/* The run loop publishes a halted VP before its last look at it (the
 * re-check for interrupts posted meanwhile): until the dispatch has ended,
 * the VP must not be freed, nor its registers touched. */
static uint64_t halted_id;

static void try_to_free(struct child_vp *cvp)
{
    assert_true(child_vp_running(cvp));
    assert_int_equal(child_delete(&env, halted_id), HV_STATUS_INVALID_PARTITION_STATE);
}

static void test_a_halting_vp_lives_until_its_dispatch_ends(void **state)
{
    struct hv_message msg;

    (void)state;
    halted_id = with_vps(1, 1);
    dispatch_in(halted_id, 0, 0);
    ran.while_halted = try_to_free;
    assert_int_equal(call_dispatch(&msg), HV_STATUS_SUCCESS);
    ran.while_halted = NULL;
    assert_int_equal(vp(halted_id, 0)->run_state, CHILD_VP_HALTED);
    assert_false(child_vp_running(vp(halted_id, 0)));
    assert_int_equal(child_delete(&env, halted_id), HV_STATUS_SUCCESS);
}

/* A VP that triple-faulted is not refused here: the run loop answers its
 * dispatch with HVMSG_UNRECOVERABLE_EXCEPTION (arch/x86_64/svm_child.c),
 * so the parent learns why, and its registers stay readable. */
static void test_dispatch_of_a_dead_vp_reaches_the_run_loop(void **state)
{
    uint64_t id = with_vps(1, 1);
    struct hv_message msg;

    (void)state;
    assert_int_equal(set_reg(id, 0, HV_X64_REGISTER_RIP, 0xDEAD), HV_STATUS_SUCCESS);
    vp(id, 0)->dead = true;
    dispatch_in(id, 0, 0);
    assert_int_equal(call_dispatch(&msg), HV_STATUS_SUCCESS);
    assert_int_equal(ran.n, 1);
    assert_int_equal(msg.header.message_type, HVMSG_UNRECOVERABLE_EXCEPTION);
    assert_int_equal(vp(id, 0)->run_state, CHILD_VP_IDLE);
    assert_int_equal(get_reg(id, 0, HV_X64_REGISTER_RIP), 0xDEAD);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_create_input_must_fit_the_page),
        T(test_create_reserved_fields_must_be_zero),
        T(test_create_unknown_partition),
        T(test_create_vp_index_below_max_vps),
        T(test_create_twice_is_refused),
        T(test_create_sets_up_the_vp),
        T(test_create_out_of_memory_leaks_nothing),
        T(test_delete_frees_the_vps_not_while_one_runs),
        T(test_control_word_form_of_the_vp_calls),
        T(test_registers_input_must_fit_the_page),
        T(test_get_registers_output_must_fit_the_page),
        T(test_registers_header_reserved_fields),
        T(test_registers_unknown_partition_or_vp),
        T(test_registers_not_while_the_vp_runs),
        T(test_set_registers_element_reserved_fields),
        T(test_refused_register_stops_the_call),
        T(test_registers_round_trip),
        T(test_apic_base_is_the_local_apics),
        T(test_apic_base_write_ticks_the_guest_clock),
        T(test_assert_input_and_output_must_fit),
        T(test_assert_reserved_fields_and_flags),
        T(test_assert_vectors_and_types),
        T(test_assert_unknown_partition),
        T(test_assert_destinations),
        T(test_assert_destinations_x2apic),
        T(test_assert_wakes_halted_vps_once),
        T(test_assert_lint0_level),
        T(test_pending_extint_register),
        T(test_assert_kicks_a_vp_running_elsewhere),
        T(test_assert_without_kick_vector_or_cpu),
        T(test_sibling_ipi_posts_and_reports_wakes),
        T(test_dispatch_control_word),
        T(test_dispatch_input_and_output_must_fit),
        T(test_dispatch_flags_must_be_zero),
        T(test_dispatch_unknown_partition_or_vp),
        T(test_dispatch_refuses_a_running_vp),
        T(test_dispatch_register_writes),
        T(test_dispatch_runs_the_vp_on_this_cpu),
        T(test_dispatch_of_a_dead_vp_reaches_the_run_loop),
        T(test_a_halting_vp_lives_until_its_dispatch_ends),
    };
    return cmocka_run_group_tests_name("child_vp", tests, NULL, NULL);
}
