/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO in 64-bit mode at GUEST_MMIO, which has no slot: writes of 1, 2, 4
 * and 8 bytes (immediate and register sources), then reads of 1, 2, 4 and 8
 * bytes into CL, DX, ESI and R9, then HLT.  The test sets RCX, RDX, RSI
 * and R9 first, so it can tell a partial-register load (CL, DX keep the
 * rest) from a zero-extending one (ESI clears the upper half).
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	mov	$GUEST_MMIO, %ebx
	movb	$0x11, (%rbx)
	movw	$0x2233, 0x10(%rbx)
	mov	$0x44556677, %eax
	mov	%eax, 0x20(%rbx)
	mov	$0x8899aabbccddeeff, %rax
	mov	%rax, 0x30(%rbx)
	mov	0x40(%rbx), %cl
	mov	0x50(%rbx), %dx
	mov	0x60(%rbx), %esi
	mov	0x70(%rbx), %r9
	hlt
