/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One 4-byte INS whose element straddles two guest-virtual pages, then HLT.
 * run_test.c maps the two pages to guest-physical pages that are not
 * adjacent: each half must land behind its own translation.  64-bit mode.
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	mov	$0x200ffe, %edi
	mov	$PORT_STRING, %edx
	insl
	hlt
