import { z } from 'zod';
import path from 'node:path';
import { isValidTimeZone } from './time';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Starts every Redis channel and stream name, so deployments sharing one Redis stay apart. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (at most 40)').default('tandem'),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  PUBLIC_URL: z.string().url().optional(),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60 * 24 * 30).default(120),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24 * 7),
  TIME_ZONE: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
});

export type Env = z.infer<typeof envSchema>;

/** Reads and validates the environment; returns the list of problems instead of throwing. */
export function parseEnv(source: NodeJS.ProcessEnv): { env: Env } | { problems: string[] } {
  // Empty strings mean "unset": that is how most shells and compose files blank a variable.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    return { problems: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  const env = result.data;
  // memory:// keeps PGlite in memory (tests); anything else is a folder.
  if (!env.DATA_DIR.startsWith('memory://')) env.DATA_DIR = path.resolve(env.DATA_DIR);
  return { env };
}

/** Validates process.env once at start; prints every problem and exits 1 when anything is wrong. */
export function loadEnv(): Env {
  const parsed = parseEnv(process.env);
  if ('problems' in parsed) {
    console.error('Tandem CRM cannot start, the configuration is invalid:');
    for (const p of parsed.problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  return parsed.env;
}
