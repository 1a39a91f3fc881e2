CREATE TABLE "countries" (
	"code" char(2) PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"continent" char(2) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"local_code" text,
	"name" text NOT NULL,
	"continent" char(2) NOT NULL,
	"country_code" char(2) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "airports" (
	"id" integer PRIMARY KEY NOT NULL,
	"iata" char(3),
	"icao" char(4),
	"name" text NOT NULL,
	"city" text,
	"country_code" char(2),
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"altitude" integer NOT NULL,
	"timezone" text
);
--> statement-breakpoint
CREATE TABLE "airlines" (
	"id" integer PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"alias" text,
	"iata" char(2),
	"icao" char(3),
	"callsign" text,
	"country_code" char(2),
	"active" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aircraft_types" (
	"id" integer PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"iata" char(3),
	"icao" char(4)
);
--> statement-breakpoint
CREATE TABLE "routes" (
	"id" integer PRIMARY KEY NOT NULL,
	"airline_code" text NOT NULL,
	"airline_id" integer,
	"origin_code" text NOT NULL,
	"origin_id" integer,
	"destination_code" text NOT NULL,
	"destination_id" integer,
	"codeshare" boolean NOT NULL,
	"stops" smallint NOT NULL,
	"equipment" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_country_code_countries_code_fk" FOREIGN KEY ("country_code") REFERENCES "public"."countries"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "airports" ADD CONSTRAINT "airports_country_code_countries_code_fk" FOREIGN KEY ("country_code") REFERENCES "public"."countries"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "airlines" ADD CONSTRAINT "airlines_country_code_countries_code_fk" FOREIGN KEY ("country_code") REFERENCES "public"."countries"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routes" ADD CONSTRAINT "routes_airline_id_airlines_id_fk" FOREIGN KEY ("airline_id") REFERENCES "public"."airlines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routes" ADD CONSTRAINT "routes_origin_id_airports_id_fk" FOREIGN KEY ("origin_id") REFERENCES "public"."airports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routes" ADD CONSTRAINT "routes_destination_id_airports_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."airports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "regions_country_code_idx" ON "regions" USING btree ("country_code","code");--> statement-breakpoint
CREATE UNIQUE INDEX "airports_iata_idx" ON "airports" USING btree ("iata");--> statement-breakpoint
CREATE UNIQUE INDEX "airports_icao_idx" ON "airports" USING btree ("icao");--> statement-breakpoint
CREATE INDEX "airports_country_name_idx" ON "airports" USING btree ("country_code","name","id");--> statement-breakpoint
CREATE INDEX "airports_name_idx" ON "airports" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "airports_latitude_idx" ON "airports" USING btree ("latitude");--> statement-breakpoint
CREATE INDEX "airlines_iata_idx" ON "airlines" USING btree ("iata");--> statement-breakpoint
CREATE INDEX "airlines_icao_idx" ON "airlines" USING btree ("icao");--> statement-breakpoint
CREATE INDEX "airlines_name_idx" ON "airlines" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "airlines_country_idx" ON "airlines" USING btree ("country_code","name","id");--> statement-breakpoint
CREATE INDEX "aircraft_types_iata_idx" ON "aircraft_types" USING btree ("iata");--> statement-breakpoint
CREATE INDEX "routes_origin_idx" ON "routes" USING btree ("origin_id","id");--> statement-breakpoint
CREATE INDEX "routes_destination_idx" ON "routes" USING btree ("destination_id","id");--> statement-breakpoint
CREATE INDEX "routes_airline_idx" ON "routes" USING btree ("airline_id","id");