import type { FieldDef, FieldOption, Label } from './types';

/** Shorthands for writing object definitions: a bilingual label and a select option. */
export const l = (en: string, zh: string): Label => ({ en, 'zh-CN': zh });
export const opt = (value: string, en: string, zh: string): FieldOption => ({ value, label: l(en, zh) });

/** The owner / department pair that department and own permission levels work on. */
export const ownershipFields = (): FieldDef[] => [
  { name: 'ownerId', column: 'owner_id', type: 'relation', relation: 'employee', label: l('Owner', '负责人') },
  { name: 'departmentId', column: 'department_id', type: 'relation', relation: 'department', label: l('Department', '所属部门') },
];
