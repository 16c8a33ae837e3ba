import { client, toApiError, unwrap, ApiError } from './client';
import type {
  CardLayout,
  FileRef,
  Folder,
  ImportResult,
  SavedView,
  ViewConfig,
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
  folder?: string;
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
  deleteObject: (object: string) => unwrap<{ ok: true }>(client.meta.objects[':object'].$delete({ param: { object } })),
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
          folder: p.folder,
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

export const viewsApi = {
  list: (object: string, kind?: 'view' | 'query') =>
    unwrap<{ items: SavedView[] }>(client.views.$get({ query: kind ? { object, kind } : { object } })),
  create: (body: { object: string; kind: 'view' | 'query'; name: string; shared?: boolean; config: ViewConfig }) =>
    unwrap<SavedView>(client.views.$post({ json: body as never })),
  update: (id: string, body: { name?: string; shared?: boolean; config?: ViewConfig }) =>
    unwrap<SavedView>(client.views[':id'].$patch({ param: { id }, json: body as never })),
  remove: (id: string) => unwrap<{ ok: true }>(client.views[':id'].$delete({ param: { id } })),
};

export const foldersApi = {
  list: (object: string) => unwrap<{ items: Folder[] }>(client.folders.$get({ query: { object } })),
  create: (object: string, name: string) => unwrap<Folder>(client.folders.$post({ json: { object, name } })),
  rename: (id: string, name: string) => unwrap<Folder>(client.folders[':id'].$patch({ param: { id }, json: { name } })),
  remove: (id: string) => unwrap<{ ok: true }>(client.folders[':id'].$delete({ param: { id } })),
  add: (id: string, ids: string[]) => unwrap<Folder>(client.folders[':id'].items.$post({ param: { id }, json: { ids } })),
  removeItems: (id: string, ids: string[]) => unwrap<Folder>(client.folders[':id'].items.$delete({ param: { id }, json: { ids } })),
};

export const layoutApi = {
  get: (object: string) =>
    unwrap<{ layout: CardLayout; designed: boolean }>(client.meta.objects[':object'].layout.$get({ param: { object } })),
  save: (object: string, layout: CardLayout) =>
    unwrap<unknown>(client.meta.objects[':object'].layout.$put({ param: { object }, json: layout as never })),
  reset: (object: string) => unwrap<unknown>(client.meta.objects[':object'].layout.$delete({ param: { object } })),
};

/** multipart/form-data POST with the session cookie (the browser sets the boundary). */
async function postForm<T>(url: string, form: FormData): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: form, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

export const filesApi = {
  upload: (file: File, images = false) => {
    const form = new FormData();
    form.append('file', file);
    if (images) form.append('images', 'true');
    return postForm<FileRef>('/api/files', form);
  },
  url: (id: string) => `/api/files/${encodeURIComponent(id)}`,
};

export type ImportOptions = {
  mode: 'create' | 'update' | 'upsert';
  duplicates: 'skip' | 'update' | 'create';
  dryRun: boolean;
  mapping?: Record<string, string | null>;
  locale?: string;
};

export const importApi = {
  run: (object: string, file: File, o: ImportOptions) => {
    const form = new FormData();
    form.append('file', file);
    form.append('mode', o.mode);
    form.append('duplicates', o.duplicates);
    form.append('dryRun', String(o.dryRun));
    form.append('report', 'json');
    if (o.mapping) form.append('mapping', JSON.stringify(o.mapping));
    if (o.locale) form.append('locale', o.locale);
    return postForm<ImportResult>(`/api/records/${encodeURIComponent(object)}/import`, form);
  },
  templateUrl: (object: string, format: 'xlsx' | 'csv', locale?: string) =>
    `/api/records/${encodeURIComponent(object)}/import/template?${new URLSearchParams(query({ format, locale })).toString()}`,
};
