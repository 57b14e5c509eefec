#!/usr/bin/env bash
# bench/draw.sh — a province-wide 双随机 draw (DESIGN §5) over millions of
# regulated entities, inspector assignment included, against the common,
# unverifiable way of drawing in SQL.
#
# data:     a fresh database made by `fazhi init --demo`, then `fazhi demo
#           --entities ENTITIES --no-plans`: the 辽宁 demo (registry/demo.h),
#           entities spread over every county, grades A 55 %, B 30 %, C 10 %,
#           D 5 %, 94 % 存续.
# fazhi:    build/draw_db makes a plan of 辽宁省市场监督管理局 over region 21,
#           存续, stratified by credit grade (A 0.005, B 0.01, C 0.03, D 0.1),
#           teams of two of the department's certified officers; the two
#           participants (ln.supervisor and a head it adds) commit, and then,
#           each step its own transaction as the server runs it:
#             freeze  read the pools (every entity of the filter) and sort them
#             commit  store the pools and their SM3 digests, the commit event
#             draw    seed, 4.7 M SM3 tickets, the n smallest per stratum,
#                     teams by rank, one task per selected entity with its
#                     team, the public record, the deadline, the event
# baseline: the sqlite3 shell on the same file, same run: for each stratum
#           SELECT uscc FROM entities WHERE active = 1 AND status = '存续' AND
#           region_code >= '21' AND region_code < '21:' AND credit_grade = 'X'
#           ORDER BY random() LIMIT n — with the same n, all four in one
#           invocation, wall time.  It picks no inspector, writes nothing and
#           cannot be verified by anyone.
#
# Settings (environment): ENTITIES (default 5000000), BUILD (the build
# folder, default build), STRATA (draw_db --strata).  Ends with
#   RESULT name=draw_5m_with_freeze value=<freeze+commit+draw s> unit=s baseline=… ratio=…
#   RESULT name=draw_5m value=<draw s> unit=s baseline=<sqlite3 s> ratio=…
set -euo pipefail
cd "$(dirname "$0")/.."
entities=${ENTITIES:-5000000}
build=${BUILD:-build}
strata=${STRATA:-A=0.005,B=0.01,C=0.03,D=0.1}

for tool in sqlite3 awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/bootstrap" >&2; exit 1; }
done
if [ ! -x "$build/fazhi" ] || [ ! -x "$build/draw_db" ]; then
  if [ "$build" = build ]; then make build >/dev/null; else
    echo "bench: $build/fazhi or $build/draw_db is missing" >&2; exit 1; fi
fi

tmp=$(mktemp -d /tmp/fz-bench-draw.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN {printf \"$1\", $2}"; }  # calc FORMAT EXPR

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
echo "disk: $(findmnt -no SOURCE,FSTYPE --target "$tmp"), $(df -h --output=avail "$tmp" | tail -1 | tr -d ' ') free;" \
  "sqlite3 $(sqlite3 --version | cut -d' ' -f1)"

# ---- data ------------------------------------------------------------------
db="sqlite:$tmp/fazhi.db"
"$build/fazhi" init --db "$db" --demo >/dev/null
t0=$(now)
"$build/fazhi" demo --db "$db" --entities "$entities" --no-plans > "$tmp/demo.out"
t1=$(now)
echo "data: fazhi demo --entities $entities in $(calc %.1f "$t1 - $t0") s," \
  "database $(du -h "$tmp/fazhi.db" | cut -f1)"

# ---- fazhi: freeze, commit, draw --------------------------------------------------
"$build/draw_db" --db "$db" --strata "$strata" | tee "$tmp/draw.out" | sed 's/^/  /'
line=$(grep '^freeze=' "$tmp/draw.out")
field() { echo "$line" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
freeze=$(field freeze); commit=$(field commit); draw=$(field draw)
drawn=$(field drawn); unstaffed=$(field unstaffed); pool=$(field pool)

# ---- baseline: ORDER BY random() per stratum, the same n -------------------------
sql=$tmp/baseline.sql
: > "$sql"
want=0
while read -r _ key poolsz n; do
  n=${n#n=}
  want=$((want + n))
  echo "SELECT uscc FROM entities WHERE active = 1 AND status = '存续' AND region_code >= '21' AND region_code < '21:' AND credit_grade = '$key' ORDER BY random() LIMIT $n;" >> "$sql"
done < <(grep '^stratum ' "$tmp/draw.out")
t0=$(now)
sqlite3 "$tmp/fazhi.db" < "$sql" > "$tmp/baseline.out"
t1=$(now)
base=$(calc %.3f "$t1 - $t0")
got=$(wc -l < "$tmp/baseline.out")
[ "$got" = "$want" ] || { echo "bench: the baseline selected $got rows, expected $want" >&2; exit 1; }

total=$(calc %.3f "$freeze + $commit + $draw")
echo "fazhi: freeze $freeze s, commit $commit s, draw $draw s (together $total s);" \
  "$drawn of $pool drawn, $unstaffed unstaffed"
echo "sqlite3 ORDER BY random() LIMIT n, 4 strata: $base s for $got rows (no teams, nothing stored, not verifiable)"
# The issue's figure comes last.
echo "RESULT name=draw_5m_with_freeze value=$total unit=s baseline=$base ratio=$(calc %.3f "$total / $base")"
echo "RESULT name=draw_5m value=$draw unit=s baseline=$base ratio=$(calc %.3f "$draw / $base")"
