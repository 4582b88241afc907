#!/usr/bin/env bash
# The app command cdk.json runs: the compiled CDK app on the classpath Maven wrote, no Maven at synth time.
# Needs './mvnw -DskipTests install' from the repository root first (builds the app and the functions jar).
set -eu
cd "$(dirname "$0")"
if [ ! -f target/classpath.txt ] || [ ! -f target/handlers-classpath.txt ] \
    || [ ! -d target/classes/dev/switchboard/infra ]; then
  echo "infra-cdk is not built: run './mvnw -DskipTests install' in the repository root first" >&2
  exit 1
fi
# The same JDK choice as the launcher and CI: a JDK >= 21, or a clear error.
source ../scripts/java-home.sh
select_java_home
JAVA="$JAVA_HOME/bin/java"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
# The functions jar comes alone, for the handler class names: not the AWS SDK and the rest the handlers need.
exec "$JAVA" -cp "target/classes:$(cat target/classpath.txt):$(cat target/handlers-classpath.txt)" \
    dev.switchboard.infra.SwitchboardApp
