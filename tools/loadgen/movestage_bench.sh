#!/usr/bin/env bash
# MoveStage over gRPC with N concurrent clients against a freshly started opportunity service that
# publishes to the embedded Kafka broker, as in the dev stack: fsync on, outbox relay running.
# Usage: tools/loadgen/movestage_bench.sh [clients=64] [seconds=20] [deals-per-client=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${SFA_BUILD_DIR:-build}
clients=${1:-64}
seconds=${2:-20}
deals=${3:-1}
work=$(mktemp -d "${SFA_BENCH_DIR:-$PWD}/sfa-movestage-XXXXXX")
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

grpc_port=${SFA_BENCH_GRPC_PORT:-50152}
metrics_port=${SFA_BENCH_METRICS_PORT:-51152}
"$build/services/opportunity/sfa-opportunity" --grpc_port="$grpc_port" --metrics_port="$metrics_port" \
  --listen_host=127.0.0.1 --data_dir="$work/data" --kafka_brokers="$(cat "$work/bootstrap")" \
  --log_level=warn >"$work/opportunity.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$metrics_port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$metrics_port/readyz" >/dev/null || { cat "$work/opportunity.log" >&2; exit 1; }

"$build/tools/loadgen/sfa-loadgen" --target="127.0.0.1:$grpc_port" --scenario=movestage \
  --clients="$clients" --deals-per-client="$deals" --duration-seconds="$seconds"
echo "server side (from /metrics):"
curl -fsS "http://127.0.0.1:$metrics_port/metrics" |
  grep -E '^sfa_eventstore_group_commit_size_(sum|count)|^sfa_outbox_pending|^sfa_rpc_requests_total\{[^}]*MoveStage' || true
