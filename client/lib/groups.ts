import type { GroupDto } from '../api/types';
import { t } from '../i18n';

export type BuiltinGroup = NonNullable<GroupDto['builtin']>;

/** The server's stored defaults (server/groups/builtin.ts): while a built-in group keeps them, we translate. */
const DEFAULTS: Record<BuiltinGroup, { name: string; description: string }> = {
  administrators: { name: 'Administrators', description: 'Full access to everything, including users, groups and logs.' },
  managers: { name: 'Managers', description: 'Run their department: see the whole organisation, manage their own people.' },
  staff: { name: 'Staff', description: 'Everyday users: see the organisation and their department, edit their own card.' },
};
/** When a hand-made group already had the default name, the server stores the built-in one with this suffix. */
const CLASH_SUFFIX = ' (built-in)';

type GroupLike = { name: string; description?: string | null; builtin?: GroupDto['builtin'] };

/** Which built-in group a name belongs to, when the caller does not know (e.g. /api/me lists only id and name). */
function guessBuiltin(name: string): BuiltinGroup | null {
  for (const [key, d] of Object.entries(DEFAULTS) as [BuiltinGroup, { name: string }][]) {
    if (name === d.name || name === d.name + CLASH_SUFFIX) return key;
  }
  return null;
}

function builtinOf(g: GroupLike): BuiltinGroup | null {
  return g.builtin === undefined ? guessBuiltin(g.name) : g.builtin;
}

/** The name to show: translated for a built-in group that still has its default name, else as stored. */
export function groupName(g: GroupLike): string {
  const b = builtinOf(g);
  if (!b) return g.name;
  const d = DEFAULTS[b].name;
  if (g.name === d) return t(`group.${b}.name`);
  if (g.name === d + CLASH_SUFFIX) return t('groups.builtinSuffix', { name: t(`group.${b}.name`) });
  return g.name;
}

/** The description to show, translated while it is the built-in default. */
export function groupDescription(g: GroupLike): string {
  const b = builtinOf(g);
  const desc = g.description ?? '';
  if (b && desc === DEFAULTS[b].description) return t(`group.${b}.description`);
  return desc;
}
