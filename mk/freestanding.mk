# Freestanding builds: the UEFI loader (GNU-EFI) and the hypervisor.
CC      ?= gcc
LD      ?= ld
OBJCOPY ?= objcopy

# libfdt comes from Debian's libfdt-dev as a static archive built for user
# space: it uses the stack protector (canary at %fs:0x28) and the red zone.
# Both the loader and the hypervisor make that safe (see boot/fdt_guard.c and
# arch/x86_64/percpu.c) instead of rebuilding it.
LIBFDT_A ?= /usr/lib/x86_64-linux-gnu/libfdt.a

FREESTANDING_WARN := -Wall -Wextra -Werror -Wno-missing-field-initializers
