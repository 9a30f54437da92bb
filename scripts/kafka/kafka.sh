#!/usr/bin/env bash
# Local Apache Kafka (KRaft, no ZooKeeper, no Docker) for Parley dev and tests: one broker (what dev,
# tests and CI use), or a set of N brokers that replicate each other on one machine.
#
#   scripts/kafka/kafka.sh start [--brokers N] | stop | status | reset | bootstrap
#   scripts/kafka/kafka.sh start | stop | status | kill | hang | continue  --broker N
#   scripts/kafka/kafka.sh topics --list | --create --topic t --partitions 3 | ...
#   scripts/kafka/kafka.sh console-consumer --topic t --from-beginning --max-messages 3
#   scripts/kafka/kafka.sh console-producer --topic t
#
# start   idempotent; the first run downloads the broker from Maven Central (docker/kafka/pom.xml)
#         into .cache/kafka/<version>/libs; returns once clients can really work.
# stop    SIGTERM, SIGKILL after 20 s; idempotent.   reset: stop + delete the data dir.
# status  exit 0 = answering, 3 = not running (LSB "program is not running"), 1 = process alive
#         but not answering (starting, hung, or only part of a set running).
# bootstrap  prints the clients' bootstrap list, e.g. for KAFKA_BROKERS=$(kafka.sh bootstrap).
# Env: KAFKA_VERSION (default: KAFKA_VERSION= line of /.env), KAFKA_PORT (9092),
#      KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (.data/kafka; relative = repo root),
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx768m; -Xms256m -Xmx512m per broker of a set), KAFKA_OPTS (extra
#      broker JVM flags; e.g. -XX:TieredStopAtLevel=1 starts ~1 s faster, at some throughput),
#      KAFKA_START_TIMEOUT (60 s; 120 s for a set: N JVMs start side by side on a small box).
# Clients must use 127.0.0.1, not "localhost": Node >= 17 tries ::1 first and the broker only
# listens on IPv4 loopback.
#
# A set: start --brokers N (2..9). The data dir remembers N, so stop, status, reset, bootstrap and
# the tools act on the whole set. Broker i (node.id i) is broker and controller at once, one voter
# of an N-voter controller quorum, with its data in <data dir>/broker-i and its log in
# <data dir>/broker-i/server.log; it serves clients on KAFKA_PORT + 2(i-1) and its controller on
# KAFKA_CONTROLLER_PORT + 2(i-1): 9092/9094/9096 and 9093/9095/9097 for three by default.
# Kafka's internal topics get min(3, N) replicas; Parley's own topics get their replication from
# the app (KAFKA_REPLICATION_FACTOR). A data dir holds one broker or one set, never both, and the
# ports come from the environment on every command: run a set beside the dev broker with its own
# ports and dir, and give every later command on it the same three variables, e.g.
#   export KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 KAFKA_DATA_DIR=.data/kafka-rf3
#   kafka.sh start --brokers 3; KAFKA_BROKERS=$(kafka.sh bootstrap) ...; kafka.sh stop
# Faults for one broker of a set (--broker may be left out, or be 1, for a single broker):
#   kill --broker N      SIGKILL: a crash; the pid file goes, `start --broker N` brings it back
#   hang --broker N      SIGSTOP: a frozen process (long GC pause, stalled VM) that keeps its ports
#   continue --broker N  SIGCONT: the hung broker runs on
#   start --broker N     starts that one broker again; ready once it serves and sees the others
#   stop --broker N      a clean shutdown of that one broker (leaders move first)
# A killed or hung broker leaves its partitions' leadership after broker.session.timeout.ms (9 s).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -z "${KAFKA_VERSION:-}" && -f "$ROOT/.env" ]]; then
  KAFKA_VERSION="$(grep -E '^[[:space:]]*KAFKA_VERSION=' "$ROOT/.env" | tail -n1 | cut -d= -f2- | tr -d "\"' \r")"
fi
[[ -n "${KAFKA_VERSION:-}" ]] || { echo "kafka.sh: KAFKA_VERSION unset and not in $ROOT/.env" >&2; exit 2; }
BASE_PORT="${KAFKA_PORT:-9092}"
BASE_CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
DATA="${KAFKA_DATA_DIR:-.data/kafka}"
[[ "$DATA" == /* ]] || DATA="$ROOT/$DATA"
SETF="$DATA/brokers"   # present in the data dir of a set: holds N
CACHE="$ROOT/.cache/kafka/$KAFKA_VERSION"
LIBS="$CACHE/libs"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JVM=(-XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true)
# Short-lived CLIs and the storage format: SerialGC starts fastest on a 2-core box.
TOOL_GC=(-XX:+UseSerialGC)
# The broker: G1 with Kafka's own pause goal. SerialGC paused every produce and fetch for
# ~75 ms per young collection (jstat on the 2-core box), which became the chat's p99.
BROKER_GC=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35)

die() { echo "kafka.sh: $*" >&2; exit 1; }

# COUNT = 0 for a single broker (today's layout, everything at the top of the data dir), else N.
COUNT=0
if [[ -s "$SETF" ]]; then COUNT="$(<"$SETF")"; fi
[[ "$COUNT" =~ ^[0-9]$ ]] || die "$SETF should hold the number of brokers, found \"$COUNT\""

# Member 0 is the single broker; member i >= 1 is broker i of a set. Sets the globals the
# functions below read: MDATA PORT CPORT NODE PIDF LOG NAME LABEL.
use() {
  if (( $1 == 0 )); then MDATA="$DATA" PORT="$BASE_PORT" CPORT="$BASE_CPORT" NODE=1 NAME=kafka LABEL=broker
  else
    MDATA="$DATA/broker-$1" PORT=$((BASE_PORT + 2 * ($1 - 1))) CPORT=$((BASE_CPORT + 2 * ($1 - 1)))
    NODE="$1" NAME="kafka broker $1" LABEL="broker $1"
  fi
  PIDF="$MDATA/kafka.pid" LOG="$MDATA/server.log"
}
members() { if (( COUNT == 0 )); then echo 0; else seq 1 "$COUNT"; fi; }
bootstrap() {
  local i list=()
  for i in $(members); do use "$i"; list+=("127.0.0.1:$PORT"); done
  local IFS=,; echo "${list[*]}"
}

# Is a broker really serving? A TCP connect proves little (any process may own the port; a bound
# listener completes handshakes before requests are processed), and a broker that lists no live
# (unfenced) broker can't create topics. So send a real Metadata v1 request (no topics) and require
# >= $2 (default 1) live brokers in the reply. Pure bash, because a JVM-based check costs ~1 s per poll.
probe() {
  # shellcheck disable=SC2016
  timeout 2 bash -c '
    min=$2
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    # size=21 | api_key=3 v1 | correlation_id=1 | client_id="kafkash" | topics=[] (none)
    printf "\x00\x00\x00\x15\x00\x03\x00\x01\x00\x00\x00\x01\x00\x07kafkash\x00\x00\x00\x00" >&3
    set -- $(head -c 12 <&3 | od -An -tu1)   # size(4) correlation_id(4) broker_count(4)
    (( $# == 12 && ($9 << 24 | $10 << 16 | $11 << 8 | $12) >= min ))
  ' _ "$1" "${2:-1}" 2>/dev/null
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The pid file alone can lie (pid reuse, zombie after SIGKILL): also require that the process is
# a Kafka broker started with *this* data dir's config.
ourpid() {
  local pid
  [[ -s "$PIDF" ]] && pid="$(<"$PIDF")" && [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $MDATA/server.properties" || return 1
  echo "$pid"
}
# Stopped by SIGSTOP (hang)? Field 3 of /proc/<pid>/stat, after the "(comm)".
hung() { [[ "$(sed -E 's/^.*\) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" == T ]]; }
# Brokers of the dir whose process runs (not hung), at least 1: each should appear in every
# broker's metadata.
running_count() {
  local i pid n=0
  for i in $(members); do use "$i"; if pid="$(ourpid)" && ! hung "$pid"; then n=$((n + 1)); fi; done
  echo $((n > 0 ? n : 1))
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
# One pair per data dir: the brokers of a set share it.
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
  local voters="" i
  for i in $(members); do use "$i"; voters+="$NODE@127.0.0.1:$CPORT,"; done
  voters="${voters%,}"
  use "$1"
  mkdir -p "$MDATA"
  cat >"$MDATA/server.properties" <<EOF
# generated by scripts/kafka/kafka.sh start; edits are overwritten
process.roles=broker,controller
node.id=$NODE
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$MDATA/logs
num.partitions=1
# Topics are created explicitly (by the app / tests), so typos fail loudly instead of auto-creating.
auto.create.topics.enable=false
EOF
  if (( COUNT == 0 )); then cat >>"$MDATA/server.properties" <<EOF
# Single node: internal topics cannot have 3 replicas, and tests must not wait 3 s per group join.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  else
    local rf=$((COUNT < 3 ? COUNT : 3))
    cat >>"$MDATA/server.properties" <<EOF
# A set: internal topics (and topics created without a replication factor) replicated like
# production. min.insync.replicas stays 1 here: Parley sets 2 on its own topics, and a test that
# creates a 1-replica topic on the set must still be able to write to it.
default.replication.factor=$rf
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$((rf >= 3 ? 2 : 1))
group.initial.rebalance.delay.ms=0
EOF
  fi
}

# The cause (e.g. "failed to bind ... Address already in use") sits far above the shutdown noise
# at the end of the log, so show the first errors, then the tail.
fail_start() {
  echo "kafka.sh: $LABEL $1. First errors, then last lines of $LOG:" >&2
  grep -m 3 -A 1 -E '^\[[^]]*\] (ERROR|FATAL) ' "$LOG" >&2 || true
  echo "..." >&2; tail -n 15 "$LOG" >&2 || true
  exit 1
}

# Waits until each given member serves and its metadata lists every running broker of the dir
# (for a set: the new member has joined, the others see it). A member that exits, or the timeout,
# stops the given members that are not ready yet: a half-started broker holds its data-dir lock
# and would block the next start.
wait_ready() {  # members...
  local timeout="${KAFKA_START_TIMEOUT:-$((COUNT == 0 ? 60 : 120))}" i pending=("$@") left
  local deadline=$((SECONDS + timeout))
  while (( ${#pending[@]} > 0 )); do
    left=()
    for i in "${pending[@]}"; do
      use "$i"
      if probe "$PORT" "$(running_count)"; then
        (( COUNT == 0 )) && echo "kafka $KAFKA_VERSION ready at $(bootstrap)" || echo "$NAME ready at 127.0.0.1:$PORT"
        continue
      fi
      ourpid >/dev/null || { stop_members "${pending[@]}" >/dev/null; use "$i"; fail_start "exited during startup"; }
      left+=("$i")
    done
    pending=("${left[@]}")
    (( ${#pending[@]} == 0 )) && break
    if (( SECONDS >= deadline )); then
      stop_members "${pending[@]}" >/dev/null; use "${pending[0]}"
      fail_start "not ready after $timeout s"
    fi
    sleep 0.3
  done
}

# Formats the member's storage on first use; all brokers of a set share one cluster id.
format_storage() {
  use "$1"
  [[ ! -f "$MDATA/logs/meta.properties" ]] || return 0
  "$JAVA" "${JVM[@]}" "${TOOL_GC[@]}" -Dlog4j.configuration="file:$DATA/tools-log4j.properties" -cp "$LIBS/*" \
    kafka.tools.StorageTool format --ignore-formatted -t "$(<"$DATA/cluster.id")" \
    -c "$MDATA/server.properties" >"$MDATA/format.log" 2>&1 || { cat "$MDATA/format.log" >&2; die "storage format failed"; }
}

launch() {
  use "$1"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"   # keep the last run's log: it may explain a crash
  local heap="-Xms256m -Xmx768m"
  (( COUNT == 0 )) || heap="-Xms256m -Xmx512m"
  # setsid: own session, so a Ctrl-C to the calling shell / test runner doesn't kill the broker.
  # 8>&- 9>&-: the broker must not inherit (and hold forever) the lock file descriptors.
  # shellcheck disable=SC2086
  setsid nohup "$JAVA" ${KAFKA_HEAP_OPTS:-$heap} "${JVM[@]}" "${BROKER_GC[@]}" ${KAFKA_OPTS:-} \
    -Dlog4j.configuration="file:$DATA/log4j.properties" -Dkafka.logs.dir="$MDATA" \
    -cp "$LIBS/*" kafka.Kafka "$MDATA/server.properties" </dev/null >"$LOG" 2>&1 8>&- 9>&- &
  echo $! >"$PIDF"
}

prepare() {
  command -v "$JAVA" >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 11+)"
  fetch
  write_log4j
  [[ -s "$DATA/cluster.id" ]] ||
    "$JAVA" "${JVM[@]}" "${TOOL_GC[@]}" -Dlog4j.configuration="file:$DATA/tools-log4j.properties" -cp "$LIBS/*" \
      kafka.tools.StorageTool random-uuid >"$DATA/cluster.id"
}

start_single() {
  use 0
  if probe "$PORT"; then
    local pid; pid="$(ourpid)" || pid="?, not started from $DATA"
    echo "kafka already running at $PORT_LIST (pid $pid)"
    return 0
  fi
  if ourpid >/dev/null; then wait_ready 0; return; fi   # ours but still starting (or hung: times out)
  prepare
  write_config 0
  format_storage 0
  launch 0
  wait_ready 0
}

# Starts the given brokers of the set that are not running, then waits for all of them. Brokers
# are launched together: none can serve before a majority of the controller quorum is up.
start_set() {  # members...
  local i pid wait=() new=()
  for i; do
    use "$i"
    if pid="$(ourpid)"; then
      if probe "$PORT"; then echo "$NAME already running at 127.0.0.1:$PORT (pid $pid)"
      else wait+=("$i"); fi   # ours but still starting (or hung: times out)
    elif listening "$PORT" || listening "$CPORT"; then
      die "port $PORT or $CPORT is taken by a process not started from $MDATA (choose KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
    else new+=("$i"); fi
  done
  if (( ${#new[@]} > 0 )); then
    prepare
    # Formats side by side, then launches together: each is a JVM start, and a broker that waits
    # for the next one's format only delays the quorum.
    local jobs=()
    for i in "${new[@]}"; do write_config "$i"; format_storage "$i" & jobs+=($!); done
    for i in "${jobs[@]}"; do wait "$i" || exit 1; done
    for i in "${new[@]}"; do launch "$i"; done
  fi
  (( ${#wait[@]} + ${#new[@]} == 0 )) || wait_ready "${wait[@]}" "${new[@]}"
  (( ${#wait[@]} + ${#new[@]} == 0 || $# < COUNT )) || echo "kafka $KAFKA_VERSION: $COUNT brokers ready at $(bootstrap)"
}

# SIGTERM to all at once (a set's controllers then stay up while every broker shuts down cleanly),
# SIGCONT in case one is hung, SIGKILL to any still alive 20 s later.
stop_members() {  # members...
  local i t pid pids=() names=() alive
  for i; do
    use "$i"
    if pid="$(ourpid)"; then kill -TERM "$pid" 2>/dev/null || true; kill -CONT "$pid" 2>/dev/null || true; pids+=("$pid") names+=("$i")
    else rm -f "$PIDF"; echo "$NAME not running"; fi
  done
  for ((alive = 0, t = 0; t < 40; t++)); do
    alive=0; for i in "${names[@]}"; do use "$i"; ourpid >/dev/null && alive=1; done
    (( alive )) || break; sleep 0.5
  done
  for ((t = 0; t < ${#names[@]}; t++)); do
    use "${names[t]}"; pid="${pids[t]}"
    if ourpid >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; echo "$NAME killed (pid $pid; no exit 20 s after SIGTERM)"
    else echo "$NAME stopped"; fi
    rm -f "$PIDF"
  done
}

signal_member() {  # member signal
  local pid t
  use "$1"
  case "$2" in
    KILL)
      pid="$(ourpid)" || { rm -f "$PIDF"; echo "$NAME not running"; return 0; }
      kill -KILL "$pid"
      # Gone once its ports are free: a restart must not find them taken.
      for ((t = 0; t < 100; t++)); do ourpid >/dev/null || listening "$PORT" || break; sleep 0.1; done
      ! ourpid >/dev/null || die "$NAME (pid $pid) still alive 10 s after SIGKILL"
      rm -f "$PIDF"; echo "$NAME killed (SIGKILL, pid $pid)" ;;
    STOP) pid="$(ourpid)" || die "$NAME not running"; kill -STOP "$pid"; echo "$NAME hung (SIGSTOP, pid $pid)" ;;
    CONT) pid="$(ourpid)" || die "$NAME not running"; kill -CONT "$pid"; echo "$NAME continued (SIGCONT, pid $pid)" ;;
  esac
}

# One line per broker. Exit 0 = all answer, 3 = none runs, 1 = otherwise.
status() {  # members...
  local i pid answering=0 alive=0
  for i; do
    use "$i"
    pid="$(ourpid)" || pid=""
    if [[ -n "$pid" ]] && hung "$pid"; then echo "$NAME hung (SIGSTOP) at 127.0.0.1:$PORT (pid $pid)"; alive=$((alive + 1))
    elif probe "$PORT"; then echo "$NAME running at 127.0.0.1:$PORT${pid:+ (pid $pid)}"; answering=$((answering + 1)); alive=$((alive + 1))
    elif [[ -n "$pid" ]]; then echo "$NAME process $pid alive but not answering on 127.0.0.1:$PORT"; alive=$((alive + 1))
    else echo "$NAME not running"; fi
  done
  (( answering == $# )) && return 0
  (( alive == 0 )) && return 3
  return 1
}

# Kafka CLIs: C1-only JIT and a small heap make these short-lived JVMs start noticeably faster.
tool() {
  local cls="$1"; shift
  fetch
  [[ -f "$DATA/tools-log4j.properties" ]] || write_log4j
  exec "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 "${JVM[@]}" "${TOOL_GC[@]}" \
    -Dlog4j.configuration="file:$DATA/tools-log4j.properties" -cp "$LIBS/*" "$cls" "$@"
}

# --brokers N (start only) and --broker N (one broker) for the lifecycle commands.
parse_options() {
  while (( $# > 0 )); do
    case "$1" in
      --brokers) [[ "$cmd" == start ]] || die "--brokers goes with start (later commands read it from $DATA)"
        [[ "${2:-}" =~ ^[1-9]$ ]] || die "--brokers takes a number from 1 to 9"; WANT="$2"; shift 2 ;;
      --broker) [[ "${2:-}" =~ ^[1-9]$ ]] || die "--broker takes a broker number"; ONE="$2"; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ -z "$WANT" || -z "$ONE" ]] || die "give --brokers or --broker, not both"
}

# The members a command acts on: --broker N, else all of the dir.
targets() {
  if [[ -z "${ONE:-}" ]]; then members; return; fi
  if (( COUNT == 0 )); then (( ONE == 1 )) || die "$DATA holds a single broker: --broker 1 or none"; echo 0
  else (( ONE <= COUNT )) || die "$DATA holds brokers 1 to $COUNT"; echo "$ONE"; fi
}

# A first `start --brokers N` (N >= 2) makes the data dir a set's.
become_set() {
  if (( COUNT > 0 )); then
    [[ -z "$WANT" || "$WANT" == "$COUNT" ]] || die "$DATA holds a set of $COUNT brokers, not $WANT: reset it or use another KAFKA_DATA_DIR"
    return
  fi
  (( ${WANT:-1} > 1 )) || return 0
  if [[ -e "$DATA/server.properties" || -e "$DATA/cluster.id" || -e "$DATA/logs" ]]; then
    die "$DATA holds a single broker: \`reset\` it, or give the set its own KAFKA_DATA_DIR, KAFKA_PORT and KAFKA_CONTROLLER_PORT"
  fi
  local clients="" controllers=" " i
  for ((i = 1; i <= WANT; i++)); do use "$i"; clients+=" $PORT"; controllers+="$CPORT "; done
  for i in $clients; do
    [[ "$controllers" != *" $i "* ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT give overlapping ports (clients$clients, controllers$controllers)"
  done
  echo "$WANT" >"$SETF"; COUNT="$WANT"
}

cmd="${1:-}"; shift || true
case "$cmd" in start | stop | status | reset | kill | hang | continue | bootstrap) WANT="" ONE=""; parse_options "$@" ;; esac
PORT_LIST="$(bootstrap)"
case "$cmd" in
  start)
    lock; become_set
    T="$(targets)"
    # shellcheck disable=SC2086
    if (( COUNT == 0 )); then start_single; else start_set $T; fi ;;
  stop)
    T="$(targets)"
    for i in $T; do use "$i"; if [[ -e "$PIDF" ]]; then lock; break; fi; done
    # shellcheck disable=SC2086
    stop_members $T ;;
  status)
    T="$(targets)"
    if (( COUNT == 0 )); then
      use 0; pid="$(ourpid)" || true
      if probe "$PORT"; then echo "kafka running at $PORT_LIST${pid:+ (pid $pid)}"; exit 0
      elif [[ -n "$pid" ]]; then echo "kafka process $pid alive but not answering on $PORT_LIST"; exit 1
      else echo "kafka not running"; exit 3; fi
    fi
    # shellcheck disable=SC2086
    status $T ;;
  reset)
    [[ -z "$ONE" ]] || die "reset acts on the whole data dir"
    lock
    # shellcheck disable=SC2046
    stop_members $(members) >/dev/null
    # Refuse to wipe a directory that KAFKA_DATA_DIR points at by mistake (e.g. $HOME).
    [[ -f "$DATA/server.properties" || -f "$DATA/cluster.id" || -f "$SETF" || -z "$(find "$DATA" -mindepth 1 -maxdepth 1 ! -name .lock -print -quit)" ]] \
      || die "$DATA does not look like a kafka.sh data dir; not deleting"
    rm -rf "$DATA"; echo "kafka reset ($DATA deleted)" ;;
  kill | hang | continue)
    (( COUNT == 0 )) || [[ -n "$ONE" ]] || die "$cmd needs --broker N (1 to $COUNT)"
    sig=KILL; [[ "$cmd" == hang ]] && sig=STOP; [[ "$cmd" == continue ]] && sig=CONT
    T="$(targets)"; signal_member "$T" "$sig" ;;
  bootstrap) echo "$PORT_LIST" ;;
  topics) tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$PORT_LIST" "$@" ;;
  console-consumer) tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$PORT_LIST" "$@" ;;
  console-producer) tool kafka.tools.ConsoleProducer --bootstrap-server "$PORT_LIST" "$@" ;;
  *) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" | grep -v '^set ' >&2; exit 2 ;;
esac
