# SPDX-License-Identifier: GPL-2.0-only
# drivers/vid: the parent partition's kernel module (/dev/vid), built out of
# tree against Debian's headers for exactly the parent kernel in
# $(PARENT_KDIR) (tools/build/image.mk; included after it, as its variables
# name that kernel).  The headers are fetched once into build/ without
# installing anything (tools/build/fetch-headers.sh).
VID_HDIR := $(BUILD)/kernels/amd64-headers
VID_OBJ  := $(BUILD)/vid
VID_KO   := $(VID_OBJ)/vid.ko
VID_SRCS := drivers/vid/Kbuild $(wildcard drivers/vid/*.c drivers/vid/*.h)

.PHONY: vid headers
vid: $(VID_KO)
headers: $(VID_HDIR)/VERSION

# Refetched when the kernel changes (KERNEL_REFRESH=1): the script compares
# the two VERSION files and only touches its own when they agree.
$(VID_HDIR)/VERSION: tools/build/fetch-headers.sh $(PARENT_KERNEL)
	$(Q)tools/build/fetch-headers.sh $(PARENT_KDIR) $(VID_HDIR)

# Kbuild writes its objects next to the sources (M=): build a copy under
# $(BUILD) so the source tree stays clean.  MAKEFLAGS is not passed on: the
# kernel's Makefile has variables of its own (Q, V, ...) that a `make Q=`
# here must not override.
$(VID_KO): $(VID_SRCS) hv/include/hv/vid_ioctl.h hv/include/hv/abi.h $(VID_HDIR)/VERSION
	$(Q)mkdir -p $(VID_OBJ)
	$(Q)cp $(VID_SRCS) $(VID_OBJ)/
	$(Q)env -u MAKEFLAGS -u MFLAGS $(MAKE) --no-print-directory -C $(VID_HDIR)/build \
		M=$(abspath $(VID_OBJ)) VID_HV_INCLUDE=$(abspath hv/include) modules
	$(Q)touch $@

# The module and the user-space side of its ABI go into the parent's
# initramfs (the recipe is image.mk's; this adds what it now depends on).
$(PARENT_INITRD): $(VID_KO) hv/include/hv/vid_ioctl.h
