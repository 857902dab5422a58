# SPDX-License-Identifier: GPL-2.0
#
# bash completion for vmctl.  'make install' puts it where bash-completion
# finds it on demand ($(PREFIX)/share/bash-completion/completions/vmctl);
# without bash-completion, source this file from ~/.bashrc.
#
# Command names are read from 'vmctl --help', whose "Commands:" list is drawn
# from the command table in main.c, so a new command completes without an
# edit here.  Only its arguments may need a case below.

# The commands of the vmctl at path $1, one per line.
_vmctl_commands()
{
	"$1" --help 2>/dev/null | awk '
		/^Commands:/ { in_list = 1; next }
		in_list && /^$/ { exit }
		in_list && /^  [a-z]/ { print $1 }'
}

# Offer the words in $1 that start with $2.
_vmctl_offer()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

_vmctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prog=${COMP_WORDS[0]} cmds i

	COMPREPLY=()
	# Nothing to offer after "--": the rest belongs to the command.
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -- ]] && return 0
	done

	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			_vmctl_offer '--help -h --version' "$cur"
		else
			cmds=$(_vmctl_commands "$prog")
			_vmctl_offer "$cmds" "$cur"
		fi
		return 0
	fi

	case ${COMP_WORDS[1]} in
	help)
		if ((COMP_CWORD == 2)); then
			cmds=$(_vmctl_commands "$prog")
			_vmctl_offer "$cmds" "$cur"
		fi
		;;
	run)
		# Options with a value take the next word; files otherwise.
		case ${COMP_WORDS[COMP_CWORD - 1]} in
		--mem | --cpus | --cmdline | --flat)
			return 0
			;;
		--accel)
			_vmctl_offer 'minivmm kvm' "$cur"
			return 0
			;;
		esac
		if [[ $cur == -* ]]; then
			_vmctl_offer '--accel --mem --cpus --cmdline --no-default-cmdline --initrd --module --trace-exits --trace-boot --exit-stats --flat --help' "$cur"
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		;;
	list)
		[[ $cur == -* ]] && _vmctl_offer '--json --help' "$cur"
		;;
	stats)
		# VM ids come from 'vmctl list'; --vcpu takes a number.
		[[ ${COMP_WORDS[COMP_CWORD - 1]} == --vcpu ]] && return 0
		if [[ $cur == -* ]]; then
			_vmctl_offer '--vcpu --json --help' "$cur"
		else
			_vmctl_offer "$("$prog" list 2>/dev/null | awk 'NR > 1 { print $1 }')" "$cur"
		fi
		;;
	top)
		case ${COMP_WORDS[COMP_CWORD - 1]} in
		--delay | --iterations)
			return 0
			;;
		esac
		[[ $cur == -* ]] && _vmctl_offer '--delay --iterations --json --help' "$cur"
		;;
	events)
		[[ ${COMP_WORDS[COMP_CWORD - 1]} == --count ]] && return 0
		[[ $cur == -* ]] && _vmctl_offer '--count --json --help' "$cur"
		;;
	*)
		# Every command takes --help; info and version take nothing else.
		[[ $cur == -* ]] && _vmctl_offer --help "$cur"
		;;
	esac
	return 0
}

complete -F _vmctl vmctl
