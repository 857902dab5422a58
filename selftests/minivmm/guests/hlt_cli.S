/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HLT with IF = 0 and nothing to wake it: with the irqchip the vCPU sleeps
 * in the kernel until a signal or immediate_exit ends MINIVMM_RUN; without
 * it, an HLT exit.  Reports IRQ_DONE if it ever gets past the HLT.
 */
#include "apic.h"

	.text
	.code64
guest_start:
	cli
	hlt
	REPORT(IRQ_DONE)
	GUEST_END
