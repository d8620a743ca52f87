#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The series' MAINTAINERS entry lives once, in this repo's MAINTAINERS;
the tree gets it inserted in alphabetical order.

  maintainers.py insert ENTRY KERNEL_MAINTAINERS   add (or replace) it in place
  maintainers.py extract TITLE KERNEL_MAINTAINERS  print the entry, if present
  maintainers.py strip TITLE KERNEL_MAINTAINERS    print the file without it
  maintainers.py subset ENTRY FILES                print the entry with only the
                                                   F: lines that cover a path
                                                   in FILES (one per line), or
                                                   nothing if none does

A patch that adds a file adds the F: line that covers it (checkpatch asks
for that), so the tree's entry grows patch by patch to the one here.
"""
import fnmatch
import sys


def covers(pattern, path):
    """MAINTAINERS F: semantics: a trailing / matches the directory's
    files, otherwise a shell glob on the whole path."""
    if pattern.endswith('/'):
        return path.startswith(pattern)
    return fnmatch.fnmatchcase(path, pattern)


def split(lines):
    """Return (head, entries, tail): entries are lists of lines, each a
    title line, its field lines and the blank line after them."""
    start = lines.index('Maintainers List\n') + 7
    while lines[start].strip() and not lines[start - 1].strip() == '':
        start += 1
    end = lines.index('THE REST\n')
    head, body, tail = lines[:start], lines[start:end], lines[end:]
    entries, cur = [], []
    for line in body:
        cur.append(line)
        if not line.strip():
            entries.append(cur)
            cur = []
    if cur:
        entries.append(cur)
    return head, entries, tail


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    cmd, arg, path = sys.argv[1:]
    if cmd == 'subset':
        files = [f for f in open(path).read().split('\n') if f]
        entry = open(arg).read().rstrip('\n').split('\n')
        keep = [l for l in entry
                if not l.startswith('F:') or
                any(covers(l[2:].strip(), f) for f in files)]
        if any(l.startswith('F:') for l in keep):
            sys.stdout.write('\n'.join(keep) + '\n')
        return
    lines = open(path).readlines()
    head, entries, tail = split(lines)
    if cmd == 'insert':
        entry = open(arg).read().rstrip('\n').split('\n')
        title = entry[0]
        new = [l + '\n' for l in entry] + ['\n']
        entries = [e for e in entries if e[0].rstrip('\n') != title]
        # The list is sorted case-insensitively, with a few strays: take
        # the place with the fewest entries on the wrong side of ours.
        key = title.casefold()
        after = [e[0].rstrip('\n').casefold() > key for e in entries]
        cost = best = sum(not a for a in after)
        pos = 0
        for i, a in enumerate(after):
            cost += 1 if a else -1
            if cost < best:
                best, pos = cost, i + 1
        entries.insert(pos, new)
        with open(path, 'w') as f:
            f.writelines(head + [l for e in entries for l in e] + tail)
    elif cmd in ('extract', 'strip'):
        keep = [e for e in entries if (e[0].rstrip('\n') == arg) == (cmd == 'extract')]
        out = [l for e in keep for l in e]
        if cmd == 'extract':
            sys.stdout.write(''.join(out).rstrip('\n') + '\n' if out else '')
        else:
            sys.stdout.write(''.join(head + out + tail))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
