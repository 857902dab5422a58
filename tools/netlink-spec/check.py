#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# One case of tools/netlink-spec-check.sh, which runs it as
#
#   check.py TOP SCHEMA_DIR CASE
#
# with CASE one of
#
#   schema   Documentation/netlink/minivmm.yaml validates against the
#            kernel's jsonschema for the protocol level it declares,
#            SCHEMA_DIR/<protocol>.yaml[.gz]
#   refs     every name the spec uses is one it defines (the schema cannot
#            see that an operation lists an attribute its set lacks)
#   uapi     the netlink part of uapi/linux/minivmm.h is exactly what the
#            kernel's C naming rules (c-code-gen.rst) render from the spec:
#            the same enums, members, defines, and values (compiled)
#   kmod     kmod/netlink.c registers the operations and groups the spec
#            lists, with its permission flags, request policies of its
#            attribute types and checks, and puts each attribute with the
#            spec's type; every event is sent somewhere in kmod/
#   vmctl    userspace/vmctl/nl.c parses and puts attributes with the spec's
#            types, and its name tables use the spec's names
#
# It prints why a case fails, one reason a line, and exits 1 then; 0 when
# the case holds.  spec.py renders the spec's C names, cread.py reads C.
import gzip
import os
import re
import shlex
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit(f"{sys.executable} has no yaml module (python3-yaml; tools/deps.sh)")

from cread import (array_items, c_defines, c_eval, call_args, fields,
                   initializer, local_enums, matching, split_top,
                   strip_comments)
from spec import (SPEC, Rendering, attr_sets, c_upper, load_spec, op_lists,
                  set_attrs, spec_limit)

HEADER = 'uapi/linux/minivmm.h'
KMOD_NL = 'kmod/netlink.c'
VMCTL_NL = 'userspace/vmctl/nl.c'

reasons = []


def fail(msg):
    reasons.append(msg)


# ---------------------------------------------------------------------------
# The header's netlink part, compiled

def header_part(top, spec):
    """(enums, defines) of the header from the family-name define to the
    end of the file: [(tag or None, [names])], [names]; None, None if the
    header has no such define."""
    with open(os.path.join(top, HEADER)) as f:
        text = strip_comments(f.read())
    fam_define = c_upper(spec.get('c-family-name', spec['name'] + '-family-name'))
    m = re.search(r'^[ \t]*#[ \t]*define[ \t]+' + fam_define + r'\b', text, re.M)
    if not m:
        fail(f"{HEADER} has no #define {fam_define}, where its netlink part starts")
        return None, None
    part = text[m.start():]
    enums = []
    for e in re.finditer(r'\benum\s*(\w*)\s*\{', part):
        body = part[e.end():matching(part, e.end() - 1) - 1]
        names = [re.match(r'\w+', i).group(0) for i in split_top(body)]
        enums.append((e.group(1) or None, names))
    defines = [d.group(1) for d in
               re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)', part, re.M)
               if not d.group(1).startswith('_UAPI_')]
    return enums, defines


def header_values(top, names):
    """The value of each (kind, name) as the compiler sees it through the
    header, int or str; a define the header lacks is left out."""
    prog = ['#include <stdio.h>', '#include <linux/minivmm.h>',
            'static void s(const char *n, const char *v) { printf("%s s %s\\n", n, v); }',
            'static void i(const char *n, long long v) { printf("%s i %lld\\n", n, v); }',
            '#define P(n) _Generic((n), char *: s, const char *: s, default: i)(#n, n)',
            'int main(void)', '{']
    for kind, name in names:
        # Enumerators come from the header's own text, so they exist;
        # a define the spec expects may not.
        if kind == 'define':
            prog += [f'#ifdef {name}', f'\tP({name});', '#endif']
        else:
            prog.append(f'\tP({name});')
    prog += ['\treturn 0;', '}']
    with tempfile.TemporaryDirectory(prefix='minivmm-nlspec.') as tmp:
        src, exe = os.path.join(tmp, 'values.c'), os.path.join(tmp, 'values')
        with open(src, 'w') as f:
            f.write('\n'.join(prog) + '\n')
        cc = os.environ.get('CC') or 'cc'
        try:
            r = subprocess.run(shlex.split(cc) + [
                '-std=gnu11', '-Wall', '-Werror', '-I', os.path.join(top, 'uapi'),
                '-o', exe, src], capture_output=True, text=True)
        except OSError as err:
            fail(f"cannot run the C compiler {cc!r}: {err}")
            return None
        if r.returncode:
            fail(f"compiling a program that prints the header's values failed ({cc}):")
            for line in r.stderr.splitlines()[:8]:
                fail('  ' + line)
            return None
        out = subprocess.run([exe], capture_output=True, text=True,
                             check=True).stdout
    values = {}
    for line in out.splitlines():
        name, kind, v = line.split(' ', 2)
        values[name] = int(v) if kind == 'i' else v
    return values


def all_header_values(top, spec, rendering):
    enums, defines = header_part(top, spec)
    if enums is None:
        return None, None, None
    names = [('enum', n) for _, ns in enums for n in ns]
    names += [('define', d) for d in sorted(set(defines) | set(rendering.defines))]
    return enums, defines, header_values(top, names) if names else {}


# ---------------------------------------------------------------------------
# Case: schema

def case_schema(top, schema_dir):
    try:
        import jsonschema
    except ImportError:
        fail(f"{sys.executable} has no jsonschema module (python3-jsonschema; tools/deps.sh)")
        return
    spec = load_spec(top)
    proto = spec.get('protocol', 'genetlink')
    for name in (proto + '.yaml', proto + '.yaml.gz'):
        path = os.path.join(schema_dir, name)
        if os.path.exists(path):
            break
    else:
        fail(f"no schema for protocol {proto!r} in {schema_dir}")
        return
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt') as f:
        schema = yaml.safe_load(f)
    # The kernel's schemas declare draft-07; say so rather than let the
    # library guess from a $schema URL it may not know.
    validator = jsonschema.Draft7Validator(schema)
    for e in sorted(validator.iter_errors(spec), key=lambda e: list(map(str, e.absolute_path))):
        where = '/'.join(str(p) for p in e.absolute_path) or '(top level)'
        fail(f"{where}: {e.message}")
    if not reasons:
        print(f"{SPEC} is valid {proto} ({path})")


# ---------------------------------------------------------------------------
# Case: refs

def case_refs(top):
    spec = load_spec(top)
    sets = attr_sets(spec)
    defs = {d['name']: d for d in spec.get('definitions', [])}
    groups = {g['name'] for g in spec.get('mcast-groups', {}).get('list', [])}
    ops = {o['name']: o for o in spec.get('operations', {}).get('list', [])}
    for s in sets.values():
        if 'subset-of' in s and s['subset-of'] not in sets:
            fail(f"attribute-set {s['name']}: subset-of {s['subset-of']} is not a set")
        for a in s.get('attributes', []):
            where = f"attribute {s['name']}.{a['name']}"
            if 'nested-attributes' in a and a['nested-attributes'] not in sets:
                fail(f"{where}: nested-attributes {a['nested-attributes']} is not a set")
            if 'enum' in a and defs.get(a['enum'], {}).get('type') not in ('enum', 'flags'):
                fail(f"{where}: enum {a['enum']} is not an enum or flags definition")
            if a.get('type') == 'indexed-array' and 'sub-type' not in a:
                fail(f"{where}: an indexed-array needs a sub-type")
            for k, v in a.get('checks', {}).items():
                if k in ('min', 'max'):
                    try:
                        spec_limit(spec, v)
                    except ValueError as err:
                        fail(f"{where}: checks {k}: {err}")
    for o in ops.values():
        where = f"operation {o['name']}"
        aset = o.get('attribute-set')
        if aset is not None and aset not in sets:
            fail(f"{where}: attribute-set {aset} is not a set")
            continue
        known = set_attrs(spec, aset) if aset else {}
        for part, names in op_lists(o):
            for n in names:
                if n not in known:
                    fail(f"{where}: {part} lists {n}, not an attribute of {aset}")
        if 'notify' in o and o['notify'] not in ops:
            fail(f"{where}: notify {o['notify']} is not an operation")
        if 'mcgrp' in o and o['mcgrp'] not in groups:
            fail(f"{where}: mcgrp {o['mcgrp']} is not a group")
        elif ('event' in o or 'notify' in o) and 'mcgrp' not in o:
            fail(f"{where}: a notification without an mcgrp")

    # One name, one thing: the C names are made from them.
    lists = [('definitions', spec.get('definitions', [])),
             ('attribute-sets', spec.get('attribute-sets', [])),
             ('operations', spec.get('operations', {}).get('list', [])),
             ('mcast-groups', spec.get('mcast-groups', {}).get('list', []))]
    lists += [(f"attribute-set {s['name']}", s.get('attributes', []))
              for s in sets.values()]
    for what, items in lists:
        names = [i['name'] for i in items]
        for n in sorted({n for n in names if names.count(n) > 1}):
            fail(f"{what}: two entries named {n}")


# ---------------------------------------------------------------------------
# Case: uapi

def case_uapi(top):
    spec = load_spec(top)
    r = Rendering(spec)
    for u in r.unsupported:
        fail(f"the spec uses {u}, which this check does not render")
    enums, defines, values = all_header_values(top, spec, r)
    if values is None:
        return

    unmatched = list(enums)
    for want in r.enums:
        names = [n for n, _ in want['members']]
        found = None
        for e in unmatched:
            if (want['tag'] and e[0] == want['tag']) or \
               (not want['tag'] and not e[0] and e[1][:1] == names[:1]):
                found = e
                break
        label = f"enum {want['tag']}" if want['tag'] else f"the enum of {names[0]}"
        if not found:
            fail(f"{HEADER} has no {label} ({want['what']} of the spec)")
            continue
        unmatched.remove(found)
        have = found[1]
        for n in names:
            if n not in have:
                fail(f"{label}: {n} ({want['what']}) is missing from {HEADER}")
        for n in have:
            if n not in names:
                fail(f"{label}: {n} is in {HEADER} but not in the spec's {want['what']}")
        common = [n for n in names if n in have]
        if common != [n for n in have if n in names]:
            fail(f"{label}: members in another order than the spec's")
        for n, v in want['members']:
            if n in values and values[n] != v:
                fail(f"{n} is {values[n]} in {HEADER}, {v} in the spec")
    for tag, names in unmatched:
        label = f"enum {tag}" if tag else f"the enum of {names[0]}"
        fail(f"{label} is in the netlink part of {HEADER} but not in the spec")

    for n, v in r.defines.items():
        if n not in defines:
            fail(f"#define {n} ({v!r} in the spec) is missing from {HEADER}")
        elif values.get(n) != v:
            fail(f"#define {n} is {values.get(n)!r} in {HEADER}, {v!r} in the spec")
    for n in defines:
        if n not in r.defines:
            fail(f"#define {n} is in the netlink part of {HEADER} but not in the spec")


# ---------------------------------------------------------------------------
# Policies, puts and name tables: shared by the kmod and vmctl cases

# The spec's attribute types and the NLA_* policy types that carry them.
NLA_TYPES = {
    'u8': {'NLA_U8'}, 'u16': {'NLA_U16'}, 'u32': {'NLA_U32'},
    'u64': {'NLA_U64'}, 's8': {'NLA_S8'}, 's16': {'NLA_S16'},
    's32': {'NLA_S32'}, 's64': {'NLA_S64'}, 'uint': {'NLA_UINT'},
    'sint': {'NLA_SINT'}, 'flag': {'NLA_FLAG'},
    'string': {'NLA_STRING', 'NLA_NUL_STRING'},
    'binary': {'NLA_BINARY', 'NLA_UNSPEC'},
    'nest': {'NLA_NESTED'}, 'nest-type-value': {'NLA_NESTED'},
    'indexed-array': {'NLA_NESTED_ARRAY', 'NLA_NESTED'},
}

# The put helpers and the spec type each writes.
PUT_TYPES = {
    'nla_put_u8': {'u8'}, 'nla_put_u16': {'u16'}, 'nla_put_u32': {'u32'},
    'nla_put_u64_64bit': {'u64'}, 'nla_put_u64': {'u64'},
    'nla_put_s8': {'s8'}, 'nla_put_s16': {'s16'}, 'nla_put_s32': {'s32'},
    'nla_put_s64': {'s64'}, 'nla_put_uint': {'uint'}, 'nla_put_sint': {'sint'},
    'nla_put_flag': {'flag'}, 'nla_put_string': {'string'},
    'nla_put': {'binary'},
    'nla_nest_start': {'nest', 'indexed-array', 'nest-type-value'},
    'nla_nest_start_noflag': {'nest', 'indexed-array', 'nest-type-value'},
}


def read_policy_entry(expr, env):
    """(NLA type, {'min': v, 'max': v}) of one policy initializer."""
    m = re.fullmatch(r'(NLA_POLICY_\w+)\s*\((.*)\)', expr, re.S)
    if m:
        macro, args = m.group(1), split_top(m.group(2))
        limits = {'NLA_POLICY_MIN': ('min',), 'NLA_POLICY_MAX': ('max',),
                  'NLA_POLICY_RANGE': ('min', 'max')}
        if macro in limits:
            return args[0], {k: c_eval(a, env)
                             for k, a in zip(limits[macro], args[1:])}
        if macro in ('NLA_POLICY_NESTED', 'NLA_POLICY_NESTED_ARRAY'):
            return macro[len('NLA_POLICY_'):].replace('NESTED', 'NLA_NESTED'), {}
        raise ValueError(f"{macro}: a policy form this check does not read")
    if expr.startswith('{'):
        f = fields(expr[1:-1])
        checks = {k: c_eval(f[k], env) for k in ('min', 'max') if k in f}
        return f.get('type', 'NLA_UNSPEC'), checks
    raise ValueError(f"{expr}: a policy form this check does not read")


def check_policy(spec, r, where, policy_text, env, want_attrs=None,
                 with_checks=True):
    """Compare one nla_policy array with the spec.  want_attrs: the
    attributes a request may carry, when the policy must have exactly
    those.  Returns the highest attribute value in it."""
    items = array_items(policy_text)
    seen = set()
    set_name = None
    highest = 0
    for idx, expr in items:
        if idx not in r.attr_of:
            fail(f"{where}: [{idx}] is not an attribute of the spec")
            continue
        sname, aname = r.attr_of[idx]
        if set_name is None:
            set_name = sname
        elif sname != set_name:
            fail(f"{where}: {idx} is of attribute-set {sname}, the others of {set_name}")
        seen.add(aname)
        highest = max(highest, c_eval(idx, env))
        attr = set_attrs(spec, sname).get(aname, {})
        try:
            nla, checks = read_policy_entry(expr, env)
        except ValueError as err:
            fail(f"{where}: {idx}: {err}")
            continue
        stype = attr.get('type')
        if nla not in NLA_TYPES.get(stype, set()):
            fail(f"{where}: {idx} is {nla}, but {sname}.{aname} is {stype} in the spec")
        if not with_checks:
            continue
        spec_checks = {}
        for k, v in attr.get('checks', {}).items():
            if k in ('min', 'max'):
                spec_checks[k] = spec_limit(spec, v)
            else:
                fail(f"{where}: {idx}: the spec's checks {k} is not compared by this check")
        if checks != spec_checks:
            fail(f"{where}: {idx} checks {checks or 'nothing'}, "
                 f"the spec {spec_checks or 'nothing'}")
    if want_attrs is not None and seen != set(want_attrs):
        fail(f"{where}: takes {sorted(seen) or 'no attributes'}, "
             f"the spec's request {sorted(want_attrs) or 'none'}")
    return highest


def check_puts(spec, r, fname, text):
    for fn, args in call_args(text, r'nla_put\w*|nla_nest_start\w*'):
        if fn not in PUT_TYPES or len(args) < 2:
            continue
        attr = args[1]
        if not re.fullmatch(r'[A-Z]\w*', attr):
            continue		# computed types: indexed-array entries
        if attr not in r.attr_of:
            fail(f"{fname}: {fn}() of {attr}, not an attribute of the spec")
            continue
        sname, aname = r.attr_of[attr]
        stype = set_attrs(spec, sname).get(aname, {}).get('type')
        if stype not in PUT_TYPES[fn]:
            fail(f"{fname}: {fn}() of {attr}, but {sname}.{aname} is {stype} in the spec")
        if fn == 'nla_put_u64_64bit' and len(args) == 4:
            pad = r.attr_of.get(args[3])
            if not pad or pad[0] != sname or \
               set_attrs(spec, sname).get(pad[1], {}).get('type') != 'pad':
                fail(f"{fname}: {attr} is padded with {args[3]}, not the pad of set {sname}")


def check_name_tables(spec, r, fname, text):
    """Tables of strings indexed by the spec's C names hold its names
    (dashes may be underscores, for JSON keys)."""
    for m in re.finditer(r'\bconst\s+char\s*\*\s*const\s+(\w+)\s*\[\s*\]\s*=\s*\{', text):
        body = text[m.end():matching(text, m.end() - 1) - 1]
        for idx, expr in array_items(body):
            s = re.fullmatch(r'"([^"]*)"', expr or '')
            if not idx or not s:
                continue
            if idx in r.attr_of:
                want = r.attr_of[idx][1]
            elif idx in r.op_of:
                want = r.op_of[idx]
            elif idx in r.entry_of:
                want = r.entry_of[idx][1]
            else:
                continue
            if s.group(1) not in (want, want.replace('-', '_')):
                fail(f"{fname}: {m.group(1)}[{idx}] is \"{s.group(1)}\", the spec names it {want}")


# ---------------------------------------------------------------------------
# Case: kmod

# The permission flags of an operation and of a group, and the spec's
# words for them.  On a group, admin-perm is GENL_MCAST_CAP_NET_ADMIN, the
# bit groups took as GENL_ADMIN_PERM before it had that name; a group's
# GENL_MCAST_CAP_SYS_ADMIN has no word in the spec.
OP_FLAGS = {'GENL_ADMIN_PERM': 'admin-perm', 'GENL_UNS_ADMIN_PERM': 'uns-admin-perm'}
GROUP_FLAGS = {'GENL_MCAST_CAP_NET_ADMIN': 'admin-perm',
               'GENL_ADMIN_PERM': 'admin-perm'}


def flag_set(expr, known, ignore, where):
    out = set()
    for tok in filter(None, (t.strip() for t in (expr or '').split('|'))):
        if tok in known:
            out.add(known[tok])
        elif tok not in ignore and tok != '0':
            fail(f"{where}: flag {tok} has no counterpart in the spec")
    return out


def kmod_ops(spec, r, text, env, fam):
    """The registered operations: do and dump handlers, flags, policies."""
    registered = {}
    for key in ('ops', 'small_ops', 'split_ops'):
        if key not in fam:
            continue
        body, _ = initializer(text, fam[key])
        if body is None:
            fail(f"{KMOD_NL}: no initializer for .{key} = {fam[key]}")
            continue
        for _, entry in array_items(body):
            op = fields(entry.strip()[1:-1])
            cmd = op.get('cmd')
            name = r.op_of.get(cmd)
            if not name:
                fail(f"{KMOD_NL}: registers {cmd}, not an operation of the spec")
                continue
            reg = registered.setdefault(name, {'modes': set(), 'flags': set(),
                                               'policies': []})
            reg['modes'] |= {mode for mode in ('do', 'dump') if mode + 'it' in op}
            reg['flags'] |= flag_set(op.get('flags'), OP_FLAGS,
                                     ('GENL_CMD_CAP_DO', 'GENL_CMD_CAP_DUMP',
                                      'GENL_CMD_CAP_HASPOL'), f"{KMOD_NL}: {cmd}")
            if 'policy' in op:
                reg['policies'].append((op['policy'], op.get('maxattr')))

    for name, o in ((o['name'], o) for o in spec['operations']['list']):
        modes = {mode for mode in ('do', 'dump') if mode in o}
        cname = r.op[name]
        reg = registered.get(name)
        if not modes:
            if reg:
                fail(f"{KMOD_NL}: registers {cname}, a notification in the spec")
            continue
        if not reg:
            fail(f"{KMOD_NL}: does not register {cname} ({'/'.join(sorted(modes))} in the spec)")
            continue
        if reg['modes'] != modes:
            fail(f"{KMOD_NL}: {cname} has {'/'.join(sorted(reg['modes'])) or 'no handler'}, "
                 f"the spec {'/'.join(sorted(modes))}")
        if reg['flags'] != set(o.get('flags', [])):
            fail(f"{KMOD_NL}: {cname} flags {sorted(reg['flags']) or 'none'}, "
                 f"the spec {sorted(o.get('flags', [])) or 'none'}")
        want = set()
        for mode in modes:
            want |= set(o[mode].get('request', {}).get('attributes', []))
        if not reg['policies'] and want:
            fail(f"{KMOD_NL}: {cname} has no policy, the spec's request takes {sorted(want)}")
        for pname, maxattr in reg['policies']:
            kmod_policy(spec, r, text, env, cname, pname, maxattr, want)


def kmod_policy(spec, r, text, env, cname, pname, maxattr, want):
    """One operation's policy: the request's attributes, types and checks,
    and a .maxattr that neither hides one nor runs past the array."""
    body, size = initializer(text, pname)
    if body is None:
        fail(f"{KMOD_NL}: {cname}: no initializer for policy {pname}")
        return
    where = f"{KMOD_NL}: {pname} ({cname})"
    try:
        highest = check_policy(spec, r, where, body, env, want)
        if maxattr and not re.fullmatch(r'ARRAY_SIZE\(\s*' + pname + r'\s*\)\s*-\s*1',
                                        maxattr):
            mx = c_eval(maxattr, env)
            if mx < highest or (size and mx > c_eval(size, env) - 1):
                fail(f"{where}: .maxattr {maxattr} does not fit the policy")
    except ValueError as err:
        fail(f"{where}: {err}")


def kmod_groups(spec, text, env, values, fam):
    """The registered groups: the spec's, in its order (the order is the
    group's offset), with its permission flags."""
    spec_groups = spec.get('mcast-groups', {}).get('list', [])
    groups = []
    body, _ = initializer(text, fam['mcgrps']) if 'mcgrps' in fam else ('', None)
    for pos, (idx, entry) in enumerate(array_items(body or '')):
        g = fields(entry.strip()[1:-1])
        gname = g.get('name', '')
        gname = values.get(gname, gname.strip('"'))
        try:
            at = c_eval(idx, env) if idx else pos
        except ValueError as err:
            fail(f"{KMOD_NL}: group [{idx}]: {err}")
            at = pos
        groups.append((at, gname, flag_set(g.get('flags'), GROUP_FLAGS, (),
                                           f"{KMOD_NL}: group {gname}")))
    groups.sort()
    have = [g[1] for g in groups]
    want = [g['name'] for g in spec_groups]
    if have != want:
        fail(f"{KMOD_NL}: registers groups {have}, the spec {want} (in this order)")
    for _, gname, flags in groups:
        sg = next((g for g in spec_groups if g['name'] == gname), None)
        if sg and flags != set(sg.get('flags', [])):
            fail(f"{KMOD_NL}: group {gname} flags {sorted(flags) or 'none'}, "
                 f"the spec {sorted(sg.get('flags', [])) or 'none'}")


def kmod_events(spec, r, kdir):
    """Every notification is sent from somewhere in the module: its name is
    an argument of a call (mvm_nl_vm_event(vm, MINIVMM_CMD_VM_CREATED)),
    not only compared with."""
    passed = set()
    for d, _, files in os.walk(kdir):
        if os.path.basename(d) == 'tests':
            continue
        for fn in files:
            if fn.endswith('.c'):
                with open(os.path.join(d, fn)) as f:
                    for _, args in call_args(strip_comments(f.read()), r'\w+'):
                        passed.update(args)
    for o in spec['operations']['list']:
        if ('event' in o or 'notify' in o) and r.op[o['name']] not in passed:
            fail(f"kmod/: never sends {r.op[o['name']]} (an event of the spec)")


def case_kmod(top):
    spec = load_spec(top)
    r = Rendering(spec)
    _, _, values = all_header_values(top, spec, r)
    if values is None:
        return
    kdir = os.path.join(top, 'kmod')
    with open(os.path.join(top, KMOD_NL)) as f:
        text = strip_comments(f.read())
    env = c_defines([os.path.join(kdir, h) for h in sorted(os.listdir(kdir))
                     if h.endswith('.h')])
    env.update(values)
    env.update(local_enums(text))

    m = re.search(r'\bstruct\s+genl_family\s+(\w+)(\s+__\w+)*\s*=\s*\{', text)
    if not m:
        fail(f"{KMOD_NL}: no struct genl_family definition")
        return
    fam = fields(text[m.end():matching(text, m.end() - 1) - 1])
    if env.get(fam.get('name'), fam.get('name')) not in (spec['name'], f'"{spec["name"]}"'):
        fail(f"{KMOD_NL}: the family's .name is {fam.get('name')}, not {spec['name']}")
    try:
        if c_eval(fam.get('version', '0'), env) != spec.get('version', 1):
            fail(f"{KMOD_NL}: the family's .version is not {spec.get('version', 1)}")
    except ValueError as err:
        fail(f"{KMOD_NL}: .version: {err}")

    kmod_ops(spec, r, text, env, fam)
    kmod_groups(spec, text, env, values, fam)
    kmod_events(spec, r, kdir)
    check_puts(spec, r, KMOD_NL, text)


# ---------------------------------------------------------------------------
# Case: vmctl

def case_vmctl(top):
    spec = load_spec(top)
    r = Rendering(spec)
    _, _, values = all_header_values(top, spec, r)
    if values is None:
        return
    with open(os.path.join(top, VMCTL_NL)) as f:
        text = strip_comments(f.read())
    env = dict(values)
    # vmctl's policies say what it accepts in replies and events: the types
    # must be the spec's; the checks are the kernel's business.
    for m in re.finditer(r'\bstruct\s+nla_policy\s+(\w+)\s*\[', text):
        body, _ = initializer(text, m.group(1))
        try:
            check_policy(spec, r, f"{VMCTL_NL}: {m.group(1)}", body, env,
                         with_checks=False)
        except ValueError as err:
            fail(f"{VMCTL_NL}: {m.group(1)}: {err}")
    check_puts(spec, r, VMCTL_NL, text)
    check_name_tables(spec, r, VMCTL_NL, text)


CASES = {'refs': case_refs, 'uapi': case_uapi, 'kmod': case_kmod,
         'vmctl': case_vmctl}


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in list(CASES) + ['schema']:
        sys.exit('usage: check.py TOP SCHEMA_DIR '
                 'schema|refs|uapi|kmod|vmctl')
    top, schema_dir, case = sys.argv[1:]
    try:
        if case == 'schema':
            case_schema(top, schema_dir)
        else:
            CASES[case](top)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as err:
        fail(f"{type(err).__name__}: {err}")
    for line in reasons:
        print(line)
    sys.exit(1 if reasons else 0)


if __name__ == '__main__':
    main()
