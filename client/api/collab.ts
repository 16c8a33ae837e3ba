// REST endpoints of the real-time modules: people, conversations and messages, notifications,
// dashboards. Pushes arrive over the socket (client/collab/socket.ts); these load and write.
import type { ConversationDto, MessageDto, MetricParams, MetricResult, NotificationDto } from '../../collab/channels/events';
import { client, unwrap } from './client';

export type Person = { id: string; login: string; name: string; employeeId: string | null };

export type MessagePage = { items: MessageDto[]; hasMore: boolean };

type Localized = { en: string; 'zh-CN': string };
export type DashboardMetricDto = { name: string; label: Localized; objects: string[] };
export type DashboardDto = { name: string; label: Localized; metrics: DashboardMetricDto[] };

type QueryValue = string | number | boolean | null | undefined;
function query(params: Record<string, QueryValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') out[k] = String(v);
  return out;
}

export const peopleApi = {
  list: (q?: string) => unwrap<{ items: Person[] }>(client.people.$get({ query: query({ q }) })),
};

export const conversationsApi = {
  list: () => unwrap<{ items: ConversationDto[] }>(client.conversations.$get()),
  createDirect: (userId: string) => unwrap<ConversationDto>(client.conversations.$post({ json: { kind: 'direct', userId } })),
  createGroup: (title: string, memberIds: string[]) =>
    unwrap<ConversationDto>(client.conversations.$post({ json: { kind: 'group', title, memberIds } })),
  update: (id: string, body: { title?: string; addMemberIds?: string[]; removeMemberIds?: string[] }) =>
    unwrap<ConversationDto>(client.conversations[':id'].$patch({ param: { id }, json: body })),
  messages: (id: string, p: { before?: string; limit?: number; q?: string } = {}) =>
    unwrap<MessagePage>(client.conversations[':id'].messages.$get({ param: { id }, query: query(p) as never })),
  send: (id: string, body: { body: string; attachmentIds?: string[]; clientId?: string }) =>
    unwrap<MessageDto>(client.conversations[':id'].messages.$post({ param: { id }, json: body })),
  read: (id: string, lastReadId: string) => unwrap<unknown>(client.conversations[':id'].read.$post({ param: { id }, json: { lastReadId } })),
};

export const messagesApi = {
  search: (q: string, limit = 50) => unwrap<{ items: MessageDto[] }>(client.messages.search.$get({ query: { q, limit: String(limit) } as never })),
  missed: (since: string) => unwrap<{ items: MessageDto[] }>(client.messages.missed.$get({ query: { since } })),
};

export const notificationsApi = {
  list: (p: { limit?: number; before?: string; unreadOnly?: boolean } = {}) =>
    unwrap<{ items: NotificationDto[]; unread: number }>(
      client.notifications.$get({ query: query({ limit: p.limit, before: p.before, unreadOnly: p.unreadOnly ? 'true' : undefined }) as never }),
    ),
  read: (body: { ids: string[] } | { all: true }) => unwrap<{ unread: number }>(client.notifications.read.$post({ json: body })),
  remind: (body: { at: string; title: string; body?: string; link?: string }) =>
    unwrap<NotificationDto>(client.notifications.reminders.$post({ json: body })),
};

export const dashboardsApi = {
  list: () => unwrap<{ items: DashboardDto[] }>(client.dashboards.$get()),
  /** A metric's figures once (the page otherwise subscribes over the socket). */
  metric: (metric: string, params: MetricParams = {}) =>
    unwrap<MetricResult>(client.dashboards.metrics[':metric'].$get({ param: { metric }, query: query(params) })),
  exportUrl: (metric: string, params: MetricParams = {}, locale?: string) =>
    `/api/dashboards/metrics/${encodeURIComponent(metric)}/export?${new URLSearchParams(query({ ...params, locale })).toString()}`,
};
