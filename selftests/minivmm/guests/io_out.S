/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OUT of each size, to an immediate port and through DX, then HLT.  The
 * same bytes mean the same in 32-bit and 64-bit mode (run_test runs both).
 * run_test.c's io_out_table lists what each exit must carry.
 */
#include "../guest_layout.h"

	.text
	.code32
guest_start:
	mov	$0x5a, %al
	out	%al, $PORT_OUT8
	mov	$0xbeef, %ax
	out	%ax, $PORT_OUT8
	mov	$0xcafef00d, %eax
	out	%eax, $PORT_OUT8
	mov	$PORT_OUT_DX, %edx
	mov	$0xa5, %al
	out	%al, %dx
	mov	$0x1234, %ax
	out	%ax, %dx
	mov	$0x89abcdef, %eax
	out	%eax, %dx
	hlt
