-- When each store last published its stock (PUT /v1/pharmacies/{store}/stock), so the
-- operator's page can tell a stale snapshot from a fresh one. Epoch ms; NULL: never published.
ALTER TABLE pharmacies ADD COLUMN stock_updated_at BIGINT NULL;
