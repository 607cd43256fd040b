-- The gateway instances sharing this database, each with the prefix of its Alink MessageIds (the top 12 of 32 bits),
-- so that an instance can tell a reply to another instance's call (every instance receives every reply) from a reply
-- nobody is waiting for. seen_at (epoch ms) is refreshed while the instance runs; a prefix not seen for a while is
-- free again.
CREATE TABLE gateway_instance (
    id_prefix  INTEGER PRIMARY KEY,
    started_at BIGINT  NOT NULL,
    seen_at    BIGINT  NOT NULL
);
