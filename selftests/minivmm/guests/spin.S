/* SPDX-License-Identifier: GPL-2.0 */
/* A guest that never exits on its own: the same bytes in every mode. */
	.text
guest_start:
	jmp	guest_start
