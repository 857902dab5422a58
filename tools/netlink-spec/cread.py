# SPDX-License-Identifier: GPL-2.0
#
# Just enough C reading for tools/netlink-spec/check.py: comments out,
# brackets matched, designated initializers and call arguments split at
# their top-level commas, integer constant expressions evaluated.  It
# understands the forms minivmm's netlink code uses and raises ValueError
# on the others, so a check says it could not read something rather than
# pass it by.
import ast
import re


def strip_comments(text):
    def keep_lines(m):
        return '\n' * m.group(0).count('\n')
    text = re.sub(r'/\*.*?\*/', keep_lines, text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def skip_literal(text, j):
    """Index of the quote closing the string or character literal that
    opens at text[j]: brackets and commas inside one do not count."""
    q = text[j]
    j += 1
    while j < len(text) and text[j] != q:
        j += 2 if text[j] == '\\' else 1
    if j >= len(text):
        raise ValueError('unterminated literal')
    return j


def matching(text, i):
    """Index just past the bracket that closes the one at text[i]."""
    pairs = {'{': '}', '(': ')', '[': ']'}
    stack = []
    j = i
    while j < len(text):
        c = text[j]
        if c in '"\'':
            j = skip_literal(text, j)
        elif c in pairs:
            stack.append(pairs[c])
        elif c in ')}]':
            if not stack or stack.pop() != c:
                raise ValueError(f"unbalanced {c!r}")
            if not stack:
                return j + 1
        j += 1
    raise ValueError('unterminated bracket')


def split_top(text, sep=','):
    """Split at separators outside brackets and strings; drop empty items."""
    items, depth, start, j = [], 0, 0, 0
    while j < len(text):
        c = text[j]
        if c in '"\'':
            j = skip_literal(text, j)
        elif c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        elif c == sep and depth == 0:
            items.append(text[start:j].strip())
            start = j + 1
        j += 1
    items.append(text[start:].strip())
    return [i for i in items if i]


def initializer(text, name):
    """The brace contents of 'NAME[...] = { ... }' or 'NAME = { ... }',
    with the array size expression (or None)."""
    m = re.search(r'\b' + re.escape(name) + r'\s*(\[([^\]]*)\])?\s*=\s*\{', text)
    if not m:
        return None, None
    end = matching(text, m.end() - 1)
    return text[m.end():end - 1], m.group(2)


def fields(body):
    """'.a = x, .b = y' -> {'a': 'x', 'b': 'y'}."""
    out = {}
    for item in split_top(body):
        m = re.fullmatch(r'\.(\w+)\s*=\s*(.*)', item, re.S)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def array_items(body):
    """'[I] = x, y' -> [('I', 'x'), (None, 'y')]."""
    out = []
    for item in split_top(body):
        m = re.fullmatch(r'\[([^\]]+)\]\s*=\s*(.*)', item, re.S)
        out.append((m.group(1).strip(), m.group(2).strip()) if m else (None, item))
    return out


def call_args(text, fn_pattern):
    """(function, [args]) for every call of a function matching the pattern."""
    for m in re.finditer(r'\b(' + fn_pattern + r')\s*\(', text):
        try:
            end = matching(text, m.end() - 1)
        except ValueError:
            continue
        yield m.group(1), split_top(text[m.end():end - 1])


def c_eval(expr, env, depth=0):
    """An integer constant expression, its names looked up in env."""
    if depth > 20:
        raise ValueError(f"{expr}: defines nest too deep")
    expr = re.sub(r'\b(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\b', r'\1', expr.strip())

    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant) and isinstance(n.value, int):
            return n.value
        if isinstance(n, ast.Name):
            if n.id not in env:
                raise ValueError(f"{n.id} is not a known constant")
            v = env[n.id]
            return v if isinstance(v, int) else c_eval(v, env, depth + 1)
        if isinstance(n, ast.UnaryOp) and \
           type(n.op) in (ast.USub, ast.UAdd, ast.Invert):
            v = ev(n.operand)
            return {ast.USub: -v, ast.UAdd: v, ast.Invert: ~v}[type(n.op)]
        if isinstance(n, ast.BinOp):
            a, b = ev(n.left), ev(n.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b,
                   ast.Mult: lambda: a * b, ast.FloorDiv: lambda: a // b,
                   ast.LShift: lambda: a << b, ast.RShift: lambda: a >> b,
                   ast.BitOr: lambda: a | b, ast.BitAnd: lambda: a & b}
            if type(n.op) in ops:
                return ops[type(n.op)]()
        if (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
                n.func.id in ('BIT', 'BIT_ULL') and len(n.args) == 1):
            return 1 << ev(n.args[0])
        raise ValueError(f"cannot evaluate {expr!r}")
    try:
        tree = ast.parse(expr.replace('/', '//'), mode='eval')
    except SyntaxError:
        raise ValueError(f"cannot evaluate {expr!r}") from None
    return ev(tree)


def c_defines(paths):
    """Object-like #defines of the files, name -> replacement text."""
    env = {}
    for p in paths:
        with open(p) as f:
            text = strip_comments(f.read())
        for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(.+)$',
                             text, re.M):
            env[m.group(1)] = m.group(2).strip()
    return env


def local_enums(text):
    """Values of the enumerators a C file declares itself."""
    env = {}
    for m in re.finditer(r'\benum\s*\w*\s*\{', text):
        body = text[m.end():matching(text, m.end() - 1) - 1]
        val = 0
        for item in split_top(body):
            name, _, init = item.partition('=')
            if init:
                val = c_eval(init, env)
            env[name.strip()] = val
            val += 1
    return env

