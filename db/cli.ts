// Database commands: `migrate`, `create [name]` (a new migration from entity changes), `seed [--demo]`.
import pino from 'pino';
import { loadEnv } from '../server/env';
import { prepareServices } from '../server/server';
import { initORM, migrate } from './orm';

const [command, ...args] = process.argv.slice(2);

async function main() {
  if (command === 'create') {
    // Diff entities against a throwaway database that has every existing migration applied.
    const db = await initORM({ dataDir: 'memory://' });
    await migrate(db);
    const result = await db.orm.getMigrator().createMigration('db/migrations', false, false, args[0]);
    console.log(result.fileName ? `Created db/migrations/${result.fileName}; add it to db/migrations/index.ts` : 'No changes.');
    await db.close();
    return;
  }
  if (command !== 'migrate' && command !== 'seed') throw new Error(`Unknown command "${command}". Use migrate, create or seed [--demo].`);
  const env = loadEnv();
  // Opening the services applies migrations and the base seed (built-in groups, admin).
  const services = await prepareServices(env, pino({ level: 'info' }));
  try {
    if (command === 'seed') {
      const { seed } = await import('./seed');
      console.log(await seed(services, { demo: args.includes('--demo') }));
    } else console.log('Database is up to date.');
  } finally {
    await services.db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
