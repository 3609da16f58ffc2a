#!/usr/bin/env python3
"""An independent reading of the IANA registry CSV, for the nss-iana tests.

It shares no code with the C compiler: Python's csv module parses, and the
registry rules are written again from their specification (registry.h):

  * a row serves if it has a name, a port (N or N-M) and a protocol, and
    the name has no white space, control byte or '#';
  * skipped rows are counted by the first thing missing: name, port,
    protocol, then a bad name;
  * a serving row whose Assignment Notes say 'This entry is an alias to
    "X"' or 'This is a duplicate of the "X" service' is an alias of the
    first non-alias serving row named X (exactly, else ignoring ASCII case)
    on the same ports and protocol; without one it is served on its own.

Usage:
  cli_reference.py stats CSV      one line: key=value counts
  cli_reference.py export CSV     the services(5) lines, no comments
  cli_reference.py diff [--exact] OLD NEW
                                  the added/removed/changed lines and counts;
                                  without --exact (the tool's rule), metadata equal word for
                                  word (white space runs aside) are the same
"""
import csv
import re
import sys

META_COLUMNS = [
    ("Description",),
    ("Assignee",),
    ("Contact",),
    ("Registration Date",),
    ("Modification Date",),
    ("Reference",),
    ("Service Code",),
    ("Unauthorized Use Reported", "Known Unauthorized Uses"),
    ("Assignment Notes",),
]
META_KEYS = ["description", "assignee", "contact", "registration_date",
             "modification_date", "reference", "service_code",
             "unauthorized_use", "notes"]
ALIAS_PATTERNS = [
    re.compile(r'This\s+entry\s+is\s+an\s+alias\s+to\s+"([^"]*)"'),
    re.compile(r'This\s+is\s+a\s+duplicate\s+of\s+the\s+"([^"]*)"'),
]


def ascii_fold(text):
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def bad_name(name):
    return any(ord(c) <= 32 or ord(c) == 127 or c == "#" for c in name)


def alias_target(notes):
    for pattern in ALIAS_PATTERNS:
        match = pattern.search(notes)
        if match:
            return match.group(1)
    return None


def load(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        records = list(csv.reader(handle))
    header, data = records[0], records[1:]
    column = {name: i for i, name in enumerate(header)}

    def meta_index(names):
        for name in names:
            if name in column:
                return column[name]
        return None

    meta_columns = [meta_index(names) for names in META_COLUMNS]
    stats = dict(rows=len(data), no_name=0, no_port=0, no_proto=0,
                 bad_name=0, ranges=0)
    rows = []
    for record in data:
        name = record[column["Service Name"]]
        port = record[column["Port Number"]]
        proto = record[column["Transport Protocol"]]
        if not name:
            stats["no_name"] += 1
        elif not port:
            stats["no_port"] += 1
        elif not proto:
            stats["no_proto"] += 1
        elif bad_name(name):
            stats["bad_name"] += 1
        else:
            first, _, last = port.partition("-")
            first, last = int(first), int(last or first)
            meta = tuple(record[i] if i is not None else ""
                         for i in meta_columns)
            if last != first:
                stats["ranges"] += 1
            rows.append(dict(name=name, proto=proto, first=first, last=last,
                             meta=meta, target=alias_target(meta[8]),
                             aliases=[]))
    return stats, resolve(rows, stats)


def resolve(rows, stats):
    """Attaches alias rows to their targets; returns the served entries."""
    stats["aliases"] = stats["unresolved"] = 0
    candidates = [r for r in rows if r["target"] is None]
    by_service = {}
    for row in candidates:
        by_service.setdefault((row["first"], row["last"], row["proto"]),
                              []).append(row)
    entries_set = set()
    for row in rows:
        if row["target"] is None:
            entries_set.add(id(row))
            continue
        same = by_service.get((row["first"], row["last"], row["proto"]), [])
        target = next((r for r in same if r["name"] == row["target"]), None)
        if target is None:
            folded = ascii_fold(row["target"])
            target = next((r for r in same
                           if ascii_fold(r["name"]) == folded), None)
        if target is None:
            stats["unresolved"] += 1
            entries_set.add(id(row))
        else:
            stats["aliases"] += 1
            target["aliases"].append(row)
    entries = [r for r in rows if id(r) in entries_set]
    stats["entries"] = len(entries)
    stats["lines"] = sum(r["last"] - r["first"] + 1 for r in entries)
    return entries


def ports(entry):
    if entry["first"] == entry["last"]:
        return str(entry["first"])
    return "%d-%d" % (entry["first"], entry["last"])


def command_stats(path):
    stats, _ = load(path)
    print(" ".join("%s=%d" % item for item in sorted(stats.items())))


def command_export(path):
    _, entries = load(path)
    out = sys.stdout
    for entry in entries:
        aliases = " ".join(a["name"] for a in entry["aliases"])
        for port in range(entry["first"], entry["last"] + 1):
            line = "%s\t%d/%s" % (entry["name"], port, entry["proto"])
            out.write(line + ("\t" + aliases if aliases else "") + "\n")


def keyed(entries):
    table = {}
    for entry in entries:
        key = (entry["name"], entry["proto"], entry["first"], entry["last"])
        table.setdefault(key, []).append(entry)
    return table


ASCII_WHITE_SPACE = re.compile("[ \t\n\r\v\f]+")


def words(text):
    return [w for w in ASCII_WHITE_SPACE.split(text) if w]


def changed_fields(old, new, exact):
    same = (lambda a, b: a == b) if exact else (lambda a, b: words(a) == words(b))

    def same_meta(a, b):
        return all(same(x, y) for x, y in zip(a, b))

    fields = [META_KEYS[i] for i in range(len(META_KEYS))
              if not same(old["meta"][i], new["meta"][i])]
    if len(old["aliases"]) != len(new["aliases"]) or not all(
            a["name"] == b["name"] and same_meta(a["meta"], b["meta"])
            for a, b in zip(old["aliases"], new["aliases"])):
        fields.append("aliases")
    return fields


def command_diff(old_path, new_path, exact):
    _, old_entries = load(old_path)
    _, new_entries = load(new_path)
    old_table, new_table = keyed(old_entries), keyed(new_entries)
    added = removed = changed = reformatted = 0
    for key in sorted(set(old_table) | set(new_table)):
        olds, news = old_table.get(key, []), new_table.get(key, [])
        label = "%s %s/%s" % (key[0], ports(dict(first=key[2], last=key[3])),
                              key[1])
        for old, new in zip(olds, news):
            fields = changed_fields(old, new, exact)
            if fields:
                changed += 1
                print("changed %s: %s" % (label, ", ".join(fields)))
            elif changed_fields(old, new, True):
                reformatted += 1
        for _ in olds[len(news):]:
            removed += 1
            print("removed %s" % label)
        for _ in news[len(olds):]:
            added += 1
            print("added %s" % label)
    if reformatted:
        print("%d more differ only in white space (not listed)"
              % reformatted)
    print("%d added, %d removed, %d changed" % (added, removed, changed))


def main(argv):
    if len(argv) == 3 and argv[1] == "stats":
        command_stats(argv[2])
    elif len(argv) == 3 and argv[1] == "export":
        command_export(argv[2])
    elif len(argv) == 4 and argv[1] == "diff":
        command_diff(argv[2], argv[3], False)
    elif len(argv) == 5 and argv[1:3] == ["diff", "--exact"]:
        command_diff(argv[3], argv[4], True)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
