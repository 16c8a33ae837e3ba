import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGliteDriver, type PGliteConnectionConfig } from 'mikro-orm-pglite';
import { entities } from './entities';
import { migrationsList } from './migrations';
import { afterCommitSubscriber } from './after-commit';

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
  subscribers: [afterCommitSubscriber],
} satisfies Partial<Options>;

/**
 * Creates the embedded cluster in a scratch folder and renames it into place only once it is
 * complete: a start killed during initdb must not leave a half-made data folder behind.
 */
async function ensurePgliteCluster(dataDir: string): Promise<void> {
  const dir = path.resolve(dataDir);
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  for (const leftover of fs.readdirSync(parent)) {
    if (leftover.startsWith(`${path.basename(dir)}.init-`)) fs.rmSync(path.join(parent, leftover), { recursive: true, force: true });
  }
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return;
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new Error(`DATA_DIR ${dir} is not empty and holds no database; point DATA_DIR at an empty or new folder.`);
  }
  const scratch = `${dir}.init-${process.pid}`;
  const db = await PGlite.create({ dataDir: scratch, extensions: { pg_trgm } });
  await db.close();
  if (fs.existsSync(dir)) fs.rmdirSync(dir);
  fs.renameSync(scratch, dir);
}

/** Opens the database (PGlite or PostgreSQL) and returns the ORM; callers run migrations. */
export async function initORM(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const orm = await MikroORM.init({ ...common, clientUrl: options.url, debug: options.debug ?? false, pool: { min: 0, max: 10 } });
    return { orm, kind: 'postgres', close: () => orm.close(true) };
  }
  const dataDir = options.dataDir ?? './data';
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await ensurePgliteCluster(dataDir);
  const pglite = await PGlite.create({ dataDir: inMemory ? undefined : dataDir, extensions: { pg_trgm } });
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
