# System tests: boot the real image under QEMU + OVMF (tests/system/cases).
# Every case is part of `make check`.  `make system-storage` runs the
# synthetic-storage cases alone (43 with a Debian child, about 6 minutes;
# 44, crash consistency with the test kernel (tests/guest,
# hvtest=storwrite) as its child, whose 20 rounds take about 2.5 minutes).
STORAGE_CASES := $(sort $(wildcard tests/system/cases/4[34]-storage*.sh))
# The network case (46) is part of `make check`; `make system-network` runs it
# alone.
NETWORK_CASES := $(sort $(wildcard tests/system/cases/46-network*.sh))
# The generation 1 case (48: SeaBIOS, IDE, the 8042, a CD-ROM, a legacy
# NIC) boots the disk and CD-ROM of `make gen1`; `make system-gen1` runs it
# alone (about 6 minutes).
GEN1_CASES := $(sort $(wildcard tests/system/cases/48-gen1*.sh))
SYSTEM_CASES := $(sort $(wildcard tests/system/cases/*.sh))
SYSTEM_ENV = IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
	CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
	GEN1_DISK=$(GEN1_DISK) GEN1_ISO=$(GEN1_ISO)

system: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD) $(GUEST_IMAGE) $(GEN1_DISK) $(GEN1_ISO)
	$(Q)$(SYSTEM_ENV) tests/system/run-cases $(BUILD)/results $(SYSTEM_CASES)

.PHONY: system-gen1
system-gen1: $(IMAGE) $(GEN1_DISK) $(GEN1_ISO)
	$(Q)$(SYSTEM_ENV) tests/system/run-cases $(BUILD)/results $(GEN1_CASES)

.PHONY: system-storage
system-storage: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD) $(GUEST_IMAGE)
	$(Q)$(SYSTEM_ENV) tests/system/run-cases $(BUILD)/results $(STORAGE_CASES)

.PHONY: system-network
system-network: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD)
	$(Q)$(SYSTEM_ENV) tests/system/run-cases $(BUILD)/results $(NETWORK_CASES)
