# SPDX-License-Identifier: GPL-2.0
#
# minivmm top-level Makefile.
#
#   make            build kmod/minivmm.ko, vmctl and the selftests
#   make demo       boot an emulated machine, load the module, run vmctl info
#   make check      run the test suites in emulated SVM and VMX machines
#
# KDIR selects the kernel to build against.  It defaults to the running
# kernel's build tree; when that is missing (a machine without module
# support, like the project's CI) it falls back to the Debian stock headers
# the test rig boots (tools/testvm/stock-abi), installed by tools/deps.sh.

TOP		:= $(CURDIR)
STOCK_ABI	:= $(shell grep -v '^\#' $(TOP)/tools/testvm/stock-abi | head -n1)
RUNNING_KDIR	:= /lib/modules/$(shell uname -r)/build

ifeq ($(origin KDIR),undefined)
  ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
    KDIR := $(RUNNING_KDIR)
  else
    KDIR := /usr/src/linux-headers-$(STOCK_ABI)-amd64
  endif
endif

BUILD		?= $(TOP)/build

.PHONY: all modules vmctl selftests deps clean help

all: modules vmctl selftests

# Install missing build packages.  Cheap when everything is present.
deps:
	@$(TOP)/tools/deps.sh >/dev/null

$(KDIR)/Makefile:
	@echo "minivmm: no kernel build tree at $(KDIR); installing the stock headers" >&2
	@$(TOP)/tools/deps.sh >/dev/null

modules: $(KDIR)/Makefile
	$(MAKE) -C $(KDIR) M=$(TOP) modules

vmctl:
	$(MAKE) -C $(TOP)/userspace/vmctl

# The selftests take kselftest_harness.h and lib.mk from Debian's kernel
# source tarball.
KSRC_TAR	:= /usr/src/linux-source-6.1.tar.xz

$(KSRC_TAR):
	@echo "minivmm: $(KSRC_TAR) is missing; installing it" >&2
	@$(TOP)/tools/deps.sh >/dev/null

selftests: | $(KSRC_TAR)
	$(MAKE) -C $(TOP)/selftests/minivmm OUTPUT=$(BUILD)/selftests

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	$(MAKE) -C $(TOP)/userspace/vmctl clean
	rm -rf $(BUILD)

help:
	@sed -n '3,9p' $(TOP)/Makefile | sed 's/^# \{0,1\}//'

-include $(TOP)/tools/testvm/rig.mk
