import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql';
import type { Principal } from '../auth/principal';
import { AppError, invalid } from '../errors';
import { findRecord, type RecordDto } from '../records/query';
import { registerWriteHook, requireObject, updateRecord, type WriteContext } from '../records/service';
import { asRule, fieldError } from './access';

type StageRow = { id: string; name: string; name_en: string | null; probability: string; active: boolean; sort_order: string };

async function stageById(em: EntityManager, id: string): Promise<StageRow | undefined> {
  const [row] = await query<StageRow>(em, `select id, name, name_en, probability::text as probability, active, sort_order::text as sort_order from sales_stage where id = ?`, [id]);
  return row;
}

const sameNumber = (a: unknown, b: unknown) => (a == null || b == null ? a == null && b == null : Number(a) === Number(b));

function checkPercent(field: string, value: unknown): void {
  if (value == null) return;
  const n = Number(value);
  if (n < 0) fieldError(field, 'too_small', { min: 0 });
  if (n > 100) fieldError(field, 'too_big', { max: 100 });
}

/**
 * A stage's win probability must be a percentage; when it changes, open opportunities that
 * followed the old value follow the new one (overridden ones keep theirs).
 */
async function onStageWritten(ctx: WriteContext, stage: RecordDto, action: 'create' | 'update' | 'delete', before: RecordDto | null) {
  if (action === 'delete') return;
  checkPercent('probability', stage.probability);
  if (action !== 'update' || !before || sameNumber(before.probability, stage.probability)) return;
  const following = await query<{ id: string }>(
    ctx.em,
    `select id from opportunity where stage_id = ? and status = 'open' and probability = ?::numeric`,
    [stage.id, String(before.probability)],
  );
  for (const { id } of following) await updateRecord({ ...ctx, principal: asRule(ctx.principal) }, 'opportunity', id, { probability: stage.probability });
}

/**
 * An opportunity's probability comes from its stage unless someone set another value: a new
 * stage brings its probability when the old one was being followed, and clearing the field
 * follows the stage again. Retired stages take no new opportunities.
 */
async function onOpportunityWritten(ctx: WriteContext, opp: RecordDto, action: 'create' | 'update' | 'delete', before: RecordDto | null) {
  if (action === 'delete') return;
  const stage = (await stageById(ctx.em, opp.stageId as string))!;
  const stageChanged = !before || before.stageId !== opp.stageId;
  if (stageChanged && !stage.active) fieldError('stageId', 'invalid_option', { reason: 'retired' }, `The stage "${stage.name}" is retired.`);
  if (opp.amount != null && Number(opp.amount) < 0) fieldError('amount', 'too_small', { min: 0 });
  checkPercent('probability', opp.probability);
  let wanted = opp.probability;
  if (opp.probability == null) wanted = Number(stage.probability);
  else if (before && stageChanged && sameNumber(before.probability, opp.probability)) {
    // The probability did not change in this write: it follows the new stage if it followed the old one.
    const old = before.stageId ? await stageById(ctx.em, before.stageId as string) : undefined;
    if (!old || sameNumber(before.probability, old.probability)) wanted = Number(stage.probability);
  }
  if (!sameNumber(wanted, opp.probability)) await updateRecord({ ...ctx, principal: asRule(ctx.principal) }, 'opportunity', opp.id, { probability: wanted });
}

export function registerStageRules(): void {
  registerWriteHook('salesStage', onStageWritten);
  registerWriteHook('opportunity', onOpportunityWritten);
}

export type StageVisit = {
  stageId: string | null;
  stageName: string | null;
  stageNameEn: string | null;
  enteredAt: string;
  leftAt: string | null;
  durationMs: number;
  userLogin: string | null;
};
export type StageTotal = { stageId: string | null; stageName: string | null; stageNameEn: string | null; visits: number; durationMs: number };

/**
 * The stages an opportunity went through, from the field history of its stage, with the time
 * spent in each visit and in each stage overall (the current one counts up to now).
 */
export async function stageHistory(em: EntityManager, principal: Principal, id: string, now = new Date()): Promise<{ visits: StageVisit[]; totals: StageTotal[] }> {
  const def = requireObject('opportunity');
  const opp = await findRecord(em, def, principal, id);
  if (!opp) throw new AppError('not_found');
  if (principal.permissions.opportunity?.deny.read.includes('stageId')) throw new AppError('forbidden');
  const rows = await query<{ stage_id: string | null; at: Date | string; login: string | null }>(
    em,
    `select h.new_value #>> '{}' as stage_id, h.at, u.login
       from field_history h left join app_user u on u.id = h.user_id
      where h.object = 'opportunity' and h.record_id = ? and h.field = 'stageId'
      order by h.at, h.id`,
    [id],
  );
  const entries = rows.length ? rows : [{ stage_id: opp.stageId as string, at: opp.createdAt as string, login: null }];
  const names = new Map(
    (await query<{ id: string; name: string; name_en: string | null }>(em, `select id, name, name_en from sales_stage`)).map((s) => [s.id, s]),
  );
  const visits: StageVisit[] = entries.map((e, i) => {
    const enteredAt = new Date(e.at);
    const next = entries[i + 1];
    const leftAt = next ? new Date(next.at) : null;
    const stage = e.stage_id ? names.get(e.stage_id) : undefined;
    return {
      stageId: e.stage_id,
      stageName: stage?.name ?? null,
      stageNameEn: stage?.name_en ?? null,
      enteredAt: enteredAt.toISOString(),
      leftAt: leftAt?.toISOString() ?? null,
      durationMs: Math.max(0, (leftAt ?? now).getTime() - enteredAt.getTime()),
      userLogin: e.login,
    };
  });
  const totals = new Map<string | null, StageTotal>();
  for (const v of visits) {
    const t = totals.get(v.stageId) ?? { stageId: v.stageId, stageName: v.stageName, stageNameEn: v.stageNameEn, visits: 0, durationMs: 0 };
    t.visits += 1;
    t.durationMs += v.durationMs;
    totals.set(v.stageId, t);
  }
  return { visits, totals: [...totals.values()] };
}

/** Puts the stages in the given order (every stage, once): sortOrder 1, 2, 3… through the record service. */
export async function reorderStages(ctx: WriteContext, ids: string[]): Promise<RecordDto[]> {
  return ctx.em.transactional(async (em) => {
    const all = await query<{ id: string }>(em, `select id from sales_stage`);
    const known = new Set(all.map((s) => s.id));
    const errors = ids.flatMap((id, i) => (known.has(id) ? [] : [{ field: `ids.${i}`, code: 'invalid_reference' as const }]));
    if (errors.length) throw invalid(errors);
    if (new Set(ids).size !== ids.length || ids.length !== known.size) fieldError('ids', 'invalid_type', { expected: known.size }, 'List every stage exactly once.');
    const out: RecordDto[] = [];
    for (const [i, id] of ids.entries()) out.push(await updateRecord({ ...ctx, em }, 'salesStage', id, { sortOrder: i + 1 }));
    return out;
  });
}
