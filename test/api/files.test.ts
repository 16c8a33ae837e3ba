import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ORIGIN, type Client, type TestApp } from '../helpers/app';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.admin();
});
afterAll(async () => t?.close());

// The smallest valid PNG: 1×1 transparent pixel.
const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'));

async function upload(bytes: Uint8Array, name: string, type: string, extra: Record<string, string> = {}, cookie = admin.cookie) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  const res = await t.app.request(`${ORIGIN}/api/files`, { method: 'POST', body: form, headers: { origin: ORIGIN, host: 'localhost', cookie: cookie ?? '' } });
  return { status: res.status, body: await res.json() };
}

describe('uploads', () => {
  it('stores a product picture and serves it back with its real type', async () => {
    const res = await upload(png, '产品图.png', 'image/png', { images: 'true' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: '产品图.png', type: 'image/png', size: png.length });
    const product = await admin.post('/records/product', { name: '不锈钢阀门', pictures: [res.body] });
    expect(product.status).toBe(201);
    expect(product.body.pictures).toEqual([res.body]);
    const served = await t.app.request(`${ORIGIN}/api/files/${res.body.id}`, { headers: { cookie: admin.cookie! } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
  });

  it('refuses a file whose bytes are not what it claims, an empty one, and too large ones', async () => {
    const fake = await upload(new TextEncoder().encode('<script>alert(1)</script>'), 'x.png', 'image/png');
    expect(fake.status).toBe(400);
    expect(fake.body.error.details.fields).toEqual([{ field: 'file', code: 'invalid_format' }]);
    const pdfAsPicture = await upload(new TextEncoder().encode('%PDF-1.4 test'), 'a.pdf', 'application/pdf', { images: 'true' });
    expect(pdfAsPicture.status).toBe(400);
    expect((await upload(new Uint8Array(0), 'e.png', 'image/png')).status).toBe(400);
    const big = new Uint8Array(11 * 1024 * 1024);
    big.set(png.slice(0, 8));
    expect((await upload(big, 'big.png', 'image/png')).status).toBe(413);
  });

  it('needs a signed-in user', async () => {
    expect((await upload(png, 'p.png', 'image/png', {}, null)).status).toBe(401);
    expect((await t.app.request(`${ORIGIN}/api/files/00000000-0000-4000-8000-000000000000`, { headers: { cookie: admin.cookie! } })).status).toBe(404);
  });
});
