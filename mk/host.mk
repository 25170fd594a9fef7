# Host-side builds: cmocka unit tests of the pure modules, with ASan + UBSan.
HOST_CC      ?= gcc
HOST_CFLAGS  := -std=gnu11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -Ihv/include -Iarch/x86_64/include -Iboot -DHOST_TEST
HOST_LDLIBS  := -lcmocka -lfdt

# Each unit test is tests/unit/test_NAME.c plus the project sources it covers,
# declared by the fragment that owns them as:
#   UNIT_TESTS += NAME
#   unit_NAME_SRCS := hv/foo.c ...
UNIT_BIN = $(BUILD)/unit/test_$(1)

define unit_rule
$(call UNIT_BIN,$(1)): tests/unit/test_$(1).c $$(unit_$(1)_SRCS) $$(wildcard tests/unit/*.h) \
		$$(wildcard hv/include/hv/*.h) $$(wildcard arch/x86_64/include/arch/*.h) $$(wildcard boot/*.h)
	@mkdir -p $$(dir $$@)
	$$(HOST_CC) $$(HOST_CFLAGS) -o $$@ tests/unit/test_$(1).c $$(unit_$(1)_SRCS) $$(HOST_LDLIBS)
endef
