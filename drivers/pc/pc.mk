# SPDX-License-Identifier: GPL-2.0-only
# drivers/pc: the emulated PC's legacy devices (8254 timer, 8259A interrupt
# controllers), pure models for vmwp's 440BX platform.
PC_SRCS := $(sort $(wildcard drivers/pc/*.c))
PC_HDRS := $(wildcard drivers/pc/include/pc/*.h drivers/pc/*.h)
PC_CFLAGS := -Idrivers/pc/include

# One test program per device: each links only its own model.
UNIT_TESTS += pc_i8254
unit_pc_i8254_SRCS := drivers/pc/i8254.c
$(call UNIT_BIN,pc_i8254): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_i8254): $(PC_HDRS)

UNIT_TESTS += pc_i8259
unit_pc_i8259_SRCS := drivers/pc/i8259.c
$(call UNIT_BIN,pc_i8259): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_i8259): $(PC_HDRS)

UNIT_TESTS += pc_pci
unit_pc_pci_SRCS := drivers/pc/pci_bus.c
$(call UNIT_BIN,pc_pci): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_pci): $(PC_HDRS)

UNIT_TESTS += pc_chipset
unit_pc_chipset_SRCS := drivers/pc/pci_bus.c drivers/pc/i440bx.c drivers/pc/piix4.c
$(call UNIT_BIN,pc_chipset): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_chipset): $(PC_HDRS)

# The IDE controller and its ATAPI command set: one model, two test programs.
PC_IDE_SRCS := drivers/pc/ide.c drivers/pc/ide_bmdma.c drivers/pc/atapi.c
UNIT_TESTS += pc_ide pc_atapi
unit_pc_ide_SRCS := $(PC_IDE_SRCS)
unit_pc_atapi_SRCS := $(PC_IDE_SRCS)
$(call UNIT_BIN,pc_ide) $(call UNIT_BIN,pc_atapi): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_ide) $(call UNIT_BIN,pc_atapi): $(PC_HDRS)

# QEMU's firmware configuration interface (fw_cfg), for SeaBIOS.
UNIT_TESTS += pc_fw_cfg
unit_pc_fw_cfg_SRCS := drivers/pc/fw_cfg.c
$(call UNIT_BIN,pc_fw_cfg): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_fw_cfg): $(PC_HDRS)

# The 8042 keyboard controller and its PS/2 keyboard and mouse: the devices
# alone (pc_ps2), and behind the controller (pc_i8042).
PC_PS2_SRCS := drivers/pc/ps2_queue.c drivers/pc/ps2_xlate.c drivers/pc/ps2_kbd.c \
               drivers/pc/ps2_mouse.c
UNIT_TESTS += pc_ps2 pc_i8042
unit_pc_ps2_SRCS := $(PC_PS2_SRCS)
unit_pc_i8042_SRCS := $(PC_PS2_SRCS) drivers/pc/i8042.c
$(call UNIT_BIN,pc_ps2) $(call UNIT_BIN,pc_i8042): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_ps2) $(call UNIT_BIN,pc_i8042): $(PC_HDRS)

# The DEC 21140A "Tulip" Fast Ethernet controller (Hyper-V's legacy network
# adapter): the chip, its serial ROM, MII PHY and address filter.
PC_TULIP_SRCS := drivers/pc/tulip.c drivers/pc/tulip_srom.c drivers/pc/tulip_mii.c \
                 drivers/pc/tulip_filter.c
UNIT_TESTS += pc_tulip
unit_pc_tulip_SRCS := $(PC_TULIP_SRCS) drivers/pc/pci_bus.c
$(call UNIT_BIN,pc_tulip): HOST_CFLAGS += $(PC_CFLAGS)
$(call UNIT_BIN,pc_tulip): $(PC_HDRS)
