/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit-rate loops, ECX iterations each, between two OUTs to PORT_MARK.
 * EDI = 0: CPUID leaf 1, counting the iterations that saw the hypervisor
 * bit; the end mark carries that count.  EDI = 1: OUT of 1, 2, ... ECX to
 * PORT_REPORT; the end mark carries the last value.
 */
#include "../guest_layout.h"

	.text
	.code32
guest_start:
	mov	%ecx, %esi
	xor	%ebp, %ebp
	out	%eax, $PORT_MARK
	test	%edi, %edi
	jnz	out_loop
cpuid_loop:
	mov	$1, %eax
	xor	%ecx, %ecx
	cpuid
	bt	$31, %ecx
	adc	$0, %ebp
	dec	%esi
	jnz	cpuid_loop
	jmp	done
out_loop:
	inc	%ebp
	mov	%ebp, %eax
	out	%eax, $PORT_REPORT
	dec	%esi
	jnz	out_loop
done:
	mov	%ebp, %eax
	out	%eax, $PORT_MARK
	hlt
