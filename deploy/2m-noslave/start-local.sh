#!/usr/bin/env bash
# The seed's 2m-noslave deployment on one machine: two name servers and broker-a/broker-b (both masters),
# each a separate process on its own loopback ports. The seed's broker-*.properties are used unchanged;
# only what one machine needs is overridden, in generated copies: namesrvAddr (by -n), ports, store dirs
# and brokerIP1=127.0.0.1.
#
#   deploy/2m-noslave/start-local.sh          start (builds first), print where logs are and how to stop
#   deploy/2m-noslave/start-local.sh stop     stop the processes this script started (by pid)
#
# Ports and the working dir can be moved with NS1_PORT, NS2_PORT, BROKER_A_PORT, BROKER_A_GRPC,
# BROKER_B_PORT, BROKER_B_GRPC and ROCKETTAX_LOCAL_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${ROCKETTAX_LOCAL_DIR:-$repo/.rockettax/2m-noslave}"
pids="$work/pids"
logs="$work/logs"

ns1_port="${NS1_PORT:-9876}"
ns2_port="${NS2_PORT:-9877}"
a_port="${BROKER_A_PORT:-10911}"
a_grpc="${BROKER_A_GRPC:-8081}"
b_port="${BROKER_B_PORT:-10921}"
b_grpc="${BROKER_B_GRPC:-8091}"
namesrv="127.0.0.1:$ns1_port;127.0.0.1:$ns2_port"

stop() {
  if [[ ! -f "$pids" ]]; then
    echo "nothing to stop: $pids does not exist"
    return 0
  fi
  # Brokers first, so they can unregister from the name servers while those still run.
  tac "$pids" | while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "$name (pid $pid) did not stop within 15 s of SIGTERM; killing it"
        kill -KILL "$pid"
      fi
      echo "stopped $name (pid $pid)"
    fi
  done
  rm -f "$pids"
}

if [[ "${1:-start}" == "stop" ]]; then
  stop
  exit 0
fi

if [[ -f "$pids" ]]; then
  echo "a local cluster seems to run already ($pids exists); stop it first: $0 stop" >&2
  exit 1
fi

echo "building the broker executable..."
dotnet build "$repo/platform/RocketMQ/RocketTax.RocketMQ.Broker" -c Release -o "$work/bin" -v quiet -nologo >/dev/null
rocketmq=(dotnet "$work/bin/rocketmq.dll")
mkdir -p "$logs" "$work/conf"

# start <name> <marker> <args...>: runs one process in the background, records its pid, waits for its boot line.
start() {
  local name="$1" marker="$2"
  shift 2
  "${rocketmq[@]}" "$@" >"$logs/$name.log" 2>&1 &
  local pid=$!
  echo "$name $pid" >>"$pids"
  for _ in $(seq 1 300); do
    if grep -q "$marker" "$logs/$name.log"; then
      echo "started $name (pid $pid): $(grep -m1 "$marker" "$logs/$name.log")"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited before booting; its log:" >&2
      cat "$logs/$name.log" >&2
      stop
      exit 1
    fi
    sleep 0.1
  done
  echo "$name did not boot within 30 s; see $logs/$name.log" >&2
  stop
  exit 1
}

# local_copy <seed file> <listenPort> <grpcPort>: the seed's file plus this machine's overrides.
local_copy() {
  local seed="$1" port="$2" grpc="$3" name
  name="$(basename "$seed" .properties)"
  {
    cat "$seed"
    echo
    echo "# one-machine overrides written by start-local.sh"
    echo "listenPort=$port"
    echo "grpcServerPort=$grpc"
    echo "brokerIP1=127.0.0.1"
    echo "storePathRootDir=$work/store/$name"
  } >"$work/conf/$name.properties"
  echo "$work/conf/$name.properties"
}

start namesrv1 "boot success" mqnamesrv -p "$ns1_port"
start namesrv2 "boot success" mqnamesrv -p "$ns2_port"
start broker-a "boot success" mqbroker -c "$(local_copy "$here/broker-a.properties" "$a_port" "$a_grpc")" -n "$namesrv" --enable-proxy
start broker-b "boot success" mqbroker -c "$(local_copy "$here/broker-b.properties" "$b_port" "$b_grpc")" -n "$namesrv" --enable-proxy

cat <<INFO

The 2m-noslave cluster runs.
  name servers   $namesrv
  broker-a       remoting 127.0.0.1:$a_port, gRPC 127.0.0.1:$a_grpc
  broker-b       remoting 127.0.0.1:$b_port, gRPC 127.0.0.1:$b_grpc
  logs           $logs/{namesrv1,namesrv2,broker-a,broker-b}.log
  pids           $pids

Check it:   dotnet $work/bin/rocketmq.dll mqadmin clusterList -n 127.0.0.1:$ns1_port
Stop it:    $0 stop
INFO
