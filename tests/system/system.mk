# System tests: boot the real image under QEMU + OVMF (tests/system/cases).
# The synthetic-storage cases (43, 44) run apart, with `make system-storage`:
# the run sometimes hangs after a hot remove under I/O, the parent's console
# included (docs/testing.md), and a hung case would hold up the whole check.
STORAGE_CASES := $(sort $(wildcard tests/system/cases/4[34]-storage*.sh))
# The network case (46) is part of `make check`; `make system-network` runs it
# alone.
NETWORK_CASES := $(sort $(wildcard tests/system/cases/46-network*.sh))
SYSTEM_CASES := $(filter-out $(STORAGE_CASES),$(sort $(wildcard tests/system/cases/*.sh)))

system: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD) $(GUEST_IMAGE)
	$(Q)IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
		CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
		tests/system/run-cases $(BUILD)/results $(SYSTEM_CASES)

.PHONY: system-storage
system-storage: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD)
	$(Q)IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
		CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
		tests/system/run-cases $(BUILD)/results $(STORAGE_CASES)

.PHONY: system-network
system-network: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD)
	$(Q)IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
		CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
		tests/system/run-cases $(BUILD)/results $(NETWORK_CASES)
