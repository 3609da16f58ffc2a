#!/bin/sh
# The tool's readers on corrupt snapshots: show, export, stats, verify and
# diff must each answer (exit 0 or 1), never crash, whatever bytes the file
# holds.  Mutations are random but seeded, so a failure reproduces; under
# BUILD=build-asan the sanitizers also catch any read outside the file.
set -u
. tests/lib/lib.sh
use_tool

"$TOOL" compile "$FIX/cli_small.csv" -o "$W/good.db" >/dev/null || fail "compile"

python3 - "$TOOL" "$W/good.db" "$W/mutant.db" <<'PY' || fail "a reader crashed on a corrupt snapshot"
import random, subprocess, sys
tool, good, mutant = sys.argv[1:]
base = open(good, "rb").read()
rng = random.Random(20250407)
commands = [
    ["show", "--db", mutant, "80"],
    ["show", "--db", mutant, "--json", "www"],
    ["export", "--db", mutant],
    ["stats", "--db", mutant],
    ["verify", mutant],
    ["diff", good, mutant],
]
crashes = 0
for round in range(150):
    data = bytearray(base)
    for _ in range(rng.randint(1, 4)):
        # Half the hits go to the header, section table and first records,
        # where a wrong count or offset does the most harm.
        limit = 512 if rng.random() < 0.5 else len(data)
        i = rng.randrange(min(limit, len(data)))
        data[i] = rng.choice([0, 0xff, rng.randrange(256), data[i] ^ 1, data[i] ^ 0x80])
    if rng.random() < 0.1:
        data = data[: rng.randrange(len(data))]
    open(mutant, "wb").write(data)
    for command in commands:
        r = subprocess.run([tool] + command, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        if r.returncode not in (0, 1) or b"Sanitizer" in r.stderr or b"runtime error" in r.stderr:
            crashes += 1
            if crashes <= 5:
                sys.stderr.write("round %d, %s: exit %d\n%s\n" % (
                    round, " ".join(command[:2]), r.returncode,
                    r.stderr[-800:].decode(errors="replace")))
sys.exit(1 if crashes else 0)
PY
pass

# And verify must reject every mutant that changed a byte: the checksum.
cp "$W/good.db" "$W/one.db"
size=$(wc -c <"$W/good.db")
for offset in 0 8 12 16 24 40 64 100 $((size / 2)) $((size - 1)); do
	cp "$W/good.db" "$W/one.db"
	printf '\377' | dd of="$W/one.db" bs=1 seek="$offset" conv=notrunc 2>/dev/null
	if cmp -s "$W/one.db" "$W/good.db"; then continue; fi
	run verify "$W/one.db"
	expect_status 1 "verify with byte $offset changed"
done

finish
