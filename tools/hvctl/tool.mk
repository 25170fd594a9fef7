# hvctl, the partition manager of the parent partition (tools/hvctl/README.md):
# one static binary, as the parent's initramfs has no shared libraries to
# offer.  `make hvctl` builds it; `make hvctl-cli-test` runs it, against a
# fake worker, through tests/hvctl/cli-test.sh.  It links the disk library
# (disk/disk.mk, included before this file) for the hvctl disk commands.
HVCTL_SRCS   := $(sort $(wildcard tools/hvctl/*.c)) tools/lib/percent.c tools/lib/netlink.c \
	tools/lib/netlink_msg.c tools/lib/nic_line.c $(DISK_SRCS)
HVCTL_HDRS   := $(sort $(wildcard tools/hvctl/*.h)) tools/lib/percent.h tools/lib/hex_digit.h tools/lib/netlink.h \
	tools/lib/nic_line.h $(DISK_HDRS)
HVCTL_BIN    := $(BUILD)/tools/hvctl
HVCTL_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror -Ihv/include -Itools/lib \
	$(DISK_CFLAGS)

.PHONY: hvctl hvctl-cli-test
hvctl: $(HVCTL_BIN)

$(HVCTL_BIN): $(HVCTL_SRCS) $(HVCTL_HDRS) hv/include/hv/hv.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HVCTL_CFLAGS) -o $@ $(HVCTL_SRCS)

# The command-line test writes TAP for tests/tally; a script that dies
# half-way still leaves a failure there.
hvctl-cli-test: $(HVCTL_BIN)
	$(Q)mkdir -p $(BUILD)/results
	$(Q)out=$(BUILD)/results/hvctl-cli.tap; \
	tests/hvctl/cli-test.sh $(HVCTL_BIN) > $$out; st=$$?; \
	if [ $$st -ne 0 ]; then grep -q '^not ok' $$out || \
		echo "not ok - tests/hvctl/cli-test.sh exited with status $$st" >> $$out; fi; \
	sed 's/^/[hvctl-cli] /' $$out; exit $$st

# Unit tests (cmocka, tests/unit/test_hvctl_*.c) of the modules that decide
# without touching the system, plus the control protocol over a real socket.
UNIT_TESTS += hvctl_names
unit_hvctl_names_SRCS := tools/hvctl/names.c

UNIT_TESTS += hvctl_size
unit_hvctl_size_SRCS := tools/hvctl/size.c

# vm.conf and what its lines are made of: names, sizes, MACs, switch names.
HVCTL_CONFIG_SRCS := tools/hvctl/vm_config.c tools/hvctl/names.c tools/hvctl/size.c \
	tools/hvctl/fsutil.c tools/hvctl/mac.c tools/hvctl/switch_config.c tools/hvctl/conf_file.c \
	tools/lib/nic_line.c

UNIT_TESTS += hvctl_config
unit_hvctl_config_SRCS := $(HVCTL_CONFIG_SRCS) tools/hvctl/vm_disks.c tools/hvctl/vm_nics.c \
	tools/hvctl/vm_ide.c

UNIT_TESTS += hvctl_options
unit_hvctl_options_SRCS := tools/hvctl/vm_options.c tools/hvctl/boot_files.c $(HVCTL_CONFIG_SRCS)

UNIT_TESTS += hvctl_switch
unit_hvctl_switch_SRCS := tools/hvctl/switch_config.c tools/hvctl/conf_file.c tools/hvctl/mac.c \
	tools/hvctl/names.c tools/hvctl/fsutil.c tools/lib/nic_line.c

# The MAC pool, host.conf, --nic, and the host-wide view of MACs and switches (on files).
UNIT_TESTS += hvctl_nic
unit_hvctl_nic_SRCS := $(HVCTL_CONFIG_SRCS) tools/hvctl/vm_nics.c tools/hvctl/nic_assign.c \
	tools/hvctl/net_inventory.c tools/hvctl/host_config.c tools/hvctl/paths.c

UNIT_TESTS += hvctl_args
unit_hvctl_args_SRCS := tools/hvctl/args.c

UNIT_TESTS += hvctl_list
unit_hvctl_list_SRCS := tools/hvctl/list_format.c tools/hvctl/size.c

UNIT_TESTS += hvctl_control
unit_hvctl_control_SRCS := tools/hvctl/control.c tools/lib/percent.c
$(call UNIT_BIN,hvctl_control): HOST_CFLAGS += -Itools/lib

UNIT_TESTS += hvctl_paths
unit_hvctl_paths_SRCS := tools/hvctl/paths.c

UNIT_TESTS += hvctl_kvp
unit_hvctl_kvp_SRCS := tools/hvctl/kvp_format.c tools/hvctl/control.c tools/lib/percent.c
$(call UNIT_BIN,hvctl_kvp): HOST_CFLAGS += -Itools/lib

# mac.c and vm_config.c use tools/lib/nic_line.c.
$(foreach t,config options nic switch,$(eval $(call UNIT_BIN,hvctl_$(t)): HOST_CFLAGS += -Itools/lib))

# Their headers are not under the directories unit_rule watches.
$(foreach t,names size config options args list control paths kvp switch nic,\
	$(eval $(call UNIT_BIN,hvctl_$(t)): $(HVCTL_HDRS)))
