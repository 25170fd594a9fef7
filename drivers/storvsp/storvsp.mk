# SPDX-License-Identifier: GPL-2.0-only
# drivers/storvsp: the synthetic SCSI controller (VSP), linked into vmwp.
STORVSP_SRCS := $(sort $(wildcard drivers/storvsp/*.c))
STORVSP_HDRS := $(wildcard drivers/storvsp/include/storvsp/*.h drivers/storvsp/*.h)
STORVSP_CFLAGS := -Idrivers/storvsp/include

# The test fakes the VMBus channel API (as test_ic does) and uses real raw
# images through the disk library.
UNIT_TESTS += storvsp
unit_storvsp_SRCS := $(STORVSP_SRCS) $(DISK_SRCS) vmbus/gpa_direct.c
$(call UNIT_BIN,storvsp): HOST_CFLAGS += $(STORVSP_CFLAGS) $(DISK_CFLAGS) -Ivmbus/include
$(call UNIT_BIN,storvsp): $(STORVSP_HDRS) $(DISK_HDRS) $(wildcard vmbus/include/vmbus/*.h)
