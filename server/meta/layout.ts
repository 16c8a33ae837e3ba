import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { invalid, type FieldError } from '../errors';
import { execute, query } from '../../db/sql';
import { allObjects, fieldOf } from '../records/registry';
import type { Label, ObjectDef } from '../records/types';

const LabelSchema = z.strictObject({ en: z.string().trim().min(1).max(100), 'zh-CN': z.string().trim().min(1).max(100) });
const Key = z.string().regex(/^[a-zA-Z][\w-]{0,47}$/);

const TabSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fields'),
    key: Key,
    label: LabelSchema,
    sections: z.array(z.strictObject({ key: Key, label: LabelSchema, columns: z.union([z.literal(1), z.literal(2)]).optional(), fields: z.array(z.string().max(64)).max(200) })).min(1).max(30),
  }),
  z.strictObject({ kind: z.literal('related'), key: Key, label: LabelSchema, object: z.string().max(64), via: z.string().max(64), columns: z.array(z.string().max(64)).max(30).optional() }),
  z.strictObject({ kind: z.literal('history'), key: Key, label: LabelSchema }),
]);

export const LayoutSchema = z.strictObject({ tabs: z.array(TabSchema).min(1).max(30) });
export type Layout = z.infer<typeof LayoutSchema>;

/** Objects whose records point at `def` through a relation field: the card's related tabs. */
export function relatedTabs(def: ObjectDef): Layout['tabs'] {
  const tabs: Layout['tabs'] = [];
  for (const other of allObjects()) {
    if (other.name === def.name) continue;
    // A link to "any business record" (expenses) points at every custom business type.
    const pointsHere = (target?: string) => target === def.name || (target === 'customRecord' && Boolean(def.custom));
    for (const field of other.fields.filter((f) => f.type === 'relation' && pointsHere(f.relation))) {
      tabs.push({ kind: 'related', key: `${other.name}-${field.name}`, label: other.pluralLabel, object: other.name, via: field.name, columns: other.listColumns.filter((c) => c !== field.name) });
    }
  }
  return tabs;
}

const details: Label = { en: 'Details', 'zh-CN': '详细资料' };
const history: Label = { en: 'History', 'zh-CN': '变更历史' };

/** The card an object gets until an administrator designs one: every field, then related records, then history. */
export function defaultLayout(def: ObjectDef): Layout {
  const builtIn = def.fields.filter((f) => !f.custom).map((f) => f.name);
  const custom = def.fields.filter((f) => f.custom).map((f) => f.name);
  return {
    tabs: [
      {
        kind: 'fields',
        key: 'details',
        label: details,
        sections: [
          { key: 'main', label: details, columns: 2, fields: builtIn },
          ...(custom.length ? [{ key: 'custom', label: { en: 'More', 'zh-CN': '更多信息' }, columns: 2 as const, fields: custom }] : []),
        ],
      },
      ...relatedTabs(def),
      ...(def.fields.some((f) => f.tracked) ? [{ kind: 'history' as const, key: 'history', label: history }] : []),
    ],
  };
}

/** Every field, related object and key in a layout must exist; fields may appear once. */
export function checkLayout(def: ObjectDef, layout: Layout): void {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const keys = new Set<string>();
  layout.tabs.forEach((tab, t) => {
    if (keys.has(tab.key)) errors.push({ field: `tabs.${t}.key`, code: 'not_unique' });
    keys.add(tab.key);
    if (tab.kind === 'fields') {
      tab.sections.forEach((section, s) =>
        section.fields.forEach((name, f) => {
          if (!fieldOf(def, name)) errors.push({ field: `tabs.${t}.sections.${s}.fields.${f}`, code: 'unknown_field', params: { value: name } });
          else if (seen.has(name)) errors.push({ field: `tabs.${t}.sections.${s}.fields.${f}`, code: 'not_unique', params: { value: name } });
          seen.add(name);
        }),
      );
    }
    if (tab.kind === 'related' && !relatedTabs(def).some((r) => r.kind === 'related' && r.object === tab.object && r.via === tab.via)) {
      errors.push({ field: `tabs.${t}.object`, code: 'invalid_reference' });
    }
  });
  if (errors.length) throw invalid(errors);
}

/**
 * The stored layout, with fields that no longer exist dropped and fields added since placed in
 * a trailing section, so a card never loses or hides a field silently.
 */
export async function layoutOf(em: EntityManager, def: ObjectDef): Promise<{ layout: Layout; designed: boolean }> {
  const [row] = await query<{ layout: Layout }>(em, `select layout from object_layout where object = ?`, [def.name]);
  if (!row) return { layout: defaultLayout(def), designed: false };
  const placed = new Set<string>();
  const tabs = row.layout.tabs.map((tab) =>
    tab.kind === 'fields'
      ? { ...tab, sections: tab.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => fieldOf(def, f) && !placed.has(f) && placed.add(f)) })) }
      : tab,
  );
  const missing = def.fields.map((f) => f.name).filter((f) => !placed.has(f));
  const first = tabs.find((t) => t.kind === 'fields');
  if (missing.length && first && first.kind === 'fields') first.sections.push({ key: 'unplaced', label: { en: 'More', 'zh-CN': '更多信息' }, columns: 2, fields: missing });
  return { layout: { tabs }, designed: true };
}

export async function saveLayout(em: EntityManager, def: ObjectDef, layout: Layout): Promise<void> {
  checkLayout(def, layout);
  await execute(
    em,
    `insert into object_layout (object, layout, updated_at) values (?, ?, ?) on conflict (object) do update set layout = excluded.layout, updated_at = excluded.updated_at`,
    [def.name, JSON.stringify(layout), new Date()],
  );
}

export async function resetLayout(em: EntityManager, def: ObjectDef): Promise<void> {
  await execute(em, `delete from object_layout where object = ?`, [def.name]);
}
