import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullGrant, mergeGrants, widerLevel } from '../../server/auth/permissions';
import { parseEnv } from '../../server/env';

const none = { create: 'none', read: 'none', edit: 'none', delete: 'none', export: 'none', deny: { read: [], edit: [] } };

describe('mergeGrants', () => {
  it('gives nothing without groups, and an entry for every object', () => {
    expect(mergeGrants(['employee', 'user'], [])).toEqual({ employee: none, user: none });
  });

  it('leaves out objects outside the catalogue and defaults missing actions to none', () => {
    const merged = mergeGrants(['employee'], [{ employee: { read: 'own' }, spaceship: { read: 'all' } }]);
    expect(Object.keys(merged)).toEqual(['employee']);
    expect(merged.employee).toEqual({ ...none, read: 'own' });
  });

  it('takes the widest level per action across groups', () => {
    const merged = mergeGrants(
      ['employee', 'department'],
      [
        { employee: { read: 'department', edit: 'own', delete: 'none' } },
        { employee: { read: 'own', edit: 'department', create: 'own' }, department: { read: 'all' } },
        { employee: { read: 'all' } },
      ],
    );
    expect(merged.employee).toEqual({ ...none, read: 'all', edit: 'department', create: 'own' });
    expect(merged.department).toEqual({ ...none, read: 'all' });
  });

  it('keeps a field denied only when every granting group denies it', () => {
    const a = { employee: { read: 'all' as const, edit: 'all' as const, deny: { read: ['mobile', 'email'], edit: ['mobile', 'birthday'] } } };
    const b = { employee: { read: 'department' as const, edit: 'own' as const, deny: { read: ['email', 'mobile', 'address'], edit: ['birthday'] } } };
    expect(mergeGrants(['employee'], [a, b]).employee.deny).toEqual({ read: ['email', 'mobile'], edit: ['birthday'] });
    // A group that grants without denying lifts every deny.
    const c = { employee: { read: 'own' as const } };
    expect(mergeGrants(['employee'], [a, c]).employee.deny).toEqual({ read: [], edit: ['birthday', 'mobile'] });
    // One group: its denies stand, sorted.
    expect(mergeGrants(['employee'], [a]).employee.deny).toEqual({ read: ['email', 'mobile'], edit: ['birthday', 'mobile'] });
  });

  it('ignores the denies of a group that does not grant the action', () => {
    const granting = { employee: { read: 'all' as const, deny: { read: ['mobile'] } } };
    const notGranting = { employee: { read: 'none' as const, edit: 'all' as const, deny: { read: ['email', 'mobile', 'address'] } } };
    const merged = mergeGrants(['employee'], [granting, notGranting]).employee;
    expect(merged.deny.read).toEqual(['mobile']);
    expect(merged.deny.edit).toEqual([]);
    expect(mergeGrants(['employee'], [notGranting]).employee.deny.read).toEqual([]);
  });

  it('fullGrant gives every action at level all', () => {
    const merged = mergeGrants(['employee', 'user'], [fullGrant(['employee', 'user'])]);
    for (const grant of Object.values(merged)) expect(grant).toEqual({ create: 'all', read: 'all', edit: 'all', delete: 'all', export: 'all', deny: { read: [], edit: [] } });
  });

  it('widerLevel orders none < own < department < all', () => {
    expect(widerLevel('none', 'own')).toBe('own');
    expect(widerLevel('department', 'own')).toBe('department');
    expect(widerLevel('department', 'all')).toBe('all');
    expect(widerLevel('none', 'none')).toBe('none');
  });
});

describe('parseEnv', () => {
  it('applies defaults', () => {
    const parsed = parseEnv({});
    expect('env' in parsed).toBe(true);
    if (!('env' in parsed)) return;
    expect(parsed.env).toEqual({
      PORT: 3000,
      HOST: '0.0.0.0',
      DATA_DIR: path.resolve('./data'),
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
      SESSION_IDLE_MINUTES: 120,
      SESSION_MAX_HOURS: 168,
      TIME_ZONE: 'Asia/Shanghai',
      REDIS_PREFIX: 'tandem',
    });
  });

  it('reads valid values and treats empty strings as unset', () => {
    const parsed = parseEnv({ PORT: '8080', DATABASE_URL: 'postgresql://u@db:5432/crm', LOG_LEVEL: 'debug', TRUST_PROXY: 'yes', DATA_DIR: 'memory://', REDIS_URL: '', SESSION_IDLE_MINUTES: '30' });
    if (!('env' in parsed)) throw new Error(parsed.problems.join('\n'));
    expect(parsed.env).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgresql://u@db:5432/crm', LOG_LEVEL: 'debug', TRUST_PROXY: true, DATA_DIR: 'memory://', SESSION_IDLE_MINUTES: 30 });
    expect(parsed.env.REDIS_URL).toBeUndefined();
  });

  it('lists every problem, each naming its variable', () => {
    const parsed = parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://db/crm', LOG_LEVEL: 'loud', REDIS_PREFIX: 'my prefix:*' });
    expect('problems' in parsed).toBe(true);
    if (!('problems' in parsed)) return;
    expect(parsed.problems).toHaveLength(4);
    expect(parsed.problems).toContain('REDIS_PREFIX: letters, digits, _ . - (at most 40)');
    expect(parsed.problems.find((p) => p.startsWith('PORT: '))).toBeDefined();
    expect(parsed.problems).toContain('DATABASE_URL: must start with postgres:// or postgresql://');
    const level = parsed.problems.find((p) => p.startsWith('LOG_LEVEL: '));
    expect(level).toMatch(/info/);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['ADMIN_PASSWORD', 'short'],
    ['TRUST_PROXY', 'maybe'],
    ['REDIS_URL', 'localhost:6379'],
    ['PUBLIC_URL', 'not a url'],
    ['SESSION_IDLE_MINUTES', '0'],
  ])('rejects %s=%s', (name, value) => {
    const parsed = parseEnv({ [name]: value });
    expect('problems' in parsed && parsed.problems.length === 1 && parsed.problems[0].startsWith(`${name}: `)).toBe(true);
  });
});
