import type { EntityManager } from '@mikro-orm/postgresql';

/** A SQL text with `?` placeholders: identifiers come from code or metadata, values only from bindings. */
export type Sql = { text: string; bindings: unknown[] };

/**
 * Runs raw SQL on the EntityManager's current transaction, if any. Always go through here:
 * PGlite has a single connection, so a query issued outside the open transaction would wait
 * for that transaction forever.
 */
export function query<T = Record<string, unknown>>(em: EntityManager, text: string, bindings: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(text, bindings as never[], 'all', em.getTransactionContext());
}

/** Like query() for statements; returns the number of rows affected. */
export async function execute(em: EntityManager, text: string, bindings: unknown[] = []): Promise<number> {
  const res = await em.getConnection().execute<{ affectedRows?: number }>(text, bindings as never[], 'run', em.getTransactionContext());
  return Number(res.affectedRows ?? 0);
}

export function runSql<T = Record<string, unknown>>(em: EntityManager, sql: Sql): Promise<T[]> {
  return query<T>(em, sql.text, sql.bindings);
}
