#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn guest output into per-sub-test verdicts and compare kernels.

  results.py parse RESULTS.TXT          verdicts as TSV: suite, key, sub-test, verdict
  results.py table EXPECTED BASE VSWAP  the peer table; exit 1 on a regression,
                                        2 on bad input

BASE and VSWAP may each be several results files joined by commas (a
re-run): base counts as passing if any run passed; vswap regresses only if
it did not pass in any run, and a row that passed in some is "flaky".

A guest job frames each program with "@@SUITE name" / "@@END name rc=N".
Inside, TAP lines ("ok N desc", "not ok N desc", "# SKIP", "# XFAIL") are
sub-tests. khugepaged names each run "# Run test: NAME (CONTEXT)" and
reports "ok N NAME": the context is added to tell the runs apart. Every
suite also gets an "(exit status)" row, so a crash, a bail-out or a
time-out mid-suite is a failure even when no sub-test line says so.
"""
import re
import sys

TAP = re.compile(r'^(not )?ok (\d+) ?(.*)$')
RUN_TEST = re.compile(r'^# Run test: (\S+) \((.*)\)$')
ANSI = re.compile(r'\x1b\[[0-9;]*m')
KSFT_SKIP = 4


def verdict_of_tap(neg, rest):
    """Split a TAP line's text into (name, verdict)."""
    m = re.match(r'^# (SKIP|XFAIL|XPASS)\b ?(.*)$', rest)
    if m:
        directive, name = m.group(1), m.group(2)
    else:
        m = re.match(r'^(.*?) # (SKIP|XFAIL|XPASS)\b.*$', rest)
        name, directive = (m.group(1), m.group(2)) if m else (rest, None)
    if neg:
        return name, 'fail'
    if directive == 'SKIP':
        return name, 'skip'
    return name, 'pass'


def parse(path):
    """Rows (suite, key, name, verdict). A TAP row's key is its number:
    the same binary runs on both kernels, and the text after the number
    can differ between a pass and a fail (some tests print the reason
    there). Other rows are keyed by their name."""
    rows, suite, seen, context = [], None, {}, None

    def add(key, name, verdict):
        name = ANSI.sub('', name).strip().rstrip('.').strip() or '(unnamed)'
        if key is None:
            key = name
            seen[(suite, key)] = seen.get((suite, key), 0) + 1
            if seen[(suite, key)] > 1:
                key = name = '%s [%d]' % (name, seen[(suite, key)])
        rows.append((suite, key, name, verdict))

    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('@@SUITE '):
                suite, timed_out, context = line[8:].strip(), False, None
                continue
            if suite is None:
                continue
            if line.startswith('@@TIMEOUT '):
                timed_out = True
                continue
            if line.startswith('@@END '):
                rc = int(re.search(r'rc=(-?\d+)', line).group(1))
                # One name whatever the cause, so runs compare row by row.
                add(None, '(exit status)', 'fail' if timed_out else
                    'pass' if rc == 0 else 'skip' if rc == KSFT_SKIP else 'fail')
                suite = None
                continue
            m = RUN_TEST.match(line)
            if m:
                context = m.groups()
                continue
            m = TAP.match(line)
            if m:
                name, verdict = verdict_of_tap(m.group(1), m.group(3))
                if context and name == context[0]:
                    name = '%s (%s)' % context
                add('#' + m.group(2), name, verdict)
    if suite is not None:
        add(None, '(exit status)', 'fail')
    return rows


class InputError(Exception):
    pass


def load_expected(path):
    expected = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if ' | ' not in line:
                raise InputError('%s:%d: want "suite: sub-test | reason"' % (path, n))
            name, reason = line.split(' | ', 1)
            name = name.strip()
            if name.startswith('[flaky] '):
                name, reason = name[8:].strip(), 'flaky on both kernels: ' + reason.strip()
            expected[name] = reason.strip()
    return expected


def merged(paths):
    """Per (suite, key): the display name and the verdicts over the runs."""
    runs, names = {}, {}
    for path in paths.split(','):
        try:
            rows = parse(path)
        except OSError as e:
            raise InputError(str(e))
        for suite, key, name, verdict in rows:
            runs.setdefault((suite, key), []).append(verdict)
            if verdict == 'pass' or (suite, key) not in names:
                names[(suite, key)] = '%s: %s' % (suite, name)
    return runs, names


def table(expected_path, base_path, vswap_path):
    expected = load_expected(expected_path)
    (base, bnames), (vswap, vnames) = merged(base_path), merged(vswap_path)
    keys = list(base) + [k for k in vswap if k not in base]
    # Name a row as the passing run printed it, base first.
    label = {k: bnames[k] if base.get(k, ['-'])[-1] == 'pass' or k not in vnames
             else vnames[k] for k in keys}
    width = min(max([len(n) for n in label.values()] + [8]), 90)
    print('%-*s  %-5s  %-5s' % (width, 'sub-test', 'base', 'vswap'))
    regressions, used = [], set()
    for k in keys:
        name = label[k]
        bs, vs = base.get(k, ['-']), vswap.get(k, ['-'])
        b = 'pass' if 'pass' in bs else bs[-1]
        if all(x == vs[0] for x in vs):
            v = vs[0]
        elif 'pass' in vs:
            v = 'flaky'
        else:
            v = 'fail' if 'fail' in vs else vs[-1]
        mark = ''
        if v not in ('pass', 'flaky') and b in ('pass', '-'):
            if name in expected:
                mark = '  expected: ' + expected[name]
                used.add(name)
            else:
                mark = '  REGRESSION'
                regressions.append(name)
        elif v == 'flaky':
            mark = '  flaky: ' + ' '.join(vs)
        print('%-*s  %-5s  %-5s%s' % (width, name[:width], b, v, mark))
    for kernel, res in (('base', base), ('vswap', vswap)):
        last = [v[-1] for v in res.values()]
        print('%s: %d pass, %d fail, %d skip' % (kernel, last.count('pass'),
                                                 last.count('fail'), last.count('skip')))
    for name in sorted(set(expected) - used):
        print('note: expected difference no longer seen: %s' % name)
    # For the caller's summary: rows at parity (or better), rows that regressed.
    print('peer-rows: %d %d' % (len(keys) - len(regressions), len(regressions)))
    return 1 if regressions else 0


def main():
    try:
        if len(sys.argv) == 3 and sys.argv[1] == 'parse':
            for row in parse(sys.argv[2]):
                print('\t'.join(row))
            return 0
        if len(sys.argv) == 5 and sys.argv[1] == 'table':
            return table(*sys.argv[2:])
    except (InputError, OSError) as e:
        print('results.py: %s' % e, file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
