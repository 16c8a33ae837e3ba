import { batch, createSignal } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { NotificationDto } from '../../collab/channels/events';
import { notificationsApi } from '../api/collab';
import { onConnect, onSocket } from './socket';

const PAGE = 20;

const [items, setItems] = createStore<NotificationDto[]>([]);
const [unread, setUnread] = createSignal(0);
const [hasMore, setHasMore] = createSignal(false);
let arrived: ((n: NotificationDto) => void) | null = null;

export { items as notifications, unread as unreadNotifications, hasMore as moreNotifications };

const byNewest = (a: NotificationDto, b: NotificationDto) => b.createdAt.localeCompare(a.createdAt);

/** The newest notifications and the unread count (after sign-in and every reconnect). */
export async function loadNotifications(): Promise<void> {
  const res = await notificationsApi.list({ limit: PAGE });
  batch(() => {
    setItems(reconcile([...res.items].sort(byNewest), { key: 'id' }));
    setUnread(res.unread);
    setHasMore(res.items.length >= PAGE);
  });
}

export async function loadMoreNotifications(): Promise<void> {
  const last = items[items.length - 1];
  if (!last) return;
  const res = await notificationsApi.list({ limit: PAGE, before: last.id });
  batch(() => {
    setItems(
      produce((list) => {
        const have = new Set(list.map((n) => n.id));
        list.push(...res.items.filter((n) => !have.has(n.id)));
        list.sort(byNewest);
      }),
    );
    setUnread(res.unread);
    setHasMore(res.items.length >= PAGE);
  });
}

function applyRead(ids: string[] | null, count: number | null): void {
  const now = new Date().toISOString();
  batch(() => {
    setItems((n) => !n.readAt && (ids === null || ids.includes(n.id)), 'readAt', now);
    if (count !== null) setUnread(count);
  });
}

/** Marks some (or all) read; other tabs follow through `notification:read`. */
export async function markNotificationsRead(ids: string[] | 'all'): Promise<void> {
  const before = unread();
  const fresh = ids === 'all' ? before : items.filter((n) => ids.includes(n.id) && !n.readAt).length;
  applyRead(ids === 'all' ? null : ids, Math.max(0, before - fresh));
  const res = await notificationsApi.read(ids === 'all' ? { all: true } : { ids });
  if (typeof res?.unread === 'number') setUnread(res.unread);
}

/** Called for every notification that arrives live (the app shows a toast). */
export function onNotificationArrived(handler: (n: NotificationDto) => void): void {
  arrived = handler;
}

let wired = false;
function wire(): void {
  if (wired) return;
  wired = true;
  onSocket('notification:new', (n) => {
    if (items.some((x) => x.id === n.id)) return;
    batch(() => {
      setItems(produce((list) => list.unshift(n)));
      if (!n.readAt) setUnread((u) => u + 1);
    });
    arrived?.(n);
  });
  onSocket('notification:read', (s) => applyRead(s.ids, s.unread));
  onConnect((reconnect) => {
    if (reconnect) void loadNotifications().catch(() => undefined);
  });
}

export function startNotifications(): void {
  wire();
  void loadNotifications().catch(() => undefined);
}

export function stopNotifications(): void {
  batch(() => {
    setItems([]);
    setUnread(0);
    setHasMore(false);
  });
}
