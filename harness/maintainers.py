#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The series' MAINTAINERS entry, as the patches leave it, is kept in this
repo's MAINTAINERS (the overlay) for reading and editing.

  maintainers.py insert ENTRY KERNEL_MAINTAINERS   add (or replace) it in place,
                                                   in alphabetical order
  maintainers.py extract TITLE KERNEL_MAINTAINERS  print the entry, if present

A patch that adds a file adds the F: line that covers it (checkpatch asks
for that), so the tree's entry grows patch by patch to the one here.
"""
import sys


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
    elif cmd == 'extract':
        out = [l for e in entries if e[0].rstrip('\n') == arg for l in e]
        sys.stdout.write(''.join(out).rstrip('\n') + '\n' if out else '')
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
