#!/usr/bin/env python3
"""Load generator for netwarden-collector: N simulated schools, each POSTing one realistic gzip
NDJSON batch to /api/v1/ingest every INTERVAL seconds, as the daemon's collector output does.

What one batch holds (what a gateway with the shipped netwarden.toml produces in 10 s):
- a link round (every 15 s in the shipped config): 2 interfaces x 10 series (up, speed, rx/tx
  bytes, packets, errors, drops, carrier changes);
- probe results (ICMP, DNS and HTTP probes every 30 s, a third of them per 10 s): ICMP loss and
  rtt min/avg/median/max/stddev, probe_success and probe_duration_seconds for DNS and HTTP, HTTP
  phase durations;
- passive capture and daemon counters: names seen per protocol, verdicts per category, spool
  and uploader counters;
- about one event in 40 batches (filter-compliance records: ~20 checks an hour, plus state
  changes).
That is 3 sample groups and ~50 samples, ~9 KB of NDJSON, ~1.3 KB gzipped.

Prints one JSON line of results on stdout; progress on stderr.
"""
import argparse
import gzip
import http.client
import json
import random
import statistics
import sys
import threading
import time


def identity(index):
    return {"trust": "bench-trust", "site": f"school-{index:04d}", "gateway": "gw1"}


def link_group(who, rid, ts, counter):
    samples = []
    for interface in ("wan0", "lan0"):
        base = {"interface": interface}
        samples += [
            {"name": "netwarden_link_up", "labels": base, "value": 1},
            {"name": "netwarden_link_speed_bits_per_second", "labels": base, "value": 1e9},
            {"name": "netwarden_link_carrier_changes_total", "labels": base, "value": 2},
        ]
        for direction in ("rx", "tx"):
            labels = dict(base, direction=direction)
            samples += [
                {"name": "netwarden_link_bytes_total", "labels": labels, "value": counter * 1_250_000},
                {"name": "netwarden_link_packets_total", "labels": labels, "value": counter * 1_100},
                {"name": "netwarden_link_errors_total", "labels": labels, "value": 0},
                {"name": "netwarden_link_drops_total", "labels": labels, "value": counter // 50},
            ]
    return {"type": "samples", "id": rid, "ts": ts, "identity": who, "samples": samples[:20]}


def probe_group(who, rid, ts, rng):
    loss = 0.0 if rng.random() > 0.05 else 0.2
    rtt = 0.012 + rng.random() * 0.01
    samples = [
        {"name": "netwarden_icmp_loss_ratio", "labels": {"probe": "isp-gw", "target": "198.51.100.1"}, "value": loss},
    ]
    for stat, factor in (("min", 0.8), ("avg", 1.0), ("median", 1.0), ("max", 1.6), ("stddev", 0.1)):
        samples.append({
            "name": "netwarden_icmp_rtt_seconds",
            "labels": {"probe": "isp-gw", "target": "198.51.100.1", "stat": stat},
            "value": rtt * factor,
        })
    for probe, kind, target in (("dns-school", "dns", "192.0.2.53"), ("vle", "http", "https://vle.example/")):
        labels = {"probe": probe, "kind": kind, "target": target}
        samples.append({"name": "probe_success", "labels": labels, "value": 1 if loss == 0 else 0})
        samples.append({"name": "probe_duration_seconds", "labels": {"probe": probe, "kind": kind}, "value": rtt * 3})
    for phase in ("resolve", "connect", "tls", "processing", "transfer"):
        samples.append({
            "name": "probe_http_duration_seconds",
            "labels": {"probe": "vle", "phase": phase},
            "value": rtt * rng.random(),
        })
    return {"type": "samples", "id": rid, "ts": ts, "identity": who, "samples": samples}


def counters_group(who, rid, ts, counter):
    samples = []
    for protocol in ("dns", "tls", "quic", "http"):
        samples.append({"name": "netwarden_capture_names_total", "labels": {"protocol": protocol}, "value": counter * 40})
    for category in ("adult", "gambling", "malware", "proxy", "social"):
        samples.append({
            "name": "netwarden_filter_verdicts_total",
            "labels": {"category": category, "verdict": "blocked"},
            "value": counter // 7,
        })
    for name in ("netwarden_spool_bytes", "netwarden_spool_records", "netwarden_upload_batches_total",
                 "netwarden_upload_failures_total", "netwarden_capture_packets_total",
                 "netwarden_capture_dropped_packets_total"):
        samples.append({"name": name, "labels": {}, "value": counter})
    return {"type": "samples", "id": rid, "ts": ts, "identity": who, "samples": samples}


def event(who, rid, ts):
    return {"type": "event", "event": {
        "ts": ts, "id": rid, **who, "kind": "filter_compliance", "severity": "info",
        "subject": "canary gambling-tls from lan: pass",
        "evidence": "DNS answered 192.0.2.10; TCP refused by the filter",
        "attributes": {"check": "gambling-tls", "kind": "canary", "category": "gambling", "vantage": "lan",
                       "status": "pass", "hash": "%064x" % rng_hash(rid)},
    }}


def rng_hash(text):
    return abs(hash(text)) % (1 << 255)


class Agent:
    def __init__(self, index, token):
        self.index = index
        self.token = token
        self.who = identity(index)
        self.sequence = 0
        self.rng = random.Random(index)

    def body(self):
        self.sequence += 1
        ts = int(time.time() * 1000)
        prefix = f"{self.index:04d}-{self.sequence}"
        records = [
            link_group(self.who, prefix + "-l", ts, self.sequence),
            probe_group(self.who, prefix + "-p", ts, self.rng),
            counters_group(self.who, prefix + "-c", ts, self.sequence),
        ]
        if self.rng.random() < 1 / 40:
            records.append(event(self.who, prefix + "-e", ts))
        header = {"type": "batch", "version": 1, "agent": self.who, "batch": self.sequence, "records": len(records)}
        text = "\n".join(json.dumps(line, separators=(",", ":")) for line in [header] + records) + "\n"
        return gzip.compress(text.encode(), compresslevel=6), len(text)


def worker(agents, args, deadline, results, lock, stop):
    connection = None
    # Agents of this worker spread evenly over the interval, each at its own fixed phase.
    count = len(agents)
    next_due = [time.monotonic() + args.interval * (i + random.random()) / count for i in range(count)]
    while not stop.is_set():
        i = min(range(count), key=next_due.__getitem__)
        due = next_due[i]
        if due > deadline:
            break
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        body, raw = agents[i].body()
        start = time.perf_counter()
        status = 0
        try:
            if connection is None:
                connection = http.client.HTTPConnection(args.host, args.port, timeout=30)
            connection.request("POST", "/api/v1/ingest", body=body, headers={
                "Authorization": "Bearer " + agents[i].token,
                "Content-Type": "application/x-ndjson",
                "Content-Encoding": "gzip",
            })
            response = connection.getresponse()
            response.read()
            status = response.status
        except Exception as error:  # counted as a failure; reconnect next time
            print(f"request failed: {error}", file=sys.stderr)
            connection = None
        elapsed = time.perf_counter() - start
        late = time.monotonic() - due - elapsed
        with lock:
            results["latencies"].append(elapsed)
            results["statuses"][status] = results["statuses"].get(status, 0) + 1
            results["bytes"] += len(body)
            results["raw_bytes"] += raw
            results["late"] = max(results["late"], late)
        next_due[i] = due + args.interval


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True, help="file with one agent token per line")
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--duration", type=float, default=600.0)
    parser.add_argument("--workers", type=int, default=64)
    args = parser.parse_args()
    tokens = [line.strip() for line in open(args.tokens) if line.strip()]
    agents = [Agent(i + 1, token) for i, token in enumerate(tokens)]
    results = {"latencies": [], "statuses": {}, "bytes": 0, "raw_bytes": 0, "late": 0.0}
    lock = threading.Lock()
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + args.duration
    threads = []
    for w in range(args.workers):
        mine = agents[w::args.workers]
        if mine:
            thread = threading.Thread(target=worker, args=(mine, args, deadline, results, lock, stop), daemon=True)
            thread.start()
            threads.append(thread)
    try:
        while any(t.is_alive() for t in threads):
            time.sleep(10)
            with lock:
                n = len(results["latencies"])
            print(f"{time.monotonic() - started:5.0f} s: {n} batches", file=sys.stderr)
    except KeyboardInterrupt:
        stop.set()
    elapsed = time.monotonic() - started
    latencies = sorted(results["latencies"])
    def quantile(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else None
    print(json.dumps({
        "schools": len(agents),
        "seconds": round(elapsed, 1),
        "batches": len(latencies),
        "batches_per_second": round(len(latencies) / elapsed, 1),
        "samples_per_second": round(len(latencies) * 50 / elapsed, 0),
        "statuses": results["statuses"],
        "p50_ms": round(quantile(0.50), 2),
        "p90_ms": round(quantile(0.90), 2),
        "p99_ms": round(quantile(0.99), 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "mean_gzip_bytes": round(results["bytes"] / max(1, len(latencies))),
        "mean_ndjson_bytes": round(results["raw_bytes"] / max(1, len(latencies))),
        "worst_lateness_s": round(results["late"], 2),
        "median_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
    }))


if __name__ == "__main__":
    main()
