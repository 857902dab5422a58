/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Started in flat 32-bit protected mode: stores a 32-bit value at
 * GUEST_DATA, reports it with a 4-byte OUT and halts.
 */
#include "../guest_layout.h"

	.text
	.code32
guest_start:
	mov	$0x32323232, %eax
	mov	%eax, GUEST_DATA
	out	%eax, $PORT_REPORT
	hlt
