import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import { AppError, invalid } from '../errors';
import { fieldOf } from './registry';
import { orderedIds, recordsByIds, type ListParams, type RecordDto } from './query';
import { groupRecords, type GroupNode, type GroupResult } from './groups';
import type { FieldDef, LocaleCode, ObjectDef } from './types';

export type ExportFormat = 'xlsx' | 'csv';

const BATCH = 2000;

/** Cells that a spreadsheet would run as a formula are written as text. */
/** Counts per group path (values joined as in the export loop), from the grouping query. */
function groupCounts(result: GroupResult): Map<string, number> {
  const counts = new Map<string, number>();
  const walk = (nodes: GroupNode[], path: string[]) => {
    for (const node of nodes) {
      const key = [...path, JSON.stringify(node.value ?? null)];
      counts.set(key.join('|'), node.count);
      if (node.groups) walk(node.groups, key);
    }
  };
  walk(result.groups, []);
  return counts;
}

export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cellValue(field: FieldDef, record: RecordDto, locale: LocaleCode): string | number | boolean | Date | null {
  const v = record[field.name];
  if (v === null || v === undefined) return null;
  switch (field.type) {
    case 'relation':
      return record._labels[field.name] ?? String(v);
    case 'select':
      return field.options?.find((o) => o.value === v)?.label[locale] ?? String(v);
    case 'number':
      return Number(v);
    case 'money':
      return Number(v);
    case 'boolean':
      return Boolean(v);
    case 'date':
      return new Date(`${String(v)}T00:00:00Z`);
    case 'dateTime':
      return new Date(String(v));
    default:
      return String(v);
  }
}

function csvEscape(v: ReturnType<typeof cellValue>): string {
  if (v === null) return '';
  const s = v instanceof Date ? v.toISOString().replace('T00:00:00.000Z', '') : typeof v === 'string' ? neutralise(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Streams the records the principal may export — the list's columns, filter and sort — as
 * .xlsx or CSV, a batch at a time so memory stays flat however many rows there are.
 */
export async function exportRecords(
  em: EntityManager,
  def: ObjectDef,
  principal: Principal | null,
  params: Omit<ListParams, 'limit' | 'offset'> & { columns?: string[]; format: ExportFormat; locale: LocaleCode; groupBy?: string[] },
): Promise<ReadableStream> {
  const grant = principal?.permissions[def.name];
  if (grant && grant.export === 'none') throw new AppError('forbidden');
  const readDenied = grant?.deny.read ?? [];
  // Without a column list, the list columns the user may read; asking for a hidden one is a 400.
  const columns = (params.columns?.length ? params.columns : def.listColumns.filter((name) => !readDenied.includes(name))).map((name) => {
    const field = fieldOf(def, name);
    if (!field || readDenied.includes(name)) throw invalid([{ field: 'columns', code: 'unknown_field', params: { value: name } }]);
    return field;
  });
  // A grouped list exports as an outline: rows sorted by the group fields, a heading row with
  // the count where a group starts, records one level deeper.
  const groupFields = (params.groupBy ?? []).map((name) => {
    const field = fieldOf(def, name);
    if (!field || readDenied.includes(name) || ['longText', 'multiSelect', 'file', 'dateTime'].includes(field.type)) throw invalid([{ field: 'groupBy', code: 'unknown_field', params: { value: name } }]);
    return field;
  });
  const sort = groupFields.length ? [...groupFields.map((f) => f.name), ...(params.sort ? [params.sort] : [])].join(',') : params.sort;
  const counts = groupFields.length ? groupCounts(await groupRecords(em, def, principal, groupFields.map((f) => f.name), ['count'], params)) : new Map<string, number>();
  // Sorted once, up front: bad input and missing rights answer 400/403 now, since once the
  // file is streaming an error could only cut it short.
  const ids = await orderedIds(em, def, principal, { ...params, sort }, 'export');
  const out = new PassThrough();
  const batches = async function* () {
    for (let i = 0; i < ids.length; i += BATCH) yield recordsByIds(em, def, principal, ids.slice(i, i + BATCH));
  };
  (async () => {
    if (params.format === 'csv') {
      // A BOM so Excel opens UTF-8 Chinese text correctly.
      out.write('\ufeff' + columns.map((c) => csvEscape(c.label[params.locale])).join(',') + '\r\n');
      for await (const items of batches()) {
        for (const r of items) out.write(columns.map((c) => csvEscape(cellValue(c, r, params.locale))).join(',') + '\r\n');
      }
      out.end();
      return;
    }
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet(def.pluralLabel[params.locale].slice(0, 31));
    sheet.columns = columns.map((c) => ({
      header: c.label[params.locale],
      key: c.name,
      width: Math.min(40, Math.max(12, c.label[params.locale].length + 4)),
      ...(c.type === 'date' ? { style: { numFmt: 'yyyy-mm-dd' } } : c.type === 'dateTime' ? { style: { numFmt: 'yyyy-mm-dd hh:mm' } } : c.type === 'money' ? { style: { numFmt: '#,##0.00' } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    let current: string[] = [];
    for await (const items of batches()) {
      for (const r of items) {
        const keys = groupFields.map((f) => JSON.stringify(r[f.name] ?? null));
        const changedAt = keys.findIndex((k, i) => k !== current[i]);
        if (changedAt >= 0) {
          for (let level = changedAt; level < groupFields.length; level++) {
            const field = groupFields[level];
            const label = cellValue(field, r, params.locale);
            const heading = sheet.addRow([`${field.label[params.locale]}: ${label instanceof Date ? label.toISOString().slice(0, 10) : (label ?? '—')} (${counts.get(keys.slice(0, level + 1).join('|')) ?? 0})`]);
            heading.font = { bold: true };
            heading.outlineLevel = level;
            heading.commit();
          }
          current = keys;
        }
        // String cells are never formulas in xlsx; the prefix keeps a re-export to CSV safe too.
        const row = sheet.addRow(columns.map((c) => { const v = cellValue(c, r, params.locale); return typeof v === 'string' ? neutralise(v) : v; }));
        row.outlineLevel = groupFields.length;
        row.commit();
      }
    }
    sheet.commit();
    await workbook.commit();
  })().catch((err) => out.destroy(err as Error));
  return Readable.toWeb(out) as ReadableStream;
}
