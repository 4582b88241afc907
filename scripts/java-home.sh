# The one place that picks the JDK, sourced by ./mvnw, ./switchboard, infra-cdk/cdk-app.sh and the benchmark
# scripts. select_java_home exports JAVA_HOME (and puts its bin/ first on PATH) for the first JDK 21 or newer, with
# javac, among:
#   1. JAVA_HOME, when it is set;
#   2. the `java` on the PATH;
#   3. the JDKs under /usr/lib/jvm, newest first;
# or fails with a message that says what to install.
# SWITCHBOARD_JDK_DIR, when set, is searched instead of /usr/lib/jvm: tests point it at a directory they made (an
# empty one shows the failure).
# Plain POSIX sh: ./mvnw runs it under /bin/sh with `set -euf` (no globbing), the bash scripts with
# `set -euo pipefail`.

SWITCHBOARD_MIN_JDK=21

# Prints the feature release of the JDK at $1 (17, 21, 25...), or nothing when $1 holds no JDK with javac.
java_major() {
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
    _java_version=""
    # The release file answers without starting a JVM; the JVM itself is asked when there is none.
    if [ -f "$1/release" ]; then
        _java_version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" 2>/dev/null | head -n 1) || :
    fi
    if [ -z "$_java_version" ]; then
        _java_version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = \(.*\)$/\1/p' | head -n 1) || :
    fi
    case "$_java_version" in 1.*) _java_version=${_java_version#1.} ;; esac
    printf '%s\n' "${_java_version%%[!0-9]*}"
}

# Exports JAVA_HOME=$1 (JDK $2) and puts its bin/ first on PATH.
_use_java_home() {
    if [ -n "${JAVA_HOME:-}" ] && [ "$JAVA_HOME" != "$1" ]; then
        echo "note: JAVA_HOME=$JAVA_HOME is not a JDK $SWITCHBOARD_MIN_JDK or newer; using $1 (JDK $2)" >&2
    fi
    JAVA_HOME=$1
    PATH="$JAVA_HOME/bin:$PATH"
    export JAVA_HOME PATH
}

select_java_home() {
    _jdk_dir=${SWITCHBOARD_JDK_DIR:-/usr/lib/jvm}

    # 1. JAVA_HOME.
    _seen="
  JAVA_HOME: not set"
    if [ -n "${JAVA_HOME:-}" ]; then
        _major=$(java_major "$JAVA_HOME")
        if [ -n "$_major" ] && [ "$_major" -ge "$SWITCHBOARD_MIN_JDK" ]; then
            _use_java_home "$JAVA_HOME" "$_major"
            return 0
        fi
        _seen="
  JAVA_HOME=$JAVA_HOME: ${_major:+JDK }${_major:-no JDK with javac}"
    fi

    # 2. The java on the PATH, through its symlinks (/usr/bin/java -> /etc/alternatives/java -> the JDK's).
    _java=$(command -v java 2>/dev/null) || _java=""
    if [ -n "$_java" ]; then
        _home=$(readlink -f "$_java" 2>/dev/null) || _home=$_java
        _home=$(dirname "$(dirname "$_home")")
        _major=$(java_major "$_home")
        if [ -n "$_major" ] && [ "$_major" -ge "$SWITCHBOARD_MIN_JDK" ]; then
            _use_java_home "$_home" "$_major"
            return 0
        fi
        _seen="$_seen
  java on the PATH ($_java): ${_major:+JDK }${_major:-no JDK with javac}"
    else
        _seen="$_seen
  java on the PATH: none"
    fi

    # 3. The newest JDK under /usr/lib/jvm. The caller may have globbing off (mvnw runs with set -f).
    _best="" _best_major=0 _in_dir="" _glob_was_off=false
    case $- in *f*) _glob_was_off=true; set +f ;; esac
    for _candidate in "$_jdk_dir"/*; do
        _major=$(java_major "$_candidate")
        [ -n "$_major" ] || continue
        _in_dir="$_in_dir${_in_dir:+, }$(basename "$_candidate") (JDK $_major)"
        if [ "$_major" -ge "$SWITCHBOARD_MIN_JDK" ] && [ "$_major" -gt "$_best_major" ]; then
            _best=$_candidate _best_major=$_major
        fi
    done
    if [ "$_glob_was_off" = true ]; then set -f; fi
    if [ -n "$_best" ]; then
        _use_java_home "$_best" "$_best_major"
        return 0
    fi

    cat >&2 <<EOF
error: Switchboard needs a JDK $SWITCHBOARD_MIN_JDK or newer (with javac), and none was found. Looked at:$_seen
  $_jdk_dir: ${_in_dir:-no JDK}
Install JDK $SWITCHBOARD_MIN_JDK or newer (e.g. Eclipse Temurin 25, or your system's openjdk-21-jdk package), then
run this again: it is found under $_jdk_dir or on the PATH, or point JAVA_HOME at it.
EOF
    return 1
}
