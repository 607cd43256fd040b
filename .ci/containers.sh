#!/usr/bin/env bash
# CI's container step (.ci/run calls it after mvn verify): builds docker/Dockerfile with podman and runs the image as
# a user would, then runs docker/compose.yaml unchanged with podman-compose and invokes a device through the stack.
# This machine reaches no container registry: the images the Dockerfile and compose file name are stood in for by
# local images built the same way on every run from a debootstrapped Debian (.ci/containers/, CI only).
# Prints one PASS/FAIL line per check and "N passed, N failed" at the end; exits 1 if anything failed.
# Leaves no container, volume or network behind; keeps the images (podman's layer cache makes the next run fast).
#   usage: .ci/containers.sh          (as root; TSG_CONTAINERS_WORK names the scratch folder, default /tmp/tsg-containers)
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=$(pwd)
W=${TSG_CONTAINERS_WORK:-/tmp/tsg-containers}
IMAGE=localhost/thing-service-gateway:ci
BASE=localhost/tsg-ci/debian:bookworm
STAND_INS=$PROJECT/.ci/containers
COMPOSE_PROJECT=tsgci
SINGLE=tsgci-single
mkdir -p "$W"

t() { printf '[%4ds] %s\n' "$SECONDS" "$*"; }
passed=0; failed=0
pass() { passed=$((passed + 1)); printf 'PASS: %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAIL: %s\n' "$*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
# a call signed by bin/invoke, as docs/containers.md makes it, succeeds; the same call unsigned is refused
signed_and_unsigned() { # URL WHERE
    check "a signed call through bin/invoke to $2 succeeds" \
        bin/invoke --url "$1" ProductKey=a1LampDemo1 DeviceName=lamp-1 Identifier=Blink 'Args={"param1":1}'
    local code
    code=$(curl -s -o "$W/unsigned.json" -w '%{http_code}' "$1?Action=InvokeThingService&ProductKey=a1LampDemo1&DeviceName=lamp-1&Identifier=Blink&Args=%7B%22param1%22%3A1%7D" || true)
    check "an unsigned call to $2 is refused (HTTP $code, $(head -c 100 "$W/unsigned.json" 2>/dev/null))" test "$code" = 400
}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

export DEBIAN_FRONTEND=noninteractive BUILDAH_FORMAT=docker   # docker format keeps HEALTHCHECK
t "apt: podman, podman-compose, runc, debootstrap"
apt-get update -qq
apt-get install -y -qq --no-install-recommends podman podman-compose runc buildah slirp4netns uidmap debootstrap \
    netavark aardvark-dns iptables python3 curl >/dev/null
# this machine: no CAP_SYS_RESOURCE (hard nofile 20000), hybrid cgroups that crun 1.8 refuses, and netavark's
# network (with aardvark's DNS, so compose services find each other by name) rather than the CNI default
cat > "$W/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
[network]
network_backend = "netavark"
CONF
export CONTAINERS_CONF="$W/containers.conf"

compose() { TSG_HTTP_PORT=$HTTP_PORT TSG_KAFKA_PORT=$KAFKA_PORT podman-compose -p "$COMPOSE_PROJECT" -f docker/compose.yaml "$@"; }
made_keys=false
cleanup() {
    set +e
    podman rm -f -t 0 "$SINGLE" >/dev/null 2>&1
    if [ -n "${HTTP_PORT:-}" ]; then compose down -v -t 5 >/dev/null 2>&1; fi
    for v in $(podman volume ls -q | grep "^${COMPOSE_PROJECT}_"); do podman volume rm -f "$v" >/dev/null 2>&1; done
    podman network rm -f "${COMPOSE_PROJECT}_default" >/dev/null 2>&1
    if [ "$made_keys" = true ]; then rm -rf "$PROJECT/docker/secrets"; fi
}
trap cleanup EXIT
cleanup # what an interrupted run left

# ---------------------------------------------------------------------------------------------------------------
t "stand-ins for the images docker/ names (CI only: .ci/containers/README.md)"
if ! podman image exists "$BASE"; then
    t "debootstrap minbase bookworm -> $BASE"
    rm -rf "$W/rootfs"
    mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1 \
        | sed -E 's/^URIs: *//; s/^deb (\[[^]]*\] )?//' | awk '{print $1}')
    debootstrap --variant=minbase bookworm "$W/rootfs" "$mirror" >/dev/null
    rm -rf "$W"/rootfs/var/cache/apt/archives/*.deb "$W"/rootfs/var/cache/apt/*.bin "$W"/rootfs/var/lib/apt/lists/*
    printf '%s\n' 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
        'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
        'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' > "$W/rootfs/etc/apt/apt.conf.d/docker-clean"
    tar -C "$W/rootfs" -c . | podman import -q - "$BASE" >/dev/null
    rm -rf "$W/rootfs"
fi
stand_in() { # NAME CONTAINERFILE CONTEXT
    podman build -q --pull=never --network host -t "$1" -f "$2" "$3" >/dev/null
}
stand_in docker.io/library/maven:3.8.7-eclipse-temurin-17 "$STAND_INS/maven.Containerfile" "$STAND_INS"
stand_in docker.io/library/eclipse-temurin:17-jre "$STAND_INS/jre.Containerfile" "$STAND_INS"
stand_in docker.io/library/eclipse-mosquitto:2 "$STAND_INS/mosquitto/Containerfile" "$STAND_INS/mosquitto"
stand_in docker.io/library/postgres:15 "$STAND_INS/postgres/Containerfile" "$STAND_INS/postgres"
rm -rf "$W/kafka" && mkdir -p "$W/kafka"
cp -r "$STAND_INS/kafka/bin" "$STAND_INS/kafka/log4j.properties" "$W/kafka/"
mvn -B -q -f "$STAND_INS/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$W/kafka/libs"
stand_in docker.io/apache/kafka:3.9.1 "$STAND_INS/kafka/Containerfile" "$W/kafka"

# ---------------------------------------------------------------------------------------------------------------
t "podman build -f docker/Dockerfile (the one users build; Maven's TLS needs this machine's trust store)"
podman build -q --pull=never --network host -v /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro \
    -v "$HOME/.m2:/root/.m2" -f docker/Dockerfile -t "$IMAGE" . >/dev/null
size=$(podman image inspect -f '{{.Size}}' "$IMAGE")
t "image $IMAGE: $((size / 1000000)) MB"
check "the image runs as a non-root user with its own group" \
    test "$(podman image inspect -f '{{.Config.User}}' "$IMAGE")" = "10001:10001"
check "the image declares no VOLUME (no anonymous volumes left behind)" \
    test "$(podman image inspect -f '{{len .Config.Volumes}}' "$IMAGE")" = 0

# a key for the signed calls, as the first step of docs/containers.md makes it
keys_file=$PROJECT/docker/secrets/access-keys.csv
if [ ! -e "$keys_file" ]; then made_keys=true; fi
eval "$(docker/new-key)"

# ---------------------------------------------------------------------------------------------------------------
t "one container, as 'docker run' starts it: the embedded broker and database, its port moved by a variable"
HTTP_SINGLE=$(free_port)
# CAMEL_SERVER_PORT as a variable: the API, /observe/* and the HEALTHCHECK must all follow it
podman run -d --name "$SINGLE" --network slirp4netns -p "127.0.0.1:$HTTP_SINGLE:9090" -e CAMEL_SERVER_PORT=9090 \
    -v "$keys_file:/run/secrets/access-keys:ro" -e GATEWAY_AUTH_KEYS=/run/secrets/access-keys "$IMAGE" >/dev/null 2>>"$W/podman.log"
healthy=false
for _ in $(seq 1 120); do
    if podman healthcheck run "$SINGLE" >/dev/null 2>>"$W/podman.log"; then healthy=true; break; fi
    [ "$(podman inspect -f '{{.State.Running}}' "$SINGLE")" = true ] || break
    sleep 1
done
check "the container becomes healthy (HEALTHCHECK on /observe/health/ready at CAMEL_SERVER_PORT=9090)" test "$healthy" = true
url="http://127.0.0.1:$HTTP_SINGLE/"
signed_and_unsigned "$url" "the container"
check "the API and /observe/* are one server on the variable's port" \
    curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_SINGLE/observe/health/live"
# SIGTERM with calls in flight: lamp-slow answers after 3 s
for i in 1 2 3; do
    bin/invoke --url "$url" ProductKey=a1LampDemo1 DeviceName=lamp-slow Identifier=Blink "Args={\"param1\":$i}" \
        > "$W/inflight-$i.json" 2>&1 &
done
in_flight=0
for _ in $(seq 1 40); do # until the 3 calls wait for their device
    in_flight=$(curl -fs "${url}observe/metrics" | sed -n 's/^gateway_invocations_in_flight[{ ].* \([0-9.]*\)$/\1/p; s/^gateway_invocations_in_flight \([0-9.]*\)$/\1/p' | head -1)
    [ "${in_flight%.*}" = 3 ] && break
    sleep 0.25
done
stop_start=$SECONDS
podman stop -t 30 "$SINGLE" >/dev/null 2>>"$W/podman.log"
stop_took=$((SECONDS - stop_start))
inflight_ok=true
for job in $(jobs -p); do wait "$job" || inflight_ok=false; done
check "podman stop (SIGTERM) with ${in_flight%.*} calls in flight: the 3 were answered by their device" test "$inflight_ok" = true
exit_code=$(podman inspect -f '{{.State.ExitCode}}' "$SINGLE")
check "the gateway exited by itself within the grace period ($stop_took s of 30, exit status $exit_code)" \
    test "$stop_took" -lt 30 -a \( "$exit_code" = 0 -o "$exit_code" = 143 \)
if [ "$failed" -gt 0 ]; then podman logs "$SINGLE" > "$W/single.log" 2>&1 || true; t "its log: $W/single.log"; fi
podman rm -f "$SINGLE" >/dev/null 2>>"$W/podman.log"

# ---------------------------------------------------------------------------------------------------------------
HTTP_PORT=$(free_port)
KAFKA_PORT=$(free_port)
t "podman-compose up: docker/compose.yaml as shipped (gateway on 127.0.0.1:$HTTP_PORT, Kafka on 127.0.0.1:$KAFKA_PORT)"
# compose builds the gateway from docker/Dockerfile when its image is missing: it is the image just built
podman tag "$IMAGE" "localhost/${COMPOSE_PROJECT}_gateway"
# the gateway first and alone: podman-compose does not wait for service_healthy, and on a first up PostgreSQL takes
# a while to initialise, so the gateway must wait for its broker and database itself (podman-compose 1.0.3 has no
# working --no-deps: every container is created, and the gateway's started alone)
compose up --no-start > "$W/compose-up.log" 2>&1 || { cat "$W/compose-up.log"; fail "podman-compose up --no-start"; }
gw=${COMPOSE_PROJECT}_gateway_1
podman start "$gw" >/dev/null 2>>"$W/podman.log"
waiting=false
for _ in $(seq 1 60); do
    if podman logs "$gw" 2>&1 | grep -q 'is not reachable yet'; then waiting=true; break; fi
    sleep 1
done
check "the gateway started before its neighbours waits for them ($(podman logs "$gw" 2>&1 | grep -m1 -o 'The .* is not reachable yet' || echo 'no wait logged'))" \
    test "$waiting" = true
compose up -d >> "$W/compose-up.log" 2>&1 || { cat "$W/compose-up.log"; fail "podman-compose up"; }
ready=false
for _ in $(seq 1 180); do
    if curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/observe/health"; then ready=true; break; fi
    sleep 1
done
check "the stack's gateway is UP on the first up (database, broker and Kafka reached; it started before them)" test "$ready" = true
signed_and_unsigned "http://127.0.0.1:$HTTP_PORT/" "the stack (mosquitto, PostgreSQL)"
published=$(podman ps --filter "label=com.docker.compose.project=$COMPOSE_PROJECT" --format '{{.Ports}}' | tr ',' '\n' | grep -- '->' || true)
check "every published port is on 127.0.0.1 only, and only the gateway's and Kafka's are published ($(echo $published))" \
    sh -c "[ \"\$(printf '%s\n' \"$published\" | grep -vc '127.0.0.1:')\" = 0 ] && [ \"\$(printf '%s\n' \"$published\" | grep -c .)\" = 2 ]"

# Kafka, from this host, through the published listener it advertises (a client outside the compose network)
request='{"RequestId":"ci-kafka-1","ProductKey":"a1LampDemo1","DeviceName":"lamp-1","Identifier":"Blink","Args":{"param1":3}}'
kafka_host() { java -Xmx128m -Dlog4j.configuration=file:"$W/kafka/log4j.properties" -cp "$W/kafka/libs/*" "$@"; }
produced=false
for _ in $(seq 1 20); do
    if printf '%s\n' "$request" | kafka_host kafka.tools.ConsoleProducer --bootstrap-server "localhost:$KAFKA_PORT" \
        --topic thing.invoke.requests > "$W/producer.log" 2>&1; then produced=true; break; fi
    sleep 3
done
check "a request record is produced from this host to localhost:$KAFKA_PORT" test "$produced" = true
kafka_host org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "localhost:$KAFKA_PORT" \
    --topic thing.invoke.results --from-beginning --max-messages 1 --timeout-ms 90000 > "$W/results.txt" 2>"$W/consumer.log" || true
check "its result is on thing.invoke.results: the device answered ($(head -c 160 "$W/results.txt"))" \
    grep -q '"RequestId":"ci-kafka-1","Success":true' "$W/results.txt"

# a batch file, copied into the inbox volume as docs/containers.md does
printf '%s\n' '{"RequestId":"ci-file-1","ProductKey":"a1LampDemo1","DeviceName":"lamp-1","Identifier":"Blink","Args":{"param1":4}}' \
    '{"RequestId":"ci-file-2","IotId":"LampDemoIotId0000002","Identifier":"Blink","Args":{"param1":5}}' > "$W/batch-ci.jsonl"
podman cp "$W/batch-ci.jsonl" "$gw:/var/lib/gateway/inbox/batch-ci.jsonl"
got=false
for _ in $(seq 1 60); do
    if podman cp "$gw:/var/lib/gateway/outbox/batch-ci.results.jsonl" "$W/batch-ci.results.jsonl" 2>/dev/null; then got=true; break; fi
    sleep 1
done
check "a batch file in the inbox volume gets its result file in the outbox volume" test "$got" = true
check "both lines of the batch file were answered by their device" \
    test "$(grep -c '"Success":true' "$W/batch-ci.results.jsonl" 2>/dev/null || echo 0)" = 2

recorded=$(podman exec "${COMPOSE_PROJECT}_postgres_1" psql -U gateway -d gateway -tAc \
    "SELECT count(*) FROM processed_request WHERE state = 'DONE'" 2>/dev/null || echo none)
check "the Kafka request and the file's 2 lines were claimed and done in PostgreSQL ($recorded rows)" test "$recorded" = 3

if [ "$failed" -gt 0 ]; then compose logs > "$W/compose.log" 2>&1 || true; t "the stack's logs: $W/compose.log"; fi
t "podman-compose down -v"
compose down -v -t 30 > "$W/compose-down.log" 2>&1 || true
check "podman-compose down leaves none of the stack's volumes behind" \
    test -z "$(podman volume ls -q | grep "^${COMPOSE_PROJECT}_" || true)"

# ---------------------------------------------------------------------------------------------------------------
# deploy/kubernetes as kubectl renders it (KubernetesManifestsTest checks the manifests themselves in mvn verify)
if command -v kubectl >/dev/null 2>&1; then
    rm -rf "$W/k8s" && cp -r deploy/kubernetes "$W/k8s"
    printf 'AccessKeyId,AccessKeySecret\nci,secret\n' > "$W/k8s/access-keys.csv"
    printf 'ci' > "$W/k8s/registry-password"
    rendered=false
    if kubectl kustomize "$W/k8s" > "$W/k8s.yaml" 2>"$W/k8s.err"; then rendered=true; fi
    keys_secret=$(sed -n 's/^  name: \(thing-service-gateway-access-keys-[a-z0-9]*\)$/\1/p' "$W/k8s.yaml")
    check "kubectl kustomize deploy/kubernetes renders, the Deployment mounting the generated access-keys Secret ($keys_secret)" \
        sh -c "$rendered && [ -n '$keys_secret' ] && grep -q 'secretName: $keys_secret' '$W/k8s.yaml'"
else
    t "SKIP: no kubectl to render deploy/kubernetes with (KubernetesManifestsTest checks it in mvn verify)"
fi

t "container step done in ${SECONDS} s"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" = 0 ]
