CREATE TABLE "cache_entries" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"expires_at" bigint GENERATED ALWAYS AS ((nullif(split_part(value, '|', 1), ''))::bigint) STORED
);
--> statement-breakpoint
CREATE TABLE "cache_tags" (
	"tag" text PRIMARY KEY NOT NULL,
	"invalidated_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cache_entries_expires_at_idx" ON "cache_entries" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "cache_tags_expires_at_idx" ON "cache_tags" USING btree ("expires_at");