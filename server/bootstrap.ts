import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { hashPassword } from './auth/passwords';
import { ensureBuiltinGroups } from './groups/builtin';
import { execute, query } from '../db/sql';

/**
 * First start: built-in groups, and an `admin` user when there are no users at all. Its
 * password is ADMIN_PASSWORD or a random one printed once — it is never stored in clear.
 */
export async function bootstrap(em: EntityManager, log: Logger, adminPassword?: string): Promise<{ adminCreated: boolean }> {
  return em.transactional(async (tem) => {
    const groups = await ensureBuiltinGroups(tem);
    const [{ count }] = await query<{ count: string }>(tem, `select count(*) as count from app_user`);
    if (Number(count) > 0) return { adminCreated: false };
    const password = adminPassword ?? randomBytes(12).toString('base64url');
    const id = randomUUID();
    const now = new Date();
    await execute(
      tem,
      `insert into app_user (id, login, password_hash, active, created_at, updated_at, password_changed_at) values (?, 'admin', ?, true, ?, ?, ?)`,
      [id, await hashPassword(password), now, now, now],
    );
    await execute(tem, `insert into user_group (user_id, group_id) values (?, ?)`, [id, groups.administrators]);
    if (adminPassword) log.info('Created user "admin" with the password from ADMIN_PASSWORD.');
    else {
      // Printed once, on purpose on the console and not in the structured log.
      console.log(`\n  Tandem CRM: created user "admin" with password  ${password}\n  Sign in and change it (user menu → Change password). It will not be shown again.\n`);
    }
    return { adminCreated: true };
  });
}
