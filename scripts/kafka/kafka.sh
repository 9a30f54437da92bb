#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, no ZooKeeper, no Docker) for Parley dev and tests.
#
#   scripts/kafka/kafka.sh start | stop | status | reset
#   scripts/kafka/kafka.sh topics --list | --create --topic t --partitions 3 | ...
#   scripts/kafka/kafka.sh console-consumer --topic t --from-beginning --max-messages 3
#   scripts/kafka/kafka.sh console-producer --topic t
#
# start   idempotent; the first run downloads the broker from Maven Central (docker/kafka/pom.xml)
#         into .cache/kafka/<version>/libs; returns once clients can really work.
# stop    SIGTERM, SIGKILL after 20 s; idempotent.   reset: stop + delete the data dir.
# status  exit 0 = answering, 3 = not running (LSB "program is not running"), 1 = process alive
#         but not answering (starting or hung).
# Env: KAFKA_VERSION (default: KAFKA_VERSION= line of /.env), KAFKA_PORT (9092),
#      KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (.data/kafka; relative = repo root),
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx768m), KAFKA_OPTS (extra broker JVM flags; e.g.
#      -XX:TieredStopAtLevel=1 starts ~1 s faster, at some throughput), KAFKA_START_TIMEOUT (60 s).
# Clients must use 127.0.0.1, not "localhost": Node >= 17 tries ::1 first and the broker only
# listens on IPv4 loopback.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -z "${KAFKA_VERSION:-}" && -f "$ROOT/.env" ]]; then
  KAFKA_VERSION="$(grep -E '^[[:space:]]*KAFKA_VERSION=' "$ROOT/.env" | tail -n1 | cut -d= -f2- | tr -d "\"' \r")"
fi
[[ -n "${KAFKA_VERSION:-}" ]] || { echo "kafka.sh: KAFKA_VERSION unset and not in $ROOT/.env" >&2; exit 2; }
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
DATA="${KAFKA_DATA_DIR:-.data/kafka}"
[[ "$DATA" == /* ]] || DATA="$ROOT/$DATA"
CACHE="$ROOT/.cache/kafka/$KAFKA_VERSION"
LIBS="$CACHE/libs"
PIDF="$DATA/kafka.pid"
LOG="$DATA/server.log"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
BOOTSTRAP="127.0.0.1:$PORT"
JVM=(-XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true)
# Short-lived CLIs and the storage format: SerialGC starts fastest on a 2-core box.
TOOL_GC=(-XX:+UseSerialGC)
# The broker: G1 with Kafka's own pause goal. SerialGC paused every produce and fetch for
# ~75 ms per young collection (jstat on the 2-core box), which became the chat's p99.
BROKER_GC=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35)

die() { echo "kafka.sh: $*" >&2; exit 1; }

# Is a broker really serving? A TCP connect proves little (any process may own the port; a bound
# listener completes handshakes before requests are processed), and a broker that lists no live
# (unfenced) broker can't create topics. So send a real Metadata v1 request (no topics) and require
# >= 1 live broker in the reply. Pure bash, because a JVM-based check costs ~1 s per poll.
probe() {
  # shellcheck disable=SC2016
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    # size=21 | api_key=3 v1 | correlation_id=1 | client_id="kafkash" | topics=[] (none)
    printf "\x00\x00\x00\x15\x00\x03\x00\x01\x00\x00\x00\x01\x00\x07kafkash\x00\x00\x00\x00" >&3
    set -- $(head -c 12 <&3 | od -An -tu1)   # size(4) correlation_id(4) broker_count(4)
    (( $# == 12 && ($9 | $10 | $11 | $12) > 0 ))
  ' _ "$PORT" 2>/dev/null
}

# The pid file alone can lie (pid reuse, zombie after SIGKILL): also require that the process is
# a Kafka broker started with *this* data dir's config.
ourpid() {
  local pid
  [[ -s "$PIDF" ]] && pid="$(<"$PIDF")" && [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $DATA/server.properties" || return 1
  echo "$pid"
}

# Serialise start/stop/reset per data dir, so parallel test workers don't both format/launch.
lock() { mkdir -p "$DATA"; exec 8>"$DATA/.lock"; flock -w 300 8 || die "timed out waiting for $DATA/.lock"; }

fetch() {  # once per version; its own lock because the cache is shared by all data dirs
  [[ -f "$LIBS/.complete" ]] && return 0
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.lock"; flock -w 600 9 || die "timed out waiting for $CACHE/.lock"
  if [[ ! -f "$LIBS/.complete" ]]; then
    command -v mvn >/dev/null || die "mvn is needed once to download Kafka $KAFKA_VERSION"
    rm -rf "$LIBS.tmp"   # download aside and rename, so an interrupted run never looks complete
    mvn -q -B -Dstyle.color=never -f "$ROOT/docker/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIBS.tmp" -Dkafka.version="$KAFKA_VERSION" >"$CACHE/mvn.log" 2>&1 \
      || { cat "$CACHE/mvn.log" >&2; die "downloading Kafka $KAFKA_VERSION failed"; }
    rm -rf "$LIBS" && mv "$LIBS.tmp" "$LIBS" && touch "$LIBS/.complete"
  fi
  exec 9>&-
}

# Broker logs INFO to stdout, which nohup sends to server.log; tools only log WARN+ to stderr so
# their real output (topic lists, messages) stays clean. reload4j = Kafka 3.x's logging backend.
write_log4j() {
  mkdir -p "$DATA"
  cat >"$DATA/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  sed -e 's/^log4j.rootLogger=INFO/log4j.rootLogger=WARN/' -e '/ConsoleAppender/a log4j.appender.out.Target=System.err' \
    "$DATA/log4j.properties" >"$DATA/tools-log4j.properties"
}

# Rewritten on every start so port overrides apply; identity (node.id, cluster id) never changes.
write_config() {
  cat >"$DATA/server.properties" <<EOF
# generated by scripts/kafka/kafka.sh start; edits are overwritten
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA/logs
num.partitions=1
# Topics are created explicitly (by the app / tests), so typos fail loudly instead of auto-creating.
auto.create.topics.enable=false
# Single node: internal topics cannot have 3 replicas, and tests must not wait 3 s per group join.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

# The cause (e.g. "failed to bind ... Address already in use") sits far above the shutdown noise
# at the end of the log, so show the first errors, then the tail.
fail_start() {
  echo "kafka.sh: broker $1. First errors, then last lines of $LOG:" >&2
  grep -m 3 -A 1 -E '^\[[^]]*\] (ERROR|FATAL) ' "$LOG" >&2 || true
  echo "..." >&2; tail -n 15 "$LOG" >&2 || true
  exit 1
}

wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-60}))
  until probe; do
    ourpid >/dev/null || fail_start "exited during startup"
    # Kill it on timeout: a half-started broker holds the data-dir lock and would block the next start.
    (( SECONDS < deadline )) || { stop_broker >/dev/null; fail_start "not ready after ${KAFKA_START_TIMEOUT:-60} s"; }
    sleep 0.3
  done
  echo "kafka $KAFKA_VERSION ready at $BOOTSTRAP"
}

start() {
  lock
  if probe; then
    local pid; pid="$(ourpid)" || pid="?, not started from $DATA"
    echo "kafka already running at $BOOTSTRAP (pid $pid)"
    return 0
  fi
  if ourpid >/dev/null; then wait_ready; return; fi   # ours but still starting (or hung: times out)
  command -v "$JAVA" >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 11+)"
  fetch
  write_log4j
  write_config
  [[ -s "$DATA/cluster.id" ]] ||
    "$JAVA" "${JVM[@]}" "${TOOL_GC[@]}" -Dlog4j.configuration="file:$DATA/tools-log4j.properties" -cp "$LIBS/*" \
      kafka.tools.StorageTool random-uuid >"$DATA/cluster.id"
  if [[ ! -f "$DATA/logs/meta.properties" ]]; then
    "$JAVA" "${JVM[@]}" "${TOOL_GC[@]}" -Dlog4j.configuration="file:$DATA/tools-log4j.properties" -cp "$LIBS/*" \
      kafka.tools.StorageTool format --ignore-formatted -t "$(<"$DATA/cluster.id")" \
      -c "$DATA/server.properties" >"$DATA/format.log" 2>&1 || { cat "$DATA/format.log" >&2; die "storage format failed"; }
  fi
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"   # keep the last run's log: it may explain a crash
  # setsid: own session, so a Ctrl-C to the calling shell / test runner doesn't kill the broker.
  # 8>&- 9>&-: the broker must not inherit (and hold forever) the lock file descriptors.
  # shellcheck disable=SC2086
  setsid nohup "$JAVA" ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} "${JVM[@]}" "${BROKER_GC[@]}" ${KAFKA_OPTS:-} \
    -Dlog4j.configuration="file:$DATA/log4j.properties" -Dkafka.logs.dir="$DATA" \
    -cp "$LIBS/*" kafka.Kafka "$DATA/server.properties" </dev/null >"$LOG" 2>&1 8>&- 9>&- &
  echo $! >"$PIDF"
  wait_ready
}

stop_broker() {
  local pid i
  pid="$(ourpid)" || { rm -f "$PIDF"; echo "kafka not running"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do ourpid >/dev/null || break; sleep 0.5; done
  if ourpid >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; echo "kafka killed (pid $pid; no exit 20 s after SIGTERM)"
  else echo "kafka stopped"; fi
  rm -f "$PIDF"
}

# Kafka CLIs: C1-only JIT and a small heap make these short-lived JVMs start noticeably faster.
tool() {
  local cls="$1"; shift
  fetch
  [[ -f "$DATA/tools-log4j.properties" ]] || write_log4j
  exec "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 "${JVM[@]}" "${TOOL_GC[@]}" \
    -Dlog4j.configuration="file:$DATA/tools-log4j.properties" -cp "$LIBS/*" "$cls" "$@"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start) start ;;
  stop) [[ -e "$PIDF" ]] && lock; stop_broker ;;
  status)
    pid="$(ourpid)" || true
    if probe; then echo "kafka running at $BOOTSTRAP${pid:+ (pid $pid)}"; exit 0
    elif [[ -n "$pid" ]]; then echo "kafka process $pid alive but not answering on $BOOTSTRAP"; exit 1
    else echo "kafka not running"; exit 3; fi ;;
  reset)
    lock; stop_broker >/dev/null
    # Refuse to wipe a directory that KAFKA_DATA_DIR points at by mistake (e.g. $HOME).
    [[ -f "$DATA/server.properties" || -f "$DATA/cluster.id" || -z "$(find "$DATA" -mindepth 1 -maxdepth 1 ! -name .lock -print -quit)" ]] \
      || die "$DATA does not look like a kafka.sh data dir; not deleting"
    rm -rf "$DATA"; echo "kafka reset ($DATA deleted)" ;;
  topics) tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@" ;;
  console-consumer) tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$BOOTSTRAP" "$@" ;;
  console-producer) tool kafka.tools.ConsoleProducer --bootstrap-server "$BOOTSTRAP" "$@" ;;
  *) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" | grep -v '^set ' >&2; exit 2 ;;
esac
