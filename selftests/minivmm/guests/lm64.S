/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Started in 64-bit mode: stores a 64-bit value at virtual address
 * GUEST_DATA + 2 MiB, which the test's page tables map onto guest-physical
 * GUEST_DATA (without paging the store would go past the end of guest
 * memory and exit as MMIO), reports its upper half and halts.
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	mov	$0x6464646412345678, %rax
	mov	%rax, GUEST_DATA + 0x200000
	shr	$32, %rax
	out	%eax, $PORT_REPORT
	hlt
