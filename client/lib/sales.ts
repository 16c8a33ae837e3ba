import type { OrderAction, OrderStatus } from '../api/sales';
import type { Rec } from '../api/types';
import { fetchAllPages } from './list';
import { recordsApi } from '../api/endpoints';
import { formatMoney, locale, t } from '../i18n';
import { level, me } from '../session';

/** A sales stage as the pipeline pages use it. */
export type Stage = { id: string; code: string | null; name: string; nameEn: string | null; sortOrder: number; probability: number; active: boolean };

export function toStage(r: Rec): Stage {
  return {
    id: r.id,
    code: (r.code as string | null) ?? null,
    name: String(r.name ?? ''),
    nameEn: (r.nameEn as string | null) ?? null,
    sortOrder: Number(r.sortOrder ?? 0),
    probability: Number(r.probability ?? 0),
    active: r.active !== false,
  };
}

/** Every stage, in their order. */
export async function loadStages(): Promise<Stage[]> {
  const items = await fetchAllPages((limit, offset) => recordsApi.list('salesStage', { sort: 'sortOrder', limit, offset }), 500);
  return items.map(toStage).sort((a, b) => a.sortOrder - b.sortOrder);
}

/** The stage's name in the interface language (the Chinese name is the main one). */
export const stageName = (s: Pick<Stage, 'name' | 'nameEn'> | undefined | null): string =>
  !s ? '' : locale() === 'en' ? s.nameEn || s.name : s.name || s.nameEn || '';

/** Actions an order in this status offers, in the order the buttons show. */
export const ACTIONS_BY_STATUS: Record<OrderStatus, OrderAction[]> = {
  draft: ['confirm', 'cancel'],
  confirmed: ['ship', 'complete', 'cancel'],
  shipped: ['complete', 'cancel'],
  completed: [],
  cancelled: [],
};

/** Whether the user may let an order go over a customer's credit limit (the server decides again). */
export function mayOverrideCredit(): boolean {
  const m = me();
  if (!m) return false;
  if (level('customer', 'edit') === 'none') return false;
  return !(m.permissions.customer?.deny.edit ?? []).includes('creditLimit');
}

/** "3 d 4 h", "25 min": how long an opportunity stayed in a stage. */
export function durationText(ms: number): string {
  const min = Math.floor(ms / 60_000);
  const days = Math.floor(min / 1440);
  const hours = Math.floor((min % 1440) / 60);
  const mins = min % 60;
  if (days > 0) return t('sales.duration.dh', { d: days, h: hours });
  if (hours > 0) return t('sales.duration.hm', { h: hours, m: mins });
  if (min > 0) return t('sales.duration.m', { m: mins });
  return t('sales.duration.lessThanMinute');
}
