import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('health and HTTP basics', () => {
  it('reports the database kind and version', async () => {
    const res = await t.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', db: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', redis: false, version: expect.any(String) });
    expect(res.headers.get('x-request-id')).toMatch(/.+/);
  });

  it('sends security headers', async () => {
    const res = await t.request('GET', '/health');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.request('GET', '/definitely-not-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await t.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/records/{object}', '/api/users', '/api/groups/{id}']));
    expect(res.body.components.schemas.CreateUser.required).toEqual(expect.arrayContaining(['login', 'password']));
  });

  it('rejects oversized bodies with 413', async () => {
    const admin = await t.admin();
    const res = await t.request('POST', '/records/organisation', { rawBody: JSON.stringify({ name: 'x'.repeat(1_100_000) }), cookie: admin.cookie });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});
