# System tests: boot the real image under QEMU + OVMF (tests/system/cases).
SYSTEM_CASES := $(sort $(wildcard tests/system/cases/*.sh))

system: $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD) $(GUEST_IMAGE)
	$(Q)IMAGE=$(IMAGE) HV_ELF=$(HV_ELF) KERNEL=$(PARENT_KERNEL) \
		CHILD_KERNEL=$(CHILD_KERNEL) CHILD_INITRD=$(CHILD_INITRD) GUEST_IMAGE=$(GUEST_IMAGE) \
		tests/system/run-cases $(BUILD)/results $(SYSTEM_CASES)
