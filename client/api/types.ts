/** Wire types of the Tandem API as the client uses them (mirrors the server contract). */
export type Locale = 'zh-CN' | 'en';
export type Level = 'all' | 'department' | 'own' | 'none';
export type Action = 'create' | 'read' | 'edit' | 'delete' | 'export';
export type Localized = { en: string; 'zh-CN': string };

export type UserDto = {
  id: string;
  login: string;
  employeeId: string | null;
  employeeName: string | null;
  active: boolean;
  locale: Locale | null;
  groupIds: string[];
  createdAt: string;
  lastLoginAt: string | null;
};

export type ObjectPermission = {
  create: Level;
  read: Level;
  edit: Level;
  delete: Level;
  export: Level;
  deny: { read: string[]; edit: string[] };
};

export type RecordValue = string | number | boolean | null;
export type Rec = {
  id: string;
  createdAt: string;
  updatedAt: string;
  _labels?: { [field: string]: string | null };
  [field: string]: unknown;
};

export type Me = {
  user: UserDto;
  employee: Rec | null;
  groups: { id: string; name: string }[];
  permissions: { [object: string]: ObjectPermission };
  locale: Locale | null;
  isAdmin: boolean;
};

export type FieldType =
  | 'text'
  | 'longText'
  | 'number'
  | 'money'
  | 'date'
  | 'dateTime'
  | 'boolean'
  | 'select'
  | 'email'
  | 'phone'
  | 'url'
  | 'relation'
  | 'multiSelect'
  | 'percent'
  | 'file';

export type FieldMeta = {
  name: string;
  type: FieldType;
  label: Localized;
  required: boolean;
  maxLength?: number;
  options?: { value: string; label: Localized }[];
  relation?: string;
  readOnly: boolean;
  readable: boolean;
  editable: boolean;
  tracked?: boolean;
  indexed?: boolean;
  custom?: boolean;
  help?: Localized;
  defaultValue?: unknown;
};

export type ObjectMeta = {
  name: string;
  label: Localized;
  pluralLabel: Localized;
  titleField: string;
  /** English readers see this field as the title when it is filled (sales stages). */
  titleFieldEn?: string;
  fields: FieldMeta[];
  listColumns: string[];
  defaultSort: string;
  tree?: { parentField: string };
  custom?: boolean;
};

export type ListResult<T> = { items: T[]; total: number };

export type GroupPermission = {
  create?: Level;
  read?: Level;
  edit?: Level;
  delete?: Level;
  export?: Level;
  deny?: { read?: string[]; edit?: string[] };
};

export type GroupDto = {
  id: string;
  name: string;
  description: string | null;
  builtin: 'administrators' | 'managers' | 'staff' | null;
  permissions: { [object: string]: GroupPermission };
  memberIds: string[];
  createdAt: string;
};

export type Catalog = {
  objects: { name: string; label: Localized; fields: { name: string; label: Localized }[] }[];
  actions: Action[];
  levels: Level[];
};

export type LoginLogEntry = {
  id: string;
  at: string;
  login: string;
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  success: boolean;
  reason: string;
};

export type OperationLogEntry = {
  id: string;
  at: string;
  userId: string | null;
  userLogin: string | null;
  object: string;
  recordId: string;
  action: 'create' | 'update' | 'delete';
  changes: { [field: string]: { old: unknown; new: unknown } } | null;
  channel: string;
};

export type FilterNode =
  | { related: string; via: string; where?: FilterNode; exists?: boolean }
  | { and: FilterNode[] }
  | { or: FilterNode[] }
  | { field: string; op: string; value?: unknown };

/** count and number measures are numbers, money exact strings — per currency (`{ CNY: "12.50" }`) on objects with a currency. */
export type MeasureValues = { [key: string]: number | string | Record<string, string> | null };
export type GroupNode = { value: unknown; label?: string | null; count: number; measures: MeasureValues; groups?: GroupNode[] };
export type GroupResult = { groups: GroupNode[]; totals: { count: number; measures: MeasureValues } };

export type HistoryEntry = { field: string; old: unknown; new: unknown; userId?: string | null; userLogin: string | null; channel: string; at: string };

export type SearchHit = { object: string; id: string; title: string; subtitle: string | null; score: number };

export type FieldInput = {
  name: string;
  type: Exclude<FieldType, never>;
  label: Localized;
  required?: boolean;
  options?: { value: string; label: Localized }[];
  target?: string;
  tracked?: boolean;
  indexed?: boolean;
  help?: Localized;
  maxLength?: number;
  defaultValue?: string | number | boolean;
};
export type FieldPatch = Partial<Omit<FieldInput, 'name' | 'type' | 'target'>>;
export type ObjectInput = { name: string; label: Localized; pluralLabel: Localized; fields?: FieldInput[] };

/** A filter node as the client builds it, including related-record conditions. */
export type RelatedFilter = { related: string; via: string; where?: FilterNode; exists?: boolean };

export type ViewConfig = {
  filter?: FilterNode;
  q?: string;
  sort?: string;
  columns?: string[];
  widths?: Record<string, number>;
  groupBy?: string[];
};
export type SavedView = {
  id: string;
  object: string;
  kind: 'view' | 'query';
  name: string;
  nameLabel: Localized | null;
  shared: boolean;
  builtin: boolean;
  mine: boolean;
  owner: { id: string; login: string } | null;
  config: ViewConfig;
  updatedAt: string | null;
};
export type Folder = { id: string; object: string; name: string; count: number; createdAt: string };

export type LayoutSection = { key: string; label: Localized; columns?: 1 | 2; fields: string[] };
export type LayoutTab =
  | { kind: 'fields'; key: string; label: Localized; sections: LayoutSection[] }
  | { kind: 'related'; key: string; label: Localized; object: string; via: string; columns?: string[] }
  | { kind: 'history'; key: string; label: Localized };
export type CardLayout = { tabs: LayoutTab[] };

export type FileRef = { id: string; name: string; size: number; type: string };

export type ImportProblem = { field?: string; code: string; message: string };
export type ImportResult = {
  dryRun: boolean;
  created: number;
  updated: number;
  skipped: number;
  rejectedRows: number;
  rejected: (ImportProblem & { row: number; values: Record<string, string | number | boolean | null>; errors: ImportProblem[] })[];
  columns: { header: string; field: string | null }[];
  duplicates: { row: number; key: string; value: string; id: string; action: string }[];
  matchedBy: Record<string, number>;
};
