#!/bin/sh
KAFKA_HEAP_OPTS=-Xmx128m exec /bin/sh /opt/kafka/bin/run-class.sh kafka.tools.ConsoleProducer "$@"
