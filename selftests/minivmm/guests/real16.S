/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Started in real mode (CS base 0, IP GUEST_CODE): stores AX through
 * DS = GUEST_DATA >> 4, so real-mode segmentation puts it at GUEST_DATA +
 * 0x10, then reports with a 2-byte OUT (16-bit operand size) and halts.
 * Decoded as 32-bit code these bytes would do something else entirely.
 */
#include "../guest_layout.h"

	.text
	.code16
guest_start:
	mov	$(GUEST_DATA >> 4), %ax
	mov	%ax, %ds
	mov	$0x1616, %ax
	mov	%ax, 0x10
	mov	$0x5678, %ax
	out	%ax, $PORT_REPORT
	hlt
