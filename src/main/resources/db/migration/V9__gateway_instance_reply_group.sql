-- The reply group each instance takes device replies in (gateway.mqtt.reply-group; NULL: none, it subscribes to every
-- reply itself, as every instance did before the groups existed). A reply is handed over only to an instance of the
-- same group: one outside it receives the reply anyway, and during a rolling upgrade from a version without groups a
-- hand-over to an old instance found nobody and its replies were recorded late on calls they had answered.
ALTER TABLE gateway_instance ADD COLUMN reply_group VARCHAR(200);
