#!/usr/bin/env bash
# bench/cases.sh — complete 普通程序 penalty cases, 立案 to 结案, through the
# HTTP API from many clients in parallel on SQLite; against GET
# /api/v1/health at the same concurrency, same driver, same server, same run.
#
# data:     `fazhi init --demo` and `fazhi demo --entities BENCH_ENTITIES
#           --no-plans` (辽宁 demo: departments, officers, accounts,
#           benchmarks and lists).  sy.officer (执法人员) and sy.head
#           (部门负责人) of 沈阳市市场监督管理局 act.  sy.officer must be an
#           officer of record to handle cases: if the demo has not linked
#           him, ln.supervisor links him over the API (PATCH
#           /api/v1/officers/{id}, as tests/api/test_cases.py does) to a
#           certified officer of the department; the second handler is
#           another (status valid, not 辅助人员, certificate covering
#           today).  Parties: the department's 沈阳 (2101) entities with no
#           declared 回避 against either handler, taken in turn.
# fazhi:    `fazhi serve` (WAL, synchronous=FULL, every change through the
#           one writer with group commit, HTTP worker threads = cores
#           unless BENCH_SERVER_THREADS), log off.  One case is seven
#           requests, each answered with the full case view (next_steps
#           computed per request), each writing its ledger event:
#             POST /cases (officer: kind penalty, SC-CF-007, an
#             organisation, act 5 days ago, source complaint, general harm,
#             not corrected) → steps file (head, two handlers) → notify
#             (officer, a 2,000 元 fine: below the demo's 较大数额, so no
#             hearing right and no waiting) → decide (head, the same fine:
#             inside the demo benchmark's 一般 tier, 1,000–3,000 元; the
#             decisions found outside it are counted, 0 expected)
#             → serve (直接送达) → execute (当事人已履行) → close (head).
# driver:   build/cases_bench (bench/cases_bench.c): plain sockets, HTTP/1.1
#           keep-alive, BENCH_THREADS epoll threads running BENCH_CLIENTS
#           clients; a client takes its case through all seven requests,
#           one after another (each needs the answer before), then opens
#           the next.  Both accounts sign in once and share their sessions.
#           Not wrk (its Lua scripts cannot carry a case id from one answer
#           into the next request per connection without much machinery)
#           nor python (requests, 32 threads, on this machine: 1,026 req/s
#           of health at 95% of a core, 0.93 ms of client CPU per request;
#           the ~2,100 req/s that 300 cases/s means would need more than
#           both cores for the client alone).  The driver's own CPU is
#           printed: ~8 µs per health request, ~120 µs per case step (it
#           parses three of the seven answers as JSON and wakes once per
#           answer at these rates); on health it matches wrk -t2 -c32 on
#           the same server (back to back: 57.6k/57.9k, 59.5k/60.4k,
#           57.0k/60.7k req/s driver/wrk).
# baseline: GET /api/v1/health (one SQLite read) with the same driver,
#           clients and threads, against the same server, before the cases.
# also:     GET /api/v1/cases/{id} of a case the run closed, alone (the view
#           every step answers with), to show what share of a step it is;
#           and the CPU of the server, the driver and the whole machine over
#           each window (others may share the machine: see machine busy).
# note:     each run starts from a fresh database.
#
# Settings (environment): BENCH_SECONDS (measured, default 10), BENCH_WARMUP
# (2), BENCH_CLIENTS (32), BENCH_THREADS (driver threads, 2), BENCH_ENTITIES
# (2000), BENCH_SERVER_THREADS (unset: the server's default), BUILD (the
# build folder, default build).  Ends with
#   RESULT name=case_steps value=<case-step req/s> unit=req/s baseline=<health req/s> ratio=<value/baseline>
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-10}
warmup=${BENCH_WARMUP:-2}
clients=${BENCH_CLIENTS:-32}
dthreads=${BENCH_THREADS:-2}
entities=${BENCH_ENTITIES:-2000}
sthreads=${BENCH_SERVER_THREADS:-}
build=${BUILD:-build}

for tool in sqlite3 curl awk python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/bootstrap" >&2; exit 1; }
done
if [ ! -x "$build/fazhi" ] || [ ! -x "$build/cases_bench" ]; then
  if [ "$build" = build ]; then make build >/dev/null; else
    echo "bench: $build/fazhi or $build/cases_bench is missing" >&2; exit 1; fi
fi

tmp=$(mktemp -d /tmp/fz-bench-cases.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "bench: $1 did not come up" >&2; exit 1; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
q() { sqlite3 "$tmp/b.db" "$1"; }
stat_of() { awk -F= -v k="$1" '$1 == "STAT " k {print $2}' "$2"; }

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r);" \
  "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "disk: $(findmnt -no SOURCE,FSTYPE --target "$tmp"); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"

# ---- data ------------------------------------------------------------------
db="sqlite:$tmp/b.db"
keys=(--ledger-key "$tmp/l.key" --id-key "$tmp/i.key")
"$build/fazhi" init --db "$db" --demo "${keys[@]}" >/dev/null
"$build/fazhi" demo --db "$db" --entities "$entities" --no-plans --id-key "$tmp/i.key" > "$tmp/demo.out"
password=$(sed -n 's/.*all with the password \([^ ]*\) .*/\1/p' "$tmp/demo.out")
[ -n "$password" ] || { echo "bench: no demo password in fazhi demo's output" >&2; exit 1; }

port=$(free_port)
base="http://127.0.0.1:$port/api/v1"
"$build/fazhi" serve --db "$db" --listen "127.0.0.1:$port" "${keys[@]}" --log-level off \
  ${sthreads:+--threads "$sthreads"} &
server=$!
pids+=("$server")
wait_up "$base/version"

today=$(TZ=Asia/Shanghai date +%F)  # the server's civil date is 北京时间
act_date=$(TZ=Asia/Shanghai date -d '5 days ago' +%F)
dept=$(q "SELECT id FROM departments WHERE name = '沈阳市市场监督管理局'")
uid=$(q "SELECT id FROM users WHERE username = 'sy.officer'")
[ -n "$dept" ] && [ -n "$uid" ] || { echo "bench: the demo has no 沈阳市市场监督管理局 or sy.officer" >&2; exit 1; }
fit="department_id = $dept AND active = 1 AND auxiliary = 0 AND status = 'valid'
     AND cert_from <= '$today' AND cert_to >= '$today'"
me=$(q "SELECT id FROM officers WHERE user_id = $uid")
if [ -n "$me" ]; then
  linked="linked by the demo"
else
  me=$(q "SELECT id FROM officers WHERE $fit AND user_id IS NULL ORDER BY id LIMIT 1")
  [ -n "$me" ] || { echo "bench: no certified officer of department $dept to link sy.officer to" >&2; exit 1; }
  login=$(curl -s -c "$tmp/sup.cookies" -H 'Content-Type: application/json' \
    -d "{\"username\":\"ln.supervisor\",\"password\":\"$password\"}" "$base/auth/login")
  csrf=$(echo "$login" | json_field csrf_token) || { echo "bench: ln.supervisor cannot sign in: $login" >&2; exit 1; }
  status=$(curl -s -o "$tmp/patch.json" -w '%{http_code}' -b "$tmp/sup.cookies" -X PATCH \
    -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" -d "{\"user_id\":$uid}" "$base/officers/$me")
  [ "$status" = 200 ] || { echo "bench: linking sy.officer to officer $me: HTTP $status $(cat "$tmp/patch.json")" >&2; exit 1; }
  linked="linked by ln.supervisor over the API"
fi
other=$(q "SELECT id FROM officers WHERE $fit AND id <> $me ORDER BY id LIMIT 1")
[ -n "$other" ] || { echo "bench: department $dept has no second certified officer" >&2; exit 1; }
sqlite3 -separator $'\t' "$tmp/b.db" "SELECT uscc, name FROM entities e WHERE region_code LIKE '2101%'
  AND active = 1 AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.entity_uscc = e.uscc
  AND c.active = 1 AND c.officer_id IN ($me, $other)) ORDER BY id" > "$tmp/parties.tsv"
parties=$(wc -l < "$tmp/parties.tsv")
[ "$parties" -gt 0 ] || { echo "bench: no 沈阳 entities to be parties" >&2; exit 1; }
echo "demo: $entities entities; department $dept; handlers $me (sy.officer, $linked) and $other;" \
  "$parties parties; act date $act_date"
echo "server: $(ls /proc/$server/task | wc -l) threads ($(grep -l MHD-worker /proc/$server/task/*/comm | wc -l) HTTP workers)"
echo "driver: $dthreads threads, $clients clients (one keep-alive connection each), ${warmup}s warm-up + ${seconds}s measured per target"

drive() {  # drive OUT MODE ARGS…: the driver, its figures in OUT
  local out=$1
  shift
  "$build/cases_bench" "$@" --port "$port" --clients "$clients" --threads "$dthreads" \
    --seconds "$seconds" --warmup "$warmup" --server-pid "$server" > "$out"
}
show() {  # show FILE LABEL: one line of figures
  printf '%-30s %9s req/s  p50 %5s ms  p99 %5s ms  server %3s%% (http %3s%%, writer %3s%%; %6s µs/req)  driver %3s%% (%5s µs/req)  machine %3s%%  load %s\n' \
    "$2" "$(stat_of rps "$1")" "$(stat_of p50_ms "$1")" "$(stat_of p99_ms "$1")" \
    "$(stat_of server_cpu_pct "$1")" "$(stat_of server_http_cpu_pct "$1")" \
    "$(stat_of server_other_cpu_pct "$1")" "$(stat_of server_us_per_req "$1")" \
    "$(stat_of driver_cpu_pct "$1")" "$(stat_of driver_us_per_req "$1")" \
    "$(stat_of machine_busy_pct "$1")" "$(stat_of load1 "$1")"
}

# ---- the runs ----------------------------------------------------------------
drive "$tmp/health.out" get --path /api/v1/health
drive "$tmp/cases.out" cases --officer sy.officer --head sy.head --password "$password" \
  --department "$dept" --handlers "$me,$other" --entities "$tmp/parties.tsv" --act-date "$act_date"
closed=$(q "SELECT id FROM cases WHERE stage = 'closed' AND source_ref LIKE '12345-bench-%' ORDER BY id DESC LIMIT 1")
[ -n "$closed" ] || { echo "bench: no case was closed" >&2; exit 1; }
drive "$tmp/view.out" get --path "/api/v1/cases/$closed" --user sy.officer --password "$password"

echo "case steps, mean and largest latency ($clients clients):"
grep -v '^STAT' "$tmp/cases.out"
echo "(CPU: % of one core over the measured window; http: the HTTP worker threads; writer: the"
echo " writer thread (and the idle main thread); machine: every process, of $(( $(nproc) * 100 ))%)"
show "$tmp/health.out" "GET /api/v1/health (baseline)"
show "$tmp/cases.out" "case steps (7 per case)"
show "$tmp/view.out" "GET /api/v1/cases/{id} alone"
health=$(stat_of rps "$tmp/health.out")
steps=$(stat_of rps "$tmp/cases.out")
view=$(stat_of rps "$tmp/view.out")
cases=$(stat_of cases_per_s "$tmp/cases.out")
echo "complete cases: $(stat_of cases "$tmp/cases.out") in ${seconds}s = $cases cases/s (goal ≥ 300);" \
  "$(stat_of outside_range "$tmp/cases.out") decisions outside the benchmark"
echo "the view alone: $view req/s, $(stat_of server_us_per_req "$tmp/view.out") µs of server CPU each," \
  "against $(stat_of server_us_per_req "$tmp/cases.out") µs per case step"
echo "ledger: $(q "SELECT COUNT(*) FROM ledger_event") events; database $(du -h "$tmp/b.db" | cut -f1) + WAL $(du -h "$tmp/b.db-wal" 2>/dev/null | cut -f1)"
echo "CASES_PER_S=$cases"
ratio=$(awk -v a="$steps" -v b="$health" 'BEGIN {printf "%.4f", a / b}')
echo "RESULT name=case_steps value=$steps unit=req/s baseline=$health ratio=$ratio"
