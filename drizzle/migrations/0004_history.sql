CREATE TABLE "api_call_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL,
	"endpoint" text NOT NULL,
	"status" integer,
	"latency_ms" integer NOT NULL,
	"ok" boolean NOT NULL,
	"cost" numeric(12, 6) NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "historical_flight_segments" (
	"flight_number" text NOT NULL,
	"flight_date" date NOT NULL,
	"airline_iata" text NOT NULL,
	"origin_iata" char(3) NOT NULL,
	"destination_iata" char(3) NOT NULL,
	"status" text NOT NULL,
	"scheduled_departure" timestamp with time zone NOT NULL,
	"estimated_departure" timestamp with time zone,
	"actual_departure" timestamp with time zone,
	"scheduled_arrival" timestamp with time zone,
	"estimated_arrival" timestamp with time zone,
	"actual_arrival" timestamp with time zone,
	"departure_delay_minutes" integer,
	"arrival_delay_minutes" integer,
	"record" jsonb NOT NULL,
	"source" text NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "historical_flight_segments_flight_number_scheduled_departure_pk" PRIMARY KEY("flight_number","scheduled_departure")
);
--> statement-breakpoint
CREATE TABLE "historical_weather_observations" (
	"station" char(4) NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"temperature_c" real,
	"dew_point_c" real,
	"wind_direction_degrees" integer,
	"wind_speed_kt" integer,
	"wind_gust_kt" integer,
	"visibility_m" integer,
	"ceiling_ft" integer,
	"flight_category" text,
	"record" jsonb NOT NULL,
	"raw" text NOT NULL,
	"source" text NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "historical_weather_observations_station_observed_at_pk" PRIMARY KEY("station","observed_at")
);
--> statement-breakpoint
CREATE INDEX "api_call_log_source_at_idx" ON "api_call_log" USING btree ("source","at");--> statement-breakpoint
CREATE INDEX "historical_flight_segments_number_date_idx" ON "historical_flight_segments" USING btree ("flight_number","flight_date");--> statement-breakpoint
CREATE INDEX "historical_flight_segments_route_idx" ON "historical_flight_segments" USING btree ("origin_iata","destination_iata","scheduled_departure");--> statement-breakpoint
CREATE INDEX "historical_flight_segments_airline_route_idx" ON "historical_flight_segments" USING btree ("airline_iata","origin_iata","destination_iata","scheduled_departure");--> statement-breakpoint
CREATE INDEX "historical_flight_segments_origin_idx" ON "historical_flight_segments" USING btree ("origin_iata","scheduled_departure");