#!/usr/bin/env bash
# The reproducible benchmark: factline against SQLite on the same generated data.
#
#   bash bench/run.sh [N]          # N events, default 1,000,000
#
# Environment:
#   FACTLINE_BIN  the binary to measure (default target/release/factline, built
#                 with `cargo build --release` when missing)
#   BENCH_DIR     the work directory (default: a fresh mktemp directory, removed
#                 at the end; a BENCH_DIR you give is left in place)
#   BENCH_KEEP=1  keep the mktemp work directory
#   RUNS          how many times each step runs (default 3); the median is reported
#   SLED_OPEN_BIN sled alone, opening the database and reading one page
#                 (examples/sled_open.rs; default: beside FACTLINE_BIN in
#                 examples/, or built with `cargo build --release --example
#                 sled_open`): the floor of a small query
#   SLED_LOAD_BIN sled alone, storing the pages the import wrote
#                 (examples/sled_load.rs; found or built as SLED_OPEN_BIN):
#                 sled's share of the import
#
# Every step runs as a fresh process, as a user runs it, with its output written
# to a file (factline) or redirected to one (sqlite3). The caches are warm: the
# data was just written. Both sides must give the same answers (compared after
# the table); the script fails if they do not.
#
# The data comes from bench/gen.py (fixed seed): N events, 20,000 actors with a
# Zipf-like frequency ("Actor 00000" is the busiest), 200 sources. factline
# imports its timeline CSV; SQLite gets the same events already split the way a
# user's script would (an events CSV with earliest/latest day columns, and one
# event_id,actor row per participant): that splitting is not timed.
#
# Needs bash >= 5, python3, sqlite3 and /usr/bin/time (GNU time).

set -euo pipefail

N=${1:-1000000}
RUNS=${RUNS:-3}
ACTORS=20000
SOURCES=200
FROM=2010-06-01
TO=2010-06-30
BUSY="Actor 00000"
HUB="Actor 00001"
PATH_FROM_WANTED="Actor 01234"
PATH_TO_WANTED="Actor 15678"
MAX_HOPS=4

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "bench/run.sh: $*" >&2; exit 2; }
say() { echo "[bench] $*" >&2; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, not '$N'"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash >= 5 (EPOCHREALTIME)"
command -v python3 >/dev/null || die "python3 is required"
command -v sqlite3 >/dev/null || die "sqlite3 is required (apt-get install -y sqlite3)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is required (apt-get install -y time)"

if [[ -n ${FACTLINE_BIN:-} ]]; then
    BIN=$FACTLINE_BIN
    [[ -x $BIN ]] || die "FACTLINE_BIN=$BIN is not an executable"
else
    BIN=$ROOT/target/release/factline
    if [[ ! -x $BIN ]]; then
        say "building $BIN"
        (cd "$ROOT" && cargo build --release) >&2
    fi
fi

# sled alone opening the database and reading one page (examples/sled_open.rs):
# the floor of a small query, timed next to the rare who-met. Looked for beside
# the factline binary (cargo builds examples into target/*/examples).
PROBE=${SLED_OPEN_BIN:-$(dirname "$BIN")/examples/sled_open}
if [[ ! -x $PROBE ]]; then
    PROBE=$ROOT/target/release/examples/sled_open
    say "building $PROBE"
    (cd "$ROOT" && cargo build --release --example sled_open) >&2
fi
# sled alone storing the pages of the imported database (examples/sled_load.rs):
# how much of the import is sled's own writing, timed after each import.
LOADER=${SLED_LOAD_BIN:-$(dirname "$BIN")/examples/sled_load}
if [[ ! -x $LOADER ]]; then
    LOADER=$ROOT/target/release/examples/sled_load
    say "building $LOADER"
    (cd "$ROOT" && cargo build --release --example sled_load) >&2
fi

if [[ -n ${BENCH_DIR:-} ]]; then
    mkdir -p "$BENCH_DIR"
    W=$(cd "$BENCH_DIR" && pwd)
else
    W=$(mktemp -d "${TMPDIR:-/tmp}/factline-bench.XXXXXX")
    if [[ ${BENCH_KEEP:-} == 1 ]]; then
        say "work directory kept: $W"
    else
        trap 'rm -rf "$W"' EXIT
    fi
fi
say "work directory: $W"

FLDB=$W/factline.db
SQDB=$W/bench.sqlite
OUT=$W/out
rm -rf "$OUT" "$W/times" "$W/rss" "$FLDB" "$SQDB" "$SQDB-journal"
mkdir -p "$OUT" "$W/times" "$W/rss"

# ---------------------------------------------------------------------------
# Helpers

# measure KEY OK_CODES CMD...: runs CMD once with stdout to $OUT/KEY.out and
# stderr to $OUT/KEY.err; appends its wall time (s) to times/KEY and its max RSS
# (kB) to rss/KEY. OK_CODES are the accepted exit codes, e.g. "0" or "0 1".
measure() {
    local key=$1 ok=$2 rc=0 t0 t1
    shift 2
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$W/rss.tmp" "$@" >"$OUT/$key.out" 2>"$OUT/$key.err" || rc=$?
    t1=$EPOCHREALTIME
    if [[ " $ok " != *" $rc "* ]]; then
        echo "bench/run.sh: step '$key' failed (exit $rc): $*" >&2
        tail -n 20 "$OUT/$key.err" >&2
        exit 1
    fi
    echo "$rc" >"$OUT/$key.rc"
    awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.6f\n", b - a }' >>"$W/times/$key"
    tail -n 1 "$W/rss.tmp" >>"$W/rss/$key"
}

# median KEY: the median of the times of KEY.
median() {
    sort -g "$W/times/$1" | awk '{ v[NR] = $1 } END {
        if (NR % 2) printf "%.6f\n", v[(NR + 1) / 2]
        else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# peak_mb KEY...: the largest max RSS of all runs of the KEYs, in MB.
peak_mb() {
    local k files=()
    for k in "$@"; do files+=("$W/rss/$k"); done
    cat "${files[@]}" | awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { printf "%.1f\n", m / 1024 }'
}

# The two programs, as commands that /usr/bin/time can run.
FL=("$BIN" --db "$FLDB")
SQ=(sqlite3 "$SQDB")
sq() { "${SQ[@]}" "$@"; }

# The SQL meeting condition, as factline's who-met counts meetings by default.
MEETING="e.kind IN ('meeting','talks') AND e.status IN ('occurred','reported')"

# ---------------------------------------------------------------------------
# 1. Data

say "generating $N events ($ACTORS actors, $SOURCES sources)"
t0=$EPOCHREALTIME
python3 "$ROOT/bench/gen.py" --events "$N" --actors "$ACTORS" --sources "$SOURCES" --format csv \
    --sqlite-events "$W/events.sqlite.csv" --sqlite-actors "$W/event_actors.csv" >"$W/events.csv"
t1=$EPOCHREALTIME
GEN_S=$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.1f", b - a }')

cat >"$W/load.sql" <<EOF
CREATE TABLE events(id TEXT, date TEXT, earliest TEXT, latest TEXT, title TEXT, kind TEXT,
                    status TEXT, place TEXT, actors TEXT, sources TEXT, tags TEXT, description TEXT);
CREATE TABLE event_actors(event_id TEXT, actor TEXT);
.import --csv --skip 1 $W/events.sqlite.csv events
.import --csv --skip 1 $W/event_actors.csv event_actors
EOF
cat >"$W/index.sql" <<'EOF'
CREATE INDEX event_actors_actor ON event_actors(actor);
CREATE INDEX event_actors_event ON event_actors(event_id);
CREATE INDEX events_id ON events(id);
CREATE INDEX events_earliest ON events(earliest);
EOF

# ---------------------------------------------------------------------------
# 2. Import (a fresh database each run)

for ((run = 1; run <= RUNS; run++)); do
    say "import, run $run/$RUNS"
    rm -rf "$FLDB"
    measure fl_import 0 "${FL[@]}" import "$W/events.csv"
    # It times its own writing (its reading of the pages is not timed).
    rm -rf "$W/sled_load.db"
    "$LOADER" "$FLDB" "$W/sled_load.db" | awk '{ print $1 }' >>"$W/times/sled_load" ||
        die "examples/sled_load failed on $FLDB"
    rm -rf "$W/sled_load.db"
    rm -f "$SQDB" "$SQDB-journal"
    measure sq_load 0 "${SQ[@]}" ".read $W/load.sql"
    measure sq_index 0 "${SQ[@]}" ".read $W/index.sql"
done
# The SQLite import is the load plus the indexes, run by run.
paste -d' ' "$W/times/sq_load" "$W/times/sq_index" | awk '{ printf "%.6f\n", $1 + $2 }' >"$W/times/sq_import"

# The actors the queries ask about, chosen once (untimed) from the data.
MEETING_ACTORS="SELECT a.actor FROM event_actors a JOIN events e ON e.id = a.event_id
    JOIN event_actors b ON b.event_id = a.event_id AND b.actor <> a.actor WHERE $MEETING"
# The rare actor: of those who met someone, the one with the fewest events.
RARE=$(sq "WITH met AS (SELECT DISTINCT actor FROM ($MEETING_ACTORS))
    SELECT m.actor FROM met m JOIN event_actors x ON x.actor = m.actor
    GROUP BY m.actor ORDER BY count(*), m.actor LIMIT 1;")
# Path ends: the wanted actors, or (small N) the nearest one below them that met someone.
nearest() {
    sq "SELECT coalesce((SELECT max(actor) FROM ($MEETING_ACTORS) WHERE actor <= '$1'),
                        (SELECT min(actor) FROM ($MEETING_ACTORS)));"
}
PATH_FROM=$(nearest "$PATH_FROM_WANTED")
PATH_TO=$(nearest "$PATH_TO_WANTED")
BUSIEST=$(sq "SELECT actor FROM event_actors GROUP BY actor ORDER BY count(*) DESC, actor LIMIT 1;")
[[ $BUSIEST == "$BUSY" ]] || say "note: the busiest actor is $BUSIEST, not $BUSY"
[[ -n $RARE && -n $PATH_FROM && -n $PATH_TO ]] || die "too few meetings in the data for the queries (N=$N)"
say "rare actor: $RARE; path: $PATH_FROM -> $PATH_TO"

# ---------------------------------------------------------------------------
# 3. Queries

who_met_sql() {
    cat <<EOF
SELECT a.actor AS a, b.actor AS b, e.id AS event, e.date, e.title, e.status
FROM event_actors a
JOIN event_actors b ON b.event_id = a.event_id AND b.actor <> a.actor
JOIN events e ON e.id = a.event_id
WHERE a.actor = '$1' AND $MEETING
ORDER BY e.earliest, e.id, b.actor;
EOF
}

# reach_cte START MAXDEPTH [STOP]: the breadth-first walk of the meeting graph.
reach_cte() {
    local stop=""
    [[ -n ${3:-} ]] && stop="AND r.actor <> '$3'"
    cat <<EOF
WITH RECURSIVE reach(actor, depth) AS (
    SELECT '$1', 0
    UNION
    SELECT b.actor, r.depth + 1
    FROM reach r
    JOIN event_actors a ON a.actor = r.actor
    JOIN events e ON e.id = a.event_id
    JOIN event_actors b ON b.event_id = a.event_id AND b.actor <> a.actor
    WHERE r.depth < $2 $stop AND $MEETING
)
EOF
}

PATH_SQL="$(reach_cte "$PATH_FROM" "$MAX_HOPS" "$PATH_TO")
SELECT min(depth) FROM reach WHERE actor = '$PATH_TO';"
NETWORK_SQL="$(reach_cte "$HUB" 2)
SELECT actor, min(depth) AS distance FROM reach WHERE actor <> '$HUB'
GROUP BY actor ORDER BY distance, actor;"
TIMELINE_SQL="SELECT id, date, earliest, latest, title, kind, status, place, actors, sources, tags, description
FROM events WHERE earliest <= '$TO' AND latest >= '$FROM' ORDER BY earliest;"
EXPORT_SQL="SELECT id, date, title, kind, status, place, actors, sources, tags, description
FROM events ORDER BY earliest;"
OPEN_SQL="SELECT count(*) FROM events WHERE id = 'event-0000001';"

for ((run = 1; run <= RUNS; run++)); do
    say "queries, run $run/$RUNS"
    measure fl_who_busy 0 "${FL[@]}" --format csv who-met "$BUSY"
    measure sq_who_busy 0 "${SQ[@]}" -csv -header "$(who_met_sql "$BUSY")"
    measure fl_who_rare 0 "${FL[@]}" --format csv who-met "$RARE"
    measure sq_who_rare 0 "${SQ[@]}" -csv -header "$(who_met_sql "$RARE")"
    measure sled_open 0 "$PROBE" "$FLDB"
    measure fl_path "0 1" "${FL[@]}" --format csv path "$PATH_FROM" "$PATH_TO" --max-hops "$MAX_HOPS"
    measure sq_path 0 "${SQ[@]}" -csv -noheader "$PATH_SQL"
    measure fl_network 0 "${FL[@]}" --format csv network "$HUB" --hops 2
    measure sq_network 0 "${SQ[@]}" -csv -header "$NETWORK_SQL"
    measure fl_timeline "0 1" "${FL[@]}" --format csv timeline --from "$FROM" --to "$TO"
    measure sq_timeline 0 "${SQ[@]}" -csv -header "$TIMELINE_SQL"
    rm -f "$W/export.factline.csv"
    measure fl_export 0 "${FL[@]}" export --format csv -o "$W/export.factline.csv"
    measure sq_export 0 "${SQ[@]}" -csv -header "$EXPORT_SQL"
    measure fl_open 0 "${FL[@]}" source list --format csv
    measure sq_open 0 "${SQ[@]}" "$OPEN_SQL"
done

FL_SIZE=$(du -sb "$FLDB" | cut -f1)
SQ_SIZE=$(du -sb "$SQDB" | cut -f1)

# ---------------------------------------------------------------------------
# 4. The same answers on both sides

rows() { awk 'NR > 1 && NF' "$1" | wc -l | tr -d ' '; }
# keyed FILE FIELDS: the sorted key fields of a CSV's rows (no header); the keys
# are ids and actor names, which hold no commas (sqlite3 quotes those with spaces).
keyed() { awk 'NR > 1 && NF' "$1" | cut -d, -f"$2" | tr -d '"' | LC_ALL=C sort; }
CHECKS=()
MISMATCH=0
check() { # check STEP FACTLINE SQLITE SAME(0/1)
    local verdict=same
    if [[ $4 != 0 ]]; then verdict="DIFFERENT"; MISMATCH=1; fi
    CHECKS+=("| $1 | $2 | $3 | $verdict |")
}
same() { if cmp -s "$1" "$2"; then echo 0; else echo 1; fi; }

keyed "$OUT/fl_who_busy.out" 2,3 >"$W/k1"; keyed "$OUT/sq_who_busy.out" 2,3 >"$W/k2"
check "who-met $BUSY (meetings)" "$(wc -l <"$W/k1")" "$(wc -l <"$W/k2")" "$(same "$W/k1" "$W/k2")"
keyed "$OUT/fl_who_rare.out" 2,3 >"$W/k1"; keyed "$OUT/sq_who_rare.out" 2,3 >"$W/k2"
check "who-met $RARE (meetings)" "$(wc -l <"$W/k1")" "$(wc -l <"$W/k2")" "$(same "$W/k1" "$W/k2")"
if [[ $(cat "$OUT/fl_path.rc") == 0 ]]; then FL_HOPS=$(rows "$OUT/fl_path.out"); else FL_HOPS=none; fi
SQ_HOPS=$(tr -d '\r\n' <"$OUT/sq_path.out"); SQ_HOPS=${SQ_HOPS:-none}
check "path $PATH_FROM → $PATH_TO (hops)" "$FL_HOPS" "$SQ_HOPS" "$([[ $FL_HOPS == "$SQ_HOPS" ]]; echo $?)"
keyed "$OUT/fl_network.out" 2,3 >"$W/k1"; keyed "$OUT/sq_network.out" 1,2 >"$W/k2"
check "network $HUB --hops 2 (actors)" "$(wc -l <"$W/k1")" "$(wc -l <"$W/k2")" "$(same "$W/k1" "$W/k2")"
keyed "$OUT/fl_timeline.out" 1 >"$W/k1"; keyed "$OUT/sq_timeline.out" 1 >"$W/k2"
check "timeline $FROM..$TO (events)" "$(wc -l <"$W/k1")" "$(wc -l <"$W/k2")" "$(same "$W/k1" "$W/k2")"
keyed "$W/export.factline.csv" 1 >"$W/k1"; keyed "$OUT/sq_export.out" 1 >"$W/k2"
check "CSV export (events)" "$(wc -l <"$W/k1")" "$(wc -l <"$W/k2")" "$(same "$W/k1" "$W/k2")"
SQ_OPEN=$(tr -d '\r\n' <"$OUT/sq_open.out")
check "open + tiny query (rows / count)" "$(rows "$OUT/fl_open.out") sources" "$SQ_OPEN" \
    "$([[ $(rows "$OUT/fl_open.out") == "$SOURCES" && $SQ_OPEN == 1 ]]; echo $?)"

# ---------------------------------------------------------------------------
# 5. The table

# row STEP FACTLINE SQLITE TARGET_RATIO: a timed or sized step; TARGET_RATIO is
# the largest acceptable factline/SQLite ratio ("" for none).
TABLE=()
row() {
    TABLE+=("$(awk -v step="$1" -v f="$2" -v s="$3" -v t="$4" 'BEGIN {
        r = (s > 0) ? f / s : 0
        ratio = (s > 0) ? sprintf("%.3g×", r) : "—"
        if (t == "") target = "—"
        else target = sprintf("≤ %s× %s", t, (s > 0 && r <= t) ? "✓" : "✗ missed")
        printf "| %s | %s | %s | %s | %s |", step, f, s, ratio, target }')")
}
secs() { awk -v v="$1" 'BEGIN { printf "%.3f", v }'; }
mb() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1e6 }'; }

row "import (SQLite: .import + 4 indexes)" "$(secs "$(median fl_import)")" "$(secs "$(median sq_import)")" 0.5
TABLE+=("| ↳ of which SQLite CREATE INDEX | — | $(secs "$(median sq_index)") | — | — |")
row "↳ sled alone: storing the import's pages (examples/sled_load)" "$(secs "$(median sled_load)")" "$(secs "$(median sq_import)")" ""
row "who-met busiest ($BUSY)" "$(secs "$(median fl_who_busy)")" "$(secs "$(median sq_who_busy)")" 0.5
row "who-met rare ($RARE)" "$(secs "$(median fl_who_rare)")" "$(secs "$(median sq_who_rare)")" 2
row "↳ sled alone: open + read one page (examples/sled_open)" "$(secs "$(median sled_open)")" "$(secs "$(median sq_who_rare)")" ""
row "path ($PATH_FROM → $PATH_TO, ≤ $MAX_HOPS hops)" "$(secs "$(median fl_path)")" "$(secs "$(median sq_path)")" 0.1
row "network --hops 2 ($HUB)" "$(secs "$(median fl_network)")" "$(secs "$(median sq_network)")" 0.1
row "one-month timeline ($FROM..$TO)" "$(secs "$(median fl_timeline)")" "$(secs "$(median sq_timeline)")" 1
row "CSV export (all events)" "$(secs "$(median fl_export)")" "$(secs "$(median sq_export)")" 1
row "open + tiny query" "$(secs "$(median fl_open)")" "$(secs "$(median sq_open)")" ""
row "size on disk (MB)" "$(mb "$FL_SIZE")" "$(mb "$SQ_SIZE")" 1
FL_PEAK=$(peak_mb fl_import)
SQ_PEAK=$(peak_mb sq_load sq_index)
TABLE+=("$(awk -v f="$FL_PEAK" -v s="$SQ_PEAK" 'BEGIN {
    printf "| import peak memory (MB, max RSS) | %s | %s | %.3g× | < 300 MB %s |", f, s, f / s, (f < 300) ? "✓" : "✗ missed" }')")

SQ_VERSION=$(sqlite3 --version | cut -d' ' -f1)
FL_VERSION=$("$BIN" --version 2>/dev/null || echo "factline ?")
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null || true) ]]; then COMMIT="$COMMIT, with uncommitted changes"; fi
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)

if [[ -n ${FACTLINE_BIN:-} ]]; then
    REPRO="cd $ROOT && RUNS=$RUNS FACTLINE_BIN=$FACTLINE_BIN bash bench/run.sh $N"
else
    REPRO="cd $ROOT && cargo build --release && RUNS=$RUNS bash bench/run.sh $N"
fi

cat <<EOF

## factline vs SQLite — $N events, $ACTORS actors, $SOURCES sources

$FL_VERSION (commit $COMMIT) vs SQLite $SQ_VERSION; median of $RUNS run(s), each a fresh process, warm cache.
Machine: ${CPU:-unknown CPU}, $(nproc) CPU(s). Data generated in ${GEN_S} s (not timed below).

| step | factline (s) | SQLite (s) | ratio factline/SQLite | target |
|---|---|---|---|---|
EOF
printf '%s\n' "${TABLE[@]}"
cat <<EOF

Answers (must agree):

| query | factline | SQLite | |
|---|---|---|---|
EOF
printf '%s\n' "${CHECKS[@]}"
cat <<EOF

Reproduce with:

    $REPRO

EOF
if [[ ${BENCH_KEEP:-} == 1 || -n ${BENCH_DIR:-} ]]; then
    echo "Work directory (data, databases, outputs, load.sql, index.sql): $W"
    echo
fi
if [[ $MISMATCH != 0 ]]; then
    echo "bench/run.sh: factline and SQLite gave different answers (see above; outputs in $OUT with BENCH_KEEP=1)" >&2
    exit 1
fi
