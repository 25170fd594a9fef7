/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/ioapic.c, the child's I/O APIC: the indirect
 * registers through IOREGSEL/IOWIN (ID, version, arbitration, every
 * redirection entry, read-only bits), narrow and odd accesses, and which
 * interrupt each pin asks to assert: edge (rising edges only, lost while
 * masked), level (Remote IRR, re-delivery after EOI of a still-active
 * line, clearing on a falling line or an edge reprogramming), polarity,
 * physical and logical destinations, delivery modes, bad vectors, and
 * hostile indexes and pins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <hv/abi.h>

#include "../../tools/vmwp/ioapic.h"

static struct ioapic io;
static struct ioapic_irq got[64];
static unsigned ngot;

static void deliver(void *opaque, const struct ioapic_irq *irq)
{
    assert_ptr_equal(opaque, &io);
    assert_true(ngot < 64);
    got[ngot++] = *irq;
}

static int setup(void **state)
{
    (void)state;
    ngot = 0;
    ioapic_init(&io, 0, deliver, &io);
    return 0;
}

static uint32_t reg_read(unsigned index)
{
    ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, index);
    return (uint32_t)ioapic_mmio_read(&io, IOAPIC_IOWIN, 4);
}

static void reg_write(unsigned index, uint32_t value)
{
    ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, index);
    ioapic_mmio_write(&io, IOAPIC_IOWIN, 4, value);
}

static void program(unsigned pin, uint64_t rte)
{
    reg_write(IOAPIC_INDEX_REDTBL + 2 * pin + 1, (uint32_t)(rte >> 32));
    reg_write(IOAPIC_INDEX_REDTBL + 2 * pin, (uint32_t)rte);
}

static uint64_t rte_of(unsigned pin)
{
    return reg_read(IOAPIC_INDEX_REDTBL + 2 * pin) |
           (uint64_t)reg_read(IOAPIC_INDEX_REDTBL + 2 * pin + 1) << 32;
}

static void test_identity_registers(void **state)
{
    (void)state;
    assert_int_equal(reg_read(IOAPIC_INDEX_ID), 0);
    assert_int_equal(reg_read(IOAPIC_INDEX_VERSION), 0x00170020);
    assert_int_equal(reg_read(IOAPIC_INDEX_ARB), 0);
    /* Only bits 24-27 of the ID are writable; version is read-only. */
    reg_write(IOAPIC_INDEX_ID, 0xFFFFFFFF);
    assert_int_equal(reg_read(IOAPIC_INDEX_ID), 0x0F000000);
    assert_int_equal(reg_read(IOAPIC_INDEX_ARB), 0x0F000000);
    reg_write(IOAPIC_INDEX_VERSION, 0);
    assert_int_equal(reg_read(IOAPIC_INDEX_VERSION), 0x00170020);
    /* IOREGSEL reads back its 8 bits. */
    ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 4, 0x1234);
    assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOREGSEL, 4), 0x34);
    /* An id from init. */
    ioapic_init(&io, 5, deliver, &io);
    assert_int_equal(reg_read(IOAPIC_INDEX_ID), 5u << 24);
}

static void test_redirection_table(void **state)
{
    (void)state;
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        assert_int_equal(rte_of(pin), IOAPIC_RTE_MASKED);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        program(pin, (uint64_t)(pin + 1) << 56 | IOAPIC_RTE_MASKED | (0x30 + pin));
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        assert_int_equal(rte_of(pin), (uint64_t)(pin + 1) << 56 | IOAPIC_RTE_MASKED | (0x30 + pin));
    /* Read-only and reserved bits do not stick: delivery status, Remote
     * IRR, bits 17-55. */
    program(3, ~0ull);
    assert_int_equal(rte_of(3), 0xFF00000000000000ull | IOAPIC_RTE_WRITABLE_LOW);
    assert_int_equal(rte_of(3) & (IOAPIC_RTE_DELIV_STATUS | IOAPIC_RTE_REMOTE_IRR), 0);
    /* Indexes past the table, and the gap below it, read 0 and ignore
     * writes; nothing else changes. */
    for (unsigned index = 3; index < 0x10; index++) {
        reg_write(index, 0xFFFFFFFF);
        assert_int_equal(reg_read(index), 0);
    }
    for (unsigned index = 0x10 + 2 * IOAPIC_PINS; index < 0x100; index++) {
        reg_write(index, 0xFFFFFFFF);
        assert_int_equal(reg_read(index), 0);
    }
    assert_int_equal(rte_of(0), 1ull << 56 | IOAPIC_RTE_MASKED | 0x30);
}

static void test_narrow_accesses(void **state)
{
    (void)state;
    program(1, 0xAB00000000000000ull | IOAPIC_RTE_MASKED | 0x41);
    ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 1, IOAPIC_INDEX_REDTBL + 2);
    /* Byte and word reads of IOWIN see the bytes they cover. */
    assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOWIN, 1), 0x41);
    assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOWIN + 2, 1), 0x01);
    assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOWIN, 2), 0x0041);
    assert_int_equal(ioapic_mmio_read(&io, IOAPIC_IOWIN, 8), 0x00010041);
    /* A byte write to IOWIN is ignored: the registers are 32 bits. */
    ioapic_mmio_write(&io, IOAPIC_IOWIN, 1, 0x99);
    assert_int_equal(rte_of(1) & 0xFF, 0x41);
    /* Reserved offsets read 0; the EOI register is write-only. */
    assert_int_equal(ioapic_mmio_read(&io, 0x20, 4), 0);
    assert_int_equal(ioapic_mmio_read(&io, IOAPIC_EOI, 4), 0);
    assert_int_equal(ioapic_mmio_read(&io, IOAPIC_MMIO_SIZE - 1, 1), 0);
    ioapic_mmio_write(&io, 0x30, 4, 0xFFFFFFFF);
    assert_int_equal(rte_of(1), 0xAB00000000000000ull | IOAPIC_RTE_MASKED | 0x41);
    assert_int_equal(ngot, 0);
}

static void test_edge(void **state)
{
    (void)state;
    /* ISA IRQ 4: edge, active high, fixed, physical destination 1. */
    program(4, 1ull << 56 | 0x24);
    ioapic_set_irq(&io, 4, true);
    assert_int_equal(ngot, 1);
    assert_int_equal(got[0].type, HV_INTERRUPT_TYPE_FIXED);
    assert_int_equal(got[0].vector, 0x24);
    assert_int_equal(got[0].dest, 1);
    assert_false(got[0].logical);
    assert_false(got[0].level);
    assert_int_equal(got[0].pin, 4);
    /* Staying high is no new edge; falling is none either. */
    ioapic_set_irq(&io, 4, true);
    ioapic_set_irq(&io, 4, false);
    assert_int_equal(ngot, 1);
    ioapic_set_irq(&io, 4, true);
    assert_int_equal(ngot, 2);
    /* No Remote IRR for edge pins. */
    assert_int_equal(rte_of(4) & IOAPIC_RTE_REMOTE_IRR, 0);
}

static void test_edge_masked_is_lost(void **state)
{
    (void)state;
    program(4, IOAPIC_RTE_MASKED | 0x24);
    ioapic_set_irq(&io, 4, true);
    assert_int_equal(ngot, 0);
    /* Unmasking with the line still high does not replay the edge. */
    program(4, 0x24);
    assert_int_equal(ngot, 0);
    ioapic_set_irq(&io, 4, false);
    ioapic_set_irq(&io, 4, true);
    assert_int_equal(ngot, 1);
}

static void test_level_remote_irr_and_eoi(void **state)
{
    (void)state;
    /* The SCI: level, active high, logical destination 0x03. */
    program(9, 3ull << 56 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_DEST_LOGICAL | 0x39);
    ioapic_set_irq(&io, 9, true);
    assert_int_equal(ngot, 1);
    assert_true(got[0].level);
    assert_true(got[0].logical);
    assert_int_equal(got[0].dest, 3);
    assert_int_equal(got[0].vector, 0x39);
    assert_true(rte_of(9) & IOAPIC_RTE_REMOTE_IRR);
    /* In service: no second delivery while Remote IRR is set. */
    ioapic_set_irq(&io, 9, true);
    assert_int_equal(ngot, 1);
    /* EOI of another vector changes nothing. */
    ioapic_eoi(&io, 0x38);
    assert_int_equal(ngot, 1);
    assert_true(rte_of(9) & IOAPIC_RTE_REMOTE_IRR);
    /* EOI with the line still active: delivered again. */
    ioapic_eoi(&io, 0x39);
    assert_int_equal(ngot, 2);
    assert_true(rte_of(9) & IOAPIC_RTE_REMOTE_IRR);
    /* Through the EOI register, the same. */
    ioapic_mmio_write(&io, IOAPIC_EOI, 4, 0x39);
    assert_int_equal(ngot, 3);
    /* The line drops: Remote IRR clears (no EOI from the hypervisor yet),
     * and an EOI then delivers nothing. */
    ioapic_set_irq(&io, 9, false);
    assert_int_equal(rte_of(9) & IOAPIC_RTE_REMOTE_IRR, 0);
    ioapic_eoi(&io, 0x39);
    assert_int_equal(ngot, 3);
    /* Rising again delivers. */
    ioapic_set_irq(&io, 9, true);
    assert_int_equal(ngot, 4);
}

static void test_level_mask_and_unmask(void **state)
{
    (void)state;
    program(9, IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | 0x39);
    ioapic_set_irq(&io, 9, true);
    assert_int_equal(ngot, 0);
    assert_int_equal(rte_of(9) & IOAPIC_RTE_REMOTE_IRR, 0);
    /* Unmasking an active level line delivers it. */
    program(9, IOAPIC_RTE_LEVEL | 0x39);
    assert_int_equal(ngot, 1);
    /* Reprogramming as edge clears Remote IRR (Linux's way to unstick a
     * pin on chips without the EOI register); back to level with the line
     * still active fires again. */
    program(9, 0x39);
    assert_int_equal(rte_of(9) & IOAPIC_RTE_REMOTE_IRR, 0);
    program(9, IOAPIC_RTE_LEVEL | 0x39);
    assert_int_equal(ngot, 2);
    assert_true(rte_of(9) & IOAPIC_RTE_REMOTE_IRR);
    /* Rewriting the entry unchanged with Remote IRR set does not refire. */
    program(9, IOAPIC_RTE_LEVEL | 0x39);
    assert_int_equal(ngot, 2);
}

static void test_polarity(void **state)
{
    (void)state;
    /* Active low, edge: the falling line is the edge. */
    program(5, IOAPIC_RTE_ACTIVE_LOW | 0x50);
    ioapic_set_irq(&io, 5, true);
    assert_int_equal(ngot, 0);
    ioapic_set_irq(&io, 5, false);
    assert_int_equal(ngot, 1);
    /* Active low, level: a low line is active (here from the start). */
    program(6, IOAPIC_RTE_ACTIVE_LOW | IOAPIC_RTE_LEVEL | 0x60);
    assert_int_equal(ngot, 2);
    assert_int_equal(got[1].vector, 0x60);
    ioapic_set_irq(&io, 6, true); /* inactive: Remote IRR clears */
    assert_int_equal(rte_of(6) & IOAPIC_RTE_REMOTE_IRR, 0);
    ioapic_set_irq(&io, 6, false);
    assert_int_equal(ngot, 3);
}

static void test_delivery_modes(void **state)
{
    (void)state;
    program(1, 0xFFull << 56 | (uint64_t)IOAPIC_DM_LOWPRI << 8 | 0x31);
    program(2, 2ull << 56 | (uint64_t)IOAPIC_DM_NMI << 8 | IOAPIC_RTE_LEVEL);
    program(3, (uint64_t)IOAPIC_DM_INIT << 8);
    program(7, (uint64_t)IOAPIC_DM_SMI << 8 | 0x70);
    program(8, (uint64_t)IOAPIC_DM_EXTINT << 8 | 0x80);
    program(10, 3ull << 8 | 0x90); /* reserved mode */
    program(11, 0x0F);             /* fixed with an illegal vector */
    for (unsigned pin = 1; pin <= 11; pin++)
        ioapic_set_irq(&io, pin, true);
    assert_int_equal(ngot, 3);
    assert_int_equal(got[0].type, HV_INTERRUPT_TYPE_FIXED); /* lowest priority as fixed */
    assert_int_equal(got[0].dest, 0xFF);
    assert_int_equal(got[0].vector, 0x31);
    assert_int_equal(got[1].type, HV_INTERRUPT_TYPE_NMI);
    assert_false(got[1].level); /* NMI is edge whatever the entry says */
    assert_int_equal(got[1].dest, 2);
    assert_int_equal(got[2].type, HV_INTERRUPT_TYPE_INIT);
    /* A level entry whose mode is not sent gets no Remote IRR. */
    program(12, IOAPIC_RTE_LEVEL | (uint64_t)IOAPIC_DM_SMI << 8);
    ioapic_set_irq(&io, 12, true);
    assert_int_equal(rte_of(12) & IOAPIC_RTE_REMOTE_IRR, 0);
}

static void test_hostile_pins(void **state)
{
    (void)state;
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        program(pin, 0x40 + pin);
    ioapic_set_irq(&io, IOAPIC_PINS, true);
    ioapic_set_irq(&io, 31, true);
    ioapic_set_irq(&io, 32, true);
    ioapic_set_irq(&io, ~0u, true);
    assert_int_equal(ngot, 0);
    ioapic_set_irq(&io, IOAPIC_PINS - 1, true);
    assert_int_equal(ngot, 1);
    assert_int_equal(got[0].vector, 0x40 + IOAPIC_PINS - 1);
    /* Offsets far outside the window are just reserved. */
    ioapic_mmio_write(&io, ~0ull, 8, ~0ull);
    assert_int_equal(ioapic_mmio_read(&io, ~0ull - 3, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identity_registers, setup),
        cmocka_unit_test_setup(test_redirection_table, setup),
        cmocka_unit_test_setup(test_narrow_accesses, setup),
        cmocka_unit_test_setup(test_edge, setup),
        cmocka_unit_test_setup(test_edge_masked_is_lost, setup),
        cmocka_unit_test_setup(test_level_remote_irr_and_eoi, setup),
        cmocka_unit_test_setup(test_level_mask_and_unmask, setup),
        cmocka_unit_test_setup(test_polarity, setup),
        cmocka_unit_test_setup(test_delivery_modes, setup),
        cmocka_unit_test_setup(test_hostile_pins, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
