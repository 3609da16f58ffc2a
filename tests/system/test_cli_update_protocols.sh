#!/bin/sh
# nss-iana update with the protocol numbers registry, from the local test
# server (tests/lib/update_server.py): both registries go into the one
# snapshot; each download is conditional on its own validators
# (DB.download, DB.protocols.download); when only one registry changed,
# the other is fetched whole; the installed snapshot's protocols(5)
# preference file is kept; a failed protocols download leaves the
# installed snapshot untouched; --no-protocols drops the database.
set -u
. tests/lib/lib.sh
use_tool
. tests/lib/update_lib.sh

cp "$FIX/cli_small.csv" "$W/www/services.csv"
cp "$FIX/protocols_small.csv" "$W/www/protocols.csv"
start_update_server
URL=$URL/files
PREF=$FIX/protocols_prefer.protocols

"$TOOL" compile "$FIX/cli_small.csv" -o "$W/installed.db" >/dev/null || fatal "compile"

# ---- first: a snapshot without protocols gets them ---------------------------
update_with no --db "$W/installed.db" --url "$URL/services.csv" \
	--protocols-url "$URL/protocols.csv" --prefer-protocols "$PREF"
expect_status 0 "update adding the protocols database"
expect_out "and the protocols database: 27 entries" "update says what it installed"
expect_out "protocols: 27 added, 0 removed, 0 changed" "update prints the protocols diff"
run export --db "$W/installed.db" --format protocols
tail -n +3 "$W/out" >"$W/export"
expect_same "$W/export" "$FIX/protocols_small.export" "the installed protocols database"
run verify "$W/installed.db"
expect_status 0 "the installed snapshot verifies"
[ -s "$W/installed.db.protocols.download" ] && pass ||
	fail "no $W/installed.db.protocols.download"
no_leftovers "first update"

# ---- nothing changed: two 304s, the preference kept --------------------------
cp "$W/installed.db" "$W/before.db"
update_with no --db "$W/installed.db" --url "$URL/services.csv" --protocols-url "$URL/protocols.csv"
expect_status 0 "update with nothing new"
expect_out "is up to date" "nothing new: up to date"
expect_out "protocols from $PREF answer first, as in the installed snapshot" "the preference file is kept"
expect_equal "$(request_line /files/protocols.csv 2 | cut -d' ' -f3,4)" "304 0" "the protocols request was conditional"
expect_equal "$(request_line /files/services.csv 2 | cut -d' ' -f3,4)" "304 0" "the services request was conditional"
expect_same "$W/installed.db" "$W/before.db" "nothing new: the snapshot is untouched"

# ---- only the protocols changed: the services registry is fetched whole -----
printf '253,EXP1,Use for experimentation and testing,Y,[RFC3692]\n' >>"$W/www/protocols.csv"
touch -d '+1 minute' "$W/www/protocols.csv"
update_with no --db "$W/installed.db" --url "$URL/services.csv" --protocols-url "$URL/protocols.csv"
expect_status 0 "update after the protocols changed"
expect_out "fetching the services registry whole" "update says it fetches the services again"
expect_out "added protocol exp1 253" "the protocols diff shows the new row"
expect_equal "$(request_line /files/services.csv 4 | cut -d' ' -f3,5)" "200 -" \
	"the services registry was fetched unconditionally"
run show --db "$W/installed.db" --protocol 253
expect_out "name: exp1" "the new protocol is installed"
run show --db "$W/installed.db" --protocol ip
expect_out "from: $PREF" "the preference file still answers first"

# ---- only the services changed: the protocols are fetched whole -------------
cp "$FIX/cli_small_v2.csv" "$W/www/services.csv"
touch -d '+2 minutes' "$W/www/services.csv"
update_with no --db "$W/installed.db" --url "$URL/services.csv" --protocols-url "$URL/protocols.csv"
expect_status 0 "update after the services changed"
expect_out "fetching the protocol numbers registry whole" "update says it fetches the protocols again"
run show --db "$W/installed.db" --protocol 253
expect_out "name: exp1" "the protocols database is kept across a services update"

# ---- a failed protocols download leaves the installed snapshot ---------------
cp "$W/installed.db" "$W/before.db"
update_with no --db "$W/installed.db" --url "$URL/services.csv" --protocols-url "$URL/missing.csv"
expect_status 1 "update with a missing protocols registry"
expect_same "$W/installed.db" "$W/before.db" "a failed protocols download changes nothing"
printf 'Decimal,Keyword\n1x,BAD\n' >"$W/www/bad.csv"
update_with no --db "$W/installed.db" --url "$URL/services.csv" --protocols-url "$URL/bad.csv"
expect_status 1 "update with a protocols registry that does not compile"
expect_err "bad protocol number" "the compile error is said"
expect_same "$W/installed.db" "$W/before.db" "a bad protocols registry changes nothing"
no_leftovers "failed updates"

# ---- from files, and dropping the database ----------------------------------
update_with no --db "$W/installed.db" --file "$FIX/cli_small.csv" \
	--protocols-file "$FIX/protocols_small.csv" --no-prefer-protocols
expect_status 0 "update --file --protocols-file"
run stats --db "$W/installed.db"
expect_out "Protocols database  11 entries" "--no-prefer-protocols: the registry alone"
update_with no --db "$W/installed.db" --file "$FIX/cli_small.csv"
expect_status 0 "update --file without a protocols source"
expect_out "no protocols registry given" "update says the database goes"
run stats --db "$W/installed.db"
expect_out "Protocols database  none" "without a source the database goes"
update_with no --db "$W/installed.db" --file "$FIX/cli_small.csv" \
	--protocols-file "$FIX/protocols_small.csv"
update_with no --db "$W/installed.db" --file "$FIX/cli_small.csv" --no-protocols
expect_status 0 "update --no-protocols"
run stats --db "$W/installed.db"
expect_out "Protocols database  none" "--no-protocols drops the database"
# ---- a rebuild (a preference file changed) keeps the protocols database -------
update_with no --db "$W/installed.db" --file "$FIX/cli_small.csv" \
	--protocols-file "$FIX/protocols_small.csv" --prefer-protocols "$PREF"
expect_status 0 "update --file --protocols-file --prefer-protocols"
expect_same "$W/installed.db.protocols.registry" "$FIX/protocols_small.csv" \
	"the protocols registry is kept beside the snapshot"
update_with no --db "$W/installed.db" --rebuild
expect_status 0 "update --rebuild"
run stats --db "$W/installed.db"
expect_out "Protocols database  27 entries" "a rebuild keeps the protocols database"
run show --db "$W/installed.db" --protocol ip
expect_out "from: $PREF" "a rebuild keeps the protocols preference file"
finish
