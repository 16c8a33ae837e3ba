import { client, unwrap } from './client';
import type {
  Catalog,
  FieldInput,
  FieldMeta,
  FieldPatch,
  GroupDto,
  GroupResult,
  HistoryEntry,
  ObjectInput,
  SearchHit,
  GroupPermission,
  ListResult,
  Locale,
  LoginLogEntry,
  Me,
  ObjectMeta,
  OperationLogEntry,
  Rec,
  UserDto,
} from './types';

type QueryValue = string | number | boolean | null | undefined;
/** Drops empty values and stringifies the rest, as query strings want. */
function query(params: Record<string, QueryValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = String(v);
  }
  return out;
}

export type ListParams = {
  q?: string;
  filter?: unknown;
  sort?: string;
  limit?: number;
  offset?: number;
};

export const authApi = {
  login: (login: string, password: string) =>
    unwrap<{ user: UserDto }>(client.auth.login.$post({ json: { login, password } })),
  logout: () => unwrap<{ ok: true }>(client.auth.logout.$post()),
};

export const meApi = {
  get: () => unwrap<Me>(client.me.$get()),
  setLocale: (locale: Locale) => unwrap<Me>(client.me.$patch({ json: { locale } })),
  changePassword: (currentPassword: string, newPassword: string) =>
    unwrap<{ ok: true }>(client.me.password.$post({ json: { currentPassword, newPassword } })),
};

export const metaApi = {
  list: () => unwrap<{ items: ObjectMeta[] }>(client.meta.objects.$get()),
  get: (object: string) => unwrap<ObjectMeta>(client.meta.objects[':object'].$get({ param: { object } })),
  createObject: (body: ObjectInput) => unwrap<ObjectMeta>(client.meta.objects.$post({ json: body })),
  addField: (object: string, body: FieldInput) =>
    unwrap<FieldMeta>(client.meta.objects[':object'].fields.$post({ param: { object }, json: body })),
  updateField: (object: string, field: string, body: FieldPatch) =>
    unwrap<FieldMeta>(client.meta.objects[':object'].fields[':field'].$patch({ param: { object, field }, json: body })),
  deleteField: (object: string, field: string) =>
    unwrap<{ ok: true }>(client.meta.objects[':object'].fields[':field'].$delete({ param: { object, field } })),
};

export const searchApi = {
  search: (q: string, limit = 20) =>
    unwrap<{ hits: SearchHit[] }>(client.search.$get({ query: { q, limit: String(limit) } as never })),
};

export type ExportParams = { format: 'xlsx' | 'csv'; columns?: string[]; sort?: string; filter?: unknown; q?: string; locale?: string };

/** The URL of a list export (a download). */
export function exportUrl(object: string, p: ExportParams): string {
  const qs = new URLSearchParams(
    query({
      format: p.format,
      columns: p.columns?.join(','),
      sort: p.sort,
      filter: p.filter === undefined || p.filter === null ? undefined : JSON.stringify(p.filter),
      q: p.q,
      locale: p.locale,
    }),
  );
  return `/api/records/${encodeURIComponent(object)}/export?${qs.toString()}`;
}

export const recordsApi = {
  list: (object: string, p: ListParams = {}) =>
    unwrap<ListResult<Rec>>(
      client.records[':object'].$get({
        param: { object },
        query: query({
          q: p.q,
          filter: p.filter === undefined ? undefined : JSON.stringify(p.filter),
          sort: p.sort,
          limit: p.limit,
          offset: p.offset,
        }),
      }),
    ),
  get: (object: string, id: string) => unwrap<Rec>(client.records[':object'][':id'].$get({ param: { object, id } })),
  create: (object: string, body: Record<string, unknown>) =>
    unwrap<Rec>(client.records[':object'].$post({ param: { object }, json: body })),
  update: (object: string, id: string, body: Record<string, unknown>) =>
    unwrap<Rec>(client.records[':object'][':id'].$patch({ param: { object, id }, json: body })),
  remove: (object: string, id: string) =>
    unwrap<{ ok: true }>(client.records[':object'][':id'].$delete({ param: { object, id } })),
  groups: (object: string, p: { by: string[]; measures?: string[]; filter?: unknown; q?: string }) =>
    unwrap<GroupResult>(
      client.records[':object'].groups.$get({
        param: { object },
        query: query({
          by: p.by.join(','),
          measures: p.measures?.length ? p.measures.join(',') : undefined,
          filter: p.filter === undefined || p.filter === null ? undefined : JSON.stringify(p.filter),
          q: p.q,
        }) as { by: string },
      }),
    ),
  bulkAssign: (object: string, body: { ids: string[]; ownerId?: string | null; departmentId?: string | null }) =>
    unwrap<{ updated: number }>(client.records[':object']['bulk-assign'].$post({ param: { object }, json: body })),
  history: (object: string, id: string) =>
    unwrap<{ items: HistoryEntry[] }>(client.records[':object'][':id'].history.$get({ param: { object, id } })),
};

export const orgApi = {
  superior: (employeeId: string) =>
    unwrap<{ superior: Rec | null }>(client.org.employees[':id'].superior.$get({ param: { id: employeeId } })),
};

export type UserInput = {
  login?: string;
  password?: string;
  employeeId?: string | null;
  groupIds?: string[];
  active?: boolean;
  locale?: Locale | null;
};

export const usersApi = {
  list: (p: ListParams = {}) =>
    unwrap<ListResult<UserDto>>(
      client.users.$get({ query: query({ q: p.q, sort: p.sort, limit: p.limit, offset: p.offset }) }),
    ),
  get: (id: string) => unwrap<UserDto>(client.users[':id'].$get({ param: { id } })),
  create: (body: UserInput & { login: string; password: string }) => unwrap<UserDto>(client.users.$post({ json: body })),
  update: (id: string, body: UserInput) => unwrap<UserDto>(client.users[':id'].$patch({ param: { id }, json: body })),
};

export type GroupInput = {
  name?: string;
  description?: string;
  permissions?: { [object: string]: GroupPermission };
  memberIds?: string[];
};

export const groupsApi = {
  list: () => unwrap<ListResult<GroupDto>>(client.groups.$get()),
  get: (id: string) => unwrap<GroupDto>(client.groups[':id'].$get({ param: { id } })),
  catalog: () => unwrap<Catalog>(client.groups.catalog.$get()),
  create: (body: GroupInput & { name: string }) => unwrap<GroupDto>(client.groups.$post({ json: body })),
  update: (id: string, body: GroupInput) => unwrap<GroupDto>(client.groups[':id'].$patch({ param: { id }, json: body })),
  remove: (id: string) => unwrap<{ ok: true }>(client.groups[':id'].$delete({ param: { id } })),
};

export type LoginLogQuery = { login?: string; success?: boolean; from?: string; to?: string; limit?: number; offset?: number };
export type OperationLogQuery = {
  object?: string;
  recordId?: string;
  userId?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
};

export const logsApi = {
  logins: (p: LoginLogQuery) => unwrap<ListResult<LoginLogEntry>>(client.logs.logins.$get({ query: query(p) })),
  operations: (p: OperationLogQuery) =>
    unwrap<ListResult<OperationLogEntry>>(client.logs.operations.$get({ query: query(p) })),
  purgeLogins: (before: string) => unwrap<{ deleted: number }>(client.logs.logins.$delete({ query: { before } })),
  purgeOperations: (before: string) =>
    unwrap<{ deleted: number }>(client.logs.operations.$delete({ query: { before } })),
};
