import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';

// Callbacks waiting for the outermost transaction they ran in, keyed by its knex transaction.
const pending = new WeakMap<object, (() => void)[]>();

/**
 * The root of a (possibly savepoint) knex transaction. MikroORM 6.6 (pinned) links a savepoint
 * to its parent under a private symbol described 'parentTransaction'.
 */
function rootTransaction(trx: object): object {
  let current = trx as Record<symbol, object>;
  for (;;) {
    const parent = Object.getOwnPropertySymbols(current).find((s) => s.description === 'parentTransaction');
    if (!parent) return current;
    current = current[parent] as Record<symbol, object>;
  }
}

/**
 * Runs `fn` once what `em` wrote is committed: now when `em` is in no transaction, else after the
 * outermost transaction commits (never, if it rolls back). Events announcing a write must not
 * reach listeners — other connections, other nodes — before the write is visible to them.
 */
export function afterCommit(em: EntityManager, fn: () => void): void {
  const trx = em.getTransactionContext() as object | undefined;
  if (!trx) return fn();
  const root = rootTransaction(trx);
  const list = pending.get(root);
  if (list) list.push(fn);
  else pending.set(root, [fn]);
}

/** Registered on the ORM: releases or drops what waited for a root transaction. */
export const afterCommitSubscriber: EventSubscriber = {
  async afterTransactionCommit(args: TransactionEventArgs) {
    const list = args.transaction ? pending.get(args.transaction as object) : undefined;
    if (!list) return;
    pending.delete(args.transaction as object);
    for (const fn of list) fn();
  },
  async afterTransactionRollback(args: TransactionEventArgs) {
    if (args.transaction) pending.delete(args.transaction as object);
  },
};
