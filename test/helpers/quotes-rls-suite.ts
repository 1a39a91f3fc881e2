import { randomUUID } from 'node:crypto';
import { eq, sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partners, quotes } from '../../drizzle/schema/index.ts';
import { asViewer, rowOwnerOf, type ViewerTransaction } from '../../src/db/as-viewer.ts';
import { postgresDatabase, type Database } from '../../src/db/database.ts';
import { insertQuote, myQuotes, purchaseQuote, quoteById, soldCoverage, type NewQuote } from '../../src/sql/quotes.ts';
import { testLogger, type TestDatabase } from './databases.ts';

/** What differs between the databases the suite runs on. */
export interface QuotesRlsOptions {
  /**
   * Whether `database.queries` holds the transaction's BEGIN and COMMIT: node-postgres sends
   * them as statements; in-process PGlite opens and commits the transaction itself, unrecorded.
   */
  recordsTransactionStatements: boolean;
  /**
   * Whether `database.db` is a pool of connections to `database.url` (node-postgres) rather than
   * one session (in-process PGlite). A pool adds a case: a statement that runs while a viewer's
   * transaction is open takes another connection, and never joins that transaction.
   */
  pooled: boolean;
  /** Skips every case, for a server this run does not have. Default: false. */
  skip?: boolean;
}

/**
 * The quotes table under Row Level Security, on one database: asViewer, the policies, the
 * purchase, the exposure sum and partners' quotes. `open` gives the suite a seeded database of
 * its own, which it closes after its last case.
 */
/** The exposure cap a purchase is checked against, where a case is not about it. */
const CAP = 50_000;

export function describeQuotesRls(title: string, open: () => Promise<TestDatabase>, { recordsTransactionStatements, pooled, skip = false }: QuotesRlsOptions): void {
  describe.skipIf(skip)(title, () => {
    let database: TestDatabase;
    let db: Database;

    beforeAll(async () => {
      database = await open();
      db = database.db;
    });
    afterAll(() => database?.close());

    describe('asViewer', () => {
      it('switches to contrail_app and names the viewer, as parameters, before the work, in its transaction', async () => {
        database.queries.length = 0;
        const inside = await asViewer(db, "o'brien", (tx) => rowsOf(tx, sql`select current_user as role, current_setting('contrail.viewer_id') as viewer`));
        expect(inside).toEqual([{ role: 'contrail_app', viewer: "o'brien" }]);
        const statements = [
          { sql: 'set local role "contrail_app"', params: [] },
          { sql: "select set_config('contrail.viewer_id', $1, true)", params: ["o'brien"] },
          { sql: "select current_user as role, current_setting('contrail.viewer_id') as viewer", params: [] },
        ];
        // Where BEGIN and COMMIT go unrecorded, SET LOCAL, which has no effect outside a
        // transaction, shows that one held.
        expect(database.queries).toEqual(
          recordsTransactionStatements ? [{ sql: 'begin', params: [] }, ...statements, { sql: 'commit', params: [] }] : statements,
        );
      });

      it('refuses an empty viewer id without sending a statement', async () => {
        database.queries.length = 0;
        await expect(asViewer(db, '', async () => 'ran')).rejects.toThrow('asViewer: expected a non-empty viewer id, received ""');
        expect(database.queries).toEqual([]);
      });

      it('leaves its connection as the owner, with no viewer, after a commit and after a rollback', async () => {
        // One connection, so the statement after the transaction runs where the transaction ran.
        const single = pooled
          ? postgresDatabase(new pg.Pool({ connectionString: database.url, max: 1 }), { logger: testLogger })
          : { db, close: async () => undefined };
        try {
          const after = () =>
            rowsOf(single.db, sql`select pg_backend_pid() as pid, current_user as role, coalesce(current_setting('contrail.viewer_id', true), '') as viewer`);
          const [inside] = await asViewer(single.db, someone(), (tx) => rowsOf(tx, sql`select pg_backend_pid() as pid, current_user as role`));
          expect(inside!.role).toBe('contrail_app');
          const owner = { pid: inside!.pid, role: 'postgres', viewer: '' };
          expect(await after()).toEqual([owner]);
          const failing = asViewer(single.db, someone(), async (tx) => {
            await tx.execute(sql`select 1`);
            throw new Error('work failed');
          });
          await expect(failing).rejects.toThrow('work failed');
          expect(await after()).toEqual([owner]);
        } finally {
          await single.close();
        }
      });

      // One session has no other connection to run a statement on.
      if (pooled) {
        it("runs a concurrent statement on another connection as the owner, never in the viewer's transaction", async () => {
          let entered!: () => void;
          const inTransaction = new Promise<void>((resolve) => (entered = resolve));
          let finish!: () => void;
          const finished = new Promise<void>((resolve) => (finish = resolve));
          const viewer = asViewer(db, someone(), async (tx) => {
            entered();
            await finished;
            return rowsOf(tx, sql`select current_user as role`);
          });
          await inTransaction;
          // On the embedded database this waits for the viewer's COMMIT (its connections share one session).
          const plain = rowsOf(db, sql`select current_user as role`);
          finish();
          expect(await viewer).toEqual([{ role: 'contrail_app' }]);
          expect(await plain).toEqual([{ role: 'postgres' }]);
        });
      }
    });

    describe('Row Level Security on quotes', () => {
      const a = someone();
      const b = someone();
      let aIds: string[];
      let bId: string;

      beforeAll(async () => {
        aIds = [];
        for (let i = 0; i < 3; i++) aIds.push((await asViewer(db, a, (tx) => insertQuote(tx, aQuote({ coverage: 100 + i })))).id);
        bId = (await asViewer(db, b, (tx) => insertQuote(tx, aQuote()))).id;
      });

      it("stores a quote as the transaction's viewer's", async () => {
        const [row] = await db.select({ userId: quotes.userId, status: quotes.status }).from(quotes).where(eq(quotes.id, bId));
        expect(row).toEqual({ userId: b, status: 'quoted' });
      });

      it("shows a statement with no user filter only the viewer's rows", async () => {
        const [everything, raw] = await asViewer(db, a, async (tx) => [await tx.select().from(quotes), await rowsOf<{ user_id: string }>(tx, sql`select * from quotes`)] as const);
        expect(idsOf(everything)).toEqual([...aIds].sort());
        expect(new Set(raw.map((r) => r.user_id))).toEqual(new Set([a]));
      });

      it("reads another viewer's quote id as no quote", async () => {
        expect(await asViewer(db, a, (tx) => quoteById(tx, bId))).toBeNull();
        expect(await asViewer(db, b, (tx) => quoteById(tx, bId))).toMatchObject({ id: bId, userId: b });
        expect(await asViewer(db, a, (tx) => quoteById(tx, 'not-a-uuid'))).toBeNull();
      });

      it("pages the viewer's quotes newest first, and only theirs", async () => {
        const first = await asViewer(db, a, (tx) => myQuotes(tx, { first: 2 }));
        expect(first.hasNextPage).toBe(true);
        const last = first.quotes.at(-1)!;
        const rest = await asViewer(db, a, (tx) => myQuotes(tx, { first: 2, after: { createdAt: last.createdAt, id: last.id } }));
        expect(rest.hasNextPage).toBe(false);
        const paged = [...first.quotes, ...rest.quotes];
        const newestFirst = [...paged].sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (x.id < y.id ? 1 : -1));
        expect(paged.map((q) => q.id)).toEqual(newestFirst.map((q) => q.id));
        expect(idsOf(paged)).toEqual([...aIds].sort());
      });

      it("answers not_found to a purchase of another viewer's quote, and leaves it alone", async () => {
        expect(await asViewer(db, a, (tx) => purchaseQuote(tx, bId, randomUUID(), new Date(), CAP))).toEqual({ status: 'not_found' });
        const [row] = await db.select({ status: quotes.status }).from(quotes).where(eq(quotes.id, bId));
        expect(row).toEqual({ status: 'quoted' });
      });

      it('refuses to write a row as another viewer, and changes none of theirs (WITH CHECK, USING)', async () => {
        const violation = { code: '42501', message: 'new row violates row-level security policy for table "quotes"' };
        expect(await refusal(asViewer(db, a, (tx) => tx.insert(quotes).values({ ...aQuote(), userId: b })))).toMatchObject(violation);
        expect(await refusal(asViewer(db, a, (tx) => tx.update(quotes).set({ userId: b }).where(eq(quotes.id, aIds[0]!))))).toMatchObject(violation);
        // No WHERE: the update reaches the viewer's rows only.
        const touched = await asViewer(db, a, (tx) => tx.update(quotes).set({ riskScore: 10 }).returning({ id: quotes.id }));
        expect(idsOf(touched)).toEqual([...aIds].sort());
      });

      it('cannot be switched off by the role: row_security = off makes the statement fail', async () => {
        const bypass = asViewer(db, a, async (tx) => {
          await tx.execute(sql`set local row_security = off`);
          return tx.select().from(quotes);
        });
        expect(await refusal(bypass)).toMatchObject({ code: '42501', message: 'query would be affected by row-level security policy for table "quotes"' });
        const [role] = await rowsOf(db, sql`select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'contrail_app'`);
        expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false });
      });

      it('cannot be given to nobody: with no viewer named, the role sees no rows', async () => {
        const rows = await db.transaction(async (tx) => {
          await tx.execute(sql`set local role contrail_app`);
          return tx.select().from(quotes);
        });
        expect(rows).toEqual([]);
      });
    });

    describe('purchaseQuote', () => {
      it('buys a quote once: the same key again gives the same answer, another key the stored purchase', async () => {
        const viewer = someone();
        const { id } = await asViewer(db, viewer, (tx) => insertQuote(tx, aQuote()));
        const now = new Date();
        const first = await asViewer(db, viewer, (tx) => purchaseQuote(tx, id, 'key-1', now, CAP));
        expect(first).toMatchObject({ status: 'purchased', quote: { id, status: 'purchased', purchaseKey: 'key-1', purchasedAt: now } });
        const again = await asViewer(db, viewer, (tx) => purchaseQuote(tx, id, 'key-1', new Date(now.getTime() + MINUTE), CAP));
        expect(again).toEqual(first);
        const other = await asViewer(db, viewer, (tx) => purchaseQuote(tx, id, 'key-2', new Date(now.getTime() + MINUTE), CAP));
        expect(other).toEqual({ status: 'already_purchased', quote: first.status === 'purchased' && first.quote });
        const rows = await db.select({ status: quotes.status, purchaseKey: quotes.purchaseKey }).from(quotes).where(eq(quotes.userId, viewer));
        expect(rows).toEqual([{ status: 'purchased', purchaseKey: 'key-1' }]);
      });

      it('answers key_reused when the key already bought another quote', async () => {
        const viewer = someone();
        const [one, two] = await asViewer(db, viewer, async (tx) => [await insertQuote(tx, aQuote()), await insertQuote(tx, aQuote())]);
        expect(await asViewer(db, viewer, (tx) => purchaseQuote(tx, one!.id, 'key-1', new Date(), CAP))).toMatchObject({ status: 'purchased' });
        expect(await asViewer(db, viewer, (tx) => purchaseQuote(tx, two!.id, 'key-1', new Date(), CAP))).toEqual({ status: 'key_reused' });
        // The key is the viewer's own: another viewer may use the same one.
        const stranger = someone();
        const theirs = await asViewer(db, stranger, (tx) => insertQuote(tx, aQuote()));
        expect(await asViewer(db, stranger, (tx) => purchaseQuote(tx, theirs.id, 'key-1', new Date(), CAP))).toMatchObject({ status: 'purchased' });
      });

      it("answers exposure_cap when every viewer's policies on the flight and this one pass the cap, and keeps it a quote", async () => {
        const flight = { flightNumber: 'AF1', flightDate };
        const [first, second] = [someone(), someone()];
        const bought = await asViewer(db, first, (tx) => insertQuote(tx, aQuote({ ...flight, coverage: 150 })));
        expect(await asViewer(db, first, (tx) => purchaseQuote(tx, bought.id, 'k', new Date(), 200))).toMatchObject({ status: 'purchased' });
        // Another viewer's 100 more: 250 > 200, though RLS hides the 150 from that viewer.
        const { id } = await asViewer(db, second, (tx) => insertQuote(tx, aQuote({ ...flight, coverage: 100 })));
        expect(await asViewer(db, second, (tx) => purchaseQuote(tx, id, 'k', new Date(), 200))).toEqual({ status: 'exposure_cap', sold: 150 });
        expect(await asViewer(db, second, (tx) => quoteById(tx, id))).toMatchObject({ status: 'quoted', purchaseKey: null });
        // Reaching the cap exactly is allowed.
        expect(await asViewer(db, second, (tx) => purchaseQuote(tx, id, 'k', new Date(), 250))).toMatchObject({ status: 'purchased' });
      });

      it('lets concurrent buyers of one flight take turns, so that only as many as fit under the cap buy', async () => {
        const flight = { flightNumber: 'AF2', flightDate };
        const buyers = await Promise.all(
          Array.from({ length: 4 }, async () => {
            const viewer = someone();
            const { id } = await asViewer(db, viewer, (tx) => insertQuote(tx, aQuote({ ...flight, coverage: 100 })));
            return { viewer, id };
          }),
        );
        // Each fits alone; two fit together.
        const results = await Promise.all(buyers.map(({ viewer, id }) => asViewer(db, viewer, (tx) => purchaseQuote(tx, id, 'k', new Date(), 250))));
        expect(results.map((r) => r.status).sort()).toEqual(['exposure_cap', 'exposure_cap', 'purchased', 'purchased']);
        expect(await soldCoverage(db, flight.flightNumber, flight.flightDate)).toBe(200);
      });

      it('answers expired once valid_until has passed, and keeps it a quote', async () => {
        const viewer = someone();
        const validUntil = new Date(Date.now() + MINUTE);
        const { id } = await asViewer(db, viewer, (tx) => insertQuote(tx, aQuote({ validUntil })));
        expect(await asViewer(db, viewer, (tx) => purchaseQuote(tx, id, 'key-1', validUntil, CAP))).toEqual({ status: 'expired' });
        expect(await asViewer(db, viewer, (tx) => quoteById(tx, id))).toMatchObject({ status: 'quoted', purchaseKey: null, purchasedAt: null });
      });
    });

    describe('soldCoverage', () => {
      it("sums every viewer's purchased coverage on the flight, and no quote's", async () => {
        const flight = { flightNumber: 'LH400', flightDate };
        for (const [coverage, buy] of [[300, true], [125.5, true], [999, false]] as const) {
          const viewer = someone();
          const { id } = await asViewer(db, viewer, (tx) => insertQuote(tx, aQuote({ ...flight, coverage })));
          if (buy) await asViewer(db, viewer, (tx) => purchaseQuote(tx, id, 'k', new Date(), CAP));
        }
        expect(await soldCoverage(db, flight.flightNumber, flight.flightDate)).toBe(425.5);
        expect(await soldCoverage(db, flight.flightNumber, '2031-05-18')).toBe(0);
      });

      it("refuses a viewer's transaction, where it would see one viewer's policies", async () => {
        await expect(asViewer(db, someone(), (tx) => soldCoverage(tx, 'LH400', flightDate))).rejects.toThrow("soldCoverage: expected the database (the tables' owner)");
      });
    });

    describe("a partner's quotes", () => {
      it('belong to partner:<id>, apart from every user, and no user may claim that name', async () => {
        const [partner] = await db.insert(partners).values({ name: `acme-${randomUUID()}`, keyPrefix: randomUUID(), keyHash: 'x' }).returning();
        const owner = rowOwnerOf({ kind: 'partner', id: String(partner!.id) });
        expect(owner).toBe(`partner:${partner!.id}`);
        const { id } = await asViewer(db, owner, (tx) => insertQuote(tx, aQuote({ partnerId: partner!.id })));
        expect(await asViewer(db, someone(), (tx) => quoteById(tx, id))).toBeNull();
        expect(await asViewer(db, owner, (tx) => quoteById(tx, id))).toMatchObject({ id, partnerId: partner!.id });
        // A partner's quote under another name, or a user's under a partner's name: the table refuses both.
        const check = { code: '23514', constraint: 'quotes_partner_owner_check' };
        expect(await refusal(asViewer(db, someone(), (tx) => insertQuote(tx, aQuote({ partnerId: partner!.id }))))).toMatchObject(check);
        expect(await refusal(asViewer(db, 'partner:x', (tx) => insertQuote(tx, aQuote())))).toMatchObject(check);
        expect(() => rowOwnerOf({ kind: 'user', id: owner })).toThrow('rowOwnerOf: expected a user');
        expect(rowOwnerOf({ kind: 'user', id: 'auth0|42' })).toBe('auth0|42');
        expect(() => rowOwnerOf({ kind: 'anonymous' })).toThrow('received anonymous null');
      });
    });
  });
}

const MINUTE = 60_000;
const flightDate = '2031-05-17';

/** A viewer of its own per test: the suite shares one database. */
const someone = () => `user-${randomUUID()}`;

/** A stored quote's columns, as a test needs one: a flight on 2031-05-17, `overrides` on top. */
export function aQuote(overrides: Partial<NewQuote> = {}): NewQuote {
  return {
    flightNumber: 'BA117',
    flightDate,
    originIata: 'LHR',
    destinationIata: 'JFK',
    coverage: 250,
    currency: 'EUR',
    delayThresholdMinutes: 120,
    premium: 14.6,
    probability: 0.07,
    riskScore: 9,
    breakdown: { historical: { flights: 412 } },
    validUntil: new Date(Date.now() + 15 * MINUTE),
    ...overrides,
  };
}

const idsOf = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

/** The rows of a raw statement: node-postgres and PGlite both answer `{ rows }`. */
async function rowsOf<Row = Record<string, unknown>>(db: Database | ViewerTransaction, statement: SQL): Promise<Row[]> {
  return ((await db.execute(statement)) as unknown as { rows: Row[] }).rows;
}

/** What the database answered a statement it refused: drizzle wraps the driver's error. */
async function refusal(work: Promise<unknown>): Promise<{ code?: string; message: string; constraint?: string }> {
  const err = await work.then(
    () => expect.fail('the statement was accepted'),
    (e: Error) => e,
  );
  const { code, message, constraint } = (err.cause ?? err) as Error & { code?: string; constraint?: string };
  return { code, message, constraint };
}
