/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioeventfd on a port (eventfd_test.c): EFD_P_N 4-byte OUTs to EFD_PORT
 * carrying N, N - 1, ..., 1, then a 1-byte OUT of 0x5a there (a length no
 * 4-byte ioeventfd takes), then EFD_DONE to PORT_REPORT, then HLT.
 */
#include "../guest_layout.h"
#include "../efd_guest.h"

	.text
	.code64
guest_start:
	mov	$EFD_PORT, %edx
	mov	EFD_P_N, %ecx
	jrcxz	2f
1:	mov	%ecx, %eax
	out	%eax, %dx
	loop	1b
2:	mov	$0x5a, %al
	out	%al, %dx
	mov	$EFD_DONE, %eax
	out	%eax, $PORT_REPORT
	hlt
