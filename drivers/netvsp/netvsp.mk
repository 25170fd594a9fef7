# SPDX-License-Identifier: GPL-2.0-only
# drivers/netvsp: the synthetic NIC (VSP, host side of hv_netvsc), for vmwp.

NETVSP_SRCS := $(sort $(wildcard drivers/netvsp/*.c))
NETVSP_HDRS := $(wildcard drivers/netvsp/include/netvsp/*.h drivers/netvsp/*.h)
NETVSP_CFLAGS := -Idrivers/netvsp/include

# The test fakes the VMBus channel API (as test_storvsp does) and plays a
# Linux 6.1 guest against it.
UNIT_TESTS += netvsp
unit_netvsp_SRCS := $(NETVSP_SRCS) vmbus/gpa_direct.c
$(call UNIT_BIN,netvsp): HOST_CFLAGS += $(NETVSP_CFLAGS) -Ivmbus/include
$(call UNIT_BIN,netvsp): $(NETVSP_HDRS) $(wildcard vmbus/include/vmbus/*.h)
