/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For netlink_test: exactly ECX OUTs to PORT_REPORT (carrying ECX, ECX-1,
 * ... 1), then exactly EDX CPUIDs (leaf 0), then HLT.  The test compares
 * the module's exit counters with these numbers.
 */
#include "../guest_layout.h"

	.text
	.code32
guest_start:
	mov	%ecx, %esi
	mov	%edx, %edi
	test	%esi, %esi
	jz	cpuids
outs:
	mov	%esi, %eax
	out	%eax, $PORT_REPORT
	dec	%esi
	jnz	outs
cpuids:
	test	%edi, %edi
	jz	done
cpuid_loop:
	xor	%eax, %eax
	xor	%ecx, %ecx
	cpuid
	dec	%edi
	jnz	cpuid_loop
done:
	hlt
