// SPDX-License-Identifier: GPL-2.0
/*
 * EPT entry encoding (Intel SDM Vol. 3C 29.3.2, tables 29-2 to 29-6).
 * The walk itself is generic (mmu.c); this file says what the bits mean
 * on Intel.  Mirrors svm/npt.c.
 *
 * An entry is present when any of read (bit 0), write (1) or execute (2)
 * is set.  Tables grant all three so that rights are decided by the leaf
 * alone.  Leaves map guest memory write-back (memory type 6 in bits 5:3)
 * and ignore the guest's PAT (bit 6): the backing is ordinary host RAM,
 * which the host maps write-back, and two different cache types for one
 * page would be a machine-check hazard (SDM Vol. 3A 11.12.4).
 */
#include <linux/bits.h>

#include "vmx.h"

#define EPT_READ		BIT_ULL(0)
#define EPT_WRITE		BIT_ULL(1)
#define EPT_EXEC		BIT_ULL(2)
#define EPT_MEMTYPE_WB		(6ULL << 3)
#define EPT_IGNORE_PAT		BIT_ULL(6)

const struct mvm_pt_fmt vmx_ept_fmt = {
	.table		= EPT_READ | EPT_WRITE | EPT_EXEC,
	.leaf_read	= EPT_READ | EPT_MEMTYPE_WB | EPT_IGNORE_PAT,
	.leaf_write	= EPT_WRITE,
	.leaf_exec	= EPT_EXEC,
	.present_mask	= EPT_READ | EPT_WRITE | EPT_EXEC,
	.addr_mask	= GENMASK_ULL(51, 12),
};
EXPORT_SYMBOL_IF_KUNIT(vmx_ept_fmt);
