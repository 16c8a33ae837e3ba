// `npm run bench`: every benchmark, each printed beside the bare layer underneath it.
import { benchStartup } from './startup';
import { benchLogin } from './login';

const lines: string[] = [];
lines.push(await benchStartup());
lines.push(...(await benchLogin()));
console.log(`\nSummary (${new Date().toISOString()}, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}):\n${lines.map((l) => `- ${l}`).join('\n')}`);
process.exit(0);
