export type LocaleCode = 'en' | 'zh-CN';
export type Label = Record<LocaleCode, string>;

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

export type FieldOption = { value: string; label: Label };

export type FieldDef = {
  /** API name (camelCase). */
  name: string;
  /** SQL column in the object's table — or, for a field stored in JSONB (`json`), its key there. */
  column: string;
  /** The JSONB column holding this field: `custom` for custom fields, `data` for custom business types. */
  json?: 'custom' | 'data';
  type: FieldType;
  label: Label;
  required?: boolean;
  maxLength?: number;
  options?: FieldOption[];
  /** Target object of a relation field. */
  relation?: string;
  /** Set by the system only (id, timestamps, auto codes once set). */
  readOnly?: boolean;
  unique?: boolean;
  /** Included in the quick search `q`. */
  searchable?: boolean;
  /** Value written when a create leaves the field out. */
  defaultValue?: unknown;
  /** A date field a create leaves out gets today's date (in the company's time zone). */
  defaultToday?: boolean;
  /** Every change is kept in the field history (old, new, who, when, channel). */
  tracked?: boolean;
  /** Has an index of its own (custom fields get an expression index). */
  indexed?: boolean;
  help?: Label;
  /** Defined by an administrator at run time (can be edited and removed). */
  custom?: boolean;
};

/** How a record relates to a user for department/own permission levels. */
export type ScopeDef = {
  /** Column holding the record's department; `id` when the record is itself a department. */
  department?: string;
  /** Column holding the owning employee; `id` when the record is itself an employee. */
  owner?: string;
};

export type ObjectDef = {
  name: string;
  table: string;
  label: Label;
  pluralLabel: Label;
  titleField: string;
  /** A field holding the English title beside `titleField` (sales stages): English readers see it as the label of relations here, the title when it is empty. */
  titleFieldEn?: string;
  fields: FieldDef[];
  listColumns: string[];
  defaultSort: string;
  /** A tree object: the relation field pointing at the parent record. */
  tree?: { parentField: string };
  scope: ScopeDef;
  /** Codes are generated as prefix + zero-padded counter when a create leaves `code` empty. */
  autoCode?: { prefix: string; digits: number };
  /** Rows of several objects share one table (custom business types): the `object` column tells them apart. */
  discriminator?: string;
  /** Defined by an administrator at run time. */
  custom?: boolean;
  /** Internal: reachable as a relation target, not listed as an object of its own. */
  hidden?: boolean;
  /** Keeps a `search_text` column (text, pinyin, initials, bare digits) for quick and global search. */
  searchText?: boolean;
  /** Field shown under the title in search results. */
  subtitleField?: string;
};

/** System columns every record table has. */
export const systemFields: FieldDef[] = [
  { name: 'id', column: 'id', type: 'text', label: { en: 'ID', 'zh-CN': 'ID' }, readOnly: true },
  { name: 'createdAt', column: 'created_at', type: 'dateTime', label: { en: 'Created', 'zh-CN': '创建时间' }, readOnly: true },
  { name: 'updatedAt', column: 'updated_at', type: 'dateTime', label: { en: 'Updated', 'zh-CN': '更新时间' }, readOnly: true },
];
