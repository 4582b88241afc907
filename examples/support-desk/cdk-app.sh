#!/usr/bin/env bash
# The app command cdk.json runs: the compiled CDK app on the classpath Maven wrote, no Maven at synth time.
# Needs './mvnw -DskipTests install' from the repository root first (builds Switchboard's functions jar, the desk's
# Lambda jar and this app).
set -eu
cd "$(dirname "$0")"
if [ ! -f target/classpath.txt ] || [ ! -d target/classes/com/example/supportdesk/infra ]; then
  echo "the support desk is not built: run './mvnw -DskipTests install' in the repository root first" >&2
  exit 1
fi
source ../../scripts/java-home.sh
select_java_home
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
exec "$JAVA_HOME/bin/java" -cp "target/classes:$(cat target/classpath.txt)" com.example.supportdesk.infra.SupportDeskApp
