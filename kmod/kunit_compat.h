/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the KUnit module (kmod/tests/, built only for a kernel with KUnit)
 * reaches functions of minivmm.ko that nothing else outside their file
 * calls.
 *
 * VISIBLE_IF_KUNIT in front of a definition keeps the function static
 * unless the kernel has KUnit.  EXPORT_SYMBOL_IF_KUNIT(fn) after it
 * exports it, with KUnit only, into the EXPORTED_FOR_KUNIT_TESTING symbol
 * namespace; the tests import that with MVM_IMPORT_KUNIT_NS().
 *
 * <kunit/visibility.h> defines the first two from 6.2 on, and in the later
 * 6.1 stable releases Debian ships; older 6.1 headers lack it, so this
 * defines them the same way when it is missing.  Namespace names changed
 * from bare identifiers to string literals in 6.13, hence MVM_KUNIT_NS.
 */
#ifndef MINIVMM_KUNIT_COMPAT_H
#define MINIVMM_KUNIT_COMPAT_H

#include <linux/export.h>
#include <linux/module.h>
#include <linux/version.h>

#if __has_include(<kunit/visibility.h>)
#include <kunit/visibility.h>
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MVM_KUNIT_NS	"EXPORTED_FOR_KUNIT_TESTING"
#else
#define MVM_KUNIT_NS	EXPORTED_FOR_KUNIT_TESTING
#endif

#ifndef VISIBLE_IF_KUNIT
#if IS_ENABLED(CONFIG_KUNIT)
#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(sym)	EXPORT_SYMBOL_NS(sym, MVM_KUNIT_NS)
#else
#define VISIBLE_IF_KUNIT		static
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif
#endif

#define MVM_IMPORT_KUNIT_NS()		MODULE_IMPORT_NS(MVM_KUNIT_NS)

#endif /* MINIVMM_KUNIT_COMPAT_H */
