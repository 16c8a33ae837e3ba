// Import throughput: an .xlsx of customers through POST /api/records/customer/import (the
// single write path, one row at a time, all-or-nothing), beside the bare layer underneath:
// a multi-row INSERT of the same rows.
import ExcelJS from 'exceljs';
import pg from 'pg';
import pino from 'pino';
import { parseEnv } from '../server/env';
import { prepareServices } from '../server/server';
import { createApp } from '../server/app';
import { report } from './lib';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 2000);
const BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function benchImport(): Promise<string> {
  const name = `tandem_bench_import_${Date.now()}`;
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  const parsed = parseEnv({ DATABASE_URL: url.toString(), ADMIN_PASSWORD: 'bench-admin-pass', LOG_LEVEL: 'silent' });
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  const services = await prepareServices(parsed.env, pino({ level: 'silent' }));
  const app = createApp(services);
  try {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('客户');
    sheet.addRow(['客户名称', '电话', '信用等级', '年营业额']);
    for (let i = 0; i < ROWS; i++) sheet.addRow([`汕头市第${i}贸易有限公司`, `0754-${String(10000000 + i)}`, 'ABCD'[i % 4], 100000 + i]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const origin = 'http://localhost';
    const login = await app.request(`${origin}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ login: 'admin', password: 'bench-admin-pass' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(file)]), 'customers.xlsx');
    const t0 = performance.now();
    const res = await app.request(`${origin}/api/records/customer/import`, { method: 'POST', body: form, headers: { origin, cookie } });
    const ours = performance.now() - t0;
    const body = (await res.json()) as { created: number };
    if (res.status !== 200 || body.created !== ROWS) throw new Error(`import answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    // The bare layer: the same rows in one multi-row INSERT.
    const raw = new pg.Client({ connectionString: url.toString() });
    await raw.connect();
    const t1 = performance.now();
    await raw.query(
      `insert into customer (id, created_at, updated_at, code, name, phone, grade, annual_revenue)
       select gen_random_uuid(), now(), now(), 'R' || i, '汕头市第' || i || '贸易有限公司', '0754-' || (10000000 + i), (array['A','B','C','D'])[1 + i % 4], 100000 + i
         from generate_series(0, $1 - 1) i`,
      [ROWS],
    );
    const bare = performance.now() - t1;
    await raw.end();
    const perRow = ours / ROWS;
    return report(`import ${ROWS} customers from xlsx (${perRow.toFixed(1)} ms/row → 100,000 rows ≈ ${((perRow * 100_000) / 1000).toFixed(0)} s; budget 60 s)`, ours, bare, 'one multi-row INSERT of the same rows');
  } finally {
    await services.db.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
