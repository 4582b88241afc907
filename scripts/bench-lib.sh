# Sourced by the scripts/bench-*.sh benchmarks: JDK, classpath and background servers, written once.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/java-home.sh
select_java_home

# Compiles functions with its tests and sets $cp to their classpath (benchmarks live in functions' tests).
bench_classpath() {
    ./mvnw -q -B -pl functions -am test-compile -DskipTests >/dev/null
    ./mvnw -q -B -pl functions dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile=target/bench.classpath >/dev/null
    cp="functions/target/test-classes:functions/target/classes:$(cat functions/target/bench.classpath)"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts a bench server main in its own JVM (killed on exit) and waits for it: start_server SECONDS CLASS ARGS...
start_server() {
    local wait=$1
    shift
    java --enable-native-access=ALL-UNNAMED -cp "$cp" "$@" > /dev/null 2>&1 &
    bench_server=$!
    trap 'kill $bench_server 2>/dev/null' EXIT
    sleep "$wait"
}
