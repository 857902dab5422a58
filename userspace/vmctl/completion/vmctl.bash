# SPDX-License-Identifier: GPL-2.0
#
# bash completion for vmctl.  'make install' puts it where bash-completion
# finds it on demand ($(PREFIX)/share/bash-completion/completions/vmctl);
# without bash-completion, source this file from ~/.bashrc.
#
# Command names are read from 'vmctl --help', and each command's options
# and arguments from its usage line ('vmctl COMMAND --help'), both drawn
# from the command table in main.c, so a new command or option completes
# without an edit here.  What a value completes to is decided by the word
# that stands for it in the usage line: FILE and IMAGE complete file names,
# a lowercase word or words ('minivmm|kvm', '1') complete themselves, and
# the other placeholders have a case in _vmctl_values.
#
# Where bash-completion is loaded, its _init_completion reads the command
# line and its _filedir completes file names; without it the same is done
# here with bash's own compgen and compopt.  Either way a file name with a
# space or a quote is inserted quoted, and a directory with a '/'.

# The commands of the vmctl at path $1, one per line.
_vmctl_commands()
{
	"$1" --help 2>/dev/null | awk '
		/^Commands:/ { in_list = 1; next }
		in_list && /^$/ { exit }
		in_list && /^  [a-z]/ { print $1 }'
}

# The usage line of command $2 of the vmctl at path $1, one line per item:
# "--option PLACEHOLDER", "--option" for one that takes no value, and
# "PLACEHOLDER" for an argument.  "usage: vmctl run [--mem SIZE] ... IMAGE"
# gives "--mem SIZE", ..., "IMAGE".  Fails when that vmctl does not answer.
_vmctl_usage()
{
	local help

	help=$("$1" "$2" --help 2>/dev/null) || return
	awk '
		NR == 1 {
			for (i = 4; i <= NF; i++) {
				w = $i
				if (w !~ /^\[--/) {
					gsub(/[][]|\.\.\.$/, "", w)
					print w
					continue
				}
				sub(/^\[/, "", w)
				if (sub(/\](\.\.\.)?$/, "", w)) {
					print w
					continue
				}
				v = $(++i)
				sub(/\](\.\.\.)?$/, "", v)
				print w, v
			}
			exit
		}' <<<"$help"
}

# Offer the words in $1 that start with $2.
_vmctl_offer()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

# $1 without the quoting a user types at a prompt, as compgen wants it: an
# opening ' or " (and its closing one, if there), and backslashes that
# quote the next character (inside "...", only before \ " $ and `).
_vmctl_unquote()
{
	local w=$1 out='' c dq=false

	case $w in
	\'*)
		w=${w#\'}
		printf '%s' "${w%\'}"
		return
		;;
	\"*)
		w=${w#\"}
		w=${w%\"}
		dq=true
		;;
	esac
	while [[ $w == *\\* ]]; do
		out+=${w%%\\*}
		w=${w#*\\}
		c=${w:0:1}
		if $dq && [[ $c != [\\\"\$\`] ]]; then
			out+=\\
		fi
		out+=$c
		w=${w:1}
	done
	printf '%s' "$out$w"
}

# File names for $cur.  compopt -o filenames has readline quote what it
# inserts and add a '/' to a directory; it fails harmlessly outside a
# completion (a test calling _vmctl by hand).
_vmctl_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$(_vmctl_unquote "$cur")")
	compopt -o filenames 2>/dev/null
	return 0
}

# Fill COMPREPLY for $cur, the value of option $2 (empty for an argument)
# that the usage line of the vmctl at $1 calls $3.
_vmctl_values()
{
	local prog=$1 opt=$2 ph=$3

	case $ph in
	FILE | IMAGE)
		_vmctl_files
		;;
	COMMAND)
		_vmctl_offer "$(_vmctl_commands "$prog")" "$cur"
		;;
	VM)
		# The ids 'vmctl list' shows: the VMs this user may see.
		_vmctl_offer "$("$prog" list 2>/dev/null | awk 'NR > 1 { print $1 }')" "$cur"
		;;
	N)
		# A vCPU index is below the largest vCPU count of any VM; other
		# counts have no list to offer.
		[[ $opt == --vcpu ]] || return 0
		_vmctl_offer "$("$prog" list 2>/dev/null | awk '
			NR > 1 && $4 > n { n = $4 }
			END { for (i = 0; i < n; i++) print i }')" "$cur"
		;;
	SIZE)
		_vmctl_offer '64M 128M 256M 512M 1G 2G 4G' "$cur"
		;;
	ADDR)
		# Where a BIOS loads a boot sector: what a flat binary often is.
		_vmctl_offer '0x7c00' "$cur"
		;;
	SECONDS)
		_vmctl_offer '0.5 1 2 5 10' "$cur"
		;;
	*[a-z0-9]*)
		# Literal values, lowercase in the usage line: minivmm|kvm.
		[[ $ph == *[A-Z]* ]] || _vmctl_offer "${ph//|/ }" "$cur"
		;;
	esac
	return 0
}

# Without bash-completion: set cur, prev, words and cword from COMP_WORDS.
# bash splits "--mem=1G" into "--mem", "=" and "1G" ('=' is in
# COMP_WORDBREAKS); the value's option is then the word before the "=".
_vmctl_init()
{
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD
	cur=${words[cword]}
	prev=${words[cword - 1]}
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((cword > 1)); then
		prev=${words[cword - 2]}
	fi
}

_vmctl()
{
	# split is set by _init_completion -s.
	# shellcheck disable=SC2034
	local cur prev words cword split
	local prog cmd usage line opt i w pos=0 only_args=false
	local -a opts=() args=()
	local -A takes=()

	COMPREPLY=()
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return 0
	else
		_vmctl_init
	fi
	# The vmctl being completed, as the shell will run it.
	prog=$(_vmctl_unquote "${words[0]}")
	[[ $prog == \~/* ]] && prog=$HOME/${prog#\~/}

	if ((cword == 1)); then
		if [[ $cur == -* ]]; then
			_vmctl_offer '--help -h --version' "$cur"
		else
			_vmctl_offer "$(_vmctl_commands "$prog")" "$cur"
		fi
		return 0
	fi

	# A vmctl that cannot be asked (not built yet, not in PATH) gets what
	# bash would offer without this file: file names.
	cmd=${words[1]}
	if ! usage=$(_vmctl_usage "$prog" "$cmd"); then
		_vmctl_files
		return 0
	fi
	while read -r line; do
		[[ $line ]] || continue
		opt=${line%% *}
		if [[ $opt == --* ]]; then
			opts+=("$opt")
			[[ $line == *' '* ]] && takes[$opt]=${line#* }
		else
			args+=("$line")
		fi
	done <<<"$usage"
	opts+=(--help)

	# The value of an option just before.
	if [[ $prev == --* && ${takes[$prev]+set} ]]; then
		_vmctl_values "$prog" "$prev" "${takes[$prev]}"
		return 0
	fi

	# Which argument this is: count the ones before, skipping options and
	# their values ("--opt value", "--opt = value", "--opt=value").
	for ((i = 2; i < cword; i++)); do
		w=${words[i]}
		if $only_args || [[ $w != -* ]]; then
			[[ $w == = ]] && continue
			((pos++))
		elif [[ $w == -- ]]; then
			only_args=true
		elif [[ $w != *=* && ${takes[$w]+set} ]]; then
			((i++))
			[[ ${words[i]} == = ]] && ((i++))
		fi
	done

	if [[ $cur == -* ]] && ! $only_args; then
		_vmctl_offer "${opts[*]}" "$cur"
	elif ((pos < ${#args[@]})); then
		_vmctl_values "$prog" "" "${args[pos]}"
	fi
	return 0
}

complete -F _vmctl vmctl
