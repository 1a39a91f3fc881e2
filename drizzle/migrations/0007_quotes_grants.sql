-- What contrail_app may touch: quotes, and nothing else. Row Level Security then narrows it to
-- the viewer's rows. No DELETE (a quote expires, a policy stays), no other table: the quote
-- statements (src/sql/quotes.ts) read only quotes, the partners foreign key is checked with
-- the table owner's rights, and the reference data a quote shows is loaded outside the
-- viewer's transaction.
GRANT SELECT, INSERT, UPDATE ON "quotes" TO contrail_app;
