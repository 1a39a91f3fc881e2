-- The coverage sold on a flight across every viewer's policies: the exposure cap a purchase
-- re-checks. A purchase runs as contrail_app under Row Level Security, which would narrow a plain
-- SUM to the buyer's own policies; this function runs as its owner (the tables' owner, to whom RLS
-- does not apply) and lets only the sum out. search_path is pinned so no caller's schema can
-- stand in for "quotes".
CREATE OR REPLACE FUNCTION contrail_sold_coverage(p_flight_number text, p_flight_date date)
RETURNS numeric
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
	SELECT coalesce(sum(coverage), 0) FROM quotes
	WHERE flight_number = p_flight_number AND flight_date = p_flight_date AND status = 'purchased'
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION contrail_sold_coverage(text, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION contrail_sold_coverage(text, date) TO contrail_app;
