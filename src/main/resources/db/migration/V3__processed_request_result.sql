-- The answer given to a processed request, so that a batch file resumed after a restart, or dropped again,
-- gets the same result for its lines without invoking their devices again.
ALTER TABLE processed_request ADD COLUMN result TEXT;
