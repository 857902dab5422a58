// SPDX-License-Identifier: GPL-2.0
/*
 * NPT entry encoding.  Nested page tables are ordinary x86-64 long-mode
 * page tables (AMD APM Vol. 2 15.25.5), walked with every access treated
 * as a user access, so every entry carries U/S (bit 2) or the guest
 * faults.  The walk itself is generic (mmu.c).  Mirrors vmx/ept.c.
 *
 * Leaves leave NX (bit 63) clear: guest code may run from any page it can
 * read.  Memory type comes from the host's PAT and MTRRs combined with the
 * guest's (APM Vol. 2 15.25.8); with PAT/PCD/PWT clear here the host side
 * is write-back, the host's own type for RAM.
 */
#include <linux/bits.h>

#include "svm.h"

#define NPT_PRESENT		BIT_ULL(0)
#define NPT_WRITE		BIT_ULL(1)
#define NPT_USER		BIT_ULL(2)

const struct mvm_pt_fmt svm_npt_fmt = {
	.table		= NPT_PRESENT | NPT_WRITE | NPT_USER,
	.leaf_read	= NPT_PRESENT | NPT_USER,
	.leaf_write	= NPT_WRITE,
	.leaf_exec	= 0,
	.present_mask	= NPT_PRESENT,
	.addr_mask	= GENMASK_ULL(51, 12),
};
EXPORT_SYMBOL_IF_KUNIT(svm_npt_fmt);
