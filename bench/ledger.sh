#!/usr/bin/env bash
# bench/ledger.sh — durable ledger appends per second from 16 concurrent
# clients through fazhi's one write path, against the sqlite3 shell
# inserting the same event rows one per autocommit transaction, same run;
# and how fast fz_ledger_verify recomputes a larger ledger.
#
# append:   build/ledger_bench append on a fresh fazhi database: 16 client
#           threads, each event one fz_write (group commit; WAL,
#           synchronous=FULL).
# baseline: the sqlite3 shell on a fresh database (WAL, synchronous=FULL)
#           with ledger_event's own schema, one INSERT per autocommit
#           transaction of exactly the rows fazhi stored (body as a text
#           literal, leaf hash as a blob literal).  The leaf hashes are
#           fazhi's, spot-checked here against `openssl dgst -sm3`: the shell
#           gets them for free, which only helps the baseline.
#           The two run in alternating rounds, so that both meet the same
#           disk: fsync latency on a shared virtual disk drifts a lot.
# verify:   the same ledger grown to BENCH_VERIFY_EVENTS through the same
#           append path (1000 events per change, to build it fast), then
#           build/ledger_bench verify (SM3, the default hash; warm cache),
#           and build/ledger_bench ceiling: the SM3 hashing that any verify
#           must do, alone, on every core (the bound on the verify figure).
#
# Settings (environment): BENCH_EVENTS (appends timed, default 120000),
# BENCH_ROUNDS (4), BENCH_CLIENTS (16), BENCH_VERIFY_EVENTS (250000).
# Ends with
#   RESULT name=ledger_verify value=<events/s> unit=events/s baseline=1000000 ratio=…
#   RESULT name=ledger_append value=<events/s> unit=events/s baseline=<sqlite3 events/s> ratio=…
set -euo pipefail
cd "$(dirname "$0")/.."
events=${BENCH_EVENTS:-120000}
rounds=${BENCH_ROUNDS:-4}
clients=${BENCH_CLIENTS:-16}
verify_events=${BENCH_VERIFY_EVENTS:-250000}

for tool in sqlite3 openssl awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/bootstrap" >&2; exit 1; }
done
if [ ! -x build/ledger_bench ] || [ ! -x build/fazhi ]; then make build >/dev/null; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
calc() { awk "BEGIN {printf \"$1\", $2}"; }  # calc FORMAT EXPR
sync_ms() {  # the mean latency of a durable 4 KiB write here (O_DSYNC)
  local t0 t1
  t0=$(now)
  dd if=/dev/zero of="$tmp/probe" bs=4k count=500 oflag=dsync status=none
  t1=$(now)
  rm -f "$tmp/probe"
  calc %.3f "($t1 - $t0) * 1000 / 500"
}

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))," \
  "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
echo "disk: $(findmnt -no SOURCE,FSTYPE,OPTIONS --target "$tmp"), $(df -h --output=avail "$tmp" | tail -1 | tr -d ' ') free"
echo "durable 4 KiB write (dd oflag=dsync): $(sync_ms) ms before the rounds"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(openssl version | cut -d' ' -f1-2)"

db="sqlite:$tmp/fazhi.db"
build/fazhi init --db "$db" >/dev/null
sqlite3 "$tmp/fazhi.db" ".schema ledger_event" > "$tmp/schema.sql"
sqlite3 "$tmp/base.db" "PRAGMA journal_mode=WAL;" >/dev/null
sqlite3 "$tmp/base.db" < "$tmp/schema.sql"

per_round=$((events / rounds))
events=$((per_round * rounds))
fz_secs=0 base_secs=0 batches=""
for r in $(seq "$rounds"); do
  out=$(build/ledger_bench append --db "$db" --clients "$clients" --events "$per_round" --dump "$tmp/round.tsv")
  fz=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) s: .*/\1/p')
  batches+=" $(echo "$out" | sed -n 's/.*mean batch \([0-9.]*\) changes.*/\1/p')"
  cat "$tmp/round.tsv" >> "$tmp/events.tsv"
  {
    echo "PRAGMA synchronous=FULL;"
    awk -F'\t' -v q="'" '{
      for (i = 3; i <= 8; i++) if (i != 7) gsub(q, q q, $i)
      printf "INSERT INTO ledger_event VALUES (%s, %s, %s%s%s, %s%s%s, %s%s%s, %s%s%s, %s%s%s, X%s%s%s);\n",
        $1, $2, q, $3, q, q, $4, q, q, $5, q, q, $6, q, q, $8, q, q, $7, q
    }' "$tmp/round.tsv"
  } > "$tmp/inserts.sql"
  t0=$(now)
  sqlite3 -bail "$tmp/base.db" < "$tmp/inserts.sql" >/dev/null
  t1=$(now)
  base=$(calc %.3f "$t1 - $t0")
  printf 'round %d: %d events: fazhi %.3f s, %.0f events/s; sqlite3 shell %.3f s, %.0f events/s\n' \
    "$r" "$per_round" "$fz" "$(calc %f "$per_round / $fz")" "$base" "$(calc %f "$per_round / $base")"
  fz_secs=$(calc %.3f "$fz_secs + $fz")
  base_secs=$(calc %.3f "$base_secs + $base")
done

echo "durable 4 KiB write (dd oflag=dsync): $(sync_ms) ms after the rounds"

# Both databases hold the same rows; the leaf hashes fazhi stored for the
# first and last of them are SM3(0x00 ‖ body) by OpenSSL too.
same=$(sqlite3 "$tmp/base.db" "ATTACH '$tmp/fazhi.db' AS f; SELECT count(*) FROM ledger_event b
  JOIN f.ledger_event e USING (seq) WHERE b.body = e.body AND b.leaf_hash = e.leaf_hash")
[ "$same" = "$events" ] || { echo "bench: only $same of $events baseline rows equal fazhi's" >&2; exit 1; }
for n in 1 "$events"; do
  want=$(sed -n "${n}p" "$tmp/events.tsv" | cut -f7)
  got=$({ printf '\0'; sed -n "${n}p" "$tmp/events.tsv" | cut -f8 | tr -d '\n'; } | openssl dgst -sm3 -r | cut -d' ' -f1)
  [ "$want" = "$got" ] || { echo "bench: the leaf hash of row $n is not SM3(0x00 ‖ body)" >&2; exit 1; }
done
append=$(calc %.0f "$events / $fz_secs")
base=$(calc %.0f "$events / $base_secs")
echo "events: $events in $rounds rounds, mean canonical body $(awk -F'\t' '{n += length($8)} END {printf "%.0f", n / NR}' "$tmp/events.tsv") bytes"
echo "fazhi, $clients clients through the writer: $fz_secs s, $append events/s; mean batch per round:$batches"
echo "sqlite3 shell, one autocommit INSERT each:  $base_secs s, $base events/s"

# verify: the same ledger, grown through the append path, recomputed
total=$(sqlite3 "$tmp/fazhi.db" "SELECT count(*) FROM ledger_event")
if [ "$verify_events" -gt "$total" ]; then
  echo "grow: $(build/ledger_bench append --db "$db" --clients 1 --per-write 1000 --events $((verify_events - total)))"
fi
out=$(build/ledger_bench verify --db "$db")
echo "verify (SM3, warm page cache): $out"
verify=$(echo "$out" | sed -n 's/.*: \([0-9]*\) events\/s$/\1/p')
# The hashing alone (a leaf and a node per event, bodies in memory, every
# core): no verify of this ledger can be faster on this machine.
echo "SM3 alone over the same events: $(build/ledger_bench ceiling --db "$db")"

echo "RESULT name=ledger_verify value=$verify unit=events/s baseline=1000000 ratio=$(calc %.3f "$verify / 1000000")"
echo "RESULT name=ledger_append value=$append unit=events/s baseline=$base ratio=$(calc %.3f "$append / $base")"
