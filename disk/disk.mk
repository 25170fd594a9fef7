# SPDX-License-Identifier: GPL-2.0-only
# disk/: virtual hard disk images (raw, VHD, VHDX) and the hvctl disk tools'
# operations; linked into vmwp (storvsp's backends) and hvctl.
DISK_SRCS := $(sort $(wildcard disk/*.c))
DISK_HDRS := $(wildcard disk/include/disk/*.h disk/*.h)
DISK_CFLAGS := -Idisk/include

UNIT_TESTS += disk
unit_disk_SRCS := $(DISK_SRCS)
$(call UNIT_BIN,disk): HOST_CFLAGS += $(DISK_CFLAGS)
$(call UNIT_BIN,disk): $(DISK_HDRS)

UNIT_TESTS += disk_vhdx
unit_disk_vhdx_SRCS := $(DISK_SRCS)
$(call UNIT_BIN,disk_vhdx): HOST_CFLAGS += $(DISK_CFLAGS)
$(call UNIT_BIN,disk_vhdx): $(DISK_HDRS)
