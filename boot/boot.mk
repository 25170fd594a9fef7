HVLOADER_EFI := $(BUILD)/boot/hvloader.efi
