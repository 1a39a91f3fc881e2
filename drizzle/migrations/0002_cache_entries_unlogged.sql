-- Custom migration (drizzle-kit generate --custom): drizzle's schema has no UNLOGGED flag.
-- A cache may be lost in a crash; skipping the WAL makes every cache write cheaper.
ALTER TABLE "cache_entries" SET UNLOGGED;
