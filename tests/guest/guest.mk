# SPDX-License-Identifier: GPL-2.0-only
#
# tests/guest: hvtest, a freestanding test kernel for child partitions
# (tests/guest/README.md).  `make guest` builds $(GUEST_IMAGE), a bzImage
# that vmwp boots like any Linux kernel.  No host-side packing step: the
# linker script lays the ELF out so that objcopy -O binary is the bzImage.

GUEST_DIR   := $(BUILD)/guest
GUEST_IMAGE := $(GUEST_DIR)/hvtest.bzimage
GUEST_ELF   := $(GUEST_DIR)/hvtest.elf
GUEST_SRCS  := tests/guest/head.S tests/guest/main.c tests/guest/lib.c tests/guest/paging.c \
               tests/guest/hyperv.c tests/guest/vmbus_client.c tests/guest/storvsc.c \
               tests/guest/netvsc.c tests/guest/storwrite.c
# Formatting is the hypervisor's own freestanding printf.
GUEST_OBJS  := $(patsubst tests/guest/%,$(GUEST_DIR)/obj/%.o,$(basename $(GUEST_SRCS))) \
               $(GUEST_DIR)/obj/format.o

# Linked at 1 MiB, not position-independent: -mcmodel=small.  No SSE (the
# child's FPU state is never set up), no red zone (exceptions push onto the
# stack we are on), no calls to memset/memcpy the compiler might invent.
GUEST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -g -ffreestanding -fno-pic -fno-pie \
                 -mcmodel=small -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
                 -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
                 -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
                 -Ihv/include -Ihv/lib/include
GUEST_LDFLAGS := -nostdlib -static --no-dynamic-linker --build-id=none -z noexecstack \
                  -z max-page-size=4096 --no-warn-rwx-segments

.PHONY: guest
guest: $(GUEST_IMAGE)

$(GUEST_DIR)/obj/%.o: tests/guest/%.c tests/guest/hvtest.h tests/guest/vmbus_client.h tests/guest/vstor.h \
                      tests/guest/guest.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DIR)/obj/format.o: hv/lib/format.c hv/include/hv/format.h tests/guest/guest.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DIR)/obj/%.o: tests/guest/%.S tests/guest/guest.mk
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(GUEST_ELF): $(GUEST_OBJS) tests/guest/hvtest.ld
	$(Q)$(LD) $(GUEST_LDFLAGS) -T tests/guest/hvtest.ld $(GUEST_OBJS) -o $@

$(GUEST_IMAGE): $(GUEST_ELF)
	$(Q)$(OBJCOPY) -O binary $< $@
	@echo "  built $@"
