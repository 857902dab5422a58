# SPDX-License-Identifier: GPL-2.0
#
# The test rig's targets, included by the top-level Makefile.  Everything
# runs in emulated machines: QEMU TCG for SVM + NPT, Bochs for VMX + EPT,
# booting Debian's stock kernel, and QEMU booting the debug kernel
# (KASAN, UBSAN, lockdep, kmemleak, KUnit; build-debug-kernel.sh).
# tools/testvm/README and Documentation/testing.rst explain the rig.
#
#   make check       the three VM runs and the host checks; last line
#                    "N passed, N failed[, N skipped]" over all of them
#   make check-svm   stock kernel, QEMU   make check-vmx   stock kernel, Bochs
#   make check-host  the host-side checks alone (tools/host-check.sh)
#   make check-debug debug kernel, QEMU: KUnit, selftests, kmemleak
#   make demo        QEMU, console live   make demo-vmx    Bochs, console live
#   make shell       QEMU, an interactive shell on the console
#   make shell-debug the same on the debug kernel
#   make bench       vmctl bench (minivmm next to KVM) in both stock
#                    machines, BENCH_ROUNDS rounds of BENCH_ITERS operations;
#                    prints the two tables (Documentation/performance.rst)
#
# rig.sh builds minivmm.ko with KDIR forced to the stock headers (the
# kernel the VMs boot), whatever KDIR says here, and installs packages
# through tools/deps.sh when something is missing.

RIG_SH		:= $(TOP)/tools/testvm/rig.sh

.PHONY: check check-svm check-vmx check-host check-debug demo demo-vmx shell shell-debug \
	bench

# '+': rig.sh runs $(MAKE) for the builds, so let it share the job server.
check:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check svm vmx debug host

check-svm:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check svm

check-vmx:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check vmx

# make install, man pages, the DKMS round trip, the netlink spec:
# tools/host-check.sh
check-host:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check host

check-debug:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check debug

demo:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) demo svm

demo-vmx:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) demo vmx

shell:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) shell svm

shell-debug:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) shell debug

# Measured: BENCH_ROUNDS=3 BENCH_ITERS=300 took 4 min 40 s of wall time in
# Bochs, most of it the machine's boot, and 13 s in QEMU; the defaults
# run about three times the operations.
BENCH_ROUNDS	?= 5
BENCH_ITERS	?= 500

# The tables are the lines exit_bench.sh printed from "vmctl bench:" on.
bench:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" MINIVMM_RIG_APPEND="mvm.tests=exit_bench.sh \
		mvm.bench_rounds=$(BENCH_ROUNDS) mvm.bench_iters=$(BENCH_ITERS) \
		$(MINIVMM_RIG_APPEND)" $(RIG_SH) check svm vmx; rc=$$?; \
	for r in stock-svm stock-vmx; do \
		echo "== $$r ($(BUILD)/check/$$r.tap)"; \
		awk '/^    # vmctl bench:/ { on = 1 } /^    (not )?ok [0-9] exit_bench/ { on = 0 } \
		     on { sub(/^    # /, ""); print }' $(BUILD)/check/$$r.tap; \
	done; exit $$rc
