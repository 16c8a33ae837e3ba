import { allObjects } from '../records/registry';
import type { Label } from '../records/types';

export type CatalogObject = { name: string; label: Label; fields: { name: string; label: Label }[] };

/** Objects that are not records of the engine but still carry permissions. */
const systemObjects: CatalogObject[] = [
  {
    name: 'user',
    label: { en: 'Users', 'zh-CN': '用户' },
    fields: [
      { name: 'login', label: { en: 'Login', 'zh-CN': '登录名' } },
      { name: 'employeeId', label: { en: 'Employee', 'zh-CN': '员工' } },
      { name: 'active', label: { en: 'Active', 'zh-CN': '启用' } },
      { name: 'locale', label: { en: 'Language', 'zh-CN': '语言' } },
      { name: 'groupIds', label: { en: 'Groups', 'zh-CN': '用户组' } },
    ],
  },
  { name: 'group', label: { en: 'Groups', 'zh-CN': '用户组' }, fields: [] },
  { name: 'loginLog', label: { en: 'Login log', 'zh-CN': '登录日志' }, fields: [] },
  { name: 'operationLog', label: { en: 'Operation log', 'zh-CN': '操作日志' }, fields: [] },
];

export function permissionCatalog(): CatalogObject[] {
  const records = allObjects().map((o) => ({
    name: o.name,
    label: o.pluralLabel,
    fields: o.fields.map((f) => ({ name: f.name, label: f.label })),
  }));
  return [...records, ...systemObjects];
}

export function permissionObjects(): string[] {
  return permissionCatalog().map((o) => o.name);
}
