# hv.elf: the hypervisor, a freestanding static PIE (see arch/x86_64/hv.ld).
HV_ELF := $(BUILD)/hv/hv.elf

HV_CFLAGS := -std=gnu11 $(FREESTANDING_WARN) -O2 -g -ffreestanding -fpie -mno-red-zone \
             -mgeneral-regs-only -fno-omit-frame-pointer -fstack-protector-strong \
             -fno-asynchronous-unwind-tables -nostdinc \
             -isystem $(shell $(CC) -print-file-name=include) \
             -Ihv/lib/include -I$(FDT_INC) -Ihv/include -Iarch/x86_64/include
HV_ASFLAGS := -D__ASSEMBLY__

HV_SRCS := arch/x86_64/entry.S arch/x86_64/isr.S arch/x86_64/trampoline.S arch/x86_64/descriptors.c \
           arch/x86_64/lapic.c arch/x86_64/tsc.c arch/x86_64/smp.c arch/x86_64/msr_safe.S \
           arch/x86_64/svm.c arch/x86_64/svm_child.c arch/x86_64/svm_entry.S arch/x86_64/insn.c arch/x86_64/guest_walk.c \
           arch/x86_64/trap.c arch/x86_64/serial.c arch/x86_64/paging.c \
           hv/main.c hv/console.c hv/panic.c hv/options.c hv/handoff.c hv/memmap.c \
           hv/page_alloc.c hv/heap.c hv/acpi.c hv/slat.c hv/linux_boot.c hv/parent.c hv/parent_exits.c \
           hv/cpuid_policy.c hv/apic_icr.c hv/hypercall.c hv/child.c hv/child_vp.c hv/child_synthetic.c hv/child_hypercall.c hv/enlighten.c hv/synic.c hv/vlapic.c hv/parent_hypercall.c \
           hv/lib/string.c hv/lib/mem.c hv/lib/format.c
HV_OBJS := $(patsubst %,$(BUILD)/hv-obj/%.o,$(basename $(HV_SRCS)))

$(BUILD)/hv-obj/%.o: %.c $(FDT_INC)/libfdt.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv-obj/%.o: %.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_CFLAGS) $(HV_ASFLAGS) -MMD -MP -c $< -o $@

$(HV_ELF): $(HV_OBJS) arch/x86_64/hv.ld
	@mkdir -p $(dir $@)
	$(Q)$(LD) -pie --no-dynamic-linker -nostdlib -z max-page-size=4096 -z noexecstack \
		-z norelro --hash-style=gnu -T arch/x86_64/hv.ld $(HV_OBJS) $(LIBFDT_A) -o $@
	@echo "  built $@"

-include $(HV_OBJS:.o=.d)
