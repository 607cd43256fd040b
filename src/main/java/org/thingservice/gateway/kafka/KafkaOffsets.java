package org.thingservice.gateway.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/** Commits a processed batch: for each partition, the offset after its last record. */
public final class KafkaOffsets {

    public void commit(List<Exchange> records) {
        Map<String, Exchange> lastOfPartition = new LinkedHashMap<>();
        for (Exchange record : records) {
            String partition = record.getMessage().getHeader(KafkaConstants.TOPIC) + "/" + record.getMessage().getHeader(KafkaConstants.PARTITION);
            lastOfPartition.merge(partition, record, (a, b) -> offset(a) >= offset(b) ? a : b);
        }
        for (Exchange record : lastOfPartition.values()) {
            record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit();
        }
    }

    private static long offset(Exchange record) {
        return record.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
    }
}
