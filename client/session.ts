import { createSignal } from 'solid-js';
import { ApiError } from './api/client';
import { authApi, meApi } from './api/endpoints';
import type { Action, Level, Locale, Me } from './api/types';
import { applyServerLocale, setLocale } from './i18n';
import { closeSocket } from './collab/socket';

const [me, setMe] = createSignal<Me | null>(null);
const [checked, setChecked] = createSignal(false);
/**
 * Bumped when what the server writes for this user changed (their language: relation labels,
 * stage names, dashboard texts): open lists, cards and dashboards load again.
 */
const [dataEpoch, setDataEpoch] = createSignal(0);
export { me, checked, dataEpoch };

/** Loads the signed-in user; null when there is no session. */
export async function loadMe(): Promise<Me | null> {
  try {
    const m = await meApi.get();
    setMe(m);
    applyServerLocale(m.locale ?? m.user.locale);
    return m;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.code === 'unauthenticated')) {
      setMe(null);
      return null;
    }
    throw e;
  } finally {
    setChecked(true);
  }
}

export async function signIn(login: string, password: string): Promise<void> {
  await authApi.login(login, password);
  await loadMe();
}

export async function signOut(): Promise<void> {
  // Our own sign-out is not news to this tab: close the socket before the server says so.
  closeSocket();
  try {
    await authApi.logout();
  } finally {
    setMe(null);
  }
}

export function clearSession(): void {
  setMe(null);
}

/** Changes the language now, and saves it to the server when signed in. */
export async function chooseLocale(l: Locale): Promise<void> {
  setLocale(l, true);
  if (!me()) return;
  const updated = await meApi.setLocale(l);
  setMe(updated);
  setDataEpoch((n) => n + 1);
}

export function level(object: string, action: Action): Level {
  const m = me();
  if (!m) return 'none';
  const p = m.permissions?.[object];
  if (!p) return m.isAdmin ? 'all' : 'none';
  return p[action] ?? 'none';
}

export function can(object: string, action: Action): boolean {
  return level(object, action) !== 'none';
}

/**
 * Whether the signed-in user may edit this particular record, as far as the client can tell.
 * 'own' on employees means the user's own card, on departments the ones they manage; the
 * server stays the judge (department scopes are checked there and answered with 403).
 */
export function mayEditRecord(object: string, rec: { id: string; [k: string]: unknown } | null | undefined): boolean {
  const l = level(object, 'edit');
  if (l === 'none') return false;
  if (l === 'all' || !rec) return true;
  const myEmployee = me()?.user.employeeId ?? me()?.employee?.id ?? null;
  if (l === 'own') {
    if (object === 'employee') return !!myEmployee && rec.id === myEmployee;
    if (object === 'department') return !!myEmployee && rec.managerId === myEmployee;
  }
  return true;
}
