# SPDX-License-Identifier: GPL-2.0-only
#
# Top-level build.  The two commands a newcomer needs:
#   make run     install what is missing, build, boot it all in QEMU (serial on this terminal)
#   make check   install what is missing, build, run every test; ends with "N passed, N failed"
#
# Everything is built under $(BUILD); nothing outside it is written except by
# `make deps` (Debian packages, as root or through sudo).

BUILD ?= build
Q     ?= @

.DEFAULT_GOAL := all
.PHONY: all deps run check unit system style bench image kernels clean format format-check

include mk/host.mk
include mk/freestanding.mk
include boot/boot.mk
include hv/hv.mk
include tests/unit/unit.mk
include disk/disk.mk
include drivers/storvsp/storvsp.mk
include drivers/netvsp/netvsp.mk
include drivers/pc/pc.mk
# Parent user-space tools with more than one file (vmwp, hvctl): each has a
# tool.mk that builds $(BUILD)/tools/NAME and declares its unit tests.
include $(wildcard tools/*/tool.mk)
include tools/build/image.mk
include tools/build/gen1.mk
include drivers/vid/vid.mk
# The freestanding test guest for child partitions (tests/guest).
include tests/guest/guest.mk
# After image.mk: its prerequisites name $(IMAGE).
include tests/system/system.mk

all: $(HVLOADER_EFI) $(HV_ELF)

# Idempotent: installs only what is missing; a no-op on a machine that has it all.
deps:
	$(Q)tools/build/deps.sh

$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))
UNIT_BINS := $(foreach t,$(UNIT_TESTS),$(call UNIT_BIN,$(t)))

# Run every unit test program; each writes a TAP file for the tally.
unit: $(UNIT_BINS)
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rc=0; for t in $(UNIT_TESTS); do \
		out=$(BUILD)/results/unit-$$t.tap; \
		CMOCKA_MESSAGE_OUTPUT=TAP $(BUILD)/unit/test_$$t > $$out 2>&1; st=$$?; \
		if [ $$st -ne 0 ]; then rc=1; grep -q '^not ok' $$out || \
			echo "not ok - test_$$t exited with status $$st" >> $$out; fi; \
		sed "s/^/[unit $$t] /" $(BUILD)/results/unit-$$t.tap; \
	done; exit $$rc

# The test command of the README.  Deps first (this may be a fresh machine),
# then every test; the tally is the last line and decides the exit status.
check:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)rm -rf $(BUILD)/results
	$(Q)$(MAKE) --no-print-directory all image $(UNIT_BINS)
	-$(Q)$(MAKE) --no-print-directory unit
	-$(Q)$(MAKE) --no-print-directory hvctl-cli-test
	-$(Q)$(MAKE) --no-print-directory system
	-$(Q)$(MAKE) --no-print-directory style
	$(Q)tests/tally $(BUILD)/results

run:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory image
	$(Q)tests/system/qemu-boot --image $(IMAGE) --interactive $(RUN_ARGS)

# Benchmarks: measured, never part of `make check` (timing is not a test).
BENCH_ROUNDS ?= 3
bench:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory image
	$(Q)$(MAKE) --no-print-directory guest
	$(Q)tests/bench/boot-time $(IMAGE) $(BENCH_ROUNDS)
	$(Q)tests/bench/child-roundtrips $(IMAGE) $(GUEST_IMAGE) $(BENCH_ROUNDS)
	$(Q)$(MAKE) --no-print-directory $(CHILD_KERNEL) $(CHILD_INITRD)
	$(Q)tests/bench/storage-throughput $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD)
	$(Q)tests/bench/network-throughput $(IMAGE) $(CHILD_KERNEL) $(CHILD_INITRD)

clean:
	rm -rf $(BUILD)

FORMAT_SRCS = $(shell git ls-files '*.c' '*.h')
format:
	clang-format -i $(FORMAT_SRCS)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

# The house style as one test result: every C file matches .clang-format.
style:
	$(Q)mkdir -p $(BUILD)/results
	$(Q)if clang-format --dry-run --Werror $(FORMAT_SRCS) > $(BUILD)/results/style.log 2>&1; \
	then echo "ok - clang-format" ; else echo "not ok - clang-format (make format-check)"; fi \
		| tee $(BUILD)/results/style.tap
