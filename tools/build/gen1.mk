# Generation 1 children: the emulated 440BX/PIIX4 PC (SeaBIOS, IDE, DEC
# 21140).  Their test boots, through SeaBIOS and GRUB from an IDE disk,
# Debian's generic kernel (PARENT_KERNEL: it has ata_piix and tulip, the
# cloud kernel has not) into a busybox system whose shell is on ttyS0, and
# reads a CD-ROM.  Included after image.mk (PARENT_KDIR, PARENT_KERNEL).
#   GEN1_DISK  raw 64 MiB MBR disk: GRUB, ext4 root (tools/build/mkgen1disk.sh)
#   GEN1_ISO   ISO 9660 with data.bin and its md5 (tools/build/mkgen1iso.sh)
GEN1_DISK := $(BUILD)/gen1/disk.img
GEN1_ISO  := $(BUILD)/gen1/cdrom.iso

.PHONY: gen1
gen1: $(GEN1_DISK) $(GEN1_ISO)

# The kernel's vmlinuz stands for its modules directory.
$(GEN1_DISK): tools/build/mkgen1disk.sh tools/build/modules.sh $(wildcard tools/gen1/*) \
		$(PARENT_KERNEL)
	$(Q)mkdir -p $(@D)
	$(Q)tools/build/mkgen1disk.sh $@ $(PARENT_KDIR)

$(GEN1_ISO): tools/build/mkgen1iso.sh
	$(Q)mkdir -p $(@D)
	$(Q)tools/build/mkgen1iso.sh $@
