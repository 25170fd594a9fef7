HV_ELF := $(BUILD)/hv/hv.elf
