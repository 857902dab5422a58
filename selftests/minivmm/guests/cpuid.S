/* SPDX-License-Identifier: GPL-2.0 */
/* CPUID with EAX and ECX as the test set them, then HLT: the test reads
 * the four registers with MINIVMM_GET_REGS. */
	.text
	.code32
guest_start:
	cpuid
	hlt
