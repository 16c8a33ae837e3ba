// Database commands: `migrate`, `create` (new migration from entity changes), `seed [--demo]`.
import { loadEnv } from '../server/env';
import { initORM, migrate } from './orm';

const [command, ...args] = process.argv.slice(2);
const env = loadEnv();

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
  const db = await initORM({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    if (command === 'seed') {
      const { seed } = await import('./seed');
      const summary = await seed(db.orm.em.fork(), { demo: args.includes('--demo'), adminPassword: env.ADMIN_PASSWORD });
      console.log(summary);
    } else if (command !== 'migrate') {
      console.error(`Unknown command "${command}". Use migrate, create or seed [--demo].`);
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
