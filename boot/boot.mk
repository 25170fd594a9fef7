# hvloader.efi: a GNU-EFI application (ELF shared object converted to PE/COFF).
HVLOADER_EFI := $(BUILD)/boot/hvloader.efi
EFI_INC      := /usr/include/efi
EFI_LIB      := /usr/lib
EFI_CRT0     := $(EFI_LIB)/crt0-efi-x86_64.o
EFI_LDS      := $(EFI_LIB)/elf_x86_64_efi.lds

# libfdt's three headers without the rest of /usr/include, so that the
# freestanding shims in hv/lib/include stand in for the C library.
FDT_INC := $(BUILD)/include/fdt
$(FDT_INC)/libfdt.h:
	@mkdir -p $(FDT_INC)
	$(Q)ln -sf /usr/include/libfdt.h /usr/include/fdt.h /usr/include/libfdt_env.h $(FDT_INC)/

BOOT_CFLAGS := -std=gnu11 $(FREESTANDING_WARN) -O2 -g -ffreestanding -fno-stack-protector \
               -fpic -fshort-wchar -mno-red-zone -maccumulate-outgoing-args \
               -DGNU_EFI_USE_MS_ABI -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
               -Ihv/lib/include -I$(FDT_INC) -I$(EFI_INC) -I$(EFI_INC)/x86_64 -Ihv/include -Iboot

BOOT_SRCS := boot/main.c boot/efi_util.c boot/fdt_guard.c boot/config.c boot/elf_load.c boot/msgbuf.c \
             boot/handoff_build.c hv/lib/string.c hv/lib/format.c
BOOT_OBJS := $(patsubst %.c,$(BUILD)/boot-obj/%.o,$(BOOT_SRCS))

$(BUILD)/boot-obj/%.o: %.c $(FDT_INC)/libfdt.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BOOT_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/boot/hvloader.so: $(BOOT_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) $(EFI_CRT0) $(BOOT_OBJS) \
		-L$(EFI_LIB) $(LIBFDT_A) -lefi -lgnuefi -o $@

$(HVLOADER_EFI): $(BUILD)/boot/hvloader.so
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@
	@echo "  built $@"

-include $(BOOT_OBJS:.o=.d)
