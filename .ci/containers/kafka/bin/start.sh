#!/bin/sh
# CI-only: the real apache/kafka image's configuration by variables (KAFKA_FOO_BAR -> foo.bar; __ -> _, ___ -> -),
# the KRaft storage formatted on the first start, then the broker in the foreground.
set -eu
conf=/opt/kafka/config/server.properties
: > "$conf"
env | grep '^KAFKA_' | grep -v '^KAFKA_HEAP_OPTS=' | while IFS='=' read -r name value; do
    key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
    printf '%s=%s\n' "$key" "$value" >> "$conf"
done
logs=$(sed -n 's/^log\.dirs=//p' "$conf")
if [ ! -f "${logs:-/tmp/kraft-combined-logs}/meta.properties" ]; then
    /bin/sh /opt/kafka/bin/run-class.sh kafka.tools.StorageTool format -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$conf"
fi
exec /bin/sh /opt/kafka/bin/run-class.sh kafka.Kafka "$conf"
