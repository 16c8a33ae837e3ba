// `npm run bench`: every benchmark, each printed beside the bare layer underneath it.
// `npm run bench -- records` (or any list of names) runs only those.
import { benchStartup } from './startup';
import { benchLogin } from './login';
import { benchRecords } from './records';
import { benchImport } from './import';
import { benchCollab } from './collab';
import { benchSales } from './sales';

const benches: Record<string, () => Promise<string | string[]>> = {
  startup: benchStartup,
  login: benchLogin,
  records: benchRecords,
  import: benchImport,
  collab: benchCollab,
  sales: benchSales,
};
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((n) => !(n in benches));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const lines: string[] = [];
for (const name of wanted.length ? wanted : Object.keys(benches)) lines.push(...[await benches[name]()].flat());
// Records, collab and sales always run on PostgreSQL (collab with Redis); startup, login and
// import on the database the app would use (PGlite unless DATABASE_URL is set).
const defaultDb = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
console.log(`\nSummary (${new Date().toISOString()}; startup, login and import on ${defaultDb}; records, collab and sales on PostgreSQL):\n${lines.map((l) => `- ${l}`).join('\n')}`);
process.exit(0);
