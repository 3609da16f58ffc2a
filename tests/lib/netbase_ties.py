#!/usr/bin/env python3
"""Counts how a snapshot answers the lines of a services(5) file.

    netbase_ties.py SERVICES_FILE SNAPSHOT [BUILD]

A line "NAME PORT/PROTO ALIAS..." counts when IANA registers one of its
names on the same port and protocol (the snapshot has an entry there with
that name or alias: `nss-iana export`).  Such a line answers
differently when, through the module (getent -s services:iana, with
NSS_IANA_DB=SNAPSHOT and the built module first on LD_LIBRARY_PATH), the port
query PORT/PROTO answers an entry with none of the line's names, or the
name query of one of the line's names that IANA registers there answers
another port.  Prints "registered N", "differ M" and one line per
difference.
"""
import json, os, subprocess, sys

services, snapshot = sys.argv[1], sys.argv[2]
build = sys.argv[3] if len(sys.argv) > 3 else 'build'
env = dict(os.environ, NSS_IANA_DB=snapshot,
           LD_LIBRARY_PATH=os.path.abspath(build))


def getent(key):
    r = subprocess.run(['getent', '-s', 'services:iana', 'services', key],
                       env=env, capture_output=True, text=True)
    return r.stdout.split() if r.returncode == 0 else None


def registered_names():
    """(port, proto) -> every name and alias the snapshot has there."""
    r = subprocess.run([os.path.join(build, 'nss-iana'), 'export', '--db',
                        snapshot], capture_output=True, text=True, check=True)
    table = {}
    for line in r.stdout.splitlines():
        fields = line.split('#', 1)[0].split()
        if len(fields) >= 2:
            port, _, proto = fields[1].partition('/')
            table.setdefault((int(port), proto), set()).update(
                [fields[0]] + fields[2:])
    return table


lines = []
for raw in open(services, encoding='utf-8', errors='replace'):
    fields = raw.split('#', 1)[0].split()
    if len(fields) < 2 or '/' not in fields[1]:
        continue
    port, _, proto = fields[1].partition('/')
    if not port.isdigit():
        continue
    lines.append((fields[0], [fields[0]] + fields[2:], int(port), proto))

table = registered_names()
count, differ = 0, []
for name, names, port, proto in lines:
    known = [n for n in names if n in table.get((port, proto), ())]
    if not known:
        continue
    count += 1
    answer = getent('%d/%s' % (port, proto))
    if not answer or not set(names) & set([answer[0]] + answer[2:]):
        differ.append('%s %d/%s: port query answers %s' % (
            name, port, proto, ' '.join(answer or ['nothing'])))
        continue
    for n in known:
        answer = getent('%s/%s' % (n, proto))
        if not answer or answer[1] != '%d/%s' % (port, proto):
            differ.append('%s %d/%s: name query %s/%s answers %s' % (
                name, port, proto, n, proto, ' '.join(answer or ['nothing'])))
            break
print('registered %d' % count)
print('differ %d' % len(differ))
for d in differ:
    print('  ' + d)
