/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sixteen WBINVDs, then HLT.  Each must exit (netlink_test wbinvd_exits):
 * run natively, WBINVD writes back and flushes every cache of the host.
 */
#include "../guest_layout.h"

	.text
	.code32
guest_start:
	.rept	16
	wbinvd
	.endr
	hlt
