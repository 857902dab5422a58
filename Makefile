# SPDX-License-Identifier: GPL-2.0
#
# minivmm top-level Makefile.
#
#   make                build kmod/minivmm.ko, vmctl and the selftests
#   make demo           boot an emulated machine, load the module, run vmctl
#                       info and a guest under vmctl run
#   make check          run the test suites in emulated SVM and VMX machines
#   make check-svm      one run alone (also check-vmx, check-host)
#   make bench          minivmm next to KVM in the emulated machines
#   make install        vmctl, udev rule, man pages, completion, the C header
#                       (PREFIX, DESTDIR)
#   make uninstall      remove what make install put in place
#   make dkms-install   install the module with DKMS (as root)
#   make dkms-uninstall remove every minivmm version from DKMS
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
	@sed -n '3,15p' $(TOP)/Makefile | sed 's/^# \{0,1\}//'

# Installing (Documentation/install.rst).
#
#   make install          vmctl, the udev rule, the man pages, bash completion,
#                         <linux/minivmm.h> with its pkg-config file, and an
#                         opt-in modules-load.d example, under PREFIX
#                         (default /usr/local); DESTDIR is honoured
#   make uninstall        removes exactly what install put there
#   make dkms-install     copies the module's source to /usr/src/minivmm-VERSION
#                         and runs dkms add, build and install, for the running
#                         kernel or KVER=<release>; replaces any minivmm DKMS
#                         had
#   make dkms-uninstall   dkms remove --all of every minivmm version, and
#                         the source copies
#   make -s dkms-conf     prints dkms.conf as dkms-install writes it
#
# The release number lives in VERSION only: MODULE_VERSION (kmod/Kbuild),
# 'vmctl version' (userspace/vmctl/Makefile) and dkms.conf's PACKAGE_VERSION
# (DKMS_CONF below) all read it.

VERSION		:= $(shell cat $(TOP)/VERSION)

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/minivmm
# systemd-udevd reads rules from /usr/lib and /usr/local/lib as well as /etc.
UDEVRULESDIR	?= $(PREFIX)/lib/udev/rules.d
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
# The compiler searches /usr/local/include and /usr/include by itself;
# pkg-config finds minivmm.pc in either prefix's share/pkgconfig, for
# programs built against another PREFIX.
INCLUDEDIR	?= $(PREFIX)/include
PKGCONFIGDIR	?= $(PREFIX)/share/pkgconfig
INSTALL		?= install

# mode:source:destination, for install and uninstall alike.
INSTALL_FILES	:= \
	0755:userspace/vmctl/vmctl:$(BINDIR)/vmctl \
	0644:kmod/60-minivmm.rules:$(UDEVRULESDIR)/60-minivmm.rules \
	0644:Documentation/man/vmctl.8:$(MANDIR)/man8/vmctl.8 \
	0644:Documentation/man/minivmm.4:$(MANDIR)/man4/minivmm.4 \
	0644:userspace/vmctl/completion/vmctl.bash:$(BASHCOMPDIR)/vmctl \
	0644:uapi/linux/minivmm.h:$(INCLUDEDIR)/linux/minivmm.h \
	0644:Documentation/examples/modules-load.d/minivmm.conf:$(DOCDIR)/examples/modules-load.d/minivmm.conf
# minivmm.pc is written at install time: it names the include directory.
PC_FILE		:= $(PKGCONFIGDIR)/minivmm.pc
# Directories that are minivmm's alone, removed by uninstall when empty.
INSTALL_OWN_DIRS := $(DOCDIR)/examples/modules-load.d $(DOCDIR)/examples $(DOCDIR)

.PHONY: install uninstall dkms-conf dkms-root dkms-source dkms-install dkms-uninstall

install: vmctl
	@set -e; for f in $(INSTALL_FILES); do \
		mode=$${f%%:*}; f=$${f#*:}; src=$${f%%:*}; dst=$(DESTDIR)$${f#*:}; \
		echo "  INSTALL $$dst"; \
		$(INSTALL) -D -m $$mode "$(TOP)/$$src" "$$dst"; \
	done
	@echo "  INSTALL $(DESTDIR)$(PC_FILE)"
	@$(INSTALL) -d "$(DESTDIR)$(PKGCONFIGDIR)"
	@sed -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		"$(TOP)/uapi/minivmm.pc.in" >"$(DESTDIR)$(PC_FILE)"
	@chmod 0644 "$(DESTDIR)$(PC_FILE)"
	@# A running udevd picks the new rule up for the next device it sees.
	@if [ -z "$(DESTDIR)" ] && [ -S /run/udev/control ]; then \
		udevadm control --reload || :; fi

uninstall:
	@# minivmm.pc as an entry with no mode or source.
	@for f in $(INSTALL_FILES) ::$(PC_FILE); do \
		dst=$(DESTDIR)$${f#*:*:}; \
		if [ -e "$$dst" ] || [ -L "$$dst" ]; then \
			echo "  RM      $$dst"; rm -f "$$dst"; fi; \
	done
	@for d in $(INSTALL_OWN_DIRS); do \
		[ ! -d "$(DESTDIR)$$d" ] || rmdir --ignore-fail-on-non-empty "$(DESTDIR)$$d"; \
	done
	@[ ! -e "$(DESTDIR)/etc/modules-load.d/minivmm.conf" ] || \
		echo "minivmm: /etc/modules-load.d/minivmm.conf is your own copy and stays; delete it to stop loading minivmm at boot"

DKMS_SRC	:= /usr/src/minivmm-$(VERSION)
DKMS_MOD	:= minivmm/$(VERSION)
DKMS_KERNEL	:= $(if $(KVER),-k $(KVER))

# What DKMS builds from: the top-level Kbuild, VERSION, and the sources in
# kmod/ and uapi/ (never their build products).
DKMS_FILES	= Kbuild VERSION $(shell cd $(TOP) && find kmod uapi -type f \
		  \( -name '*.[chS]' -o -name Kbuild -o -name Makefile \) \
		  ! -name '*.mod.c' | LC_ALL=C sort)

# Every minivmm version DKMS knows, from 'dkms status': "minivmm/0.1, ...",
# "minivmm/0.1: added", or dkms 2's "minivmm, 0.1, ...".
DKMS_VERSIONS	= $$(dkms status -m minivmm | \
		  sed -n 's|^minivmm[/, ]*\([^,:]*\)[,:].*|\1|p' | sort -u)

# Take every version of minivmm out of DKMS and delete its source copy:
# one kernel can have only one minivmm, so an update replaces the old one.
define dkms_remove_all
	@for v in $(DKMS_VERSIONS); do \
		echo "minivmm: removing minivmm/$$v from DKMS"; \
		dkms remove minivmm/$$v --all >/dev/null && \
		rm -rf /usr/src/minivmm-$$v || exit 1; \
	done
endef

# dkms.conf as dkms-install writes it: the placeholder Debian's dh_dkms
# also fills in, replaced by VERSION.  'make -s dkms-conf' prints it.
DKMS_CONF	= sed 's/^PACKAGE_VERSION="\#MODULE_VERSION\#"$$/PACKAGE_VERSION="$(VERSION)"/' \
		  $(TOP)/dkms.conf

dkms-conf:
	@$(DKMS_CONF)

dkms-root:
	@[ "$$(id -u)" -eq 0 ] || { echo "minivmm: run it as root: 'sudo make $(MAKECMDGOALS)'" >&2; exit 1; }
	@command -v dkms >/dev/null || { echo "minivmm: dkms is not installed (Documentation/install.rst lists the packages)" >&2; exit 1; }

# The source copy alone, with the version filled in, in place of any
# minivmm DKMS had before.
dkms-source: dkms-root
	$(dkms_remove_all)
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cd $(TOP) && cp --parents $(DKMS_FILES) $(DKMS_SRC)/
	$(DKMS_CONF) >$(DKMS_SRC)/dkms.conf

dkms-install: dkms-source
	dkms add $(DKMS_MOD)
	dkms build $(DKMS_MOD) $(DKMS_KERNEL)
	dkms install $(DKMS_MOD) $(DKMS_KERNEL)
	@echo "minivmm: $(DKMS_MOD) installed; load it with 'sudo modprobe minivmm'"
	@if command -v mokutil >/dev/null && mokutil --sb-state 2>/dev/null | grep -q 'SecureBoot enabled'; then \
		echo "minivmm: Secure Boot is on: modprobe works once DKMS's signing key is enrolled (Documentation/install.rst, \"Secure Boot\")"; fi

dkms-uninstall: dkms-root
	$(dkms_remove_all)
	rm -rf $(DKMS_SRC)
	@[ ! -d /sys/module/minivmm ] || echo "minivmm: the loaded module stays until 'sudo modprobe -r minivmm' or a reboot"

-include $(TOP)/tools/testvm/rig.mk
