#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The netlink family's one description and its three copies agree, as
# kselftest-style TAP on stdout:
#
#   netlink-spec-check.sh
#
#   1 Documentation/netlink/minivmm.yaml validates against the kernel's
#     jsonschema for the protocol level it declares
#   2 every name the spec uses, it defines
#   3 the netlink part of uapi/linux/minivmm.h is what the kernel's C naming
#     rules render from the spec: enums, members, defines, values
#   4 kmod/netlink.c registers the spec's operations and groups, with its
#     permission flags, policy types and checks; attributes are put with
#     their spec types; every event is sent somewhere in kmod/
#   5 userspace/vmctl/nl.c parses and puts the spec's types and uses its names
#
# A failed case's reasons are "# " lines just above its "not ok" line.
# Exits 0 when every case passed.  tools/netlink-spec/check.py does the
# work, one case a call.
#
# The schemas are the kernel's Documentation/netlink/*.yaml, from Debian's
# linux-doc-6.12 (tools/deps.sh), which installs them gzipped under
# /usr/share/doc: a 40 MB download where linux-source-6.12 is 154 MB, and
# nothing to unpack or cache.  MINIVMM_NETLINK_SCHEMAS names another
# directory with them (a kernel tree's Documentation/netlink).  Needs a C
# compiler (CC, default cc), python3-yaml and python3-jsonschema.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
doc_pkg=linux-doc-6.12
schemas=${MINIVMM_NETLINK_SCHEMAS:-/usr/share/doc/$doc_pkg/Documentation/netlink}
# Debian's interpreter, which python3-yaml and python3-jsonschema install
# into; a python3 earlier in PATH (pyenv, a virtualenv) may lack them.
python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=python3

n=0
failed=0

# One case: its name, then the case of check.py to run.  What that prints
# goes above the result line as TAP comments: the reasons, or a note on a
# pass.
case_() {
	desc=$1
	n=$((n + 1))
	out=$("$python" -B "$here/netlink-spec/check.py" "$top" "$schemas" "$2" 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" -eq 0 ]; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		failed=$((failed + 1))
	fi
}

echo "1..5"
if [ -z "${MINIVMM_NETLINK_SCHEMAS:-}" ]; then
	version=$(dpkg-query -W -f '${Version}' "$doc_pkg" 2>/dev/null) ||
		version="not installed: tools/deps.sh installs it"
	echo "# schemas: $doc_pkg $version"
fi
case_ spec_valid_by_kernel_schema schema
case_ spec_names_resolve refs
case_ uapi_header_matches_spec uapi
case_ kmod_netlink_matches_spec kmod
case_ vmctl_matches_spec vmctl
[ "$failed" -eq 0 ]
