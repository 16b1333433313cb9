#!/usr/bin/env bash
# The lag from an acknowledged command to the analytics read model, under load: MoveStage from N clients
# against sfa-opportunity (fsync on), its events through the embedded Kafka into sfa-analytics, and the
# analytics service's own measure of every event it applied — sfa_projection_freshness_seconds, from the
# event's commit in the opportunity service (the command is acknowledged right after it) to its commit in
# the analytics read models. Prints the loadgen's figures, then p50/p90/p99 of that histogram (bucket
# upper bounds: the buckets are ~20 % apart).
# Usage: tools/loadgen/read_model_lag_bench.sh [clients=32] [seconds=20] [deals-per-client=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${SFA_BUILD_DIR:-build}
clients=${1:-32}
seconds=${2:-20}
deals=${3:-1}
work=$(mktemp -d "${SFA_BENCH_DIR:-$PWD}/sfa-lag-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$build/tools/kafka_broker/sfa-kafka-broker" --bootstrap-file "$work/bootstrap" >"$work/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s "$work/bootstrap" ]] && break; sleep 0.1; done
[[ -s "$work/bootstrap" ]] || { echo "broker did not start" >&2; cat "$work/kafka.log" >&2; exit 1; }
brokers=$(cat "$work/bootstrap")

start() {  # name binary grpc_port metrics_port
  "$2" --grpc_port="$3" --metrics_port="$4" --listen_host=127.0.0.1 --data_dir="$work/$1" \
    --kafka_brokers="$brokers" --log_level=warn >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$4/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "http://127.0.0.1:$4/readyz" >/dev/null || { cat "$work/$1.log" >&2; exit 1; }
}
opp_port=${SFA_BENCH_GRPC_PORT:-50152}
an_port=$((opp_port + 2))
start opportunity "$build/services/opportunity/sfa-opportunity" "$opp_port" $((opp_port + 1000))
start analytics "$build/services/analytics/sfa-analytics" "$an_port" $((an_port + 1000))

"$build/tools/loadgen/sfa-loadgen" --target="127.0.0.1:$opp_port" --scenario=movestage \
  --clients="$clients" --deals-per-client="$deals" --duration-seconds="$seconds"

metrics() { curl -fsS "http://127.0.0.1:$((an_port + 1000))/metrics"; }
# Wait until analytics has applied everything the opportunity service published.
for _ in $(seq 600); do
  lag=$(metrics | awk '/^sfa_projection_lag_events\{topic="sfa.opportunity.events.v1"\}/ {print $2}')
  pending=$(curl -fsS "http://127.0.0.1:$((opp_port + 1000))/metrics" | awk '/^sfa_outbox_pending/ {print $2}')
  [[ "${lag:-1}" == 0 && "${pending:-1}" == 0 ]] && break
  sleep 0.2
done
echo "command -> analytics read model (sfa_projection_freshness_seconds, opportunity topic):"
metrics | awk '
  /^sfa_projection_freshness_seconds_bucket\{.*topic="sfa.opportunity.events.v1"/ {
    match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5);
    n = $NF; bounds[++k] = le; cum[k] = n; total = n
  }
  END {
    if (total == 0) { print "  no events measured"; exit 1 }
    split("0.5 0.9 0.99", qs, " ");
    for (j = 1; j <= 3; j++) {
      for (i = 1; i <= k; i++) if (cum[i] >= qs[j] * total) { printf "  p%g <= %s s\n", qs[j] * 100, bounds[i]; break }
    }
    printf "  events: %d\n", total
  }'
