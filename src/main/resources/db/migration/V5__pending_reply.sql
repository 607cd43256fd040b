-- Async calls whose reply is still awaited for forwarding (the request half of the correlation aggregator), so
-- that a reply arriving after a restart, or at another gateway instance sharing this database, is still forwarded
-- to /{pk}/{dn}/thing/downlink/reply/message. A row is deleted by whoever forwards the reply or times it out;
-- rows of a crashed instance are past expires_at (epoch ms) soon and deleted when a gateway starts.
CREATE TABLE pending_reply (
    correlation_key VARCHAR(200) PRIMARY KEY,
    request_id      TEXT         NOT NULL,
    iot_id          VARCHAR(64)  NOT NULL,
    product_key     VARCHAR(64)  NOT NULL,
    device_name     VARCHAR(64)  NOT NULL,
    identifier      VARCHAR(200) NOT NULL,
    message_id      VARCHAR(10)  NOT NULL,
    expires_at      BIGINT       NOT NULL
);
