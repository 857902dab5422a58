/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An external interrupt whose IDT gate is not present: delivering vector
 * VEC_NOT_PRESENT raises #NP with an error code naming the gate, IDT bit
 * and EXT bit set (SDM Vol. 3A 6.13: index << 3 | IDT << 1 | EXT).  The
 * gate is a valid 64-bit interrupt gate with P = 0: an all-zero entry
 * would have an invalid type, which the CPU checks first and reports as a
 * #GP (SDM Vol. 3A 6.14.1; INT n pseudocode), which without a #GP handler
 * becomes a #DF.  The
 * guest reports IRQ_READY with IF = 0 (the test signals the MSI), then
 * STI; HLT.  The #NP handler reports through PORT_EXCEPTION the vector,
 * the error code and the RIP it would return to, which must be the
 * instruction after the HLT (IRQ_DATA(1)).
 */
#include "apic.h"

	.text
	.code64
guest_start:
	IDT_GATE64(11, np_handler)
	IDT_GATE64(8, df_handler)
	IDT_GATE64(VEC_NOT_PRESENT, after_hlt)
	andw	$0x7fff, GUEST_IDT + VEC_NOT_PRESENT * 16 + 4	/* P = 0 */
	APIC_INIT
	movq	$ADDR(after_hlt), IRQ_DATA(1)
	cli
	REPORT(IRQ_READY)
	sti
	hlt
after_hlt:
	REPORT(IRQ_DONE)	/* not reached: the #NP comes first */
	GUEST_END

/* A #DF instead: the #NP was taken as a second fault (a test bug). */
df_handler:
	mov	$8, %eax
	out	%eax, $PORT_EXCEPTION
	GUEST_END

np_handler:
	mov	$11, %eax
	out	%eax, $PORT_EXCEPTION
	mov	(%rsp), %rax			/* the error code */
	out	%eax, $PORT_EXCEPTION
	mov	8(%rsp), %rax			/* the RIP */
	out	%eax, $PORT_EXCEPTION
	GUEST_END
