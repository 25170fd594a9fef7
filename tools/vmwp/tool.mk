# SPDX-License-Identifier: GPL-2.0-only
#
# tools/vmwp: the worker process of a child partition (docs/vmwp.md).
# A static binary, so that it runs in the parent's initramfs as it is.  It
# shares the boot-protocol code (hv/linux_boot.c) and the instruction
# decoder (arch/x86_64/insn.c) with the hypervisor: both are pure and build
# for the host.

VMWP      := $(BUILD)/tools/vmwp
VMWP_SRCS := $(wildcard tools/vmwp/*.c) hv/linux_boot.c arch/x86_64/insn.c arch/x86_64/guest_walk.c \
             $(wildcard vmbus/*.c) $(wildcard drivers/ic/*.c) tools/lib/percent.c \
             tools/lib/netlink.c tools/lib/netlink_msg.c tools/lib/nic_line.c \
             $(DISK_SRCS) $(STORVSP_SRCS) $(NETVSP_SRCS) $(PC_SRCS)
VMWP_HDRS := $(wildcard tools/vmwp/*.h) hv/include/hv/abi.h hv/include/hv/vid_ioctl.h \
             hv/include/hv/linux_boot.h hv/include/hv/memmap.h arch/x86_64/include/arch/insn.h \
             $(wildcard vmbus/include/vmbus/*.h vmbus/*.h drivers/ic/include/ic/*.h drivers/ic/*.h) \
             tools/lib/percent.h tools/lib/hex_digit.h tools/lib/netlink.h tools/lib/nic_line.h $(DISK_HDRS) $(STORVSP_HDRS) \
             $(NETVSP_HDRS) $(PC_HDRS)
VMWP_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror -Ihv/include -Iarch/x86_64/include \
               -Ivmbus/include -Idrivers/ic/include -Itools/lib $(DISK_CFLAGS) $(STORVSP_CFLAGS) \
               $(NETVSP_CFLAGS) $(PC_CFLAGS)

.PHONY: vmwp
vmwp: $(VMWP)

$(VMWP): $(VMWP_SRCS) $(VMWP_HDRS) tools/vmwp/tool.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(VMWP_CFLAGS) -o $@ $(VMWP_SRCS) -lpthread

# Unit tests of the pure parts (tests/unit/test_vmwp_*.c), as tests/unit/unit.mk
# declares them; each also depends on the headers it includes from here.
UNIT_TESTS += vmwp_config
unit_vmwp_config_SRCS := tools/vmwp/config.c tools/vmwp/guest_memory.c tools/lib/nic_line.c
$(call UNIT_BIN,vmwp_config): tools/vmwp/config.h tools/vmwp/guest_memory.h

UNIT_TESTS += vmwp_uart
unit_vmwp_uart_SRCS := tools/vmwp/uart16550.c
$(call UNIT_BIN,vmwp_uart): tools/vmwp/uart16550.h

UNIT_TESTS += vmwp_ioapic
unit_vmwp_ioapic_SRCS := tools/vmwp/ioapic.c
$(call UNIT_BIN,vmwp_ioapic): tools/vmwp/ioapic.h

UNIT_TESTS += vmwp_pm
unit_vmwp_pm_SRCS := tools/vmwp/pm_ports.c
$(call UNIT_BIN,vmwp_pm): tools/vmwp/pm_ports.h tools/vmwp/acpi_tables.h

UNIT_TESTS += vmwp_rtc
unit_vmwp_rtc_SRCS := tools/vmwp/cmos_rtc.c
$(call UNIT_BIN,vmwp_rtc): tools/vmwp/cmos_rtc.h

UNIT_TESTS += vmwp_intercept
unit_vmwp_intercept_SRCS := tools/vmwp/intercept.c tools/vmwp/io_bus.c arch/x86_64/insn.c
$(call UNIT_BIN,vmwp_intercept): tools/vmwp/intercept.h tools/vmwp/io_bus.h

UNIT_TESTS += vmwp_layout
unit_vmwp_layout_SRCS := tools/vmwp/guest_memory.c tools/vmwp/boot.c tools/vmwp/acpi_tables.c \
                         hv/linux_boot.c
$(call UNIT_BIN,vmwp_layout): tools/vmwp/guest_memory.h tools/vmwp/boot.h \
                              tools/vmwp/acpi_tables.h

UNIT_TESTS += vmwp_platform
unit_vmwp_platform_SRCS := tools/vmwp/platform.c tools/vmwp/io_bus.c tools/vmwp/uart16550.c \
                           tools/vmwp/ioapic.c tools/vmwp/pm_ports.c tools/vmwp/cmos_rtc.c \
                           tools/vmwp/reset.c tools/vmwp/log.c tools/vmwp/pc_platform.c $(PC_SRCS)
$(call UNIT_BIN,vmwp_platform): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,vmwp_platform): $(wildcard tools/vmwp/*.h) $(PC_HDRS)

UNIT_TESTS += vmwp_control
unit_vmwp_control_SRCS := tools/vmwp/control.c tools/lib/percent.c
$(call UNIT_BIN,vmwp_control): HOST_CFLAGS += -Itools/lib
$(call UNIT_BIN,vmwp_control): tools/vmwp/control.h tools/lib/percent.h

UNIT_TESTS += vmwp_io_pool
unit_vmwp_io_pool_SRCS := tools/vmwp/io_pool.c
$(call UNIT_BIN,vmwp_io_pool): tools/vmwp/io_pool.h
$(call UNIT_BIN,vmwp_io_pool): HOST_LDLIBS += -lpthread

# What SeaBIOS reads from fw_cfg (tools/vmwp/seabios_cfg.c); its test builds
# the RSDP with acpi_tables.c and reads everything back through the fw_cfg model.
UNIT_TESTS += seabios_cfg
unit_seabios_cfg_SRCS := tools/vmwp/seabios_cfg.c tools/vmwp/acpi_tables.c drivers/pc/fw_cfg.c
$(call UNIT_BIN,seabios_cfg): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,seabios_cfg): tools/vmwp/seabios_cfg.h tools/vmwp/acpi_tables.h $(PC_HDRS)
