#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of what vmctl tells its user, as TAP on stdout:
#
#   vmctl-check.sh VMCTL LOG
#
# VMCTL is the built vmctl (userspace/vmctl/vmctl).  Checked, word for word:
# the diagnosis of a missing module, the same from info, run, list, stats,
# top and events (on a host without minivmm loaded, as the build machines
# are; skipped where it is loaded); what 'vmctl run' says of a wrong image
# before it opens /dev/minivmm, and of a --mem out of range.  Then the bash
# completion, driven through COMP_WORDS (without bash-completion, and with
# it where it is installed) and through a real readline on a pty: a file
# name with a space is inserted quoted, a directory with a '/', option
# values complete.  Command output goes to LOG.  Exits 0 when every case
# passed or was skipped.
set -u

usage="usage: vmctl-check.sh VMCTL LOG"
vmctl=${1:?$usage}
log=${2:?$usage}
top=$(cd "$(dirname "$0")/.." && pwd)
comp=$top/userspace/vmctl/completion/vmctl.bash
bash_completion=/usr/share/bash-completion/bash_completion
case $vmctl in
/*) ;;
*) vmctl=$(pwd)/$vmctl ;;
esac
: >"$log"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/minivmm-vmctl-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
msg=$tmp/msg
# case_, say and skip.
# shellcheck source=tools/tap.sh
. "$top/tools/tap.sh"

# Run vmctl with the arguments given; its stderr in $tmp/err, stdout in
# $tmp/out, its exit status in $rc.
run() {
	"$vmctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	echo "\$ vmctl $* (exit $rc)"
	cat "$tmp/out" "$tmp/err"
}

# The file $1 holds exactly the text in $2 (lines, with a final newline).
same() {
	printf '%s\n' "$2" >"$tmp/want"
	if ! diff -u "$tmp/want" "$1" >"$tmp/diff"; then
		say "got, against the expected (-):"
		cat "$tmp/diff" >>"$msg"
		return 1
	fi
}

# $rc is $1.
status() {
	[ "$rc" -eq "$1" ] || { say "exit status $rc, not $1"; return 1; }
}

# ---- the diagnosis of a missing module ----

release=$(uname -r)
flags=$(sed -n 's/^flags[[:blank:]]*:\(.*\)/ \1 /p' /proc/cpuinfo 2>/dev/null |
	head -n 1)
case $flags in
*' vmx '* | *' svm '*) cpu=virt ;;
'') cpu=unknown ;;
*) cpu=none ;;
esac
case $flags in
*' hypervisor '*) in_vm=1 ;;
*) in_vm=0 ;;
esac
installed=$(find "/lib/modules/$release" \( -name minivmm.ko -o \
	-name minivmm.ko.xz -o -name minivmm.ko.zst -o -name minivmm.ko.gz \) \
	2>/dev/null | head -n 1)

# What any command says after its subject when the module is not loaded,
# from what this host is: the cause, then the fix and note lines, in
# $tmp/why.  Returns 2 (skip) where the module is loaded or /sys is not
# mounted, where the diagnosis is another.
expect_not_loaded() {
	[ -d /sys/module ] || { skip "/sys is not mounted"; return; }
	[ ! -d /sys/module/minivmm ] || { skip "minivmm is loaded here"; return; }
	install="run 'sudo make dkms-install' in the minivmm source tree (Documentation/install.rst)"
	if [ "$cpu" = none ]; then
		echo "minivmm is not loaded, and this CPU exposes no VT-x/AMD-V"
		if [ "$in_vm" = 1 ]; then
			echo "vmctl: fix: you are inside a VM: enable nested virtualization on the host (this VM's CPU needs the vmx or svm flag)"
		else
			echo "vmctl: fix: enable it in the firmware setup; inside a VM, enable nested virtualization"
		fi
		[ -n "$installed" ] ||
			echo "vmctl: note: minivmm is also not installed for kernel $release: $install"
	elif [ -z "$installed" ]; then
		echo "minivmm is not installed for kernel $release"
		echo "vmctl: fix: $install"
	else
		echo "minivmm is installed for kernel $release but not loaded"
		echo "vmctl: fix: run 'sudo modprobe minivmm'; if it fails see 'sudo dmesg | grep minivmm'"
	fi >"$tmp/why"
}

# The module's diagnosis in $tmp/err after the subject $1, then exit 1.
check_diagnosis() {
	{
		printf 'vmctl: %s: ' "$1"
		cat "$tmp/why"
	} >"$tmp/want-all"
	# Secure Boot adds a note to "not loaded" on some hosts: allow it.
	if [ "$cpu" != none ] && [ -n "$installed" ]; then
		sed '/^vmctl: note: Secure Boot is on: /d' "$tmp/err" >"$tmp/err2"
		mv "$tmp/err2" "$tmp/err"
	fi
	same "$tmp/err" "$(cat "$tmp/want-all")" && status 1
}

check_info() {
	expect_not_loaded || return
	run info
	check_diagnosis "cannot open /dev/minivmm"
}

check_in_vm() {
	if [ "$cpu" != none ] || [ "$in_vm" != 1 ]; then
		skip "this host is not a VM without VT-x/AMD-V"
		return
	fi
	expect_not_loaded || return
	run info
	grep -qx "vmctl: fix: you are inside a VM: enable nested virtualization on the host (this VM's CPU needs the vmx or svm flag)" "$tmp/err" ||
		{ say "no 'you are inside a VM' fix line"; cat "$tmp/err" >>"$msg"; return 1; }
}

# list, stats, top and events: the same words as info, after their subject.
check_netlink() {
	expect_not_loaded || return
	run "$@"
	check_diagnosis "$1: the 'minivmm' netlink family is not registered"
}

check_run_diagnosis() {
	expect_not_loaded || return
	elf64 "$tmp/k.elf" 2 1
	run run "$tmp/k.elf"
	check_diagnosis "cannot open /dev/minivmm"
}

# vmctl bench: the command line is checked before any device is opened.
check_bench_usage() {
	run bench "$@"
	same "$tmp/err" "vmctl: bench: $bench_want; run 'vmctl bench --help'" && status 2
}

check_bench_diagnosis() {
	expect_not_loaded || return
	run bench --accel minivmm --rounds 1
	check_diagnosis "cannot open /dev/minivmm"
}

# ---- images ----

# The little-endian bytes of each VALUE:SIZE word.
le() {
	for f in "$@"; do
		v=${f%:*}
		k=${f#*:}
		while [ "$k" -gt 0 ]; do
			# shellcheck disable=SC2059 # the format is the byte
			printf "\\$(printf %03o $((v & 255)))"
			v=$((v >> 8))
			k=$((k - 1))
		done
	done
}

# A 64-bit x86 ELF of type $2 (2 ET_EXEC, 3 ET_DYN) at $1: one segment of
# $3 bytes at 1 MiB, its entry, of which the file holds one byte (hlt).
elf64() {
	{
		# e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, padding
		le 0x464c457f:4 2:1 1:1 1:1 0:1 0:8
		# e_type, e_machine (EM_X86_64), e_version, e_entry, e_phoff,
		# e_shoff, e_flags, e_ehsize, e_phentsize, e_phnum, e_sh*
		le "$2:2" 62:2 1:4 0x100000:8 64:8 0:8 0:4 64:2 56:2 1:2 0:2 0:2 0:2
		# PT_LOAD R+X: p_offset 120, p_vaddr, p_paddr, sizes, p_align
		le 1:4 5:4 120:8 0x100000:8 0x100000:8 "$3:8" "$3:8" 0:8
		le 0xf4:1
	} >"$1"
}

# Write the little-endian bytes $3... at offset $2 of file $1.
poke() {
	f=$1
	off=$2
	shift 2
	le "$@" | dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

check_empty() {
	: >"$tmp/empty"
	run run "$tmp/empty"
	same "$tmp/err" "vmctl: cannot load $tmp/empty: it is empty" && status 1
}

check_pie() {
	elf64 "$tmp/pie.elf" 3 1
	run run "$tmp/pie.elf"
	same "$tmp/err" "vmctl: cannot load $tmp/pie.elf as a 64-bit ELF: it is not an executable (e_type 3, not ET_EXEC): link it at a fixed address, without -pie" &&
		status 1
}

check_short_elf() {
	elf64 "$tmp/short.elf" 2 4096
	run run "$tmp/short.elf"
	same "$tmp/err" "vmctl: cannot load $tmp/short.elf as a 64-bit ELF: its headers are inconsistent (sizes or offsets outside the file, or an entry point outside its segments)" &&
		status 1
}

# A bzImage header (boot_flag, "HdrS") of boot protocol 2.06.
check_old_bzimage() {
	dd if=/dev/zero of="$tmp/bzImage" bs=1024 count=1 2>/dev/null
	poke "$tmp/bzImage" 510 0xaa55:2
	poke "$tmp/bzImage" 514 0x53726448:4 0x0206:2
	run run "$tmp/bzImage"
	same "$tmp/err" "vmctl: cannot load $tmp/bzImage as a Linux kernel: it needs the 64-bit boot protocol, 2.12 or later; this kernel has 2.06: use a 64-bit kernel from Linux 3.8 or later" &&
		status 1
}

# A distribution's kernel: VMCTL_CHECK_BZIMAGE, the running kernel's, or
# the one the test rig keeps.
find_bzimage() {
	for k in "${VMCTL_CHECK_BZIMAGE:-}" "/boot/vmlinuz-$release" \
		 /root/.cache/minivmm/stock-*/vmlinuz; do
		[ -n "$k" ] && [ -r "$k" ] && { echo "$k"; return; }
	done
}

check_bzimage() {
	k=$(find_bzimage)
	[ -n "$k" ] || { skip "no bzImage (set VMCTL_CHECK_BZIMAGE)"; return; }
	run run --mem 16M "$k"
	status 1 || return
	grep -q "^vmctl: cannot load $k as a Linux kernel: it needs at least [0-9]* MiB: use --mem [0-9]*M or more" "$tmp/err" ||
		{ say "not refused as a Linux kernel too big for 16M:"; cat "$tmp/err" >>"$msg"; return 1; }
	expect_not_loaded || return 0
	run run "$k"
	check_diagnosis "cannot open /dev/minivmm"
}

check_mem() {
	run run --mem "$1" "$tmp/k.elf"
	same "$tmp/err" "vmctl: run: --mem: $2; run 'vmctl run --help'" && status 2
}

check_mem_help() {
	run run --help
	grep -q -- "--mem SIZE .*with a K, M, G or T suffix" "$tmp/out" ||
		{ say "'vmctl run --help' does not name the T suffix"; return 1; }
}

check_help() {
	rc_all=0
	for c in $("$vmctl" --help | awk '/^Commands:/ { on = 1; next }
			on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'); do
		run "$c" --help
		if [ "$rc" -ne 0 ] ||
		   ! head -n 1 "$tmp/out" | grep -q "^usage: vmctl $c"; then
			say "'vmctl $c --help' does not print its usage"
			rc_all=1
		fi
	done
	return $rc_all
}

# ---- the bash completion ----

mkdir "$tmp/files" "$tmp/files/sub"
: >"$tmp/files/my kernel.elf"
: >"$tmp/files/other.elf"

# Call _vmctl as bash would for COMP_WORDS "vmctl $@", in $tmp/files,
# with bash-completion loaded when $bc is 1.  Prints each candidate as
# <word>; what compopt was asked goes to $tmp/compopt.
cat >"$tmp/driver.bash" <<'EOF'
comp=$1 bc=$2 record=$3
shift 3
[[ $bc == 1 ]] && . /usr/share/bash-completion/bash_completion
. "$comp"
# Outside a real completion compopt fails: record what it was asked.
compopt() {
	local IFS=' '	# _filedir has IFS=$'\n'

	printf '%s\n' "$*" >>"$record"
}
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE=${LINE:-$*}
COMP_POINT=${#COMP_LINE}
_vmctl
printf '<%s>\n' "${COMPREPLY[@]}"
EOF

complete_words() {
	: >"$tmp/compopt"
	(cd "$tmp/files" && bash "$tmp/driver.bash" "$comp" "$bc" \
		"$tmp/compopt" "$vmctl" "$@") >"$tmp/got" 2>&1
	echo "\$ vmctl $*<TAB>"
	cat "$tmp/got"
}

# Completing the last word of "vmctl $2..." offers exactly the lines in $1
# (each <candidate>), asking compopt for -o filenames when $want_fn is 1.
expect() {
	want=$1
	shift
	complete_words "$@"
	printf '%s\n' "$want" >"$tmp/want"
	if ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
		say "'vmctl $*<TAB>': got, against the expected (-):"
		cat "$tmp/diff" >>"$msg"
		return 1
	fi
	if [ "${want_fn:-0}" = 1 ] && ! grep -qx -- '-o filenames' "$tmp/compopt"; then
		say "'vmctl $*<TAB>': compopt -o filenames not asked, so bash would insert the name unquoted"
		return 1
	fi
}

check_comp_syntax() {
	bash -n "$comp" || { say "bash -n $comp failed"; return 1; }
}

check_comp_space() {
	bc=$1
	[ "$bc" = 0 ] || [ -r "$bash_completion" ] ||
		{ skip "bash-completion is not installed"; return; }
	want_fn=1
	rc_all=0
	expect "<my kernel.elf>" run "'my k" || rc_all=1
	expect "<my kernel.elf>" run "my" || rc_all=1
	if [ "$bc" = 0 ]; then
		# _filedir leaves a backslash or a double quote to readline,
		# which a shell has only on a terminal: see the pty cases.
		expect "<my kernel.elf>" run 'my\ k' || rc_all=1
		expect "<my kernel.elf>" run '"my k' || rc_all=1
		expect "<my kernel.elf>" run --initrd 'my\ k' || rc_all=1
	fi
	want_fn=0
	return $rc_all
}

check_comp_dir() {
	bc=$1
	[ "$bc" = 0 ] || [ -r "$bash_completion" ] ||
		{ skip "bash-completion is not installed"; return; }
	want_fn=1
	expect "<sub>" run su
	rc_all=$?
	want_fn=0
	return $rc_all
}

check_comp_values() {
	bc=$1
	[ "$bc" = 0 ] || [ -r "$bash_completion" ] ||
		{ skip "bash-completion is not installed"; return; }
	rc_all=0
	expect "<minivmm>
<kvm>" run --accel "" || rc_all=1
	if [ "$bc" = 1 ]; then
		# The line as typed, which _init_completion reads.
		export LINE="vmctl run --accel=k"
		expect "<kvm>" run --accel = k || rc_all=1
		unset LINE
	else
		expect "<kvm>" run --accel = k || rc_all=1
	fi
	expect "<64M>
<128M>
<256M>
<512M>
<1G>
<2G>
<4G>" run --mem "" || rc_all=1
	expect "<1>" run --cpus "" || rc_all=1
	expect "<0x7c00>" run --flat "" || rc_all=1
	expect "<0.5>
<1>
<2>
<5>
<10>" top --delay "" || rc_all=1
	expect "<other.elf>" run --module o || rc_all=1
	expect "<>" run --cmdline "" || rc_all=1
	expect "<>" run o --mem 1G "" || rc_all=1
	expect "<other.elf>" run -- o || rc_all=1
	expect "<run>" help r || rc_all=1
	expect "<--vcpu>" stats --v || rc_all=1
	return $rc_all
}

# Every option in each command's usage line, and --help, completes.
check_comp_options() {
	bc=0
	rc_all=0
	for c in $("$vmctl" --help | awk '/^Commands:/ { on = 1; next }
			on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'); do
		want=$("$vmctl" "$c" --help | head -n 1 |
			grep -o '\[--[a-z-]*' | sed 's/^\[/</; s/$/>/')
		want=$(printf '%s\n<--help>' "$want" | sed '/^$/d')
		expect "$want" "$c" - || rc_all=1
	done
	return $rc_all
}

# Type at an interactive bash on a pty, then run what readline made of the
# line with printf in front: the candidates' quoting as bash inserts it.
# vmctl is found in PATH, as the name the completion is registered for;
# the --accel line shows it is _vmctl that completes, not bash's default.
check_comp_readline() {
	bc=$1
	[ "$bc" = 0 ] || [ -r "$bash_completion" ] ||
		{ skip "bash-completion is not installed"; return; }
	command -v script >/dev/null || { skip "no script(1) to make a pty"; return; }
	mkdir -p "$tmp/bin"
	ln -sf "$vmctl" "$tmp/bin/vmctl"
	tab=$(printf '\t')
	ctrl_a=$(printf '\001')
	show="printf '<%s>\\n' "
	# TAB completes; C-a goes to the start of the line to put $show there.
	{
		echo 'PS1="$ "'
		[ "$bc" = 1 ] && echo ". '$bash_completion'"
		echo ". '$comp'; cd '$tmp/files'"
		# printf, not echo: the line holds backslashes.
		printf '%s\n' "vmctl run --accel k$tab$ctrl_a$show" \
			"vmctl run my\\ k$tab$ctrl_a$show" \
			"vmctl run \"my k$tab$ctrl_a$show" \
			"vmctl run su$tab$ctrl_a$show"
		echo exit
	} >"$tmp/typed"
	timeout 30 script -qfc "env -i HOME='$tmp' TERM=dumb INPUTRC=/dev/null PATH='$tmp/bin:$PATH' bash --norc --noprofile -i" \
		/dev/null <"$tmp/typed" >"$tmp/pty" 2>&1
	tr -d '\r' <"$tmp/pty" | grep -a '^<' |
		grep -avxF -e "<vmctl>" -e "<run>" >"$tmp/got"
	cat "$tmp/pty"
	same "$tmp/got" "<--accel>
<kvm>
<my kernel.elf>
<my kernel.elf>
<sub/>"
}

echo "1..27"
case_ "vmctl info without the module: the diagnosis, word for word" check_info
case_ "vmctl info inside a VM without VT-x/AMD-V: 'you are inside a VM: enable nested virtualization on the host'" check_in_vm
case_ "vmctl list without the module: info's diagnosis after the netlink subject" check_netlink list
case_ "vmctl stats without the module: info's diagnosis after the netlink subject" check_netlink stats 1
case_ "vmctl top without the module: info's diagnosis after the netlink subject" check_netlink top
case_ "vmctl events without the module: info's diagnosis after the netlink subject" check_netlink events
case_ "vmctl run of a good 64-bit ELF without the module: info's diagnosis" check_run_diagnosis
case_ "vmctl run of an empty image: 'it is empty', before /dev/minivmm" check_empty
case_ "vmctl run of a PIE 64-bit ELF: refused before /dev/minivmm, e_type named" check_pie
case_ "vmctl run of a 64-bit ELF cut short: refused before /dev/minivmm" check_short_elf
case_ "vmctl run of a bzImage of protocol 2.06: named a Linux kernel, the protocol refused" check_old_bzimage
case_ "vmctl run of a distribution bzImage: a Linux kernel, refused for --mem 16M, else on to the module" check_bzimage
case_ "vmctl run --mem 1T: out of range, not 'not a size'" check_mem 1T "1T is out of range (1M to 256G)"
case_ "vmctl run --mem 99999999999999999999T: out of range" check_mem 99999999999999999999T "99999999999999999999T is out of range (1M to 256G)"
case_ "vmctl run --mem 12Q: not a size" check_mem 12Q "'12Q' is not a size (e.g. 128M, 2G)"
case_ "every vmctl command answers --help with its usage" check_help
bench_want="--rounds wants 1 to 100, not '0'"
case_ "vmctl bench --rounds 0: refused" check_bench_usage --rounds 0
bench_want="--iters wants 8 to 100000, not '7'"
case_ "vmctl bench --iters 7: refused (fewer than the warm-up)" check_bench_usage --iters 7
bench_want="--accel wants minivmm, kvm or both, not 'xen'"
case_ "vmctl bench --accel xen: refused" check_bench_usage --accel xen
bench_want="unexpected argument 'extra'"
case_ "vmctl bench extra: refused" check_bench_usage extra
case_ "vmctl bench without the module: the same diagnosis as info" check_bench_diagnosis
case_ "the bash completion parses (bash -n)" check_comp_syntax
case_ "completion without bash-completion, through COMP_WORDS: a file name with a space, quoted by -o filenames" check_comp_space 0
case_ "completion without bash-completion, through COMP_WORDS: a directory, marked by -o filenames" check_comp_dir 0
case_ "completion without bash-completion, through COMP_WORDS: option values and arguments" check_comp_values 0
case_ "completion with bash-completion, through COMP_WORDS: a file name with a space (_filedir)" check_comp_space 1
case_ "completion with bash-completion, through COMP_WORDS: a directory (_filedir)" check_comp_dir 1
case_ "completion with bash-completion, through COMP_WORDS: option values (_init_completion -s)" check_comp_values 1
case_ "completion offers every option of each command's usage line, and --help" check_comp_options
case_ "completion without bash-completion in a real readline: --accel's values, 'my\\ kernel.elf' and 'sub/' inserted" check_comp_readline 0
case_ "completion with bash-completion in a real readline: --accel's values, 'my\\ kernel.elf' and 'sub/' inserted" check_comp_readline 1
case_ "vmctl run --help names the T suffix of --mem" check_mem_help
[ "$failed" -eq 0 ]
