/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rep outsb of the 16-byte message below, HLT, rep insb of 16 bytes into
 * GUEST_DATA, HLT.  The same bytes in 32-bit and 64-bit mode: in 64-bit mode
 * the moves zero-extend into RSI, RDI and RCX, which rep then uses.
 */
#include "../guest_layout.h"

	.text
	.code32
guest_start:
	cld
	mov	$ADDR(message), %esi
	mov	$16, %ecx
	mov	$PORT_STRING, %edx
	rep outsb
	hlt
	mov	$GUEST_DATA, %edi
	mov	$16, %ecx
	rep insb
	hlt
message:
	.ascii	"rep outsb: 16 B!"
