# Sourced by the commands in this directory: finds Java and the standalone jar with its libraries,
# the engine's among them (./mvnw -DskipTests package builds them into standalone/target/).
POSTRELAY_HOME=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
POSTRELAY_TARGET="$POSTRELAY_HOME/standalone/target"
POSTRELAY_JAR=
for jar in "$POSTRELAY_TARGET"/postrelay-standalone-*.jar; do POSTRELAY_JAR=$jar; done
if [ ! -f "$POSTRELAY_JAR" ] || [ ! -d "$POSTRELAY_TARGET/lib" ]; then
    echo "$(basename -- "$0"): fatal: no build in $POSTRELAY_TARGET; run ./mvnw -DskipTests package in $POSTRELAY_HOME" >&2
    exit 1
fi
POSTRELAY_CLASSPATH="$POSTRELAY_JAR:$POSTRELAY_TARGET/lib/*"
if [ -n "$JAVA_HOME" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

# Runs a command's class in a JVM tuned for a short life (quick start, small heap, no JIT tiers).
postrelay_exec() {
    main_class=$1
    shift
    exec "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto $POSTRELAY_JAVA_OPTS \
        -cp "$POSTRELAY_CLASSPATH" "$main_class" "$@"
}
