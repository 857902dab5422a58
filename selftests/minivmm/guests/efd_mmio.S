/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioeventfd on MMIO (eventfd_test.c): EFD_P_N 4-byte writes to EFD_MMIO
 * carrying N, N - 1, ..., 1, then an 8-byte write of 0x1122334455667788
 * there, then a 4-byte read of it, whose value goes to PORT_REPORT, then
 * HLT.  EFD_MMIO has no slot: every access faults to the kernel.
 */
#include "../guest_layout.h"
#include "../efd_guest.h"

	.text
	.code64
guest_start:
	mov	$EFD_MMIO, %ebx
	mov	EFD_P_N, %ecx
	jrcxz	2f
1:	mov	%ecx, (%rbx)
	loop	1b
2:	mov	$0x1122334455667788, %rax
	mov	%rax, (%rbx)
	mov	(%rbx), %eax
	out	%eax, $PORT_REPORT
	hlt
