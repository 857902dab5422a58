// SPDX-License-Identifier: GPL-2.0
/*
 * minivmm_kunit.ko: minivmm's KUnit tests, one file per area
 * (tests/<area>_kunit.c, suite minivmm_<area>), all run when the module
 * loads.  It is built only for a kernel with KUnit (the rig's debug
 * kernel) and needs minivmm.ko, whose functions under test are exported
 * for it with EXPORT_SYMBOL_IF_KUNIT() (kunit_compat.h).
 * Documentation/testing.rst says how to run it.
 */
#include <linux/module.h>

#include "../kunit_compat.h"

MVM_IMPORT_KUNIT_NS();
MODULE_DESCRIPTION("minivmm KUnit tests");
MODULE_LICENSE("GPL");
