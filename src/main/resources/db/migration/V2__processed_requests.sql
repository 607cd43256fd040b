-- Requests from Kafka (and batch files) that have reached a device, so that a redelivered request is never
-- sent again. state: SENT (handed to the device, no result written yet) or DONE (result written).
-- source: where the request came from (topic/partition/offset, or file/line), to tell a redelivery from a
-- second request that reuses a RequestId.
CREATE TABLE processed_request (
    request_key VARCHAR(400) PRIMARY KEY,
    source      VARCHAR(400) NOT NULL,
    state       VARCHAR(8)   NOT NULL,
    updated_at  TIMESTAMP    NOT NULL
);
