#!/usr/bin/env bash
# bench/registry.sh — the registry at provincial scale: importing millions
# of regulated entities from CSV, and reading them back over HTTP.
#
# data:     build/gen_entities writes ROWS entities of the 辽宁 demo
#           (registry/demo.h) as CSV: valid, unique 统一社会信用代码 whose
#           region digits are the entity's county, in blocks of one county
#           after another (as a provincial register exports them).
# import:   `fazhi import entities FILE` into a fresh database made by
#           `fazhi init --demo`: every row parsed, checked against the field
#           table and inserted with its indexes, one ledger event per batch
#           (WAL, synchronous=FULL).
# baseline: the sqlite3 shell's `.import --csv --skip 1` of the same file
#           into a plain table of 13 TEXT columns, no index, no check, in a
#           fresh database with journal_mode=WAL and synchronous=FULL.
#           Also, for reference (not the issue's baseline): the same into
#           13 TEXT NOT NULL columns with the four indexes of the entities
#           table (uscc unique, name, region, city), what SQLite itself
#           reaches when it keeps what the registry needs to be looked up.
# http:     `fazhi demo --entities 0` adds the departments, officers and the
#           demo accounts (the entities are there already); ln.supervisor
#           (province-wide scope) signs in and issues an API token; wrk
#           drives, BENCH_SECONDS each: GET /api/v1/entities/code/{uscc} for
#           codes picked at random from every 1 in ROWS/50000 generated,
#           GET /api/v1/entities?region_code=2101&credit_grade=A&limit=20,
#           ?kind=个体工商户&region_code=2102, and the first query for the
#           last city in code order (葫芦岛, 2114), whose entities come last
#           in the file and so have the highest ids; then the server's RSS.
#           GET /api/v1/health (one SQLite read, no session) in the same
#           run is the yardstick of what the machine gives HTTP at all.
#           Skipped, with the reason, while the server has no such endpoint.
#
# Settings (environment): ROWS (default 5000000), BENCH_SECONDS (15),
# BENCH_CONNECTIONS (64), BENCH_THREADS (wrk threads, 2), BUILD (the build
# folder, default build).  Ends with
#   RESULT name=entity_import value=<rows/s> unit=rows/s baseline=<sqlite3 rows/s> ratio=…
#   RESULT name=entity_lookup value=<req/s> unit=req/s
#   RESULT name=entity_list value=<req/s> unit=req/s
#   RESULT name=entity_list_kind value=<req/s> unit=req/s
#   RESULT name=entity_list_last_city value=<req/s> unit=req/s
#   RESULT name=health value=<req/s> unit=req/s
#   RSS_MB=<server RSS after the runs>
# and the machine's load average before the import and around the HTTP runs
# (a shared machine's figures are only comparable at a similar load).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-5000000}
seconds=${BENCH_SECONDS:-15}
conns=${BENCH_CONNECTIONS:-64}
wthreads=${BENCH_THREADS:-2}
build=${BUILD:-build}

for tool in sqlite3 wrk curl awk python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/bootstrap" >&2; exit 1; }
done
if [ ! -x "$build/fazhi" ] || [ ! -x "$build/gen_entities" ]; then
  if [ "$build" = build ]; then make build >/dev/null; else
    echo "bench: $build/fazhi or $build/gen_entities is missing" >&2; exit 1; fi
fi

tmp=$(mktemp -d /tmp/fz-bench-registry.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN {printf \"$1\", $2}"; }  # calc FORMAT EXPR
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "bench: $1 did not come up" >&2; exit 1; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "disk: $(findmnt -no SOURCE,FSTYPE --target "$tmp"), $(df -h --output=avail "$tmp" | tail -1 | tr -d ' ') free;" \
  "sqlite3 $(sqlite3 --version | cut -d' ' -f1)"

# ---- data ------------------------------------------------------------------
csv=$tmp/entities.csv
every=$(( rows / 50000 > 1 ? rows / 50000 : 1 ))
t0=$(now)
"$build/gen_entities" "$rows" --out "$csv" --codes "$tmp/codes.txt" --every "$every"
t1=$(now)
echo "generated $rows entities: $(du -h "$csv" | cut -f1) of CSV in $(calc %.1f "$t1 - $t0") s" \
  "($(wc -l < "$tmp/codes.txt") codes kept for look-ups)"

# ---- fazhi import --------------------------------------------------------------
echo "load average before the import: $(load)"
db="sqlite:$tmp/fazhi.db"
"$build/fazhi" init --db "$db" --demo >/dev/null
t0=$(now)
"$build/fazhi" import entities "$csv" --db "$db" > "$tmp/import.out"
t1=$(now)
fz_secs=$(calc %.3f "$t1 - $t0")
sed 's/^/  /' "$tmp/import.out"
got=$(sqlite3 "$tmp/fazhi.db" "SELECT count(*) FROM entities")
[ "$got" = "$rows" ] || { echo "bench: fazhi imported $got of $rows rows" >&2; exit 1; }
fz_rate=$(calc %.0f "$rows / $fz_secs")
echo "fazhi import entities: $rows rows in $fz_secs s, $fz_rate rows/s," \
  "database $(du -h "$tmp/fazhi.db" | cut -f1)"

# ---- baseline: the sqlite3 shell --------------------------------------------------
cols=$(head -1 "$csv" | tr -d '\r' | sed 's/,/ TEXT, /g; s/$/ TEXT/')
sqlite3 "$tmp/base.db" "PRAGMA journal_mode=WAL;" >/dev/null
t0=$(now)
sqlite3 -bail "$tmp/base.db" <<SQL
PRAGMA synchronous=FULL;
CREATE TABLE t($cols);
.import --csv --skip 1 $csv t
SQL
t1=$(now)
base_secs=$(calc %.3f "$t1 - $t0")
got=$(sqlite3 "$tmp/base.db" "SELECT count(*) FROM t")
[ "$got" = "$rows" ] || { echo "bench: the sqlite3 shell imported $got of $rows rows" >&2; exit 1; }
base_rate=$(calc %.0f "$rows / $base_secs")
echo "sqlite3 shell .import (plain table, no index): $rows rows in $base_secs s, $base_rate rows/s"
rm -f "$tmp/base.db" "$tmp/base.db-wal" "$tmp/base.db-shm"
sqlite3 "$tmp/base.db" "PRAGMA journal_mode=WAL;" >/dev/null
t0=$(now)
sqlite3 -bail "$tmp/base.db" <<SQL
PRAGMA synchronous=FULL;
CREATE TABLE t(${cols// TEXT/ TEXT NOT NULL});
CREATE UNIQUE INDEX t_uscc ON t (uscc);
CREATE INDEX t_name ON t (name);
CREATE INDEX t_region ON t (region_code);
CREATE INDEX t_city ON t (substr(region_code, 1, 4));
.import --csv --skip 1 $csv t
SQL
t1=$(now)
idx_secs=$(calc %.3f "$t1 - $t0")
idx_rate=$(calc %.0f "$rows / $idx_secs")
echo "sqlite3 shell .import into the same columns with the entities table's four indexes:" \
  "$rows rows in $idx_secs s, $idx_rate rows/s (fazhi at $(calc %.2f "$fz_rate / $idx_rate") of it)"
rm -f "$tmp/base.db" "$tmp/base.db-wal" "$tmp/base.db-shm"
echo "RESULT name=entity_import value=$fz_rate unit=rows/s baseline=$base_rate ratio=$(calc %.3f "$fz_rate / $base_rate")"

# ---- HTTP ------------------------------------------------------------------------
# The demo accounts: departments, officers and accounts, no more entities.
"$build/fazhi" demo --entities 0 --db "$db" > "$tmp/demo.out"
password=$(sed -n 's/.*all with the password \([^ ]*\) .*/\1/p' "$tmp/demo.out")
port=$(free_port)
base="http://127.0.0.1:$port/api/v1"
"$build/fazhi" serve --db "$db" --listen "127.0.0.1:$port" --log-level off &
server=$!
pids+=("$server")
wait_up "$base/version"

skip() { echo "HTTP part skipped: $1"; exit 0; }
login=$(curl -s -c "$tmp/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"ln.supervisor\",\"password\":\"$password\"}" "$base/auth/login")
csrf=$(echo "$login" | json_field csrf_token 2>/dev/null) || skip "cannot sign in as ln.supervisor: $login"
issued=$(curl -s -b "$tmp/cookies" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
  -d '{"name":"bench","roles":["supervisor"],"expires_in_days":1}' "$base/tokens")
token=$(echo "$issued" | json_field token 2>/dev/null) || skip "cannot issue an API token: $issued"
auth="Authorization: Bearer $token"
first=$(head -1 "$tmp/codes.txt")
status=$(curl -s -o "$tmp/probe.json" -w '%{http_code}' -H "$auth" "$base/entities/code/$first")
[ "$status" = 200 ] || skip "GET /api/v1/entities/code/{uscc} answers $status: $(head -c 300 "$tmp/probe.json")"

cat > "$tmp/lookup.lua" <<'LUA'
-- A random code of the generated entities for every request.
local codes = {}
for line in io.lines(os.getenv("FZ_CODES")) do codes[#codes + 1] = line end
wrk.headers["Authorization"] = "Bearer " .. os.getenv("FZ_TOKEN")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("n", threads)
end
function init(args)
  math.randomseed(os.time() * 7919 + (n or 0))
end
function request()
  return wrk.format("GET", "/api/v1/entities/code/" .. codes[math.random(#codes)])
end
LUA

rps() {  # rps URL [wrk args…]: requests/s as wrk reports them
  local url=$1 out
  shift
  out=$(wrk -t "$wthreads" -c "$conns" -d "${seconds}s" --latency "$@" "$url")
  if echo "$out" | grep -q "Non-2xx"; then echo "bench: non-2xx answers from $url" >&2; echo "$out" >&2; exit 1; fi
  echo "$out" | awk '/Requests\/sec:/ {print $2}'
}

echo "wrk: ${wthreads} threads, ${conns} connections, ${seconds}s per target, keep-alive; token of ln.supervisor (scope 21)"
list1="$base/entities?region_code=2101&credit_grade=A&limit=20"
list2="$base/entities?kind=%E4%B8%AA%E4%BD%93%E5%B7%A5%E5%95%86%E6%88%B7&region_code=2102"
list3="$base/entities?region_code=2114&credit_grade=A&limit=20"
for u in "$list1" "$list2" "$list3"; do
  status=$(curl -s -o "$tmp/probe.json" -w '%{http_code}' -H "$auth" "$u")
  [ "$status" = 200 ] || skip "GET ${u#http://127.0.0.1:$port} answers $status: $(head -c 300 "$tmp/probe.json")"
done
export FZ_CODES=$tmp/codes.txt FZ_TOKEN=$token
rps "$base/version" -H "$auth" >/dev/null  # warm-up of pools
echo "load average before the HTTP runs: $(load)"
health=$(rps "$base/health")
lookup=$(rps "http://127.0.0.1:$port" -s "$tmp/lookup.lua")
l1=$(rps "$list1" -H "$auth")
l2=$(rps "$list2" -H "$auth")
l3=$(rps "$list3" -H "$auth")
rss=$(ps -o rss= -p "$server" | awk '{printf "%.0f", $1 / 1024}')

echo "load average after the HTTP runs: $(load)"
printf '%12s req/s  %s\n' "$health" "GET /api/v1/health (the yardstick)" \
  "$lookup" "GET /api/v1/entities/code/{uscc} (random of $(wc -l < "$tmp/codes.txt"))" \
  "$l1" "GET /api/v1/entities?region_code=2101&credit_grade=A&limit=20" \
  "$l2" "GET /api/v1/entities?kind=个体工商户&region_code=2102" \
  "$l3" "GET /api/v1/entities?region_code=2114&credit_grade=A&limit=20"
echo "server RSS after the runs: $rss MB ($rows entities)"
echo "RESULT name=entity_lookup value=$lookup unit=req/s"
echo "RESULT name=entity_list value=$l1 unit=req/s"
echo "RESULT name=entity_list_kind value=$l2 unit=req/s"
echo "RESULT name=entity_list_last_city value=$l3 unit=req/s"
echo "RESULT name=health value=$health unit=req/s"
echo "RSS_MB=$rss"
