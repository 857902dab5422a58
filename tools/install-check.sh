#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of what 'make install' ships, as TAP on stdout:
#
#   install-check.sh LOG
#
# make install / make uninstall into a scratch DESTDIR (everything installed
# is removed again, nothing else there is touched), the README's C example
# built against the installed header alone, 'make vmctl' linking without a
# warning, dkms.conf as make dkms-install writes it and the kernels it
# takes, the udev rule and the aliases that load minivmm on first open, the
# man pages render without warnings and cover vmctl's commands, the bash
# completion completes what 'vmctl --help' lists, the release number has one
# source, and the documented package lists hold what 'make vmctl' needs.
# Needs vmctl and kmod/minivmm.ko built, and relinks vmctl (dynamically).
# Command output goes to LOG.  Exits 0 when every case passed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
log=${1:?usage: install-check.sh LOG}
make=${MAKE:-make}
: >"$log"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/minivmm-install-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
msg=$tmp/msg

# case_ and say.
# shellcheck source=tools/tap.sh
. "$top/tools/tap.sh"

vmctl=$top/userspace/vmctl/vmctl
version=$(cat "$top/VERSION")

# The files make install puts under PREFIX, with their modes.
expected_files() {
	cat <<-EOF
	755 $1/bin/vmctl
	644 $1/include/linux/minivmm.h
	644 $1/lib/udev/rules.d/60-minivmm.rules
	644 $1/share/bash-completion/completions/vmctl
	644 $1/share/doc/minivmm/examples/modules-load.d/minivmm.conf
	644 $1/share/man/man4/minivmm.4
	644 $1/share/man/man8/vmctl.8
	644 $1/share/pkgconfig/minivmm.pc
	EOF
}

# Every file and directory under $1 with its type, mode and checksum.
snapshot() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while read -r p; do
		if [ -f "$p" ] && [ ! -L "$p" ]; then
			echo "$p $(stat -c '%F %a' "$p") $(sha256sum <"$p" | cut -d' ' -f1)"
		else
			echo "$p $(stat -c '%F %a' "$p")"
		fi
	done)
}

check_version() {
	if ! echo "$version" | grep -qx '[0-9][0-9.]*[0-9a-z.~+-]*'; then
		say "VERSION holds '$version', not one release number"
		return 1
	fi
	got=$("$vmctl" --version) || { say "vmctl --version failed"; return 1; }
	case $got in
	"vmctl $version "*) ;;
	*) say "vmctl --version says '$got', VERSION says $version"; return 1 ;;
	esac
	got=$(modinfo -F version "$top/kmod/minivmm.ko") ||
		{ say "modinfo kmod/minivmm.ko failed (is it built?)"; return 1; }
	[ "$got" = "$version" ] ||
		{ say "kmod/minivmm.ko has version '$got', VERSION says $version"; return 1; }
	grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' "$top/dkms.conf" ||
		{ say "dkms.conf must leave PACKAGE_VERSION to make dkms-install (#MODULE_VERSION#)"; return 1; }
	! grep -rqn 'MODULE_VERSION("\|define VMCTL_VERSION' \
		"$top/kmod" "$top/userspace/vmctl" --include='*.[ch]' ||
		{ say "a second copy of the release number is back"; return 1; }
}

# A DESTDIR that looks lived in: the directories install uses already exist
# with other packages' files, and the admin's own opt-in copy is in /etc.
seed() {
	for d in bin include/linux lib/udev/rules.d share/man/man4 share/man/man8 \
		 share/bash-completion/completions share/doc/other share/pkgconfig; do
		mkdir -p "$1/$2/$d"
	done
	echo other >"$1/$2/bin/other"
	echo '/* other */' >"$1/$2/include/linux/other.h"
	echo 'Name: other' >"$1/$2/share/pkgconfig/other.pc"
	echo '# other' >"$1/$2/lib/udev/rules.d/70-other.rules"
	echo '.TH OTHER 4' >"$1/$2/share/man/man4/other.4"
	echo '.TH OTHER 8' >"$1/$2/share/man/man8/other.8"
	echo 'complete -F _other other' >"$1/$2/share/bash-completion/completions/other"
	echo other >"$1/$2/share/doc/other/README"
	mkdir -p "$1/etc/modules-load.d"
	echo minivmm >"$1/etc/modules-load.d/minivmm.conf"
}

# make install and uninstall with PREFIX $1 into a lived-in DESTDIR.
check_install() {
	prefix=$1
	dest=$tmp/dest$n
	seed "$dest" "$prefix"
	snapshot "$dest" >"$tmp/before"
	$make -C "$top" --no-print-directory install DESTDIR="$dest" \
		PREFIX="$prefix" || { say "make install failed"; return 1; }

	# Exactly the expected files are new.
	snapshot "$dest" >"$tmp/after"
	(cd "$dest" && find . -type f | LC_ALL=C sort | while read -r p; do
		grep -q "^$p " "$tmp/before" || echo "$(stat -c %a "$p") ${p#.}"
	done) >"$tmp/new"
	expected_files "$prefix" | LC_ALL=C sort -k2 >"$tmp/want"
	if ! LC_ALL=C sort -k2 "$tmp/new" | diff -u "$tmp/want" - >"$tmp/diff"; then
		say "installed files differ from the expected list:"
		cat "$tmp/diff" >>"$msg"
		return 1
	fi
	"$dest$prefix/bin/vmctl" --version | grep -q "^vmctl $version " ||
		{ say "the installed vmctl does not run"; return 1; }

	$make -C "$top" --no-print-directory uninstall DESTDIR="$dest" \
		PREFIX="$prefix" || { say "make uninstall failed"; return 1; }
	snapshot "$dest" >"$tmp/after"
	if ! diff -u "$tmp/before" "$tmp/after" >"$tmp/diff"; then
		say "after make uninstall the DESTDIR is not as it was before make install:"
		cat "$tmp/diff" >>"$msg"
		return 1
	fi
}

# A fresh DESTDIR: uninstall leaves no file behind.
check_fresh() {
	dest=$tmp/fresh
	if ! $make -C "$top" --no-print-directory install DESTDIR="$dest" ||
	   ! $make -C "$top" --no-print-directory uninstall DESTDIR="$dest"; then
		say "make install or uninstall failed"
		return 1
	fi
	left=$(find "$dest" -type f -o -type l)
	[ -z "$left" ] || { say "left behind: $left"; return 1; }
}

# groff and man both quiet: no warning of any kind.
check_man() {
	page=$top/Documentation/man/$1
	[ -f "$page" ] || { say "$page is missing"; return 1; }
	LC_ALL=C.UTF-8 groff -ww -man -z "$page" 2>"$tmp/warn"
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>>"$tmp/warn" >"$tmp/page"
	if [ -s "$tmp/warn" ]; then
		say "warnings:"
		cat "$tmp/warn" >>"$msg"
		return 1
	fi
	grep -q '^NAME' "$tmp/page" || { say "no NAME section rendered"; return 1; }
}

vmctl_commands() {
	"$vmctl" --help | awk '/^Commands:/ { on = 1; next }
		on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'
}

# vmctl.8 has an entry for every command and option 'vmctl --help' shows.
check_man_commands() {
	cmds=$(vmctl_commands)
	[ -n "$cmds" ] || { say "no commands in 'vmctl --help'"; return 1; }
	LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$top/Documentation/man/vmctl.8" \
		2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' >"$tmp/page"
	rc=0
	for c in $cmds; do
		sed -n '/^COMMANDS/,/^[A-Z]/p' "$tmp/page" |
			grep -Eq "^ {7}$c( |$)" ||
			{ say "vmctl.8 has no entry for command '$c'"; rc=1; }
	done
	for o in $("$vmctl" --help | sed -n 's/^ *vmctl \(--.*\)/\1/p' | tr -d '|'); do
		grep -q -- "$o" "$tmp/page" ||
			{ say "vmctl.8 does not mention option '$o'"; rc=1; }
	done
	return $rc
}

# Run the completion function on a command line; prints the candidates.
complete_line() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_vmctl; echo "${COMPREPLY[*]}"' _ \
		"$top/userspace/vmctl/completion/vmctl.bash" "$vmctl" "$@"
}

check_completion() {
	comp=$top/userspace/vmctl/completion/vmctl.bash
	bash -n "$comp" || { say "bash -n $comp failed"; return 1; }
	want=$(vmctl_commands | tr '\n' ' ' | sed 's/ $//')
	rc=0
	for c in "$want||" "$want|help|" "--help -h --version||-" \
		 "--version||--v" "--help|info|-" "|info --help|"; do
		exp=${c%%|*}
		c=${c#*|}
		# The words before the one completed, then that word.
		words=${c%|*}
		cur=${c#*|}
		# shellcheck disable=SC2086 # the words are meant to split
		got=$(complete_line $words "$cur" 2>&1)
		[ "$got" = "$exp" ] ||
			{ say "'vmctl $words $cur<TAB>': got '$got', want '$exp'"; rc=1; }
	done
	return $rc
}

# Every 'apt install' command line in $1, continuation lines joined.
apt_lines() {
	sed -e ':a' -e '/\\$/{N;s/\\\n[[:space:]]*/ /;ba' -e '}' "$1" |
		grep 'apt install'
}

# The Debian packages vmctl's build needs: pkg-config, and the package that
# ships each pkg-config module in userspace/vmctl/Makefile's PKGS and the
# modules those require, as dpkg knows them on this machine.
vmctl_build_packages() {
	echo pkg-config
	mods=$(sed -n 's/^PKGS[[:space:]]*:=[[:space:]]*//p' "$top/userspace/vmctl/Makefile")
	[ -n "$mods" ] || { say "no PKGS line in userspace/vmctl/Makefile"; return 1; }
	while [ -n "$mods" ]; do
		next=
		# shellcheck disable=SC2086 # a list of module names
		for m in $mods; do
			pc=$(pkg-config --path "$m") ||
				{ say "pkg-config does not know $m"; return 1; }
			dpkg -S "$pc" | sed -n 's/^\([^:]*\).*/\1/p'
			next="$next $(pkg-config --print-requires "$m" | cut -d' ' -f1)"
		done
		mods=$(echo "$next" | tr -s '[:space:]' ' ' | sed 's/^ //; s/ $//')
	done
}

# README.md and install.rst list what 'make vmctl' needs on Debian and
# Ubuntu, so that it builds on a machine prepared as they say.
check_build_deps() {
	command -v dpkg >/dev/null ||
		{ echo "no dpkg: cannot tell Debian's package names here"; return 0; }
	pkgs=$(vmctl_build_packages | sort -u) || return 1
	echo "packages: $(echo "$pkgs" | tr '\n' ' ')"
	rc=0
	for doc in README.md Documentation/install.rst; do
		lines=$(apt_lines "$top/$doc")
		[ -n "$lines" ] || { say "$doc has no 'apt install' line"; rc=1; continue; }
		echo "$lines" | while read -r line; do
			for p in $pkgs; do
				echo " $line " | grep -q " $p " ||
					echo "$doc: '$line' lacks $p"
			done
		done >"$tmp/lacks"
		[ ! -s "$tmp/lacks" ] || { cat "$tmp/lacks" >>"$msg"; rc=1; }
	done
	return $rc
}

# 'make vmctl' as the README has it links dynamically and without a
# warning, also right after the rig's static build: switching STATIC
# links again.
check_vmctl_link() {
	$make -C "$top" --no-print-directory vmctl STATIC=1 >"$tmp/out" 2>&1 ||
		{ cat "$tmp/out"; say "make vmctl STATIC=1 failed"; return 1; }
	! ldd "$vmctl" >/dev/null 2>&1 ||
		{ say "make vmctl STATIC=1 linked vmctl dynamically"; return 1; }
	$make -C "$top" --no-print-directory vmctl >"$tmp/out" 2>&1 ||
		{ cat "$tmp/out"; say "make vmctl failed"; return 1; }
	cat "$tmp/out"
	grep -q -- ' -o vmctl ' "$tmp/out" ||
		{ say "make vmctl did not link vmctl again after STATIC=1"; return 1; }
	if grep -i 'warning' "$tmp/out" >"$tmp/warn"; then
		say "make vmctl warns:"
		cat "$tmp/warn" >>"$msg"
		return 1
	fi
	ldd "$vmctl" >/dev/null 2>&1 ||
		{ say "make vmctl did not link vmctl dynamically"; return 1; }
}

# The C example in README.md, as a reader copies it.
# shellcheck disable=SC2016 # the backquotes are Markdown's
readme_example() {
	sed -n '/^## Driving \/dev\/minivmm from C/,/^## [^D]/p' "$top/README.md" |
		sed -n '/^```c$/,/^```$/p' | sed '1d;$d'
}

# The README's C example, built against what make install put in a
# DESTDIR alone (pkg-config's flags for it, with DESTDIR as the sysroot),
# then run: on a machine without /dev/minivmm it must say so and how to
# fix it.
check_example() {
	prefix=/usr/local
	dest=$tmp/example
	$make -C "$top" --no-print-directory install DESTDIR="$dest" \
		PREFIX="$prefix" || { say "make install failed"; return 1; }
	readme_example >"$tmp/hello.c"
	[ -s "$tmp/hello.c" ] || { say "README.md has no C example"; return 1; }

	pc() {
		PKG_CONFIG_PATH=$dest$prefix/share/pkgconfig \
		PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_SYSROOT_DIR=$dest \
			pkg-config "$@"
	}
	pc --validate minivmm || { say "pkg-config --validate minivmm.pc failed"; return 1; }
	got=$(pc --modversion minivmm)
	[ "$got" = "$version" ] ||
		{ say "minivmm.pc has version '$got', VERSION says $version"; return 1; }
	cflags=$(pc --cflags minivmm | sed 's/ *$//')
	[ "$cflags" = "-I$dest$prefix/include" ] ||
		{ say "pkg-config --cflags minivmm says '$cflags'"; return 1; }

	# shellcheck disable=SC2086 # the flags are meant to split
	${CC:-cc} -Wall -Wextra -Werror $cflags -MD -MF "$tmp/hello.d" \
		-o "$tmp/hello" "$tmp/hello.c" ||
		{ say "the README's example does not build against the installed header"; return 1; }
	hdr=$(grep -o '[^ ]*/minivmm\.h' "$tmp/hello.d" | sort -u)
	[ "$hdr" = "$dest$prefix/include/linux/minivmm.h" ] ||
		{ say "the example was built with minivmm.h from: $hdr"; return 1; }

	rc=0
	LC_ALL=C "$tmp/hello" >"$tmp/hello.out" 2>"$tmp/hello.err" || rc=$?
	echo "exit $rc"
	cat "$tmp/hello.out" "$tmp/hello.err"
	if [ -e /dev/minivmm ]; then
		# minivmm is here: it works, or says what failed and what to do.
		if [ "$rc" -eq 0 ]; then
			grep -Eqx "API [0-9]+, VM fd [0-9]+" "$tmp/hello.out" ||
				{ say "the example printed '$(cat "$tmp/hello.out")'"; return 1; }
		else
			grep -q '^fix: ' "$tmp/hello.err" ||
				{ say "the example failed ($rc) without a fix: line"; return 1; }
		fi
	else
		if [ "$rc" -ne 1 ] || [ -s "$tmp/hello.out" ] ||
		   ! grep -qx '/dev/minivmm: No such file or directory' "$tmp/hello.err" ||
		   ! grep -q '^fix: .*sudo modprobe minivmm' "$tmp/hello.err"; then
			say "without /dev/minivmm the example must exit 1 naming the device and 'sudo modprobe minivmm'; it exited $rc with:"
			cat "$tmp/hello.out" "$tmp/hello.err" >>"$msg"
			return 1
		fi
	fi
	$make -C "$top" --no-print-directory uninstall DESTDIR="$dest" \
		PREFIX="$prefix" || { say "make uninstall failed"; return 1; }
}

# dkms.conf as make dkms-install writes it: dh_dkms's placeholder
# replaced by VERSION and nothing else changed, by the very command
# dkms-source runs.
check_dkms_conf() {
	$make -s -C "$top" --no-print-directory dkms-conf >"$tmp/dkms.conf" ||
		{ say "make dkms-conf failed"; return 1; }
	diff "$top/dkms.conf" "$tmp/dkms.conf" >"$tmp/diff"
	cat "$tmp/diff"
	printf '< PACKAGE_VERSION="#MODULE_VERSION#"\n> PACKAGE_VERSION="%s"\n' \
		"$version" >"$tmp/want"
	if ! grep '^[<>]' "$tmp/diff" | cmp -s - "$tmp/want"; then
		say "make dkms-conf must change PACKAGE_VERSION=\"#MODULE_VERSION#\" to \"$version\" and nothing else:"
		cat "$tmp/diff" >>"$msg"
		return 1
	fi
	cmd=$($make -n -s -C "$top" --no-print-directory dkms-conf)
	$make -n -C "$top" --no-print-directory dkms-source |
		grep -qxF "$cmd >/usr/src/minivmm-$version/dkms.conf" ||
		{ say "make dkms-source does not write dkms.conf with '$cmd'"; return 1; }
}

# BUILD_EXCLUSIVE_KERNEL, matched as dkms matches it (bash's =~ against
# the release), takes the 6.1 kernels minivmm is tested on and no other.
check_dkms_kernels() {
	re=$(bash -c '. "$1" && printf %s "$BUILD_EXCLUSIVE_KERNEL"' _ \
		"$top/dkms.conf") || { say "bash cannot read dkms.conf"; return 1; }
	[ -n "$re" ] || { say "dkms.conf has no BUILD_EXCLUSIVE_KERNEL"; return 1; }
	echo "BUILD_EXCLUSIVE_KERNEL=$re"
	# The rig's stock and debug kernels, and any 6.1 headers here.
	ks="$(grep -v '^#' "$top/tools/testvm/stock-abi" | head -n1)-amd64 6.1.192"
	for h in /usr/src/linux-headers-6.1.*-amd64; do
		[ ! -d "$h" ] || ks="$ks ${h#/usr/src/linux-headers-}"
	done
	rc=0
	for k in $ks; do
		bash -c '[[ $1 =~ $2 ]]' _ "$k" "$re" ||
			{ say "BUILD_EXCLUSIVE_KERNEL refuses $k, a 6.1 kernel"; rc=1; }
	done
	for k in 6.10.0-1-amd64 6.12.48+deb13-amd64 6.8.0-31-generic \
		 6.17.1-300.fc43.x86_64 5.10.0-30-amd64 16.1.0; do
		! bash -c '[[ $1 =~ $2 ]]' _ "$k" "$re" ||
			{ say "BUILD_EXCLUSIVE_KERNEL takes $k, which minivmm does not build on"; rc=1; }
	done
	return $rc
}

# The udev rule: group kvm 0660 as /dev/kvm, the uaccess tag for the user
# at the seat, and the same for the node systemd creates at boot.
check_udev_rule() {
	rule=$(grep -v '^[[:space:]]*\(#\|$\)' "$top/kmod/60-minivmm.rules")
	echo "$rule"
	[ "$(echo "$rule" | wc -l)" -eq 1 ] ||
		{ say "60-minivmm.rules should hold one rule"; return 1; }
	rc=0
	for want in 'KERNEL=="minivmm"' 'SUBSYSTEM=="misc"' 'GROUP="kvm"' \
		    'MODE="0660"' 'TAG+="uaccess"' 'OPTIONS+="static_node=minivmm"'; do
		echo "$rule" | tr -d ' ' | tr ',' '\n' | grep -qxF "$want" ||
			{ say "60-minivmm.rules lacks $want"; rc=1; }
	done
	return $rc
}

# Loaded on first open, as kvm is: minivmm.ko has the devname and
# char-major aliases depmod turns into modules.devname, with a fixed misc
# minor that is above 6.1's dynamic minors (0-127), below
# MISC_DYNAMIC_MINOR (255), and not one <linux/miscdevice.h> assigns.
check_autoload() {
	ko=$top/kmod/minivmm.ko
	aliases=$(modinfo -F alias "$ko") ||
		{ say "modinfo kmod/minivmm.ko failed (is it built?)"; return 1; }
	echo "$aliases"
	echo "$aliases" | grep -qx 'devname:minivmm' ||
		{ say "minivmm.ko has no alias devname:minivmm"; return 1; }
	minor=$(echo "$aliases" | sed -n 's/^char-major-10-\([0-9][0-9]*\)$/\1/p')
	[ -n "$minor" ] || { say "minivmm.ko has no alias char-major-10-N"; return 1; }
	if [ "$minor" -lt 128 ] || [ "$minor" -gt 254 ]; then
		say "misc minor $minor: not in 128-254"
		return 1
	fi
	found=0
	for h in /usr/src/linux-headers-*/include/linux/miscdevice.h; do
		[ -f "$h" ] || continue
		found=1
		taken=$(sed -n 's/^#define[[:space:]]\{1,\}\([A-Z0-9_]*\)[[:space:]]\{1,\}'"$minor"'\([^0-9].*\)\{0,1\}$/\1/p' "$h")
		[ -z "$taken" ] ||
			{ say "misc minor $minor is $taken in $h"; return 1; }
	done
	[ "$found" -eq 1 ] || { say "no kernel headers with linux/miscdevice.h in /usr/src"; return 1; }
	grep -q "root kvm 10, $minor " "$top/Documentation/install.rst" ||
		{ say "install.rst does not show /dev/minivmm as 10, $minor"; return 1; }

	# What depmod makes of it: the line systemd creates the node from.
	krel=6.1.0-0-check
	d=$tmp/depmod/lib/modules/$krel
	mkdir -p "$d/extra" && cp "$ko" "$d/extra/" &&
		: >"$d/modules.order" && : >"$d/modules.builtin" &&
		: >"$d/modules.builtin.modinfo" || return 1
	PATH=$PATH:/sbin:/usr/sbin depmod -b "$tmp/depmod" "$krel" ||
		{ say "depmod failed"; return 1; }
	cat "$d/modules.devname"
	grep -qx "minivmm minivmm c10:$minor" "$d/modules.devname" ||
		{ say "modules.devname has no 'minivmm minivmm c10:$minor'"; return 1; }
}

echo "1..16"
case_ "the release number: VERSION, vmctl --version, modinfo minivmm.ko agree; dkms.conf takes it at install" check_version
case_ "make vmctl links dynamically, with no warning (and again after make vmctl STATIC=1)" check_vmctl_link
case_ "make install + uninstall, PREFIX=/usr/local: exactly the expected files, then the DESTDIR as it was" check_install /usr/local
case_ "make install + uninstall, PREFIX=/usr: exactly the expected files, then the DESTDIR as it was" check_install /usr
case_ "make install + uninstall into an empty DESTDIR leave no file" check_fresh
case_ "the README's C example builds against the installed header (pkg-config minivmm) and, without /dev/minivmm, says so and how to fix it" check_example
case_ "make dkms-conf, what dkms-install writes: dkms.conf with #MODULE_VERSION# (dh_dkms's placeholder) replaced by VERSION" check_dkms_conf
case_ "dkms.conf's BUILD_EXCLUSIVE_KERNEL takes the 6.1 kernels and refuses later ones" check_dkms_kernels
case_ "the udev rule: group kvm 0660, TAG+=\"uaccess\", static_node=minivmm" check_udev_rule
case_ "modinfo minivmm.ko: devname:minivmm and char-major-10-N, N a free fixed minor; depmod writes its modules.devname line" check_autoload
case_ "vmctl.8 renders without warnings (groff -ww, man --warnings)" check_man vmctl.8
case_ "minivmm.4 renders without warnings (groff -ww, man --warnings)" check_man minivmm.4
case_ "vmctl.8 documents every command and option 'vmctl --help' lists" check_man_commands
case_ "bash completion offers what 'vmctl --help' lists" check_completion
case_ "README.md and install.rst's apt lines name every package 'make vmctl' needs" check_build_deps
case_ "the modules-load.d example loads minivmm (an opt-in: make install puts it under doc only)" \
	grep -qx minivmm "$top/Documentation/examples/modules-load.d/minivmm.conf"
[ "$failed" -eq 0 ]
