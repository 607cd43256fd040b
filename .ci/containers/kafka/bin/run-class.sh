#!/bin/sh
# CI-only: java with the Kafka jars, as Kafka's kafka-run-class.sh
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp '/opt/kafka/libs/*' "$@"
