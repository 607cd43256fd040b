-- The service-call history (QueryDeviceServiceData): one row per call that reached the invoke pipeline with a known
-- device, from any source, written when the call ends; a device's reply that arrives after its call ended (a
-- timeout, a restart) is attached to the row later and marked late. Times are epoch ms. Rows older than
-- gateway.history.retention-days are deleted by every instance (purge). id is made by the gateway (time, the
-- instance's random part, a count), so SQLite and PostgreSQL need no sequence of their own, and rows are added at
-- the end of the key's index.
CREATE TABLE service_call (
    id          VARCHAR(64)  PRIMARY KEY,
    called_at   BIGINT       NOT NULL,
    ended_at    BIGINT       NOT NULL,
    iot_id      VARCHAR(64)  NOT NULL,
    product_key VARCHAR(64)  NOT NULL,
    device_name VARCHAR(64)  NOT NULL,
    identifier  VARCHAR(200) NOT NULL,
    args        TEXT,
    message_id  VARCHAR(10),
    request_id  TEXT,
    source      VARCHAR(32)  NOT NULL,
    outcome     VARCHAR(100) NOT NULL,
    reply       TEXT,
    replied_at  BIGINT,
    late        INTEGER      NOT NULL DEFAULT 0
);
-- a device's calls by time, both directions (QueryDeviceServiceData pages on it)
CREATE INDEX service_call_device_time ON service_call (iot_id, called_at);
-- a reply finds its call by the correlation key (pk/dn/MessageId)
CREATE INDEX service_call_message ON service_call (product_key, device_name, message_id);
-- the purge deletes by age
CREATE INDEX service_call_time ON service_call (called_at);
