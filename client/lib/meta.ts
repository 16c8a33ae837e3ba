import { createResource } from 'solid-js';
import { metaApi } from '../api/endpoints';
import type { FieldMeta, MeasureValues, ObjectMeta, Rec } from '../api/types';
import { formatDate, formatDateTime, formatMoney, formatMoneyByCurrency, formatNumber, label, t } from '../i18n';

const cache = new Map<string, Promise<ObjectMeta>>();

/** Object metadata, fetched once per object per page load. */
export function getMeta(object: string): Promise<ObjectMeta> {
  let p = cache.get(object);
  if (!p) {
    p = metaApi.get(object);
    p.catch(() => cache.delete(object));
    cache.set(object, p);
  }
  return p;
}

export function clearMetaCache(): void {
  cache.clear();
}

export function useMeta(object: () => string) {
  const [meta] = createResource(object, getMeta);
  return meta;
}

export function fieldOf(meta: ObjectMeta | undefined, name: string): FieldMeta | undefined {
  return meta?.fields.find((f) => f.name === name);
}

export function fieldLabel(meta: ObjectMeta | undefined, name: string): string {
  if (name === 'createdAt') return label(fieldOf(meta, name)?.label, t('common.createdAt'));
  if (name === 'updatedAt') return label(fieldOf(meta, name)?.label, t('common.updatedAt'));
  return label(fieldOf(meta, name)?.label, name);
}

/** The display text of one field of a record, per its type and the current locale. */
export function displayValue(field: FieldMeta | undefined, rec: Rec, name = field?.name ?? ''): string {
  const v = rec[name];
  if (!field) {
    if (name === 'createdAt' || name === 'updatedAt') return formatDateTime(v as string);
    return v === null || v === undefined ? '' : String(v);
  }
  if (v === null || v === undefined || v === '') return field.type === 'relation' ? rec._labels?.[name] ?? '' : '';
  switch (field.type) {
    case 'relation':
      return rec._labels?.[name] ?? String(v);
    case 'boolean':
      return v ? t('common.yes') : t('common.no');
    case 'select':
      return optionLabel(field, v);
    case 'multiSelect':
      return (Array.isArray(v) ? v : [v]).map((x) => optionLabel(field, x)).join(', ');
    case 'percent':
      return `${formatNumber(v as number)}%`;
    case 'file': {
      const files = Array.isArray(v) ? v : [v];
      return files
        .map((f) => (f && typeof f === 'object' ? String((f as { name?: unknown }).name ?? '') : String(f)))
        .filter(Boolean)
        .join(', ');
    }
    case 'date':
      return formatDate(v as string);
    case 'dateTime':
      return formatDateTime(v as string);
    case 'number':
      return formatNumber(v as number);
    case 'money':
      return formatMoney(v as number, typeof rec.currency === 'string' ? rec.currency : 'CNY');
    default:
      return String(v);
  }
}

export function optionLabel(field: FieldMeta | undefined, v: unknown): string {
  return label(field?.options?.find((o) => o.value === v)?.label, String(v ?? ''));
}

export const isNumeric = (f: FieldMeta | undefined): boolean => f?.type === 'number' || f?.type === 'money' || f?.type === 'percent';
/** Fields the /groups endpoint can sum. */
export const isSummable = (f: FieldMeta | undefined): boolean => f?.type === 'number' || f?.type === 'money';

/** Formats a measure (sum) of a field: money stays money, numbers numbers. */
export function formatMeasure(field: FieldMeta | undefined, v: MeasureValues[string] | undefined): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'object') return formatMoneyByCurrency(v, '');
  return field?.type === 'money' ? formatMoney(v) : formatNumber(v);
}

/** A money measure as amounts per currency (null when there is none). */
export function moneyByCurrency(v: MeasureValues[string] | undefined): Record<string, string> | null {
  return v !== null && typeof v === 'object' ? v : null;
}

export function objectLabel(meta: ObjectMeta | undefined, fallbackKey: string): string {
  return meta ? label(meta.label) : fallbackKey;
}
