CREATE TABLE "admin_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"input" jsonb,
	"result" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "query_log" (
	"operation_hash" text NOT NULL,
	"variables_hash" text NOT NULL,
	"scope_class" text NOT NULL,
	"operation_name" text,
	"document" text NOT NULL,
	"variables" jsonb NOT NULL,
	"count" bigint DEFAULT 1 NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "query_log_operation_hash_variables_hash_scope_class_pk" PRIMARY KEY("operation_hash","variables_hash","scope_class")
);
--> statement-breakpoint
CREATE TABLE "trusted_documents" (
	"hash" text PRIMARY KEY NOT NULL,
	"document" text NOT NULL,
	"name" text,
	"registered_by" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "warming_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"keys_warmed" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "commission" numeric(5, 4) DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "admin_audit_log_at_idx" ON "admin_audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "query_log_count_idx" ON "query_log" USING btree ("count");--> statement-breakpoint
CREATE INDEX "query_log_last_seen_idx" ON "query_log" USING btree ("last_seen");--> statement-breakpoint
CREATE INDEX "warming_runs_started_at_idx" ON "warming_runs" USING btree ("started_at");--> statement-breakpoint
ALTER TABLE "partners" ADD CONSTRAINT "partners_commission_range" CHECK ("partners"."commission" >= 0 AND "partners"."commission" <= 1);