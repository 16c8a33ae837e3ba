import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { AppError, invalid, type FieldErrorCode } from '../errors';
import { EventBus, type RecordChanged } from '../events';
import { fieldErrorsFromZod } from '../validation';
import { runSql } from '../../db/sql';
import { fieldOf, findObject } from './registry';
import { col, discriminatorSql, ident, levelFor, scopeCondition } from './query';
import { createRecord, updateRecord, type WriteContext } from './service';
import { neutralise } from './export';
import type { FieldDef, Label, LocaleCode, ObjectDef } from './types';
import { DEFAULT_LOCALE } from '../auth/locale';

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;
/** The JSON answer lists at most this many rejected rows / duplicate matches; the xlsx report has them all. */
const MAX_LISTED = 1000;

export type ImportMode = 'create' | 'update' | 'upsert';
export type DuplicatePolicy = 'skip' | 'update' | 'create';

/** A cell as read from the file: CSV gives strings, xlsx typed values; error cells (#N/A) keep their text. */
export type RawCell = string | number | boolean | Date | { error: string } | null;
export type Sheet = { kind: 'xlsx' | 'csv'; headers: string[]; rows: { row: number; cells: RawCell[] }[] };
export type ImportColumn = { index: number; header: string; field: string | null };

/** Row problems: the field codes of the record engine plus a few of the import's own. */
export type RejectCode = FieldErrorCode | 'forbidden' | 'not_found' | 'ambiguous';
export type RowProblem = { field?: string; code: RejectCode; message: string };
export type CellJson = string | number | boolean | null;
export type RejectedRow = RowProblem & { row: number; values: Record<string, CellJson>; errors: RowProblem[] };
export type DuplicateMatch = { row: number; key: string; value: string; id: string; action: 'skipped' | 'updated' | 'created' };

export type ImportResult = {
  dryRun: boolean;
  created: number;
  updated: number;
  skipped: number;
  /** Rows with at least one problem (the list below stops at 1000). */
  rejectedRows: number;
  rejected: RejectedRow[];
  columns: { header: string; field: string | null }[];
  /** Rows that matched an existing record, and by which key (the list stops at 1000). */
  duplicates: DuplicateMatch[];
  matchedBy: Record<string, number>;
};

export type ImportOptions = {
  mode: ImportMode;
  duplicates: DuplicatePolicy;
  dryRun: boolean;
  report: 'json' | 'xlsx';
  mapping?: Record<string, string | null>;
  locale?: LocaleCode;
};

const boolText = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));

const OptionsSchema = z.object({
  mode: z.enum(['create', 'update', 'upsert']).default('create'),
  duplicates: z.enum(['skip', 'update', 'create']).default('skip'),
  dryRun: boolText.default(false),
  report: z.enum(['json', 'xlsx']).default('json'),
  mapping: z.string().max(100_000).optional(),
  locale: z.enum(['en', 'zh-CN']).optional(),
});
const MappingSchema = z.record(z.string().max(500), z.string().max(64).nullable());

/** The import's options from the multipart form's text fields; 400 naming the bad one. */
export function parseImportOptions(form: FormData): ImportOptions {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(OptionsSchema.shape)) {
    const v = form.get(key);
    if (typeof v === 'string' && v !== '') raw[key] = v.trim();
  }
  const parsed = OptionsSchema.safeParse(raw);
  if (!parsed.success) throw invalid(fieldErrorsFromZod(parsed.error, raw));
  const { mapping: mappingText, ...rest } = parsed.data;
  let mapping: Record<string, string | null> | undefined;
  if (mappingText) {
    let json: unknown;
    try {
      json = JSON.parse(mappingText);
    } catch {
      throw invalid([{ field: 'mapping', code: 'invalid_format' }]);
    }
    const m = MappingSchema.safeParse(json);
    if (!m.success) throw invalid([{ field: 'mapping', code: 'invalid_type' }]);
    mapping = m.data;
  }
  return { ...rest, mapping };
}

export function localeOf(principal: Principal | null, override?: LocaleCode): LocaleCode {
  return override ?? principal?.locale ?? DEFAULT_LOCALE;
}

/** Import needs create rights to create and edit rights to update; checked before the file is read. */
export function checkImportRights(def: ObjectDef, principal: Principal | null, opts: Pick<ImportOptions, 'mode' | 'duplicates'>): void {
  const creates = opts.mode !== 'update';
  const updates = opts.mode !== 'create' || opts.duplicates === 'update';
  if (creates && levelFor(principal, def, 'create') === 'none') throw new AppError('forbidden');
  if (updates && levelFor(principal, def, 'edit') === 'none') throw new AppError('forbidden');
}

// ---------------------------------------------------------------- reading the file

const fileError = (code: FieldErrorCode, message: string, params?: Record<string, unknown>) =>
  new AppError('validation_failed', message, { fields: [{ field: 'file', code, ...(params ? { params } : {}) }] });

/** Valid UTF-8 (BOM or not) is UTF-8; anything else is taken as GB18030, what Chinese Excel saves CSV in. */
export function decodeCsvBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** RFC 4180 CSV (quotes, doubled quotes, newlines inside quotes); the delimiter is guessed from the header line. */
export function parseCsv(text: string): { row: number; cells: string[] }[] {
  const firstLine = text.slice(0, text.search(/\r|\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const delimiter = count('\t') > count(',') && count('\t') >= count(';') ? '\t' : count(';') > count(',') ? ';' : ',';
  const rows: { row: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let rowNumber = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      const next = text.indexOf('"', i);
      const end = next === -1 ? n : next;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === delimiter) {
      cells.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      cells.push(field);
      rows.push({ row: rowNumber++, cells });
      cells = [];
      field = '';
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i++;
    }
    if (rows.length > MAX_IMPORT_ROWS + 1) break;
  }
  if (field !== '' || cells.length) {
    cells.push(field);
    rows.push({ row: rowNumber, cells });
  }
  return rows;
}

function cellFromExcel(cell: ExcelJS.Cell): RawCell {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    // A number shown as a percentage keeps what the user sees: 0.12 formatted 0% is "12%".
    if (typeof cell.numFmt === 'string' && cell.numFmt.includes('%')) return `${Number((v * 100).toFixed(10))}%`;
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
    if ('error' in o) return { error: String(o.error) };
    // Formulas are never evaluated: the value Excel cached is taken as data.
    if ('formula' in o || 'sharedFormula' in o) {
      const r = o.result;
      if (r === undefined || r === null) return null;
      if (typeof r === 'object' && r !== null && 'error' in r) return { error: String((r as { error: unknown }).error) };
      return r instanceof Date || typeof r === 'number' || typeof r === 'string' || typeof r === 'boolean' ? r : String(r);
    }
    if ('text' in o) return typeof o.text === 'string' ? o.text : cellFromExcel({ value: o.text, numFmt: cell.numFmt } as ExcelJS.Cell);
  }
  return String(v);
}

async function readXlsx(bytes: Uint8Array): Promise<Sheet> {
  // The whole-file reader, not exceljs's stream reader: the latter now and then parses a sheet
  // before the shared strings and styles (text arrives as {sharedString: n}, dates as numbers).
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  const worksheet = workbook.worksheets[0];
  let headers: string[] | null = null;
  const rows: Sheet['rows'] = [];
  worksheet?.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rows.length > MAX_IMPORT_ROWS) return;
    const cells: RawCell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      cells[colNumber - 1] = cellFromExcel(cell);
    });
    for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
    if (!headers) {
      if (!cells.every((c) => c === null || String(c).trim() === '')) headers = cells.map(headerText);
      return;
    }
    rows.push({ row: rowNumber, cells });
  });
  return { kind: 'xlsx', headers: headers ?? [], rows };
}

function headerText(c: RawCell): string {
  if (c === null) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  if (typeof c === 'object') return c.error;
  return String(c).trim();
}

/**
 * Reads the uploaded spreadsheet: .xlsx (first sheet) or .csv (UTF-8 or GB18030). Header = row 1;
 * blank rows are left out. Anything else is a 400 naming `file`.
 */
export async function readSpreadsheet(file: { name: string; type: string; bytes: Uint8Array }): Promise<Sheet> {
  if (file.bytes.byteLength > MAX_IMPORT_BYTES) throw fileError('too_big', 'The file is larger than 20 MB.', { max: MAX_IMPORT_BYTES });
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  const type = file.type.split(';')[0].trim().toLowerCase();
  const kind =
    ext === 'xlsx' || (!ext && type === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') ? 'xlsx' : ext === 'csv' || (!ext && type === 'text/csv') ? 'csv' : null;
  if (!kind) throw fileError('invalid_format', 'Only .xlsx and .csv files can be imported.');
  const b = file.bytes;
  let sheet: Sheet;
  if (kind === 'xlsx') {
    // An .xlsx is a zip: anything else (an .xls renamed, a PDF) is refused before parsing.
    if (!(b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04)) throw fileError('invalid_format', 'The file is not an .xlsx workbook.');
    try {
      sheet = await readXlsx(b);
    } catch {
      throw fileError('invalid_format', 'The .xlsx file could not be read.');
    }
  } else {
    if (b.includes(0)) throw fileError('invalid_format', 'The file is not a text CSV file.');
    const text = decodeCsvBytes(b);
    const parsed = parseCsv(text);
    const nonEmpty = parsed.filter((r) => r.cells.some((c) => c.trim() !== ''));
    const [head, ...rest] = nonEmpty;
    sheet = { kind: 'csv', headers: head ? head.cells.map((h) => h.trim()) : [], rows: rest.map((r) => ({ row: r.row, cells: r.cells.map((c) => (c === '' ? null : c)) })) };
  }
  sheet.rows = sheet.rows.filter((r) => r.cells.some((c) => c !== null && !(typeof c === 'string' && c.trim() === '')));
  if (!sheet.headers.some((h) => h)) throw fileError('required', 'The file has no header row.');
  if (sheet.rows.length > MAX_IMPORT_ROWS) throw fileError('too_big', `The file has more than ${MAX_IMPORT_ROWS} rows.`, { max: MAX_IMPORT_ROWS });
  return sheet;
}

// ---------------------------------------------------------------- columns

const norm = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[(（](必填|required)[)）]/g, '')
    .replace(/[\s_\-*]/g, '');

/** Fields a user may fill from a file: editable, not read-only, not file attachments. */
export function importableFields(def: ObjectDef, principal: Principal | null): FieldDef[] {
  const denied = principal?.permissions[def.name]?.deny.edit ?? [];
  return def.fields.filter((f) => !f.readOnly && f.type !== 'file' && !denied.includes(f.name));
}

/**
 * Which field each column fills: the explicit mapping when given, otherwise headers matched to
 * API names, English labels or Chinese labels (case and spaces ignored). Unmatched columns are
 * ignored and reported with `field: null`.
 */
export function matchColumns(def: ObjectDef, principal: Principal | null, headers: string[], mapping?: Record<string, string | null>): ImportColumn[] {
  const fields = importableFields(def, principal);
  const used = new Set<string>();
  if (mapping) {
    for (const [header, name] of Object.entries(mapping)) {
      if (!headers.includes(header)) throw invalid([{ field: 'mapping', code: 'unknown_field', params: { value: header } }], `No column "${header}" in the file.`);
      if (name === null) continue;
      if (!fields.some((f) => f.name === name)) {
        const code = fieldOf(def, name) ? 'protected_field' : 'unknown_field';
        throw invalid([{ field: 'mapping', code, params: { value: name } }], `Field "${name}" cannot be imported.`);
      }
      if (used.has(name)) throw invalid([{ field: 'mapping', code: 'not_unique', params: { value: name } }], `Field "${name}" is mapped twice.`);
      used.add(name);
    }
    const taken = new Set<string>();
    return headers.map((header, index) => {
      const name = header ? (mapping[header] ?? null) : null;
      // A header that appears twice fills its field from the first column only.
      if (!name || taken.has(name)) return { index, header, field: null };
      taken.add(name);
      return { index, header, field: name };
    });
  }
  const lookup = new Map<string, string>();
  for (const key of ['name', 'en', 'zh-CN'] as const) {
    for (const f of fields) {
      const k = norm(key === 'name' ? f.name : f.label[key]);
      if (k && !lookup.has(k)) lookup.set(k, f.name);
    }
  }
  return headers.map((header, index) => {
    const name = header ? lookup.get(norm(header)) : undefined;
    if (!name || used.has(name)) return { index, header, field: null };
    used.add(name);
    return { index, header, field: name };
  });
}

// ---------------------------------------------------------------- converting cells

type Converted = { value: unknown } | { code: RejectCode; matches?: number };

const pad = (n: string | number) => String(n).padStart(2, '0');
const isBlank = (c: RawCell) => c === null || (typeof c === 'string' && c.trim() === '');

/** Our export prefixes formula-like text with an apostrophe; a re-import takes it off again. */
const unNeutralise = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

function toText(c: Exclude<RawCell, null | { error: string }>): string {
  if (c instanceof Date) {
    const iso = c.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return typeof c === 'string' ? unNeutralise(c) : String(c);
}

function toNumber(c: RawCell, percentField: boolean): number | null {
  if (typeof c === 'number') return c;
  if (typeof c !== 'string') return null;
  let s = c.trim().replace(/[,，\s]/g, '').replace(/^[¥￥$€]/, '');
  let scale = 1;
  if (s.endsWith('%')) {
    s = s.slice(0, -1);
    scale = percentField ? 1 : 0.01;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  return Number(s) * scale;
}

/** Excel serial day numbers (1900 date system) to 'YYYY-MM-DD'. */
const serialToDate = (n: number) => new Date(Date.UTC(1899, 11, 30) + Math.round(n * 86_400_000));

function toDate(c: RawCell): string | null {
  // Excel stores wall-clock dates; exceljs hands them over as UTC midnight.
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  if (typeof c === 'number') return c > 0 && c < 2_958_466 ? serialToDate(c).toISOString().slice(0, 10) : null;
  if (typeof c !== 'string') return null;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?Z?)?$/.exec(c.trim());
  return m ? `${m[1]}-${pad(m[2])}-${pad(m[3])}` : null;
}

function toDateTime(c: RawCell): string | null {
  // Times without an offset are read as UTC, as the export writes them.
  if (c instanceof Date) return c.toISOString();
  if (typeof c === 'number') return c > 0 && c < 2_958_466 ? serialToDate(c).toISOString() : null;
  if (typeof c !== 'string') return null;
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(c.trim());
  if (!m) return null;
  const zone = !m[8] || m[8].toUpperCase() === 'Z' ? 'Z' : m[8].includes(':') ? m[8] : `${m[8].slice(0, 3)}:${m[8].slice(3)}`;
  const iso = `${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4] ?? 0)}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`;
  return Number.isNaN(new Date(iso).getTime()) ? null : new Date(iso).toISOString();
}

const TRUE = new Set(['是', 'yes', 'y', 'true', '1', '对', '√', 'checked']);
const FALSE = new Set(['否', 'no', 'n', 'false', '0', '错', '×', 'unchecked']);

function toBoolean(c: RawCell): boolean | null {
  if (typeof c === 'boolean') return c;
  if (typeof c === 'number') return c === 1 ? true : c === 0 ? false : null;
  if (typeof c !== 'string') return null;
  const s = c.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : null;
}

/** A select value by option value or by its English or Chinese label (case and width ignored). */
function optionOf(field: FieldDef, text: string): string | null {
  const options = field.options ?? [];
  const exact = options.find((o) => o.value === text);
  if (exact) return exact.value;
  const k = norm(text);
  return options.find((o) => norm(o.value) === k || norm(o.label.en) === k || norm(o.label['zh-CN']) === k)?.value ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds relation targets by id, code or title among the records the importer may read. */
class ReferenceResolver {
  // Only hits are cached: a miss may be created by a later row of the same import.
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly em: EntityManager,
    private readonly principal: Principal | null,
  ) {}

  async resolve(field: FieldDef, text: string): Promise<Converted> {
    const target = findObject(field.relation!);
    if (!target) return { code: 'invalid_reference' };
    const key = `${target.name}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit) return { value: hit };
    const scope = await scopeCondition(this.em, target, this.principal, levelFor(this.principal, target, 'read'));
    if (!scope) return { code: 'invalid_reference' };
    const only = discriminatorSql(target);
    const find = async (condition: string, value: string) =>
      runSql<{ id: string }>(this.em, {
        text: `select t.id from ${ident(target.table)} t where ${condition} and ${only.text} and ${scope.text} limit 2`,
        bindings: [value, ...only.bindings, ...scope.bindings],
      });
    let rows: { id: string }[] = [];
    if (UUID.test(text)) rows = await find('t.id = ?', text);
    const code = fieldOf(target, 'code');
    if (!rows.length && code && code.type === 'text') rows = await find(`${col(code)} = ?`, text);
    const title = fieldOf(target, target.titleField);
    if (!rows.length && title && ['text', 'email', 'phone'].includes(title.type)) rows = await find(`${col(title)} = ?`, text);
    if (rows.length === 1) {
      this.cache.set(key, rows[0].id);
      return { value: rows[0].id };
    }
    return rows.length ? { code: 'ambiguous', matches: rows.length } : { code: 'invalid_reference' };
  }
}

/** One cell to the value the record API takes for the field, or the reason it cannot be. */
async function convertCell(field: FieldDef, c: RawCell, refs: ReferenceResolver): Promise<Converted> {
  if (c !== null && typeof c === 'object' && !(c instanceof Date)) return { code: 'invalid_type' };
  if (isBlank(c)) return { value: null };
  const cell = c as Exclude<RawCell, null | { error: string }>;
  switch (field.type) {
    case 'text':
    case 'longText':
    case 'email':
    case 'url':
      return { value: toText(cell) };
    case 'phone':
      return { value: typeof cell === 'number' && Number.isInteger(cell) ? cell.toFixed(0) : toText(cell) };
    case 'number':
    case 'percent': {
      const n = toNumber(cell, field.type === 'percent');
      return n === null || !Number.isFinite(n) ? { code: 'invalid_type' } : { value: n };
    }
    case 'money': {
      const n = toNumber(cell, false);
      if (n === null || !Number.isFinite(n)) return { code: 'invalid_type' };
      // Excel keeps binary floats: round to the 4 decimals money holds.
      return { value: typeof cell === 'string' && !cell.includes('%') ? cell.trim().replace(/[,，\s]/g, '').replace(/^[¥￥$€+]/, '') : String(Number(n.toFixed(4))) };
    }
    case 'date': {
      const d = toDate(cell);
      return d ? { value: d } : { code: 'invalid_format' };
    }
    case 'dateTime': {
      const d = toDateTime(cell);
      return d ? { value: d } : { code: 'invalid_format' };
    }
    case 'boolean': {
      const b = toBoolean(cell);
      return b === null ? { code: 'invalid_type' } : { value: b };
    }
    case 'select': {
      const v = optionOf(field, toText(cell).trim());
      return v === null ? { code: 'invalid_option' } : { value: v };
    }
    case 'multiSelect': {
      const parts = toText(cell)
        .split(/[,，、;；\n]/)
        .map((s) => s.trim())
        .filter(Boolean);
      const values: string[] = [];
      for (const p of parts) {
        const v = optionOf(field, p);
        if (v === null) return { code: 'invalid_option' };
        if (!values.includes(v)) values.push(v);
      }
      return { value: values };
    }
    case 'relation':
      return refs.resolve(field, toText(cell).trim());
    case 'file':
      return { code: 'protected_field' };
  }
}

// ---------------------------------------------------------------- messages

const reasons: Record<RejectCode, Label> = {
  required: { en: 'is required', 'zh-CN': '必填' },
  invalid_type: { en: 'has the wrong type of value', 'zh-CN': '值的类型不正确' },
  too_long: { en: 'is too long', 'zh-CN': '内容过长' },
  too_small: { en: 'is too small', 'zh-CN': '数值过小' },
  too_big: { en: 'is too large', 'zh-CN': '数值过大' },
  invalid_option: { en: 'is not one of the options', 'zh-CN': '不是可选的值' },
  invalid_format: { en: 'has an invalid format', 'zh-CN': '格式不正确' },
  unknown_field: { en: 'is not a field of this object', 'zh-CN': '不是此对象的字段' },
  protected_field: { en: 'cannot be imported', 'zh-CN': '不能导入' },
  not_unique: { en: 'is already used by another record', 'zh-CN': '已被其他记录使用' },
  invalid_reference: { en: 'matches no record you can see', 'zh-CN': '找不到对应的记录' },
  ambiguous: { en: 'matches several records', 'zh-CN': '匹配到多条记录' },
  out_of_scope: { en: 'is outside what you may edit', 'zh-CN': '超出您的权限范围' },
  weak_password: { en: 'is too weak', 'zh-CN': '强度不足' },
  wrong_password: { en: 'is wrong', 'zh-CN': '不正确' },
  cycle: { en: 'would make a cycle', 'zh-CN': '会形成循环' },
  in_use: { en: 'is still in use', 'zh-CN': '仍在使用中' },
  forbidden: { en: 'You may not edit the matching record', 'zh-CN': '您无权修改匹配到的记录' },
  not_found: { en: 'No existing record matches this row', 'zh-CN': '没有与此行匹配的现有记录' },
};

function problem(def: ObjectDef, locale: LocaleCode, code: RejectCode, fieldName?: string, value?: RawCell): RowProblem {
  const field = fieldName ? def.fields.find((f) => f.name === fieldName.split('.')[0]) : undefined;
  const reason = reasons[code]?.[locale] ?? code;
  const shown = value === undefined || isBlank(value) ? '' : locale === 'zh-CN' ? `（“${display(value)}”）` : ` ("${display(value)}")`;
  const label = field?.label[locale] ?? fieldName;
  const message = label ? `${label}${locale === 'zh-CN' ? '：' : ': '}${reason}${shown}` : `${reason}${shown}`;
  return { ...(fieldName ? { field: fieldName } : {}), code, message };
}

function display(c: RawCell): CellJson {
  if (c === null) return null;
  if (c instanceof Date) return toText(c);
  if (typeof c === 'object') return c.error;
  return c;
}

// ---------------------------------------------------------------- importing

class Rollback extends Error {}

type KeyField = { key: string; field: FieldDef };

/** Duplicate keys in order of trust: code, then name, then a phone field. */
function keyFields(def: ObjectDef): KeyField[] {
  const out: KeyField[] = [];
  const code = def.fields.find((f) => f.name === 'code' && f.type === 'text');
  if (code) out.push({ key: 'code', field: code });
  const name = def.fields.find((f) => f.name === 'name') ?? def.fields.find((f) => f.name === def.titleField);
  if (name && ['text', 'email'].includes(name.type)) out.push({ key: 'name', field: name });
  for (const f of def.fields) if (f.type === 'phone' && !['fax', 'extension'].includes(f.name)) out.push({ key: 'phone', field: f });
  return out;
}

/**
 * Imports the sheet's rows through createRecord / updateRecord (channel `import`), so each row
 * is validated and permission-checked exactly as through the API. All or nothing: everything
 * runs in one transaction that rolls back when any row is rejected or on a dry run; the
 * `record.changed` events are held back until the commit.
 */
export async function importRecords(ctx: WriteContext, def: ObjectDef, sheet: Sheet, columns: ImportColumn[], opts: ImportOptions): Promise<ImportResult & { allRejected: RejectedRow[] }> {
  checkImportRights(def, ctx.principal, opts);
  const locale = localeOf(ctx.principal, opts.locale);
  const pending: RecordChanged[] = [];
  const held = new EventBus();
  held.on('record.changed', (e) => pending.push(e));
  const mapped = columns.filter((c) => c.field).map((c) => ({ ...c, def: def.fields.find((f) => f.name === c.field)! }));
  const keys = keyFields(def);
  const result: ImportResult & { allRejected: RejectedRow[] } = {
    dryRun: opts.dryRun,
    created: 0,
    updated: 0,
    skipped: 0,
    rejectedRows: 0,
    rejected: [],
    allRejected: [],
    columns: columns.map((c) => ({ header: c.header, field: c.field })),
    duplicates: [],
    matchedBy: {},
  };
  try {
    await ctx.em.transactional(async (tem) => {
      const wctx: WriteContext = { ...ctx, em: tem, bus: held, channel: 'import' };
      const refs = new ReferenceResolver(tem, ctx.principal);
      const readScope = await scopeCondition(tem, def, ctx.principal, levelFor(ctx.principal, def, 'read'));
      const only = discriminatorSql(def);

      for (const { row, cells } of sheet.rows) {
        const problems: RowProblem[] = [];
        const values: Record<string, unknown> = {};
        for (const c of mapped) {
          const raw = cells[c.index] ?? null;
          const conv = await convertCell(c.def, raw, refs);
          if ('code' in conv) problems.push(problem(def, locale, conv.code, c.def.name, raw));
          else if (conv.value !== null) values[c.def.name] = conv.value;
        }
        const reject = (list: RowProblem[]) => {
          const original = Object.fromEntries(columns.filter((c) => c.header).map((c) => [c.header, display(cells[c.index] ?? null)]));
          const entry: RejectedRow = { row, ...list[0], values: original, errors: list };
          result.rejectedRows++;
          result.allRejected.push(entry);
          if (result.rejected.length < MAX_LISTED) result.rejected.push(entry);
        };
        if (problems.length) {
          reject(problems);
          continue;
        }

        // Duplicate detection: the first key the row has a value for decides.
        let match: { key: KeyField; value: string; id: string; several: boolean } | null = null;
        const key = keys.find((k) => typeof values[k.field.name] === 'string' && (values[k.field.name] as string).trim() !== '');
        if (key && readScope) {
          const value = String(values[key.field.name]).trim();
          const hits = await runSql<{ id: string }>(tem, {
            text: `select t.id from ${ident(def.table)} t where ${col(key.field)} = ? and ${only.text} and ${readScope.text} order by t.created_at, t.id limit 2`,
            bindings: [value, ...only.bindings, ...readScope.bindings],
          });
          if (hits.length) match = { key, value, id: hits[0].id, several: hits.length > 1 };
        }
        const onDuplicate = opts.mode !== 'create' || opts.duplicates === 'update' ? 'update' : opts.duplicates;
        const action: 'create' | 'update' | 'skip' = match ? onDuplicate : 'create';
        if (!match && opts.mode === 'update') {
          reject([problem(def, locale, 'not_found')]);
          continue;
        }
        // Which of several records to update cannot be guessed.
        if (match?.several && action === 'update') {
          reject([problem(def, locale, 'ambiguous', match.key.field.name, match.value)]);
          continue;
        }
        if (match) {
          result.matchedBy[match.key.key] = (result.matchedBy[match.key.key] ?? 0) + 1;
          if (result.duplicates.length < MAX_LISTED) {
            result.duplicates.push({ row, key: match.key.key, value: match.value, id: match.id, action: action === 'skip' ? 'skipped' : action === 'update' ? 'updated' : 'created' });
          }
        }
        if (action === 'skip') {
          result.skipped++;
          continue;
        }
        try {
          if (action === 'update') {
            await updateRecord(wctx, def.name, match!.id, values);
            result.updated++;
          } else {
            await createRecord(wctx, def.name, values);
            result.created++;
          }
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.code === 'validation_failed' && err.details?.fields?.length) {
            reject(err.details.fields.map((f) => problem(def, locale, f.code, f.field, cellOf(columns, cells, f.field))));
          } else if (err.code === 'forbidden' || err.code === 'not_found') {
            reject([problem(def, locale, err.code)]);
          } else throw err;
        }
      }
      if (opts.dryRun || result.rejectedRows) throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  if (!opts.dryRun && !result.rejectedRows) for (const e of pending) ctx.bus.emit('record.changed', e);
  return result;
}

function cellOf(columns: ImportColumn[], cells: RawCell[], field: string): RawCell | undefined {
  const c = columns.find((x) => x.field === field.split('.')[0]);
  return c ? (cells[c.index] ?? null) : undefined;
}

// ---------------------------------------------------------------- report and template

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export { XLSX_TYPE };

/** The rejected rows as an .xlsx: the file's own columns, then the reason in the user's language. */
export async function rejectedReport(sheet: Sheet, rejected: RejectedRow[], locale: LocaleCode): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet((locale === 'zh-CN' ? '未导入的行' : 'Rejected rows').slice(0, 31));
  const reasonHeader = locale === 'zh-CN' ? '原因' : 'Reason';
  ws.addRow([...sheet.headers, reasonHeader]).font = { bold: true };
  const byRow = new Map(sheet.rows.map((r) => [r.row, r.cells]));
  for (const r of rejected) {
    const cells = byRow.get(r.row) ?? [];
    const values = sheet.headers.map((_, i) => {
      const c = cells[i] ?? null;
      if (c === null) return null;
      if (typeof c === 'object' && !(c instanceof Date)) return c.error;
      return typeof c === 'string' ? neutralise(c) : c;
    });
    const rowLabel = locale === 'zh-CN' ? `第 ${r.row} 行：` : `Row ${r.row}: `;
    ws.addRow([...values, rowLabel + r.errors.map((e) => e.message).join(locale === 'zh-CN' ? '；' : '; ')]);
  }
  ws.columns.forEach((c) => (c.width = 18));
  ws.getColumn(sheet.headers.length + 1).width = 60;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const typeNames: Record<FieldDef['type'], Label> = {
  text: { en: 'Text', 'zh-CN': '文本' },
  longText: { en: 'Long text', 'zh-CN': '长文本' },
  number: { en: 'Number', 'zh-CN': '数字' },
  money: { en: 'Amount', 'zh-CN': '金额' },
  date: { en: 'Date (YYYY-MM-DD)', 'zh-CN': '日期 (YYYY-MM-DD)' },
  dateTime: { en: 'Date and time', 'zh-CN': '日期时间' },
  boolean: { en: 'Yes / No', 'zh-CN': '是 / 否' },
  select: { en: 'One of the options', 'zh-CN': '单选' },
  email: { en: 'E-mail', 'zh-CN': '电子邮件' },
  phone: { en: 'Phone', 'zh-CN': '电话' },
  url: { en: 'Web address', 'zh-CN': '网址' },
  relation: { en: 'Code or name of a record', 'zh-CN': '记录编号或名称' },
  multiSelect: { en: 'Options, separated by commas', 'zh-CN': '多选，用逗号或顿号分隔' },
  percent: { en: 'Percent', 'zh-CN': '百分比' },
  file: { en: 'File', 'zh-CN': '文件' },
};

/** An empty import file: one header per field the user may fill, in their language, and a help sheet. */
export async function importTemplate(def: ObjectDef, principal: Principal | null, locale: LocaleCode, format: 'xlsx' | 'csv'): Promise<Buffer> {
  const fields = importableFields(def, principal);
  if (format === 'csv') {
    const line = fields.map((f) => (/[",\r\n]/.test(f.label[locale]) ? `"${f.label[locale].replace(/"/g, '""')}"` : f.label[locale])).join(',');
    return Buffer.from(`\ufeff${line}\r\n`, 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet(def.pluralLabel[locale].slice(0, 31));
  ws.columns = fields.map((f) => ({
    header: f.label[locale],
    key: f.name,
    width: Math.min(40, Math.max(12, f.label[locale].length * 2 + 4)),
    ...(f.type === 'date' ? { style: { numFmt: 'yyyy-mm-dd' } } : f.type === 'dateTime' ? { style: { numFmt: 'yyyy-mm-dd hh:mm' } } : {}),
  }));
  ws.getRow(1).font = { bold: true };
  fields.forEach((f, i) => {
    if (f.required) ws.getRow(1).getCell(i + 1).font = { bold: true, color: { argb: 'FFC00000' } };
  });
  const help = workbook.addWorksheet(locale === 'zh-CN' ? '填写说明' : 'Help');
  const zh = locale === 'zh-CN';
  help.addRow(zh ? ['列', '字段', '类型', '必填', '可选值'] : ['Column', 'Field', 'Type', 'Required', 'Options']).font = { bold: true };
  for (const f of fields) {
    const required = f.required && f.defaultValue === undefined && !(f.name === 'code' && def.autoCode);
    help.addRow([f.label[locale], f.name, typeNames[f.type][locale], required ? (zh ? '是' : 'Yes') : '', (f.options ?? []).map((o) => o.label[locale]).join(zh ? '、' : ', ')]);
  }
  help.columns.forEach((c) => (c.width = 24));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
