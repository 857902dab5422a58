# SPDX-License-Identifier: GPL-2.0
#
# The guests of vmctl_run_test.sh, included by ../Makefile before lib.mk.
# Unlike the harness guests (guests/), these are real boot images that
# "vmctl run" loads by itself: a Multiboot ELF32 kernel at 1 MiB, a 64-bit
# ELF at 2 MiB and a flat real-mode binary at 0x7c00, built four ways
# (exit through port 0xf4, HLT, triple fault, a spin).  Assembled with $(CC) -c
# and linked with $(LD) and guest.lds; no libc, no multilib needed.

VMCTL_GUESTS	:= vmctl_guest_mb.elf vmctl_guest_64.elf vmctl_guest_flat.bin \
		   vmctl_guest_halt.bin vmctl_guest_crash.bin vmctl_guest_spin.bin
TEST_GEN_FILES	+= $(VMCTL_GUESTS)
TEST_PROGS	+= vmctl_run_test.sh

VG_DIR		:= vmctl_guests
VG_LDFLAGS	:= --no-warn-rwx-segments -T $(VG_DIR)/guest.lds
VG_FLAT_DEFS_flat  :=
VG_FLAT_DEFS_halt  := -DEND_HALT
VG_FLAT_DEFS_crash := -DEND_CRASH
VG_FLAT_DEFS_spin  := -DEND_SPIN

$(OUTPUT)/vmctl_guest_mb.elf: $(VG_DIR)/multiboot.S $(VG_DIR)/guest.lds
	$(CC) -m32 -c $< -o $@.o
	$(LD) -m elf_i386 $(VG_LDFLAGS) -Ttext=0x100000 -o $@ $@.o
	@rm -f $@.o

$(OUTPUT)/vmctl_guest_64.elf: $(VG_DIR)/elf64.S $(VG_DIR)/guest.lds
	$(CC) -c $< -o $@.o
	$(LD) -m elf_x86_64 $(VG_LDFLAGS) -Ttext=0x200000 -o $@ $@.o
	@rm -f $@.o

$(OUTPUT)/vmctl_guest_%.bin: $(VG_DIR)/flat16.S $(VG_DIR)/guest.lds
	$(CC) $(VG_FLAT_DEFS_$*) -c $< -o $@.o
	$(LD) -m elf_x86_64 $(VG_LDFLAGS) -Ttext=0x7c00 --oformat=binary \
		-o $@ $@.o
	@rm -f $@.o
