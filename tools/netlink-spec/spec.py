# SPDX-License-Identifier: GPL-2.0
#
# The netlink spec as tools/netlink-spec/check.py reads it: the YAML, and
# the C names and values the kernel's naming rules give it
# (Documentation/userspace-api/netlink/c-code-gen.rst in newer kernels) for
# the genetlink and genetlink-c levels.
import re

import yaml

SPEC = 'Documentation/netlink/minivmm.yaml'


def c_upper(s):
    return s.upper().replace('-', '_')


def c_lower(s):
    return s.lower().replace('-', '_')


def load_spec(top):
    with open(f"{top}/{SPEC}") as f:
        return yaml.safe_load(f)


class Rendering:
    """What the spec renders into a uAPI header, following c-code-gen.rst."""

    def __init__(self, spec):
        fam = spec['name']
        self.enums = []		# {'tag', 'what', 'members': [(name, value)]}
        self.defines = {}	# name -> int or str
        self.attr = {}		# (set, attr) -> C name
        self.attr_of = {}	# C name -> (set, attr)
        self.op = {}		# op name -> C name
        self.op_of = {}		# C name -> op name
        self.entry_of = {}	# C name -> (definition, entry)
        self.unsupported = []

        self.defines[c_upper(spec.get('c-family-name',
                                      fam + '-family-name'))] = fam
        # Only genetlink-legacy has a "version" property; else it is 1.
        self.defines[c_upper(spec.get('c-version-name',
                                      fam + '-family-version'))] = \
            spec.get('version', 1)

        for d in spec.get('definitions', []):
            if d.get('header') or d.get('scope', 'uapi') != 'uapi':
                continue
            if d['type'] == 'const':
                self.defines[c_upper(f"{fam}-{d['name']}")] = d['value']
            elif d['type'] in ('enum', 'flags'):
                self._definition_enum(fam, d)
            else:
                self.unsupported.append(f"definition {d['name']}: type {d['type']}")

        max_by_define = spec.get('max-by-define', False)
        for s in spec.get('attribute-sets', []):
            if 'subset-of' in s:
                continue
            if s['name'] == fam:
                pfx = s.get('name-prefix', f"{fam}-a-")
            else:
                pfx = s.get('name-prefix', f"{fam}-a-{s['name']}-")
            members = []
            val = 1		# the rules number attributes from 1
            for a in s.get('attributes', []):
                val = a.get('value', val)
                name = c_upper(pfx + a['name'])
                members.append((name, val))
                self.attr[(s['name'], a['name'])] = name
                self.attr_of[name] = (s['name'], a['name'])
                val += 1
            self._add_max(members, val, max_by_define,
                          s.get('attr-cnt-name', f"__{pfx}max"),
                          s.get('attr-max-name', f"{pfx}max"))
            self.enums.append({'tag': s.get('enum-name'),
                               'what': f"attribute-set {s['name']}",
                               'members': members})

        ops = spec.get('operations', {})
        if 'async-prefix' in ops or 'async-enum' in ops:
            self.unsupported.append('operations: async-prefix/async-enum')
        pfx = ops.get('name-prefix', f"{fam}-cmd-")
        members = []
        val = 1			# and operations from 1
        for o in ops.get('list', []):
            val = o.get('value', val)
            name = c_upper(pfx + o['name'])
            members.append((name, val))
            self.op[o['name']] = name
            self.op_of[name] = o['name']
            val += 1
        self._add_max(members, val, max_by_define,
                      spec.get('cmd-cnt-name', f"__{pfx}max"),
                      spec.get('cmd-max-name', f"{pfx}max"))
        self.enums.append({'tag': ops.get('enum-name'), 'what': 'operations',
                           'members': members})

        for g in spec.get('mcast-groups', {}).get('list', []):
            name = c_upper(g.get('c-define-name', f"{fam}-mcgrp-{g['name']}"))
            self.defines[name] = g['name']

    def _definition_enum(self, fam, d):
        pfx = d.get('name-prefix', f"{fam}-{d['name']}-")
        tag = d['enum-name'] if 'enum-name' in d else f"{fam}_{c_lower(d['name'])}"
        members = []
        val = d.get('value-start', 0)
        mask = 0
        for e in d.get('entries', []):
            ename = e if isinstance(e, str) else e['name']
            if isinstance(e, dict) and 'value' in e:
                val = e['value']
            name = c_upper(pfx + ename)
            # A flags entry's value is its bit.
            v = 1 << val if d['type'] == 'flags' else val
            mask |= v
            members.append((name, v))
            self.entry_of[name] = (d['name'], ename)
            val += 1
        if d.get('render-max', False):
            if d['type'] == 'flags':
                members.append((c_upper(pfx + 'mask'), mask))
            else:
                cnt = c_upper(d.get('enum-cnt-name', f"__{pfx}max"))
                members += [(cnt, val), (c_upper(pfx + 'max'), val - 1)]
        self.enums.append({'tag': tag, 'what': f"definition {d['name']}",
                           'members': members})

    def _add_max(self, members, val, max_by_define, cnt, mx):
        members.append((c_upper(cnt), val))
        if max_by_define:
            self.defines[c_upper(mx)] = val - 1
        else:
            members.append((c_upper(mx), val - 1))


def attr_sets(spec):
    return {s['name']: s for s in spec.get('attribute-sets', [])}


def set_attrs(spec, set_name):
    s = attr_sets(spec).get(set_name)
    if not s:
        return {}
    if 'subset-of' in s:
        full = set_attrs(spec, s['subset-of'])
        return {a['name']: dict(full.get(a['name'], {}), **a)
                for a in s.get('attributes', [])}
    return {a['name']: a for a in s.get('attributes', [])}


def op_lists(op):
    """(where, attribute names) for every message of an operation."""
    for mode in ('do', 'dump'):
        for part in ('request', 'reply'):
            msg = op.get(mode, {}).get(part)
            if msg:
                yield f"{mode} {part}", msg.get('attributes', [])
    if 'event' in op:
        yield 'event', op['event'].get('attributes', [])


def spec_limit(spec, v):
    """A checks: value: an integer, a const's name, or u32-max and the like."""
    if isinstance(v, int):
        return v
    for d in spec.get('definitions', []):
        if d['type'] == 'const' and d['name'] == v:
            return d['value']
    m = re.fullmatch(r'([us])(8|16|32|64)-(min|max)', str(v))
    if m:
        bits = int(m.group(2))
        if m.group(1) == 'u':
            return 0 if m.group(3) == 'min' else (1 << bits) - 1
        return -(1 << (bits - 1)) if m.group(3) == 'min' else (1 << (bits - 1)) - 1
    raise ValueError(f"unknown limit {v!r}")

