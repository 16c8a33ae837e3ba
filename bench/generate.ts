// Bench data: a PostgreSQL database `tandem_bench` with 100,000 customers, 500,000 contacts and
// 200,000 activities (override with BENCH_CUSTOMERS / BENCH_CONTACTS / BENCH_ACTIVITIES), made
// once and reused while its size matches. Schema through the real migrations (prepareServices),
// org chart and users through the demo seed, the bulk rows through raw multi-row INSERTs.
//
//   npx tsx bench/generate.ts          (or let `npm run bench -- records` call it)
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { parseEnv } from '../server/env';
import { prepareServices } from '../server/server';
import { findObject } from '../server/records/registry';
import { searchTerms } from '../server/search/text';
import type { ObjectDef } from '../server/records/types';
import { seed } from '../db/seed';

export type BenchSizes = { customers: number; contacts: number; activities: number };

const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) >= 0 ? Math.floor(Number(v)) : d);

export function benchSizes(): BenchSizes {
  return { customers: num(process.env.BENCH_CUSTOMERS, 100_000), contacts: num(process.env.BENCH_CONTACTS, 500_000), activities: num(process.env.BENCH_ACTIVITIES, 200_000) };
}

/** postgres:// URL of the bench database (BENCH_DATABASE_URL, or tandem_bench on the local server). */
export function benchDatabaseUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/tandem_bench';
}

/** The login used as the department-level reader: manager of 销售部, whose subtree holds three more departments. */
export const DEPT_USER = 'lina';
const BATCH = 5000;

// ---------------------------------------------------------------- deterministic random data
let seedState = 20261127;
function rand(): number {
  // mulberry32: the same data on every generation.
  seedState = (seedState + 0x6d2b79f5) | 0;
  let t = seedState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
const chance = (p: number) => rand() < p;
const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
/** Picks from [value, weight] pairs. */
function weighted<T>(pairs: [T, number][]): T {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1][0];
}

const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const given1 = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉斌宇浩凯健俊帆鑫波宁欣琳晨婷雪颖梅琴云龙飞亮峰建林'.split('');
const given2 = ['建国', '建华', '志强', '志明', '秀英', '桂英', '海燕', '晓东', '晓红', '丽娟', '文杰', '俊杰', '子涵', '雨轩', '浩然', '梓萱', '一诺', '欣怡', '思远', '明辉', '国庆', '振华', '春梅', '红梅', '婷婷', '小军', '德明', '永强', '家豪', '嘉怡', '佳琪', '天宇', '宇航', '博文', '雅婷', '诗涵', '子轩', '伟东', '金龙', '玉兰', '三', '四'];
const personName = () => pick(surnames) + (chance(0.45) ? pick(given1) : pick(given2));

const cities = [
  ['广东省', '汕头市', '0754', '515000', ['金平区', '龙湖区', '澄海区', '潮阳区']],
  ['广东省', '广州市', '020', '510000', ['天河区', '越秀区', '海珠区', '白云区', '番禺区']],
  ['广东省', '深圳市', '0755', '518000', ['南山区', '福田区', '宝安区', '龙岗区']],
  ['广东省', '东莞市', '0769', '523000', ['长安镇', '虎门镇', '松山湖']],
  ['广东省', '佛山市', '0757', '528000', ['顺德区', '南海区', '禅城区']],
  ['上海市', '上海', '021', '200000', ['浦东新区', '徐汇区', '闵行区', '嘉定区', '松江区']],
  ['北京市', '北京', '010', '100000', ['朝阳区', '海淀区', '丰台区', '通州区']],
  ['浙江省', '杭州市', '0571', '310000', ['西湖区', '滨江区', '萧山区', '余杭区']],
  ['浙江省', '宁波市', '0574', '315000', ['鄞州区', '北仑区', '慈溪市']],
  ['浙江省', '义乌市', '0579', '322000', ['稠城街道', '北苑街道']],
  ['江苏省', '苏州市', '0512', '215000', ['工业园区', '吴中区', '昆山市']],
  ['江苏省', '南京市', '025', '210000', ['鼓楼区', '江宁区', '建邺区']],
  ['福建省', '厦门市', '0592', '361000', ['思明区', '湖里区', '集美区']],
  ['福建省', '泉州市', '0595', '362000', ['晋江市', '石狮市', '丰泽区']],
  ['山东省', '青岛市', '0532', '266000', ['市南区', '黄岛区', '城阳区']],
  ['天津市', '天津', '022', '300000', ['滨海新区', '南开区', '河西区']],
  ['四川省', '成都市', '028', '610000', ['武侯区', '高新区', '锦江区']],
  ['湖北省', '武汉市', '027', '430000', ['江汉区', '洪山区', '东湖高新区']],
  ['重庆市', '重庆', '023', '400000', ['渝北区', '江北区', '九龙坡区']],
  ['河南省', '郑州市', '0371', '450000', ['金水区', '二七区', '郑东新区']],
] as const;
const brands = ['华兴', '宏达', '金源', '鑫盛', '恒通', '永利', '新世纪', '东方', '信达', '盛世', '天成', '中联', '联创', '嘉华', '汇丰', '瑞丰', '长城', '海天', '百佳', '正大', '锦程', '启航', '富源', '安泰', '同创'];
const trades: [string, string][] = [
  ['贸易', 'trade'], ['电子', 'manufacturing'], ['科技', 'it'], ['机械', 'manufacturing'], ['服装', 'manufacturing'], ['食品', 'retail'], ['建材', 'construction'],
  ['物流', 'logistics'], ['化工', 'manufacturing'], ['五金', 'manufacturing'], ['塑胶', 'manufacturing'], ['纺织', 'manufacturing'], ['医疗器械', 'healthcare'],
  ['软件', 'it'], ['信息技术', 'it'], ['实业', 'other'], ['包装', 'manufacturing'], ['印刷', 'other'], ['家具', 'retail'], ['陶瓷', 'manufacturing'],
  ['投资', 'finance'], ['教育咨询', 'education'], ['建筑工程', 'construction'], ['进出口', 'trade'], ['商贸', 'trade'],
];
const suffixes: [string, number][] = [['有限公司', 60], ['股份有限公司', 12], ['有限责任公司', 10], ['商行', 8], ['厂', 6], ['集团有限公司', 4]];
const enFirst = ['Pacific', 'Golden', 'Bright', 'Evergreen', 'Silver', 'Harbour', 'Summit', 'Oriental', 'Blue Ocean', 'Great Wall', 'Pearl River', 'Jade', 'Phoenix', 'Lotus', 'Sunrise', 'Dragon', 'Northern', 'Eastwind'];
const enSecond: [string, string][] = [['Trading', 'trade'], ['Electronics', 'manufacturing'], ['Software', 'it'], ['Logistics', 'logistics'], ['Textiles', 'manufacturing'], ['Medical', 'healthcare'], ['Capital', 'finance'], ['Retail', 'retail'], ['Builders', 'construction'], ['Learning', 'education'], ['Foods', 'retail'], ['Machinery', 'manufacturing']];
const enSuffix = ['Co., Ltd.', 'Ltd.', 'Limited', 'Inc.', 'Group', 'Holdings Ltd.', 'International Co.'];
const roads = ['人民路', '中山路', '解放路', '建设路', '长江路', '黄河路', '金海路', '科技园路', '工业大道', '世纪大道', '滨海大道', '和平路', '新华路', '东风路'];
const titles = ['总经理', '副总经理', '采购经理', '采购专员', '销售经理', '财务经理', '财务主管', '技术总监', '工程师', '行政主管', '董事长', 'CEO', 'Purchasing Manager', '项目经理', '仓库主管', '总监助理', '出纳', '法务'];
const roles = ['决策人', '影响人', '使用人', '联系人', 'Decision maker'];
const subjects = ['电话沟通报价', '上门拜访', '跟进合同进度', '发送产品资料', '年度合作洽谈', '售后回访', '确认发货时间', '商务宴请', '样品测试反馈', 'Quarterly review', '催收货款', '展会邀约', '技术交流会', '投诉处理'];
const outcomes = ['客户有意向，下周再联系', '已发报价单', '需要领导审批', '已签约', '暂无需求', 'Follow up next month', '客户要求降价 5%', null];
const emailDomains = ['qq.com', '163.com', '126.com', 'sina.com', 'gmail.com', 'outlook.com', 'foxmail.com'];

/** Telephone numbers written the many ways people type them. */
function landline(area: string): string {
  const n = digits(8);
  return weighted<string>([
    [`${area}-${n}`, 30],
    [`${area}-${n.slice(0, 4)} ${n.slice(4)}`, 20],
    [`(${area}) ${n.slice(0, 4)}-${n.slice(4)}`, 15],
    [`+86 ${area.slice(1)} ${n.slice(0, 4)} ${n.slice(4)}`, 15],
    [`${area}${n}`, 20],
  ]);
}
function mobile(): string {
  const n = pick(['138', '139', '135', '136', '137', '150', '151', '158', '159', '186', '188', '189', '177', '199']) + digits(8);
  return weighted<string>([
    [n, 50],
    [`${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`, 20],
    [`${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`, 20],
    [`+86 ${n}`, 10],
  ]);
}
const money = (lo: number, hi: number) => {
  // Log-uniform: many small companies, few big ones.
  const v = Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo)));
  return v.toFixed(2);
};

// ---------------------------------------------------------------- search text, as the service builds it
const termsMemo = new Map<string, string>();
function terms(value: string, kind: 'text' | 'phone'): string {
  const key = `${kind}\u0000${value}`;
  let t = termsMemo.get(key);
  if (t === undefined) {
    t = searchTerms(value, kind);
    if (termsMemo.size < 400_000) termsMemo.set(key, t);
  }
  return t;
}
/** Same rule as updateSearchText in server/records/service.ts: searchable string fields, in field order. */
function searchTextOf(def: ObjectDef, record: Record<string, unknown>): string {
  const text = def.fields
    .filter((f) => f.searchable && typeof record[f.name] === 'string')
    .map((f) => terms(record[f.name] as string, f.type === 'phone' ? 'phone' : 'text'))
    .filter(Boolean)
    .join(' ');
  return text || ' ';
}

// ---------------------------------------------------------------- bulk insert
type Column = { name: string; type: string };

/** Inserts rows in batches of BATCH as one `insert … select from unnest(arrays)` each, inside one transaction. */
async function bulkInsert(client: pg.Client, table: string, columns: Column[], total: number, row: (i: number) => unknown[], label: string): Promise<void> {
  const t0 = performance.now();
  await client.query('begin');
  for (let start = 0; start < total; start += BATCH) {
    const n = Math.min(BATCH, total - start);
    const arrays: unknown[][] = columns.map(() => new Array(n));
    for (let k = 0; k < n; k++) {
      const values = row(start + k);
      for (let c = 0; c < columns.length; c++) arrays[c][k] = values[c];
    }
    const cast = (c: Column) => (c.type === 'jsonb' ? 'text' : c.type);
    const text = `insert into "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')})
      select ${columns.map((c) => (c.type === 'jsonb' ? `u."${c.name}"::jsonb` : `u."${c.name}"`)).join(', ')}
        from unnest(${columns.map((c, i) => `$${i + 1}::${cast(c)}[]`).join(', ')}) as u(${columns.map((c) => `"${c.name}"`).join(', ')})`;
    await client.query(text, arrays);
    if (process.stdout.isTTY) process.stdout.write(`\r  ${label}: ${start + n} / ${total}`);
  }
  await client.query('commit');
  if (process.stdout.isTTY) process.stdout.write('\r');
  console.log(`  ${label}: ${total} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const urlWithDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

const marker = (s: BenchSizes) => `tandem-bench v1 customers=${s.customers} contacts=${s.contacts} activities=${s.activities}`;

/**
 * Makes sure the bench database exists with the requested size; reuses it when a previous
 * generation of the same size completed (the marker is written last).
 */
export async function ensureBenchDatabase(sizes = benchSizes()): Promise<{ url: string; reused: boolean; seconds: number; sizes: BenchSizes }> {
  const url = benchDatabaseUrl();
  const dbName = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`Unexpected bench database name "${dbName}"`);
  const t0 = performance.now();
  const admin = new pg.Client({ connectionString: urlWithDb(url, 'postgres') });
  await admin.connect();
  try {
    const [existing] = (await admin.query(`select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`, [dbName])).rows;
    if (existing && existing.comment === marker(sizes)) return { url, reused: true, seconds: 0, sizes };
    if (existing) {
      console.log(`Bench database ${dbName} holds other data (${existing.comment ?? 'incomplete'}); recreating it.`);
      await admin.query(`drop database "${dbName}" with (force)`);
    }
    await admin.query(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }

  console.log(`Generating ${dbName}: ${sizes.customers} customers, ${sizes.contacts} contacts, ${sizes.activities} activities…`);
  // Schema, built-in groups, admin; then the demo org chart (10 departments, 30 employees) and its users.
  const parsed = parseEnv({ DATABASE_URL: url, DATA_DIR: 'memory://', ADMIN_PASSWORD: 'bench-admin-pass', LOG_LEVEL: 'silent' });
  if ('problems' in parsed) throw new Error(parsed.problems.join('\n'));
  const services = await prepareServices(parsed.env, pino({ level: 'silent' }));
  let customerDef: ObjectDef, contactDef: ObjectDef;
  try {
    console.log(`  ${await seed(services, { demo: true })}`);
    customerDef = findObject('customer')!;
    contactDef = findObject('contact')!;
  } finally {
    await services.db.close();
  }

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set synchronous_commit = off`);
    // The generated rows are consistent by construction: skip the per-row foreign-key triggers
    // while loading when allowed (superuser), as pg_restore does.
    await client.query(`set session_replication_role = replica`).catch(() => undefined);
    const [adminUser] = (await client.query(`select id from app_user where login = 'admin'`)).rows;
    const employees: { id: string; department_id: string; code: string }[] = (await client.query(`select id, department_id, code from employee order by code`)).rows;
    // Sales people own most customers; everybody else a few.
    const salesCodes = new Set(['XC03', 'XC04', 'XC05', 'XC06', 'XC07', 'XC08', 'XC09', 'XC10', 'XC11', 'XC27', 'XC28', 'XC29', 'XC30', 'XC12', 'XC13', 'XC14', 'XC15']);
    const ownerPool: [(typeof employees)[number], number][] = employees.map((e) => [e, salesCodes.has(e.code) ? 10 : 1]);

    // A department-level reader of customers, contacts and activities (its own group, so the
    // built-in groups stay as shipped).
    const groupId = randomUUID();
    const crm = { create: 'department', read: 'department', edit: 'department', delete: 'none', export: 'department' };
    await client.query(`insert into app_group (id, name, description, permissions, created_at, updated_at) values ($1, 'Bench sales (department)', 'Department-level CRM rights for the benchmark', $2, now(), now())`, [
      groupId,
      JSON.stringify({ customer: crm, contact: crm, activity: crm, customerDepartment: crm, contactEmployment: crm, employee: { read: 'all' }, department: { read: 'all' }, organisation: { read: 'all' } }),
    ]);
    await client.query(`insert into user_group (user_id, group_id) select id, $1 from app_user where login = $2`, [groupId, DEPT_USER]);

    // Secondary indexes are dropped during the load and rebuilt after (much faster than
    // maintaining three GIN trigram indexes row by row); constraints stay.
    const tables = ['customer', 'contact', 'activity'];
    const indexes: { indexname: string; indexdef: string }[] = (
      await client.query(
        `select i.indexname, i.indexdef from pg_indexes i
          where i.schemaname = 'public' and i.tablename = any($1)
            and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
        [tables],
      )
    ).rows;
    for (const ix of indexes) await client.query(`drop index "${ix.indexname}"`);

    const now = Date.now();
    const day = 86_400_000;
    const createdSpan = 3 * 365 * day;

    // ---- customers
    const custOwner = new Int32Array(sizes.customers);
    const custCreated = new Float64Array(sizes.customers);
    const custIds: string[] = new Array(sizes.customers);
    const industries = customerDef.fields.find((f) => f.name === 'industry')!.options!.map((o) => o.value);
    const sourceValues = customerDef.fields.find((f) => f.name === 'source')!.options!.map((o) => o.value);
    const tagValues = customerDef.fields.find((f) => f.name === 'tags')!.options!.map((o) => o.value);
    await bulkInsert(
      client,
      'customer',
      [
        { name: 'id', type: 'uuid' }, { name: 'created_at', type: 'timestamptz' }, { name: 'updated_at', type: 'timestamptz' }, { name: 'created_by', type: 'uuid' },
        { name: 'owner_id', type: 'uuid' }, { name: 'department_id', type: 'uuid' }, { name: 'code', type: 'text' }, { name: 'name', type: 'text' },
        { name: 'short_name', type: 'text' }, { name: 'phone', type: 'text' }, { name: 'fax', type: 'text' }, { name: 'address', type: 'text' },
        { name: 'postcode', type: 'text' }, { name: 'website', type: 'text' }, { name: 'legal_representative', type: 'text' }, { name: 'industry', type: 'text' },
        { name: 'source', type: 'text' }, { name: 'grade', type: 'text' }, { name: 'credit_limit', type: 'numeric' }, { name: 'annual_revenue', type: 'numeric' },
        { name: 'tags', type: 'jsonb' }, { name: 'notes', type: 'text' }, { name: 'search_text', type: 'text' },
      ],
      sizes.customers,
      (i) => {
        const [province, city, area, postcode, districts] = pick(cities);
        let name: string, shortName: string | null, industry: string;
        if (chance(0.82)) {
          const [trade, ind] = pick(trades);
          const middle = chance(0.3) ? personName() : pick(brands);
          name = `${chance(0.7) ? city : ''}${middle}${trade}${weighted(suffixes)}`;
          shortName = chance(0.8) ? `${middle}${trade}` : null;
          industry = chance(0.85) ? ind : pick(industries);
        } else {
          const [kind, ind] = pick(enSecond);
          const first = pick(enFirst);
          name = `${first} ${kind} ${pick(enSuffix)}`;
          shortName = chance(0.6) ? first : null;
          industry = chance(0.85) ? ind : pick(industries);
        }
        const owner = weighted(ownerPool);
        custOwner[i] = employees.indexOf(owner);
        const created = now - rand() * createdSpan;
        custCreated[i] = created;
        const id = randomUUID();
        custIds[i] = id;
        const record = {
          code: `C${String(i + 1).padStart(6, '0')}`,
          name,
          shortName,
          phone: chance(0.95) ? (chance(0.7) ? landline(area) : mobile()) : null,
          fax: chance(0.3) ? landline(area) : null,
          address: chance(0.9) ? `${province.startsWith(city) ? province : province + city}${pick(districts)}${pick(roads)}${int(1, 999)}号` : null,
          legalRepresentative: chance(0.7) ? personName() : null,
        };
        const revenue = chance(0.92) ? money(100_000, 2_000_000_000) : null;
        const tags = tagValues.filter(() => chance(0.15));
        return [
          id,
          new Date(created).toISOString(),
          new Date(created + rand() * (now - created)).toISOString(),
          adminUser.id,
          owner.id,
          owner.department_id,
          record.code,
          record.name,
          record.shortName,
          record.phone,
          record.fax,
          record.address,
          chance(0.6) ? postcode : null,
          chance(0.25) ? `https://www.example-${i + 1}.cn` : null,
          record.legalRepresentative,
          chance(0.97) ? industry : null,
          chance(0.9) ? pick(sourceValues) : null,
          chance(0.95) ? weighted([['A', 15], ['B', 35], ['C', 35], ['D', 15]]) : null,
          chance(0.8) ? money(10_000, 50_000_000) : null,
          revenue,
          JSON.stringify(tags),
          chance(0.1) ? '重要客户，年底前需回访。' : null,
          searchTextOf(customerDef, record),
        ];
      },
      'customers',
    );

    // ---- contacts (each at one customer; the customer's owner owns them too)
    const contactCustomer = new Int32Array(sizes.contacts);
    const contactIds: string[] = new Array(sizes.contacts);
    const emailMemo = new Map<string, string>();
    await bulkInsert(
      client,
      'contact',
      [
        { name: 'id', type: 'uuid' }, { name: 'created_at', type: 'timestamptz' }, { name: 'updated_at', type: 'timestamptz' }, { name: 'created_by', type: 'uuid' },
        { name: 'owner_id', type: 'uuid' }, { name: 'department_id', type: 'uuid' }, { name: 'code', type: 'text' }, { name: 'name', type: 'text' },
        { name: 'gender', type: 'text' }, { name: 'phone', type: 'text' }, { name: 'mobile', type: 'text' }, { name: 'email', type: 'text' },
        { name: 'birthday', type: 'date' }, { name: 'title', type: 'text' }, { name: 'role', type: 'text' }, { name: 'customer_id', type: 'uuid' }, { name: 'search_text', type: 'text' },
      ],
      sizes.contacts,
      (i) => {
        const c = sizes.customers ? int(0, sizes.customers - 1) : -1;
        contactCustomer[i] = c;
        const owner = c >= 0 ? employees[custOwner[c]] : pick(employees);
        const created = c >= 0 ? custCreated[c] + rand() * (now - custCreated[c]) : now - rand() * createdSpan;
        const name = chance(0.95) ? personName() : `${pick(['Tom', 'Lucy', 'Kevin', 'Grace', 'Jason', 'Cindy', 'Peter', 'Helen'])} ${pick(['Wong', 'Chan', 'Lee', 'Lau', 'Cheung', 'Ho'])}`;
        let local = emailMemo.get(name);
        if (local === undefined) {
          local = searchTerms(name).split(' ')[1] ?? name.toLowerCase().replace(/[^a-z]/g, '');
          emailMemo.set(name, local);
        }
        const id = randomUUID();
        contactIds[i] = id;
        const record = {
          code: `P${String(i + 1).padStart(6, '0')}`,
          name,
          title: chance(0.85) ? pick(titles) : null,
          phone: chance(0.3) ? landline(pick(cities)[2]) : null,
          mobile: chance(0.9) ? mobile() : null,
          email: chance(0.6) ? `${local}${int(1, 999)}@${pick(emailDomains)}` : null,
        };
        return [
          id,
          new Date(created).toISOString(),
          new Date(created).toISOString(),
          adminUser.id,
          owner.id,
          owner.department_id,
          record.code,
          record.name,
          chance(0.5) ? 'male' : 'female',
          record.phone,
          record.mobile,
          record.email,
          chance(0.3) ? `${int(1960, 2000)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}` : null,
          record.title,
          chance(0.4) ? pick(roles) : null,
          c >= 0 ? custIds[c] : null,
          searchTextOf(contactDef, record),
        ];
      },
      'contacts',
    );

    // ---- activities over the last year (so "in the last 30 days" picks about a twelfth)
    await bulkInsert(
      client,
      'activity',
      [
        { name: 'id', type: 'uuid' }, { name: 'created_at', type: 'timestamptz' }, { name: 'updated_at', type: 'timestamptz' }, { name: 'created_by', type: 'uuid' },
        { name: 'owner_id', type: 'uuid' }, { name: 'department_id', type: 'uuid' }, { name: 'type', type: 'text' }, { name: 'at', type: 'timestamptz' },
        { name: 'subject', type: 'text' }, { name: 'content', type: 'text' }, { name: 'outcome', type: 'text' }, { name: 'customer_id', type: 'uuid' }, { name: 'contact_id', type: 'uuid' },
      ],
      sizes.activities,
      () => {
        const k = sizes.contacts ? int(0, sizes.contacts - 1) : -1;
        const c = k >= 0 ? contactCustomer[k] : sizes.customers ? int(0, sizes.customers - 1) : -1;
        const owner = c >= 0 ? employees[custOwner[c]] : pick(employees);
        const at = now - rand() * 365 * day;
        const iso = new Date(at).toISOString();
        return [
          randomUUID(), iso, iso, adminUser.id, owner.id, owner.department_id,
          weighted([['call', 40], ['visit', 15], ['followUp', 20], ['email', 15], ['meeting', 7], ['other', 3]]),
          iso,
          pick(subjects),
          chance(0.5) ? '与客户沟通了新一季度的采购计划，对方关注价格与交期。' : null,
          pick(outcomes),
          c >= 0 ? custIds[c] : null,
          k >= 0 ? contactIds[k] : null,
        ];
      },
      'activities',
    );

    await client.query(`reset session_replication_role`).catch(() => undefined);
    let t1 = performance.now();
    await client.query(`set maintenance_work_mem = '512MB'`);
    for (const ix of indexes) await client.query(ix.indexdef);
    console.log(`  ${indexes.length} indexes rebuilt in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    t1 = performance.now();
    await client.query(`vacuum analyze customer, contact, activity, employee, department`);
    console.log(`  vacuum analyze in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await client.query(`comment on database "${dbName}" is '${marker(sizes)}'`);
  } finally {
    await client.end();
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`Generated ${dbName} in ${seconds.toFixed(1)} s.`);
  return { url, reused: false, seconds, sizes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await ensureBenchDatabase();
  if (r.reused) console.log(`Bench database already holds ${r.sizes.customers} customers, ${r.sizes.contacts} contacts, ${r.sizes.activities} activities; reused.`);
  process.exit(0);
}
