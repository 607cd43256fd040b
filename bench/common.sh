# Helpers shared by bench/run and bench/ab (sourced; each script defines die() first).

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
