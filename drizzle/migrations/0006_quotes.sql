CREATE TABLE "quotes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"partner_id" integer,
	"flight_number" text NOT NULL,
	"flight_date" date NOT NULL,
	"origin_iata" char(3) NOT NULL,
	"destination_iata" char(3) NOT NULL,
	"coverage" numeric(12, 2) NOT NULL,
	"currency" char(3) NOT NULL,
	"delay_threshold_minutes" integer NOT NULL,
	"premium" numeric(12, 2) NOT NULL,
	"probability" double precision NOT NULL,
	"risk_score" integer NOT NULL,
	"breakdown" jsonb NOT NULL,
	"status" text DEFAULT 'quoted' NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"purchased_at" timestamp with time zone,
	"purchase_key" text,
	CONSTRAINT "quotes_user_id_check" CHECK ("quotes"."user_id" <> ''),
	CONSTRAINT "quotes_partner_owner_check" CHECK (case when "quotes"."partner_id" is null then left("quotes"."user_id", 8) <> 'partner:' else "quotes"."user_id" = 'partner:' || "quotes"."partner_id" end),
	CONSTRAINT "quotes_purchase_check" CHECK (("quotes"."status" = 'purchased') = ("quotes"."purchased_at" is not null and "quotes"."purchase_key" is not null))
);
--> statement-breakpoint
ALTER TABLE "quotes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "quotes" ADD CONSTRAINT "quotes_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "quotes_user_purchase_key_idx" ON "quotes" USING btree ("user_id","purchase_key") WHERE "quotes"."purchase_key" is not null;--> statement-breakpoint
CREATE INDEX "quotes_user_created_idx" ON "quotes" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "quotes_flight_idx" ON "quotes" USING btree ("flight_number","flight_date");--> statement-breakpoint
CREATE POLICY "quotes_owner" ON "quotes" AS PERMISSIVE FOR ALL TO "contrail_app" USING (user_id = current_setting('contrail.viewer_id', true)) WITH CHECK (user_id = current_setting('contrail.viewer_id', true));