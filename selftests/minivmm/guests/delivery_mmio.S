/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A #UD whose exception frame would be pushed onto a stack in MMIO:
 * RSP = GUEST_MMIO + 0x1000, then UD2.  The handler (HLT) is never
 * reached: the CPU's write of the frame is not an access of the UD2, and
 * minivmm must say so rather than emulate it.
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	IDT_GATE64(6, ud_handler)
	lidt	ADDR(idtr)
	mov	$GUEST_MMIO + 0x1000, %esp	/* zero-extended into RSP */
	ud2

ud_handler:
	hlt

idtr:
	.word	256 * 16 - 1
	.quad	GUEST_IDT
