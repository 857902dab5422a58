/* SPDX-License-Identifier: GPL-2.0 */
/*
 * #UD with an IDT whose limit is 0 (set by the test): the #UD cannot be
 * delivered (#GP), nor the #GP (#DF), nor the #DF: a triple fault, which
 * shuts the processor down (SDM vol 3A 6.15, "Interrupt 8").
 */
	.text
	.code32
guest_start:
	ud2
