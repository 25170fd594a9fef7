# SPDX-License-Identifier: GPL-2.0-only
#
# tools/kvmrun: boot a bzImage under KVM for the side-by-side benchmarks
# (tools/kvmrun/README.md).  Static, like vmwp, so that it runs in the
# parent's initramfs as it is.  It is vmwp's boot loader with a KVM front
# end: vmwp's guest memory layout, boot code and ACPI tables (and with them
# hv/linux_boot.c), its ACPI PM block for the power-off port, and hvctl's
# size parser for --memory, all pure code that builds for the host.

KVMRUN      := $(BUILD)/tools/kvmrun/kvmrun
KVMRUN_SRCS := tools/kvmrun/kvmrun.c tools/vmwp/boot.c tools/vmwp/guest_memory.c \
               tools/vmwp/acpi_tables.c tools/vmwp/pm_ports.c tools/vmwp/uart16550.c hv/linux_boot.c \
               tools/hvctl/size.c
KVMRUN_HDRS := tools/vmwp/boot.h tools/vmwp/guest_memory.h tools/vmwp/acpi_tables.h \
               tools/vmwp/pm_ports.h tools/vmwp/uart16550.h tools/hvctl/size.h hv/include/hv/linux_boot.h \
               hv/include/hv/memmap.h hv/include/hv/abi.h hv/include/hv/vid_ioctl.h
KVMRUN_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror -Ihv/include -Itools

.PHONY: kvmrun
kvmrun: $(KVMRUN)

$(KVMRUN): $(KVMRUN_SRCS) $(KVMRUN_HDRS) tools/kvmrun/tool.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KVMRUN_CFLAGS) -o $@ $(KVMRUN_SRCS)
