# The bootable USB image and what goes on it.
IMAGE        := $(BUILD)/hv-usb.img
# The parent owns the machine's devices (SATA, NVMe, USB, NICs): Debian's generic
# kernel has their drivers; the cloud kernel (for child partitions) does not.
PARENT_KDIR  := $(BUILD)/kernels/amd64
PARENT_KERNEL := $(PARENT_KDIR)/vmlinuz
PARENT_INITRD := $(BUILD)/parent-initramfs.cpio.gz
# Size of the persistent data partition (ext4, label HVDATA) behind the EFI
# system partition; 0 leaves it out: rm -f build/hv-usb.img && make image DATA_MIB=1024
DATA_MIB     ?= 256

# Child partitions run Debian's cloud kernel (the synthetic devices' drivers,
# none for real hardware); the demo and test child boots it with a busybox
# initramfs that carries its Hyper-V drivers (tools/child/modules) and
# hv_kvp_daemon from Debian's hyperv-daemons.
CHILD_KDIR   := $(BUILD)/kernels/cloud-amd64
CHILD_KERNEL := $(CHILD_KDIR)/vmlinuz
CHILD_INITRD := $(BUILD)/child-initramfs.cpio.gz
HV_DAEMONS_DIR := $(BUILD)/hyperv-daemons
HV_KVP_DAEMON  := $(HV_DAEMONS_DIR)/usr/sbin/hv_kvp_daemon

.PHONY: initramfs child
kernels: $(PARENT_KERNEL) $(CHILD_KERNEL)
initramfs: $(PARENT_INITRD)
child: $(CHILD_KERNEL) $(CHILD_INITRD)

$(CHILD_KERNEL):
	$(Q)tools/build/fetch-kernel.sh cloud-amd64 $(CHILD_KDIR)

# Debian's hyperv-daemons, fetched once with apt-get download, then cached
# (rm -rf build/hyperv-daemons for a newer one); offline, the build stops here.
$(HV_KVP_DAEMON):
	$(Q)tools/build/fetch-hyperv-daemons.sh $(HV_DAEMONS_DIR)

# The kernel's vmlinuz stands for its modules directory.
$(CHILD_INITRD): tools/build/mkchildinitramfs.sh tools/build/modules.sh \
		$(wildcard tools/child/*) $(CHILD_KERNEL) $(HV_KVP_DAEMON)
	$(Q)tools/build/mkchildinitramfs.sh $@ $(CHILD_KDIR) $(HV_DAEMONS_DIR)

# Fetched once, then cached; `make kernels KERNEL_REFRESH=1` takes the newest.
$(PARENT_KERNEL):
	$(Q)tools/build/fetch-kernel.sh amd64 $(PARENT_KDIR)

# The parent partition's initramfs: busybox, /init, hvinfo, vidctl, e2fsck,
# the kernel's modules (the kernel's vmlinuz stands for its modules
# directory) and our own vid.ko (drivers/vid/vid.mk adds $(VID_KO) and the
# ioctl header to these prerequisites: it is included after this file).
# hvctl, vmwp and kvmrun (tools/*/tool.mk, included before this file) go in as well.
PARENT_TOOLS := $(HVCTL_BIN) $(VMWP) $(KVMRUN)
$(PARENT_INITRD): tools/build/mkinitramfs.sh tools/build/modules.sh $(wildcard tools/parent/*) \
		$(PARENT_KERNEL) $(PARENT_TOOLS)
	$(Q)VID_KO=$(VID_KO) PARENT_TOOLS="$(PARENT_TOOLS)" tools/build/mkinitramfs.sh $@ $(PARENT_KDIR)

image: $(IMAGE)

$(IMAGE): $(HVLOADER_EFI) $(HV_ELF) tools/build/hv.cfg $(PARENT_KERNEL) $(PARENT_INITRD) \
		tools/build/mkimage.sh
	$(Q)DATA_MIB=$(DATA_MIB) tools/build/mkimage.sh $@ $(HVLOADER_EFI) $(HV_ELF) \
		tools/build/hv.cfg $(PARENT_KERNEL) $(PARENT_INITRD)
