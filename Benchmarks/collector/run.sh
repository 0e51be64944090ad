#!/usr/bin/env bash
# The collector's 1000-school benchmark, run by hand (not by CI):
#   swift build -c release --product netwarden-collector
#   Benchmarks/collector/run.sh [BINARY] [SCHOOLS] [SECONDS]
# Starts the release collector on a scratch database, registers SCHOOLS agents, lets loadgen.py
# send each school's realistic 10-second batch every 10 s for SECONDS, and reports: sustained
# ingest rate, p50/p99 ingest latency (client side, request to response), collector RSS (peak
# and at the end), database growth per school per day (extrapolated from the run), and the
# overview page and /api/v1/sites render times with every school in the database (hyperfine
# medians). Results go to stdout and to $OUT (default /tmp/netwarden-collector-bench/results.txt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/../../.build/release/netwarden-collector}
schools=${2:-1000}
seconds=${3:-600}
work=${WORK:-/tmp/netwarden-collector-bench}
out=${OUT:-$work/results.txt}

# Registering 1000 agents takes minutes (one process and one synced commit each), so it can be
# done ahead: PREPARE_ONLY=1 registers and stops; REUSE=1 then runs on those agents (the
# database must not have been ingested into).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
write_config() {
    cat > "$work/collector.toml" <<TOML
[server]
listen = "127.0.0.1:$port"
[storage]
database = "$work/collector.sqlite"
TOML
}
if [ "${REUSE:-0}" = 1 ] && [ "$(wc -l < "$work/tokens" 2>/dev/null || echo 0)" -eq "$schools" ]; then
    echo "reusing the $schools agents in $work" >&2
    rm -f "$work/rss" "$work/load.json" "$work/pages.json" "$work/collector.log"
    write_config
else
    rm -rf "$work" && mkdir -p "$work"
    write_config
    echo "registering $schools agents" >&2
    : > "$work/tokens"
    for i in $(seq -w 1 "$schools"); do
        "$binary" agent add "school-$i" --config "$work/collector.toml" >> "$work/tokens"
    done
    "$binary" user add bench --config "$work/collector.toml" > "$work/password"
fi
[ "${PREPARE_ONLY:-0}" = 1 ] && exit 0
password=$(cat "$work/password")

"$binary" run --config "$work/collector.toml" > "$work/collector.log" 2>&1 &
collector=$!
sampler=
trap 'kill $collector 2>/dev/null || true; kill $sampler 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q "listening on" "$work/collector.log" && break
    sleep 0.2
done

size() { du -cb "$work"/collector.sqlite* | tail -1 | cut -f1; }
before=$(size)
# RSS every 2 s, in KiB.
( while kill -0 $collector 2>/dev/null; do
      awk '/VmRSS/ {print $2}' /proc/$collector/status >> "$work/rss"
      sleep 2
  done ) &
sampler=$!

python3 "$here/loadgen.py" --port "$port" --tokens "$work/tokens" --duration "$seconds" > "$work/load.json"
after=$(size)

# The pages with every school in the database, the collector idle again.
hyperfine --runs 10 --warmup 1 --export-json "$work/pages.json" \
    -n overview "curl -sf -o /dev/null -u bench:$password http://127.0.0.1:$port/" \
    -n sites-api "curl -sf -o /dev/null -u bench:$password http://127.0.0.1:$port/api/v1/sites" > "$work/hyperfine.txt"
overview_bytes=$(curl -sf -u "bench:$password" "http://127.0.0.1:$port/" | wc -c)
rss_end=$(awk '/VmRSS/ {print $2}' /proc/$collector/status)
kill $sampler 2>/dev/null || true
kill -TERM $collector && wait $collector || true
settled=$(size)

python3 - "$work" "$schools" "$seconds" "$before" "$after" "$settled" "$rss_end" "$overview_bytes" <<'PY' | tee "$out"
import json, statistics, sys
work, schools, seconds, before, after, settled, rss_end, overview_bytes = sys.argv[1:]
schools, seconds = int(schools), float(seconds)
load = json.load(open(f"{work}/load.json"))
rss = [int(line) for line in open(f"{work}/rss") if line.strip()]
pages = {r["command"]: r for r in json.load(open(f"{work}/pages.json"))["results"]}
# Settled: after shutdown, the WAL checkpointed into the main file (what the disk keeps).
growth = int(settled) - int(before)
print(f"schools                      {schools}")
print(f"run                          {load['seconds']} s, {load['batches']} batches, statuses {load['statuses']}")
print(f"sustained ingest             {load['batches_per_second']} batches/s, {load['samples_per_second']:.0f} samples/s")
print(f"ingest latency               p50 {load['p50_ms']} ms, p90 {load['p90_ms']} ms, p99 {load['p99_ms']} ms, max {load['max_ms']} ms")
print(f"batch size                   {load['mean_ndjson_bytes']} B NDJSON, {load['mean_gzip_bytes']} B gzip")
print(f"collector RSS                peak {max(rss) / 1024:.0f} MiB, at end {int(rss_end) / 1024:.0f} MiB")
print(f"database growth              {growth / 1e6:.1f} MB in the run ({int(after) / 1e6:.1f} MB with the WAL at the end of the load)")
print(f"  per school per day         {growth / schools * 86400 / load['seconds'] / 1e6:.1f} MB (raw samples; extrapolated)")
for name in ("overview", "sites-api"):
    r = pages[name]
    print(f"{name:<28} median {r['median'] * 1000:.0f} ms (min {r['min'] * 1000:.0f}, max {r['max'] * 1000:.0f}; 10 runs)")
print(f"overview page size           {int(overview_bytes) / 1e6:.2f} MB")
PY
