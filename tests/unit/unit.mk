# Unit tests (cmocka).  One line per test program: its sources under test.
UNIT_TESTS += memmap
unit_memmap_SRCS := hv/memmap.c

UNIT_TESTS += page_alloc
unit_page_alloc_SRCS := hv/page_alloc.c

UNIT_TESTS += config
unit_config_SRCS := boot/config.c boot/msgbuf.c

UNIT_TESTS += elf_load
unit_elf_load_SRCS := boot/elf_load.c boot/msgbuf.c

UNIT_TESTS += format
unit_format_SRCS := hv/lib/format.c

UNIT_TESTS += handoff
unit_handoff_SRCS := boot/handoff_build.c hv/handoff.c

UNIT_TESTS += options
unit_options_SRCS := hv/options.c

UNIT_TESTS += slat
unit_slat_SRCS := hv/slat.c

UNIT_TESTS += guest_walk
unit_guest_walk_SRCS := arch/x86_64/guest_walk.c

UNIT_TESTS += parent_policy
unit_parent_policy_SRCS := hv/cpuid_policy.c hv/apic_icr.c

UNIT_TESTS += insn
unit_insn_SRCS := arch/x86_64/insn.c

UNIT_TESTS += linux_boot
unit_linux_boot_SRCS := hv/linux_boot.c hv/memmap.c

UNIT_TESTS += acpi
unit_acpi_SRCS := hv/acpi.c

UNIT_TESTS += child
unit_child_SRCS := hv/child.c hv/hypercall.c hv/slat.c hv/page_alloc.c

UNIT_TESTS += acpi_tables
unit_acpi_tables_SRCS := tools/vmwp/acpi_tables.c hv/acpi.c
$(call UNIT_BIN,acpi_tables): tools/vmwp/acpi_tables.h

UNIT_TESTS += vlapic
unit_vlapic_SRCS := hv/vlapic.c

UNIT_TESTS += child_vp
unit_child_vp_SRCS := hv/child_vp.c hv/child.c hv/hypercall.c hv/slat.c hv/page_alloc.c hv/vlapic.c \
                      hv/synic.c

UNIT_TESTS += vmbus_ring
unit_vmbus_ring_SRCS := vmbus/ring_buffer.c
$(call UNIT_BIN,vmbus_ring): HOST_CFLAGS += -Ivmbus/include
$(call UNIT_BIN,vmbus_ring): vmbus/include/vmbus/ring_buffer.h

UNIT_TESTS += vmbus_server
unit_vmbus_server_SRCS := vmbus/server.c vmbus/gpadl.c vmbus/channel.c vmbus/ring_buffer.c
$(call UNIT_BIN,vmbus_server): HOST_CFLAGS += -Ivmbus/include
$(call UNIT_BIN,vmbus_server): $(wildcard vmbus/include/vmbus/*.h vmbus/*.h)

UNIT_TESTS += ic
unit_ic_SRCS := $(wildcard drivers/ic/*.c)
$(call UNIT_BIN,ic): HOST_CFLAGS += -Ivmbus/include -Idrivers/ic/include
$(call UNIT_BIN,ic): $(wildcard vmbus/include/vmbus/*.h drivers/ic/include/ic/*.h drivers/ic/*.h)

UNIT_TESTS += synic
unit_synic_SRCS := hv/synic.c hv/enlighten.c hv/child_hypercall.c hv/hypercall.c

UNIT_TESTS += percent
unit_percent_SRCS := tools/lib/percent.c
$(call UNIT_BIN,percent): HOST_CFLAGS += -Itools/lib
$(call UNIT_BIN,percent): tools/lib/percent.h tools/lib/hex_digit.h

# tools/vmwp/config.c (its test is declared in tools/vmwp/tool.mk) reads nic= with tools/lib/nic_line.c.
$(call UNIT_BIN,vmwp_config): HOST_CFLAGS += -Itools/lib
$(call UNIT_BIN,vmwp_config): tools/lib/nic_line.h tools/lib/hex_digit.h

UNIT_TESTS += netlink
unit_netlink_SRCS := tools/lib/netlink_msg.c tools/lib/netlink.c
$(call UNIT_BIN,netlink): HOST_CFLAGS += -Itools/lib
$(call UNIT_BIN,netlink): tools/lib/netlink.h

# The VT-x groundwork (issue 9): capabilities, controls, EPT pointer, exit decoding.
UNIT_TESTS += vmx_caps
unit_vmx_caps_SRCS := arch/x86_64/vmx_caps.c arch/x86_64/vmx_exit.c hv/slat.c
$(call UNIT_BIN,vmx_caps): arch/x86_64/include/arch/vmx_caps.h arch/x86_64/include/arch/vmx_exit.h
