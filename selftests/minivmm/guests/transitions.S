/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real mode to protected mode to long mode, the way a boot loader does it
 * (SDM vol 3A 9.9 and 9.8.5), reporting 16, 32 and 64 through PORT_REPORT
 * on the way (a 2-byte OUT in real mode, 4-byte ones after).  Entered in
 * real mode at GUEST_CODE, from the reset vector.  Uses its own GDT and the
 * page tables the test wrote at GUEST_PML4; ends storing a 64-bit value at
 * GUEST_DATA and halting.
 */
#include "../guest_layout.h"

	.text
	.code16
guest_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	mov	$16, %ax
	out	%ax, $PORT_REPORT
	lgdtl	ADDR(gdtr)
	mov	%cr0, %eax
	or	$1, %eax			/* CR0.PE */
	mov	%eax, %cr0
	ljmp	$0x08, $ADDR(protected)

	.code32
protected:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$GUEST_STACK, %esp
	mov	$32, %eax
	out	%eax, $PORT_REPORT
	mov	%cr4, %eax
	or	$0x20, %eax			/* CR4.PAE */
	mov	%eax, %cr4
	mov	$GUEST_PML4, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* IA32_EFER */
	rdmsr
	or	$0x100, %eax			/* EFER.LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80000000, %eax		/* CR0.PG: activates long mode */
	mov	%eax, %cr0
	ljmp	$0x18, $ADDR(long_mode)

	.code64
long_mode:
	mov	$64, %eax
	out	%eax, $PORT_REPORT
	mov	$0x0123456789abcdef, %rax
	mov	%rax, GUEST_DATA
	hlt

	.p2align 3
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff		/* 0x08: 32-bit code, flat */
	.quad	0x00cf93000000ffff		/* 0x10: data, flat */
	.quad	0x00af9b000000ffff		/* 0x18: 64-bit code */
gdt_end:
gdtr:
	.word	gdt_end - gdt - 1
	.long	ADDR(gdt)
