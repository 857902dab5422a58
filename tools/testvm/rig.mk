# SPDX-License-Identifier: GPL-2.0
#
# The test rig's targets, included by the top-level Makefile.  Everything
# runs in emulated machines booting Debian's stock kernel: QEMU TCG for
# SVM + NPT, Bochs for VMX + EPT.  tools/testvm/README explains the rig.
#
#   make check       both vendors; last line "N passed, N failed[, N skipped]"
#   make check-svm   QEMU only            make check-vmx   Bochs only
#   make check-host  the host-side checks alone (tools/host-check.sh)
#   make demo        QEMU, console live   make demo-vmx    Bochs, console live
#   make shell       QEMU, an interactive shell on the console
#
# rig.sh builds minivmm.ko with KDIR forced to the stock headers (the
# kernel the VMs boot), whatever KDIR says here, and installs packages
# through tools/deps.sh when something is missing.

RIG_SH		:= $(TOP)/tools/testvm/rig.sh

.PHONY: check check-svm check-vmx check-host demo demo-vmx shell

# '+': rig.sh runs $(MAKE) for the builds, so let it share the job server.
check:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check svm vmx host

check-svm:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check svm

check-vmx:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check vmx

# make install, man pages, the DKMS round trip: tools/host-check.sh
check-host:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) check host

demo:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) demo svm

demo-vmx:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) demo vmx

shell:
	+@BUILD=$(BUILD) MAKE="$(MAKE)" $(RIG_SH) shell svm
