#!/usr/bin/env python3
"""bench.py - the driver of `make bench`.

Serves the full IANA registry from four backends and times them through
glibc, side by side, in one run with interleaved rounds:

  iana   libnss_iana.so.2 and the compiled snapshot
  files  nss_files over `nss-iana export --format services`
  db     Debian's libnss-db, built by its own recipe (/var/lib/misc/Makefile)
         from that same exported file
  floor  libnss_floor.so.2 (floor.c): a module that copies one constant entry

The protocols database is timed too, for iana (the same snapshot, compiled
with --protocols), files (over `nss-iana export --format protocols`) and the
floor: lookups by name and by number, hits and misses, and a full walk
(bench-protocols, proto_lookup.c), with its own queries and answers written
from the protocol numbers registry CSV here; and for iana and the floor the
same lookups calling the module's entry points directly.  libnss-db is left out of those
rows (its recipe builds no protocols database here).

Beside the lookup loops: the first lookup of a fresh process, what one
lookup by name or by port leaves resident of the snapshot (from
/proc/self/smaps), `getent services https` as a whole process, and the
aggregate lookups per second of 1, 2 and nproc threads: through libc with
the namespace's nsswitch.conf, as programs run, for iana, files and the
floor (with each backend's N-thread figure against its own one-thread
figure), and calling the module directly for iana and the floor.

Each backend runs in its own `unshare -m` namespace with its own
nsswitch.conf bind-mounted over /etc/nsswitch.conf; the host's /etc is never
written.  The query set and the expected answers come from the registry CSV
itself, by the registry rules written out again here (first match in registry
order, alias rows folded into their target), so no backend is checked
against its own output.  A wrong answer from iana, files or db stops the
bench before any timing.

Statistics: a lookup loop reports, per round, the fastest of five batches
(load from elsewhere only ever adds time); a process-level figure (first
lookup, getent, validate) reports the median of its fresh processes.  The
table shows the median of the rounds.

Usage: bench.py --build DIR --csv CSV --protocols-csv CSV [--rounds N] [--min-ms MS]
                [--firsts N] [--spawns N] [--out FILE]
"""

import argparse
import csv
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

BACKENDS = ("iana", "files", "db", "floor")
VERIFIED = ("iana", "files", "db")  # the floor answers one constant entry
LIBNSS_DB_MAKEFILE = "/var/lib/misc/Makefile"
ALIAS_NOTE = re.compile(r'This entry is an alias to "([^"]+)"'
                        r'|This is a duplicate of the "([^"]+)" service')
RSS_LOOKUPS = 10000
MIB = 1024 * 1024
# Aggregate throughput is measured with these many threads at once.
THREADS = sorted({1, 2, os.cpu_count() or 1})
THREADED = ("iana", "files", "floor")  # through libc, beside the floor
DIRECT_THREADED = ("iana", "floor")     # the module called directly
THREAD_MS_FACTOR = 5
PROTO_TIMED = ("iana", "files", "floor")
PROTO_VERIFIED = ("iana", "files")


def fail(message):
    print("bench: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


# ---- the registry, read independently of the code under test ---------------

class Entry:
    def __init__(self, name, first, last, proto):
        self.name, self.first, self.last, self.proto = name, first, last, proto
        self.aliases = []


def parse_port(text):
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def load_registry(path):
    """Entries in registry order: serving rows, alias rows folded in."""
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["Service Name"]
            port, proto = row["Port Number"], row["Transport Protocol"]
            if not (name and port and proto):
                continue
            if re.search(r"[\s#\x00-\x1f]", name):
                continue  # cannot be a services(5) token: not served
            match = ALIAS_NOTE.search(row["Assignment Notes"])
            target = (match.group(1) or match.group(2)) if match else None
            rows.append((name, parse_port(port), proto, target))
    entries, entry_of_row = [], {}
    for index, (name, ports, proto, target) in enumerate(rows):
        if target is None:
            entry_of_row[index] = Entry(name, ports[0], ports[1], proto)
    for index, (name, ports, proto, target) in enumerate(rows):
        if target is None:
            continue
        host = find_alias_target(rows, entry_of_row, target, ports, proto)
        if host is not None:
            host.aliases.append(name)
        else:  # unresolved: served as an entry of its own
            entry_of_row[index] = Entry(name, ports[0], ports[1], proto)
    for index in sorted(entry_of_row):
        entries.append(entry_of_row[index])
    return entries


def find_alias_target(rows, entry_of_row, target, ports, proto):
    for exact in (True, False):
        for index, (name, rports, rproto, rtarget) in enumerate(rows):
            if rtarget is not None or rports != ports or rproto != proto:
                continue
            if name == target if exact else name.lower() == target.lower():
                return entry_of_row[index]
    return None


# ---- the query set ----------------------------------------------------------

def by_name(entries, name, proto):
    for e in entries:
        if (e.name == name or name in e.aliases) and proto in (None, e.proto):
            return e
    return None


def by_port(entries, port, proto):
    for e in entries:
        if e.first <= port <= e.last and proto in (None, e.proto):
            return e
    return None


def spread(items, count):
    """`count` items evenly spread from first to last, deterministically."""
    if len(items) <= count:
        return list(items)
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def db_safe(entry):
    # libnss-db's recipe splits lines on '/', so its index cannot hold a
    # name like "914c/g"; such names are left out of the query set.
    return entry is not None and "/" not in entry.name and \
        not any("/" in a for a in entry.aliases)


def expect(entry, port=None):
    if entry is None:
        return "-"
    return "\t".join((entry.name, str(entry.first if port is None else port),
                      entry.proto, ",".join(entry.aliases)))


def build_queries(entries):
    lines = []

    def name_query(name, proto):
        found = by_name(entries, name, proto)
        if found is None or db_safe(found):
            lines.append("N\t%s\t%s\t%s" % (name, proto or "-", expect(found)))

    def port_query(port, proto):
        found = by_port(entries, port, proto)
        if found is None or db_safe(found):
            lines.append("P\t%d\t%s\t%s" % (port, proto or "-", expect(found, port)))

    usable = [e for e in entries if db_safe(e)]
    for i, e in enumerate(spread(usable, 64)):  # early, middle, late rows
        name_query(e.name, e.proto)
        port_query(e.first, e.proto)
        if i % 2:
            name_query(e.name, None)
            port_query(e.first, None)
    with_aliases = [e for e in usable if e.aliases]
    for i, e in enumerate(spread(with_aliases, 12)):
        name_query(e.aliases[i % len(e.aliases)], e.proto if i % 2 else None)
    for e in usable:  # every port range, by a port inside it
        if e.last > e.first:
            port_query((e.first + e.last) // 2, e.proto)
            name_query(e.name, e.proto)
    names = {e.name.lower() for e in entries} | \
        {a.lower() for e in entries for a in e.aliases}
    for i in range(24):
        name = "nosuch-svc-%02d" % i
        assert name not in names
        name_query(name, ("tcp", "udp", None)[i % 3])
    for e in spread([e for e in usable if e.proto == "tcp"], 8):
        if by_name(entries, e.name, "dccp") is None:
            name_query(e.name, "dccp")  # a known name, another protocol
    misses = 0
    for i in range(4096):
        port = (1009 + i * 7919) % 65536
        proto = ("tcp", "udp", None)[i % 3]
        if by_port(entries, port, proto) is None:
            port_query(port, proto)
            misses += 1
            if misses == 32:
                break
    for e in spread([e for e in usable if e.proto == "tcp"], 24):
        first_tcp = by_name(entries, e.name, "tcp")
        if first_tcp is e:
            lines.append("G\t%s\t-\t%d" % (e.name, e.first))
    return lines


# ---- the protocol numbers registry, read independently -------------------

def protocol_entries(path):
    """(name, number) in registry order, by the naming rule of compiler/proto_registry.h:
    " (deprecated)" dropped, spaces to '-', the name lower-cased; ranges and
    rows without a keyword skipped."""
    entries = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            keyword, number = row["Keyword"], row["Decimal"]
            if not keyword or "-" in number:
                continue
            if keyword.endswith(" (deprecated)"):
                keyword = keyword[:-len(" (deprecated)")]
            entries.append((keyword.replace(" ", "-").lower(), int(number)))
    return entries


def protocol_queries(entries):
    first_of = {}
    for name, number in entries:
        first_of.setdefault(number, name)
    lines = []
    for name, number in entries:
        lines.append("N\t%s\t%s\t%d" % (name, name, number))
    for number, name in sorted(first_of.items()):
        lines.append("U\t%d\t%s\t%d" % (number, name, number))
    for i in range(64):
        lines.append("N\tzz-no-such-protocol-%d\t-\t-" % i)
    for number in range(300, 364):
        lines.append("U\t%d\t-\t-" % number)
    return lines


# ---- running things -------------------------------------------------------

class Setup:
    def __init__(self, args):
        self.build = os.path.abspath(args.build)
        self.csv = os.path.abspath(args.csv)
        self.run = os.path.join(self.build, "bench-run")
        self.tool = os.path.join(self.build, "nss-iana")
        self.lookup = os.path.join(self.build, "bench", "bench-lookup")
        self.libdir = os.path.join(self.build, "bench", "lib")
        self.snapshot = os.path.join(self.run, "services.snapshot")
        self.etc = os.path.join(self.run, "etc")
        self.exported = os.path.join(self.etc, "services")
        self.dbdir = os.path.join(self.run, "db")
        self.queries = os.path.join(self.run, "queries.tsv")
        self.protocols_csv = os.path.abspath(args.protocols_csv)
        self.protocols = os.path.join(self.etc, "protocols")
        self.proto_queries = os.path.join(self.run, "protocol-queries.tsv")
        self.proto_lookup = os.path.join(self.build, "bench", "bench-protocols")
        self.proto_entries = 0
        self.entries = 0  # what a full walk returns, once known


def timed(argv, **kwargs):
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def build_libnss_db(setup, out_dir):
    """libnss-db's own recipe, pointed at our export instead of /etc."""
    os.makedirs(out_dir, exist_ok=True)
    target = os.path.join(out_dir, "services.db")
    if os.path.exists(target):
        os.unlink(target)
    return timed(["make", "-s", "-f", LIBNSS_DB_MAKEFILE, "ETC=" + setup.etc,
                  "VAR_DB=" + out_dir, "DBS=services"])


def prepare(setup, entries):
    shutil.rmtree(setup.run, ignore_errors=True)
    os.makedirs(setup.etc)
    for tool in (setup.tool, setup.lookup, setup.proto_lookup):
        if not os.access(tool, os.X_OK):
            fail("%s is not built" % tool)
    if not os.path.exists(LIBNSS_DB_MAKEFILE):
        fail("libnss-db is not installed (apt-get install libnss-db)")
    subprocess.run([setup.tool, "compile", "--protocols", setup.protocols_csv,
                    setup.csv, "-o", setup.snapshot],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([setup.tool, "export", "--format", "protocols", "--db",
                    setup.snapshot, "-o", setup.protocols], check=True)
    protocols = protocol_entries(setup.protocols_csv)
    setup.proto_entries = len(protocols)
    with open(setup.proto_queries, "w") as handle:
        handle.write("\n".join(protocol_queries(protocols)) + "\n")
    subprocess.run([setup.tool, "export", "--format", "services", "--db",
                    setup.snapshot, "-o", setup.exported], check=True)
    build_libnss_db(setup, setup.dbdir)
    for backend in BACKENDS:
        with open(os.path.join(setup.run, "nsswitch." + backend), "w") as conf:
            conf.write("services: %s\nprotocols: %s\n" % (backend, backend))
    with open(setup.queries, "w") as handle:
        handle.write("\n".join(build_queries(entries)) + "\n")
    with open(setup.exported) as handle:
        lines = [l for l in handle if l.strip() and not l.lstrip().startswith("#")]
    want = sum(e.last - e.first + 1 for e in entries)
    if len(lines) != want:
        fail("the export has %d entries, the registry serves %d" % (len(lines), want))
    return want


def in_namespace(setup, backend, commands):
    """Runs shell commands with `backend` as the only services source."""
    script = "\n".join([
        "set -e",
        # A host nscd would answer for every backend alike: hide its socket.
        "if [ -d /run/nscd ]; then mount -t tmpfs tmpfs /run/nscd; fi",
        "mount --bind %s/nsswitch.%s /etc/nsswitch.conf" % (setup.run, backend),
        "mount --bind %s /etc/services" % setup.exported,
        "mount --bind %s /etc/protocols" % setup.protocols,
        "mount --bind %s /var/lib/misc" % setup.dbdir,
        "export LD_LIBRARY_PATH=%s NSS_IANA_DB=%s NSS_FLOOR_WALK=%d NSS_FLOOR_PROTO_WALK=%d" % (
            setup.libdir, setup.snapshot, setup.entries, setup.proto_entries),
        "L=%s" % setup.lookup,
        "P=%s" % setup.proto_lookup,
    ] + commands)
    # Raised priority: on a shared machine, other work then delays the
    # measurement less (it is measured in turns, never against itself).
    done = subprocess.run(["nice", "-n", "-10", "unshare", "-m", "sh", "-c", script],
                          capture_output=True, text=True)
    if done.returncode != 0:
        fail("%s: %s%s" % (backend, done.stdout, done.stderr))
    values = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        values.setdefault(key, []).append(float(value.split()[0]))
    return values


def verify(setup, want_entries):
    for backend in BACKENDS:
        commands = ["$L walk 0"]
        if backend in VERIFIED:
            commands.append("$L verify %s" % setup.queries)
        if backend in PROTO_TIMED:
            commands.append("$P walk 0")
        if backend in PROTO_VERIFIED:
            commands.append("$P verify %s" % setup.proto_queries)
        values = in_namespace(setup, backend, commands)
        got = int(values["walk.entries"][0])
        if got != want_entries:
            fail("%s walks %d entries, the registry serves %d" %
                 (backend, got, want_entries))
        if backend in PROTO_TIMED:
            got = int(values["proto.walk.entries"][0])
            if got != setup.proto_entries:
                fail("%s walks %d protocols, the registry names %d" %
                     (backend, got, setup.proto_entries))
    in_namespace(setup, "iana", ["$L direct %s/libnss_iana.so.2 iana %s 1"
                                 % (setup.libdir, setup.queries)])
    with open(setup.queries) as handle:
        return sum(1 for _ in handle)


def round_commands(setup, backend, args):
    commands = ["$L time %s %s" % (setup.queries, args.min_ms),
                "$L walk %s" % args.min_ms]
    commands.append("i=0; while [ $i -lt %d ]; do $L first https tcp; i=$((i+1)); done"
                    % args.firsts)
    commands.append("$L spawn %d getent services https" % args.spawns)
    if backend == "iana":
        commands.append("i=0; while [ $i -lt %d ]; do $L validate %s; i=$((i+1)); done"
                        % (args.firsts, setup.snapshot))
        # what one lookup leaves resident of the snapshot, in fresh processes
        commands.append("$L resident name https tcp")
        commands.append("$L resident port 443 tcp")
        commands.append("$L resident name https tcp cold")
        commands.append("$L resident port 443 tcp cold")
    if backend in THREADED:
        # Longer batches than the lookup loops': a thread count's figure is
        # one batch of all its threads, and a short batch is easily spoiled
        # for one of them by whatever else the host runs.
        thread_ms = args.min_ms * THREAD_MS_FACTOR
        for count in THREADS:
            commands.append("$L threads %d %s %s libc" % (
                count, setup.queries, thread_ms))
            if backend in DIRECT_THREADED:
                commands.append("$L threads %d %s %s direct %s/libnss_%s.so.2 %s" % (
                    count, setup.queries, thread_ms, setup.libdir, backend, backend))
    if backend in PROTO_TIMED:
        commands.append("$P time %s %s" % (setup.proto_queries, args.min_ms))
        commands.append("$P walk %s" % args.min_ms)
    if backend in ("iana", "floor"):
        commands.append("$L direct %s/libnss_%s.so.2 %s %s %s%s" % (
            setup.libdir, backend, backend, setup.queries, args.min_ms,
            " noverify" if backend == "floor" else ""))
        commands.append("$P direct %s/libnss_%s.so.2 %s %s %s%s" % (
            setup.libdir, backend, backend, setup.proto_queries, args.min_ms,
            " noverify" if backend == "floor" else ""))
    return commands


def run_rounds(setup, args):
    samples = {b: {} for b in BACKENDS}
    builds = {"compile": [], "makedb": []}
    for r in range(args.rounds):
        order = BACKENDS[r % len(BACKENDS):] + BACKENDS[:r % len(BACKENDS)]
        for backend in order:
            values = in_namespace(setup, backend, round_commands(setup, backend, args))
            for key, got in values.items():
                # a round contributes one value per metric; for the many
                # fresh processes of `first`, their median
                samples[backend].setdefault(key, []).append(statistics.median(got))
        builds["compile"].append(timed(
            [setup.tool, "compile", setup.csv, "-o",
             os.path.join(setup.run, "compile-check.snapshot")]))
        builds["makedb"].append(build_libnss_db(setup, os.path.join(setup.run, "db-check")))
        print("round %d/%d done" % (r + 1, args.rounds), file=sys.stderr)
    for backend in BACKENDS:
        values = in_namespace(setup, backend, ["$L rss %s %d" % (setup.queries, RSS_LOOKUPS)])
        samples[backend]["rss"] = values["rss"]
    return samples, builds


# ---- the report -------------------------------------------------------------

ROWS = [  # key, label, unit, divisor from the raw figure
    ("byname.hit", "getservbyname_r, hit", "ns", 1),
    ("byname.miss", "getservbyname_r, miss", "ns", 1),
    ("byport.hit", "getservbyport_r, hit", "ns", 1),
    ("byport.miss", "getservbyport_r, miss", "ns", 1),
    ("getaddrinfo", "getaddrinfo(NULL, name), no hints", "ns", 1),
    ("walk", "full getservent walk", "µs", 1000),
    ("first", "first lookup in a fresh process", "µs", 1000),
    ("first.faults", "… page faults it takes", "count", 1),
    ("map", "… of which: map the snapshot (stat, open, fstat, mmap, close)", "µs", 1000),
    ("validate", "… of which: parse the snapshot (constant work)", "µs", 1000),
    ("validate.faults", "… page faults the parse takes", "count", 1),
    ("spawn", "`getent services https` process", "µs", 1000),
    ("rss", "peak RSS after 10,000 lookups", "KiB", 1),
    ("proto.byname.hit", "getprotobyname_r, hit", "ns", 1),
    ("proto.byname.miss", "getprotobyname_r, miss", "ns", 1),
    ("proto.bynumber.hit", "getprotobynumber_r, hit", "ns", 1),
    ("proto.bynumber.miss", "getprotobynumber_r, miss", "ns", 1),
    ("proto.walk", "full getprotoent walk", "µs", 1000),
    ("direct.byname.hit", "module called directly: by name, hit", "ns", 1),
    ("direct.byname.miss", "module called directly: by name, miss", "ns", 1),
    ("direct.byport.hit", "module called directly: by port, hit", "ns", 1),
    ("direct.byport.miss", "module called directly: by port, miss", "ns", 1),
    ("proto.direct.byname.hit", "protocols module called directly: by name, hit", "ns", 1),
    ("proto.direct.byname.miss", "protocols module called directly: by name, miss", "ns", 1),
    ("proto.direct.bynumber.hit", "protocols module called directly: by number, hit", "ns", 1),
    ("proto.direct.bynumber.miss", "protocols module called directly: by number, miss", "ns", 1),
    ("resident.byname", "snapshot resident after one lookup by name", "KiB", 1),
    ("resident.byport", "snapshot resident after one lookup by port", "KiB", 1),
    ("resident.byname.cold", "… by name, the file's page cache dropped first", "KiB", 1),
    ("resident.byport.cold", "… by port, the file's page cache dropped first", "KiB", 1),
] + [
    ("threads.%s.%d" % (way, count),
     "hits per second, %d thread%s%s, %s" % (
         count, "s" if count > 1 else "",
         " (nproc)" if count == os.cpu_count() and count > 1 else "",
         "through libc and nsswitch.conf" if way == "libc"
         else "module called directly"),
     "k/s", 1e3)
    for way in ("libc", "direct") for count in THREADS
] + [
    ("threads.%s.%d/1" % (way, count),
     "… %d threads against 1 thread, %s" % (
         count, "through libc" if way == "libc" else "directly"),
     "ratio", 1)
    for way in ("libc", "direct") for count in THREADS if count > 1
]


def median_of(samples, backend, key):
    if key.endswith("/1"):  # a thread count's figure against one thread's
        many = median_of(samples, backend, key[:-2])
        one = median_of(samples, backend, key[:key.rindex(".")] + ".1")
        return many / one if many and one else None
    got = samples[backend].get(key)
    return statistics.median(got) if got else None


def number(value):
    if value is None:
        return "–"
    if value >= 100:
        return "{:,.0f}".format(value)
    return "{:.1f}".format(value) if value >= 10 else "{:.2f}".format(value)


def ratio(a, b):
    return "–" if a is None or b is None or b == 0 else "{}×".format(number(a / b))


def results_table(samples):
    out = ["| measurement | unit | iana | files | db | floor | iana/floor | files/iana | db/iana |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, label, unit, divisor in ROWS:
        m = {b: median_of(samples, b, key) for b in BACKENDS}
        m = {b: (v / divisor if v is not None else None) for b, v in m.items()}
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, unit, *(number(m[b]) for b in BACKENDS),
            ratio(m["iana"], m["floor"]), ratio(m["files"], m["iana"]),
            ratio(m["db"], m["iana"])))
    return out


def targets(samples, builds, sizes):
    def med(backend, key):
        return median_of(samples, backend, key)

    result = []

    def target(label, ok, detail):
        result.append((label, ok, detail))

    for key, label, _, _ in ROWS[:4]:
        iana, floor = med("iana", key), med("floor", key)
        target("libc %s: iana <= 1.15x floor" % label.replace(",", ""),
               iana <= 1.15 * floor,
            "%.0f ns vs %.0f ns = %.2fx" % (iana, floor, iana / floor))
    for key, label in (("proto.byname.hit", "getprotobyname_r hit"),
                       ("proto.byname.miss", "getprotobyname_r miss"),
                       ("proto.bynumber.hit", "getprotobynumber_r hit"),
                       ("proto.bynumber.miss", "getprotobynumber_r miss")):
        iana, floor = med("iana", key), med("floor", key)
        target("libc %s: iana <= 1.15x floor" % label, iana <= 1.15 * floor,
               "%.0f ns vs %.0f ns = %.2fx (files %.0f ns)" % (
                   iana, floor, iana / floor, med("files", key)))
    for key in ("direct.byname.hit", "direct.byport.hit"):
        value = med("iana", key)
        target("direct %s <= 100 ns" % key[7:], value <= 100, "%.1f ns" % value)
    walk_iana, walk_files = med("iana", "walk"), med("files", "walk")
    target("walk: iana <= 0.5x files", walk_iana <= 0.5 * walk_files,
           "%.0f µs vs %.0f µs = %.2fx" % (walk_iana / 1000, walk_files / 1000,
                                           walk_iana / walk_files))
    first_iana, first_floor = med("iana", "first"), med("floor", "first")
    faults_iana, faults_floor = med("iana", "first.faults"), med("floor", "first.faults")
    parse_faults = med("iana", "validate.faults")
    per_fault = med("iana", "validate") / parse_faults if parse_faults else None
    target("first lookup: iana within 20 µs of floor", first_iana <= first_floor + 20000,
           "%.1f µs vs %.1f µs (+%.1f µs); %s page faults vs %s, %s µs each here; "
           "mapping a file costs %.1f µs here" % (
               first_iana / 1000, first_floor / 1000, (first_iana - first_floor) / 1000,
               number(faults_iana), number(faults_floor),
               number(per_fault / 1000) if per_fault else "–",
               med("iana", "map") / 1000))
    for key in ("resident.byname", "resident.byport"):
        value, cold = med("iana", key), med("iana", key + ".cold")
        target("%s after one lookup <= 64 KiB" % key.replace(".", " "),
               value is not None and value <= 64,
               "%s KiB (%s KiB with the page cache dropped first)" % (
                   number(value), number(cold)))
    for way in ("direct", "libc"):
        one, two = med("iana", "threads.%s.1" % way), med("iana", "threads.%s.2" % way)
        floor_scale = med("floor", "threads.%s.2/1" % way)
        files_scale = med("files", "threads.%s.2/1" % way)
        target("%s: 2 threads >= 1.8x one thread" % way, two >= 1.8 * one,
               "iana %.2fx (%.1f vs %.1f M/s); floor %.2fx%s%s" % (
                   two / one, two / 1e6, one / 1e6, floor_scale,
                   "" if floor_scale >= 1.8 else
                   " (the floor module misses it too: the limit is outside the module)",
                   "; files %.2fx" % files_scale if files_scale else ""))
    spawn_iana, spawn_floor = med("iana", "spawn"), med("floor", "spawn")
    spawn_files = med("files", "spawn")
    target("getent process: iana <= 1.03x floor", spawn_iana <= 1.03 * spawn_floor,
           "%.0f µs vs %.0f µs = %.3fx (files %.0f µs = %.3fx)" % (
               spawn_iana / 1000, spawn_floor / 1000, spawn_iana / spawn_floor,
               spawn_files / 1000, spawn_files / spawn_floor))
    target("snapshot <= 1 MiB", sizes["snapshot"] <= MIB,
           "{:,} bytes".format(sizes["snapshot"]))
    rss_iana, rss_floor = med("iana", "rss"), med("floor", "rss")
    target("peak RSS: iana <= floor + 1.5 MiB", rss_iana <= rss_floor + 1536,
           "%d KiB vs %d KiB (+%d KiB)" % (rss_iana, rss_floor, rss_iana - rss_floor))
    compile_s = statistics.median(builds["compile"])
    target("compile the registry < 100 ms", compile_s < 0.1,
           "%.0f ms (libnss-db's build: %.0f ms)" % (
               compile_s * 1000, statistics.median(builds["makedb"]) * 1000))
    return result


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    glibc = " ".join(platform.libc_ver())
    return "%s, %d CPUs, Linux %s, %s" % (model, os.cpu_count(), platform.release(), glibc)


def report(setup, args, samples, builds, counts):
    sizes = {"snapshot": os.path.getsize(setup.snapshot),
             "db": os.path.getsize(os.path.join(setup.dbdir, "services.db")),
             "csv": os.path.getsize(setup.csv),
             "export": os.path.getsize(setup.exported)}
    checks = targets(samples, builds, sizes)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["### Latest results", "",
             "%s on %s; load average %s at the start, %s at the end." % (
                 now, machine(), "%.1f" % args.load_start, "%.1f" % os.getloadavg()[0]),
             "Median of %d interleaved rounds (lookup loops: fastest of 5 batches "
             "per round); %d queries verified against the registry on iana, "
             "files and db before timing; a walk returns %d entries." % (
                 args.rounds, counts["queries"], counts["entries"]), ""]
    lines += results_table(samples)
    lines += ["", "| build and size | iana | db | CSV | exported services |",
              "| --- | ---: | ---: | ---: | ---: |",
              "| build from the registry (ms) | %s | %s | | |" % (
                  number(statistics.median(builds["compile"]) * 1000),
                  number(statistics.median(builds["makedb"]) * 1000)),
              "| file size (bytes) | {:,} | {:,} | {:,} | {:,} |".format(
                  sizes["snapshot"], sizes["db"], sizes["csv"], sizes["export"]),
              "", "| target | result | figures |", "| --- | --- | --- |"]
    for label, ok, detail in checks:
        lines.append("| %s | %s | %s |" % (label, "PASS" if ok else "MISS", detail))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(args.out, "w") as handle:
        handle.write(text)
    print("written to %s" % args.out, file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--protocols-csv", required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--min-ms", type=float, default=40)
    parser.add_argument("--firsts", type=int, default=31)
    parser.add_argument("--spawns", type=int, default=31)
    parser.add_argument("--out")
    args = parser.parse_args()
    if os.geteuid() != 0:
        fail("run as root: each backend runs in its own mount namespace")
    setup = Setup(args)
    args.out = args.out or os.path.join(setup.build, "bench.md")
    args.load_start = os.getloadavg()[0]
    entries = load_registry(setup.csv)
    want_entries = setup.entries = prepare(setup, entries)
    queries = verify(setup, want_entries)
    print("verified %d queries on %s; timing %d rounds" % (
        queries, ", ".join(VERIFIED), args.rounds), file=sys.stderr)
    samples, builds = run_rounds(setup, args)
    report(setup, args, samples, builds, {"queries": queries, "entries": want_entries})


if __name__ == "__main__":
    main()
