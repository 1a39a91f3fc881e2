-- The role user-data queries run as (src/db/as-viewer.ts: SET LOCAL ROLE contrail_app), so that
-- Row Level Security applies to them. Roles are cluster-wide, and every database on a server
-- (each test database, each copy of a template) shares them: create it only when missing, and
-- let a migration of another database that creates it at the same moment win. It cannot log
-- in, and cannot bypass RLS. The connecting user must be a member of it to SET ROLE (a
-- superuser is; in production: GRANT contrail_app TO contrail).
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'contrail_app') THEN
		CREATE ROLE contrail_app NOLOGIN NOBYPASSRLS;
	END IF;
EXCEPTION
	WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO contrail_app;
