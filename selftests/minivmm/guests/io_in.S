/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IN of each size in 64-bit mode, each followed by HLT so the test can read
 * RAX: a 1- or 2-byte IN replaces AL or AX only, a 4-byte IN zero-extends
 * into RAX (SDM vol 1 3.4.1.1).  The test sets RAX before each IN.
 */
#include "../guest_layout.h"

	.text
	.code64
guest_start:
	in	$PORT_OUT8, %al
	hlt
	in	$PORT_OUT8, %ax
	hlt
	in	$PORT_OUT8, %eax
	hlt
	mov	$PORT_OUT_DX, %edx
	in	%dx, %al
	hlt
	in	%dx, %ax
	hlt
	in	%dx, %eax
	hlt
