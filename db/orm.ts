import fs from 'node:fs';
import pg from 'pg';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGliteDriver, type PGliteConnectionConfig } from 'mikro-orm-pglite';
import { entities } from './entities';
import { migrationsList } from './migrations';

export type DbKind = 'pglite' | 'postgres';

export type Database = {
  orm: MikroORM;
  kind: DbKind;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  url?: string;
  /** Folder of the PGlite files; `memory://` keeps them in memory (tests). */
  dataDir?: string;
  debug?: boolean;
};

const common = {
  entities,
  extensions: [Migrator],
  migrations: {
    migrationsList,
    path: 'db/migrations',
    pathTs: 'db/migrations',
    tableName: 'mikro_orm_migrations',
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    emit: 'ts',
    silent: true,
  },
  // We never rely on implicit global context: every request forks its own EntityManager.
  allowGlobalContext: false,
  forceUtcTimezone: true,
} satisfies Partial<Options>;

/** Opens the database (PGlite or PostgreSQL) and returns the ORM; callers run migrations. */
export async function initORM(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const orm = await MikroORM.init({ ...common, clientUrl: options.url, debug: options.debug ?? false, pool: { min: 0, max: 10 } });
    return { orm, kind: 'postgres', close: () => orm.close(true) };
  }
  const dataDir = options.dataDir ?? './data';
  if (!dataDir.startsWith('memory://')) fs.mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: dataDir.startsWith('memory://') ? undefined : dataDir, extensions: { pg_trgm } });
  const orm = await MikroORM.init({
    ...common,
    driver: PGliteDriver,
    dbName: 'postgres',
    debug: options.debug ?? false,
    driverOptions: { connection: { pglite: () => pglite } satisfies PGliteConnectionConfig },
  } as unknown as Options);
  return {
    orm,
    kind: 'pglite',
    async close() {
      await orm.close(true);
      // PGlite flushes its files on close; skipping this is how embedded data gets lost.
      await pglite.close();
    },
  };
}

const MIGRATION_LOCK = 7_346_101;

/**
 * Applies pending migrations; returns the names applied. On a PostgreSQL server several nodes
 * may start at once, so the run holds an advisory lock on a connection of its own.
 */
export async function migrate(db: Database, url?: string): Promise<string[]> {
  if (db.kind === 'pglite' || !url) return (await db.orm.getMigrator().up()).map((m) => m.name);
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return (await db.orm.getMigrator().up()).map((m) => m.name);
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
