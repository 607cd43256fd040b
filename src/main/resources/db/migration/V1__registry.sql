-- Products (one Alibaba TSL document each) and their devices.
-- version changes whenever a product's TSL changes, so every gateway instance reloads its cached model.
CREATE TABLE product (
    product_key VARCHAR(64) PRIMARY KEY,
    tsl         TEXT        NOT NULL,
    version     BIGINT      NOT NULL
);

CREATE TABLE device (
    iot_id      VARCHAR(64) PRIMARY KEY,
    product_key VARCHAR(64) NOT NULL REFERENCES product (product_key),
    device_name VARCHAR(64) NOT NULL,
    CONSTRAINT device_name_unique UNIQUE (product_key, device_name)
);
