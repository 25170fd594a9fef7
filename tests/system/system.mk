# System tests: boot the real image under QEMU + OVMF (tests/system/cases).
# Every case is part of `make check`.  `make system-storage` runs the
# synthetic-storage cases alone (43 with a Debian child, about 6 minutes;
# 44, crash consistency with the test kernel (tests/guest,
# hvtest=storwrite) as its child, whose 20 rounds take about 2.5 minutes).
STORAGE_CASES := $(sort $(wildcard tests/system/cases/4[34]-storage*.sh))
# The network case (46) is part of `make check`; `make system-network` runs it
# alone.
NETWORK_CASES := $(sort $(wildcard tests/system/cases/46-network*.sh))
SYSTEM_CASES := $(sort $(wildcard tests/system/cases/*.sh))

system: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD) $(GUEST_IMAGE)
	$(Q)IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
		CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
		tests/system/run-cases $(BUILD)/results $(SYSTEM_CASES)

.PHONY: system-storage
system-storage: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD) $(GUEST_IMAGE)
	$(Q)IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
		CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
		tests/system/run-cases $(BUILD)/results $(STORAGE_CASES)

.PHONY: system-network
system-network: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD)
	$(Q)IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
		CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
		tests/system/run-cases $(BUILD)/results $(NETWORK_CASES)
