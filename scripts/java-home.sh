# Sourced by .ci/run and ./switchboard: find a JDK >= 21 and export JAVA_HOME, or fail with a clear message.
# Order: Temurin 25 where these machines keep it, then the `java` on the PATH, then JAVA_HOME, then any JDK
# under /usr/lib/jvm.

java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

select_java_home() {
    local candidate major on_path=""
    if command -v java >/dev/null 2>&1; then
        on_path="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    fi
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 "$on_path" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        major=$(java_major "$candidate")
        if [ -n "$major" ] && [ "$major" -ge 21 ]; then
            export JAVA_HOME="$candidate"
            export PATH="$JAVA_HOME/bin:$PATH"
            return 0
        fi
    done
    echo "error: Switchboard needs a JDK 21 or newer (with javac); none found (looked at Temurin 25 in" \
        "/usr/lib/jvm, java on the PATH, JAVA_HOME). Install one and set JAVA_HOME." >&2
    return 1
}
