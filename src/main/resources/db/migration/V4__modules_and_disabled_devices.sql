-- Custom TSL modules of a product (reference §4: a TSL document with a functionBlockId), at most 20 per product.
-- A change to a module also raises product.version, so every gateway instance reloads the product's cached model.
CREATE TABLE product_module (
    product_key       VARCHAR(64) NOT NULL REFERENCES product (product_key),
    function_block_id VARCHAR(30) NOT NULL,
    tsl               TEXT        NOT NULL,
    CONSTRAINT product_module_pk PRIMARY KEY (product_key, function_block_id)
);

-- DisableThing / EnableThing: a disabled device keeps its record but is not called.
ALTER TABLE device ADD COLUMN enabled BOOLEAN DEFAULT TRUE NOT NULL;
