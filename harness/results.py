#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn guest output into per-sub-test verdicts and compare kernels.

  results.py parse RESULTS.TXT          verdicts as TSV: suite, sub-test, verdict
  results.py table EXPECTED BASE VSWAP  the peer table; exit 1 on a regression

A guest job frames each program with "@@SUITE name" / "@@END name rc=N".
Inside, TAP lines ("ok N desc", "not ok N desc", "# SKIP", "# XFAIL") are
sub-tests; so are khugepaged's coloured OK/Fail/Skip lines. Every suite
also gets an "(exit status)" row, so a crash or time-out mid-suite is a
failure even when no sub-test line says so.
"""
import re
import sys

TAP = re.compile(r'^(not )?ok \d+ ?(.*)$')
COLOUR = re.compile(r'\x1b\[3([123])m')
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
    rows, suite, seen = [], None, {}

    def add(name, verdict):
        name = ANSI.sub('', name).strip().rstrip('.').strip() or '(unnamed)'
        key = (suite, name)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            name = '%s [%d]' % (name, seen[key])
        rows.append((suite, name, verdict))

    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('@@SUITE '):
                suite, timed_out = line[8:].strip(), False
                continue
            if suite is None:
                continue
            if line.startswith('@@TIMEOUT '):
                timed_out = True
                continue
            if line.startswith('@@END '):
                rc = int(re.search(r'rc=(-?\d+)', line).group(1))
                if timed_out:
                    add('(exit status: timed out)', 'fail')
                else:
                    add('(exit status)', 'pass' if rc == 0 else
                        'skip' if rc == KSFT_SKIP else 'fail')
                suite = None
                continue
            m = TAP.match(line)
            if m:
                add(*verdict_of_tap(m.group(1), m.group(2)))
                continue
            m = COLOUR.search(line)
            if m and line.startswith('#'):
                name = line[1:m.start()]
                add(name, {'2': 'pass', '1': 'fail', '3': 'skip'}[m.group(1)])
    if suite is not None:
        add('(exit status: guest stopped mid-suite)', 'fail')
    return rows


def load_expected(path):
    expected = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if ' | ' not in line:
                sys.exit('%s:%d: want "suite: sub-test | reason"' % (path, n))
            name, reason = line.split(' | ', 1)
            expected[name.strip()] = reason.strip()
    return expected


def table(expected_path, base_path, vswap_path):
    expected = load_expected(expected_path)
    base = {'%s: %s' % (s, n): v for s, n, v in parse(base_path)}
    vswap = {'%s: %s' % (s, n): v for s, n, v in parse(vswap_path)}
    names = list(base) + [n for n in vswap if n not in base]
    width = min(max([len(n) for n in names] + [8]), 90)
    print('%-*s  %-5s  %-5s' % (width, 'sub-test', 'base', 'vswap'))
    regressions, used = [], set()
    for name in names:
        b, v = base.get(name, '-'), vswap.get(name, '-')
        mark = ''
        if v != 'pass' and b in ('pass', '-'):
            if name in expected:
                mark = '  expected: ' + expected[name]
                used.add(name)
            else:
                mark = '  REGRESSION'
                regressions.append(name)
        print('%-*s  %-5s  %-5s%s' % (width, name[:width], b, v, mark))
    for kernel, res in (('base', base), ('vswap', vswap)):
        counts = {k: list(res.values()).count(k) for k in ('pass', 'fail', 'skip')}
        print('%s: %d pass, %d fail, %d skip' % (kernel, counts['pass'],
                                                 counts['fail'], counts['skip']))
    for name in sorted(set(expected) - used):
        print('note: expected difference no longer seen: %s' % name)
    # For the caller's summary: rows at parity (or better), rows that regressed.
    print('peer-rows: %d %d' % (len(names) - len(regressions), len(regressions)))
    return 1 if regressions else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == 'parse':
        for row in parse(sys.argv[2]):
            print('\t'.join(row))
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == 'table':
        return table(*sys.argv[2:])
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main())
