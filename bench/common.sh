# Helpers shared by bench/run, bench/ab and bench/scale (sourced; each script defines ROOT and die() first).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# waits until the file $1 contains $2, failing after $3 s or when process $4 died
await_line() {
    local file=$1 text=$2 bound=$3 pid=$4
    for _ in $(seq 1 $((bound * 10))); do
        grep -q "$text" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { tail -30 "$file" >&2; die "process $pid ($file) ended before it was ready"; }
        sleep 0.1
    done
    tail -30 "$file" >&2; die "not ready within $bound s: $file"
}

# the class path of the bench mains (test classes and every dependency), written to $2/classpath.txt, for $1 (the
# project); offline first, online when the local repository lacks something
bench_classpath() {
    local root=$1 work=$2
    (cd "$root" && mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt" >/dev/null) \
        || (cd "$root" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt" >/dev/null)
    echo "$root/target/test-classes:$root/target/classes:$(cat "$work/classpath.txt")"
}

# a first successful call to $1 (a gateway URL ending in /) within $2 s (the service is up and connected to the
# broker), or fails
await_call() {
    for _ in $(seq 1 $(($2 * 4))); do
        curl -s -m 5 "$1?Action=InvokeThingService&ProductKey=a1LampDemo1&DeviceName=lamp-1&Identifier=Blink&Args=%7B%22param1%22%3A1%7D" 2>/dev/null \
            | grep -q '"Success":true' && return 0
        sleep 0.25
    done
    die "no successful call to $1 within $2 s"
}

# wrk with invoke.lua against $1 (a URL ending in /), $2 connections, $3 seconds; prints its RESULT line
run_wrk() {
    timeout $(($3 + 60)) wrk -t1 -c"$2" -d"$3s" --timeout 10s -s "$ROOT/bench/invoke.lua" "$1" | grep '^RESULT http'
}

# the CPU time process $1 has used so far (user + system), in clock ticks (10 ms)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# stops every process in the array PIDS (TERM, then KILL after 10 s) and empties it
stop_all() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    PIDS=()
}

# the value of key $2 in the line $1 of key=value words (a RESULT line), empty when it has none
field() { { grep -o "\b$2=[^ ]*" <<<"$1" || true; } | head -1 | cut -d= -f2; }
