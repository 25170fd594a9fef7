# The bootable USB image and what goes on it.
IMAGE        := $(BUILD)/hv-usb.img
PARENT_KDIR  := $(BUILD)/kernels/cloud-amd64
PARENT_KERNEL := $(PARENT_KDIR)/vmlinuz

kernels: $(PARENT_KERNEL)

# Fetched once, then cached; `make kernels KERNEL_REFRESH=1` takes the newest.
$(PARENT_KERNEL):
	$(Q)tools/build/fetch-kernel.sh cloud-amd64 $(PARENT_KDIR)

image: $(IMAGE)

$(IMAGE): $(HVLOADER_EFI) $(HV_ELF) tools/build/hv.cfg $(PARENT_KERNEL) tools/build/mkimage.sh
	$(Q)tools/build/mkimage.sh $@ $(HVLOADER_EFI) $(HV_ELF) tools/build/hv.cfg $(PARENT_KERNEL)
