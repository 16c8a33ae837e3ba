import type { EntityManager } from '@mikro-orm/postgresql';

/** A SQL text with `?` placeholders: identifiers come from code or metadata, values only from bindings. */
export type Sql = { text: string; bindings: unknown[] };

/**
 * Runs raw SQL on the EntityManager's current transaction, if any. Always go through here:
 * PGlite has a single connection, so a query issued outside the open transaction would wait
 * for that transaction forever.
 */
export function query<T = Record<string, unknown>>(em: EntityManager, text: string, bindings: unknown[] = []): Promise<T[]> {
  return run(em, text, bindings, 'all') as Promise<T[]>;
}

/**
 * Sends the values as real bind parameters. MikroORM's `execute()` inlines them into the SQL
 * text instead, and the PGlite driver then takes any text with a `;` — even inside a quoted
 * value such as a customer named "a; b" — for several statements and answers in another shape.
 */
async function run(em: EntityManager, text: string, bindings: unknown[], method: 'all' | 'run'): Promise<unknown> {
  const connection = em.getConnection();
  const raw = connection.getKnex().raw(text, bindings as never[]);
  const ctx = em.getTransactionContext();
  if (ctx) raw.transacting(ctx);
  const res = await raw;
  return (connection as unknown as { transformRawResult(res: unknown, method: string): unknown }).transformRawResult(res, method);
}

/** Like query() for statements; returns the number of rows affected. */
export async function execute(em: EntityManager, text: string, bindings: unknown[] = []): Promise<number> {
  const res = (await run(em, text, bindings, 'run')) as { affectedRows?: number };
  return Number(res.affectedRows ?? 0);
}

export function runSql<T = Record<string, unknown>>(em: EntityManager, sql: Sql): Promise<T[]> {
  return query<T>(em, sql.text, sql.bindings);
}
