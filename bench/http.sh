#!/usr/bin/env bash
# bench/http.sh — requests per second of fazhi's HTTP stack, with nginx
# serving a small static file as the baseline, all in the same run.
#
# wrk (keep-alive) drives, in turn: GET /api/v1/health (reads the schema
# version from SQLite on every request), GET /api/v1/schema/migrations (a
# multi-row SQLite read), GET /api/v1/version (no database), and nginx
# serving a static file of about the same size as the health answer.
#
# Settings (environment): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (64),
# BENCH_THREADS (wrk threads, 2).  Ends with
#   RESULT name=http_health value=<req/s> unit=req/s baseline=<nginx req/s> ratio=<value/baseline>
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-64}
wthreads=${BENCH_THREADS:-2}

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run scripts/bootstrap" >&2; exit 1; }
done
[ -x build/fazhi ] || make build >/dev/null

tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 200); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "bench: $1 did not come up" >&2; exit 1; }

# fazhi on a fresh SQLite database, logging off so the terminal is not the bottleneck
fport=$(free_port)
build/fazhi init --db "sqlite:$tmp/bench.db" >/dev/null
build/fazhi serve --db "sqlite:$tmp/bench.db" --listen "127.0.0.1:$fport" --log-level off &
pids+=($!)
wait_up "http://127.0.0.1:$fport/api/v1/version"

# nginx with a temporary configuration, serving a file like the health answer
nport=$(free_port)
mkdir -p "$tmp/www" "$tmp/nginx"
curl -s "http://127.0.0.1:$fport/api/v1/health" > "$tmp/www/health.json"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat > "$tmp/nginx/nginx.conf" <<CONF
$user_line
worker_processes auto;
daemon on;
pid $tmp/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx;
  proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx;
  scgi_temp_path $tmp/nginx;
  server {
    listen 127.0.0.1:$nport;
    location / { root $tmp/www; default_type application/json; }
  }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" -e "$tmp/nginx/error.log"
wait_up "http://127.0.0.1:$nport/health.json"

rps() {  # rps URL: requests/s as wrk reports them
  local out
  out=$(wrk -t "$wthreads" -c "$conns" -d "${seconds}s" --latency "$1")
  if echo "$out" | grep -q "Non-2xx"; then echo "bench: non-2xx answers from $1" >&2; echo "$out" >&2; exit 1; fi
  echo "$out" | awk '/Requests\/sec:/ {print $2}'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "wrk: ${wthreads} threads, ${conns} connections, ${seconds}s per target, keep-alive"
rps "http://127.0.0.1:$fport/api/v1/health" >/dev/null  # warm-up of page cache and pools
health=$(rps "http://127.0.0.1:$fport/api/v1/health")
migrations=$(rps "http://127.0.0.1:$fport/api/v1/schema/migrations")
version=$(rps "http://127.0.0.1:$fport/api/v1/version")
nginx=$(rps "http://127.0.0.1:$nport/health.json")

printf '%-42s %12s req/s\n' "fazhi GET /api/v1/health (SQLite read)" "$health" \
  "fazhi GET /api/v1/schema/migrations" "$migrations" \
  "fazhi GET /api/v1/version (no database)" "$version" \
  "nginx static file (baseline)" "$nginx"
ratio=$(awk -v a="$health" -v b="$nginx" 'BEGIN {printf "%.3f", a / b}')
echo "RESULT name=http_health value=$health unit=req/s baseline=$nginx ratio=$ratio"
