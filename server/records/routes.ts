import { createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { AppError, invalid } from '../errors';
import { errorResponses, json, OkSchema, Paging, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { filterSchema, findRecord, listRecords, type FilterNode } from './query';
import { createRecord, deleteRecord, requireObject, updateRecord, type WriteContext } from './service';
import { fieldErrorsFromZod } from '../validation';
import { groupRecords } from './groups';
import { exportRecords } from './export';
import { readFieldHistory } from './history';
import { checkImportRights, importRecords, importTemplate, localeOf, matchColumns, MAX_IMPORT_BYTES, parseImportOptions, readSpreadsheet, rejectedReport, XLSX_TYPE } from './import';

const RecordSchema = z.record(z.string(), z.unknown()).openapi('Record', {
  description: 'A record as a flat object keyed by field name, custom fields included; relation fields hold ids and `_labels` their titles.',
  example: { id: '0b9c…', code: 'C000001', name: '张三贸易有限公司', phone: '0754-8888 1234', grade: 'A', annualRevenue: '1500000.00', tier: 'gold', ownerId: '5d1e…', _labels: { ownerId: '李娜' } },
});
const ObjectParam = z.object({ object: z.string().openapi({ param: { name: 'object', in: 'path' } }) });
const RecordParam = ObjectParam.extend({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
const ListQuery = z.object({
  filter: z
    .string()
    .max(20_000)
    .optional()
    .openapi({
      description:
        'JSON filter tree: {"and":[…]}, {"or":[…]}, {"field","op","value"} or {"related","via","where","exists"}. Operators per type: eq ne lt lte gt gte between in contains startsWith isNull isNotNull under; dates also today thisWeek thisMonth thisQuarter thisYear lastNDays nextNDays (…); multi-select containsAny containsAll.',
      example: '{"and":[{"field":"city","op":"eq","value":"汕头"},{"or":[{"field":"grade","op":"eq","value":"A"},{"related":"activity","via":"customerId","where":{"field":"at","op":"lastNDays","value":30}}]}]}',
    }),
  sort: z.string().max(500).optional().openapi({ description: 'Comma-separated fields, - for descending' }),
  q: z.string().max(200).optional(),
  folder: z.string().max(64).optional().openapi({ description: 'Only records in this favourite folder of yours' }),
  ...Paging,
});
const BulkAssignSchema = z
  .strictObject({ ids: z.array(z.uuid()).min(1).max(1000), ownerId: z.uuid().nullable().optional(), departmentId: z.uuid().nullable().optional() })
  .openapi('BulkAssign');
const HistoryEntrySchema = z
  .object({ field: z.string(), old: z.unknown(), new: z.unknown(), userId: z.string().nullable(), userLogin: z.string().nullable(), channel: z.string(), at: z.string() })
  .openapi('FieldHistoryEntry');
const ExportQuery = z.object({
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
  columns: z.string().max(2000).optional().openapi({ description: 'Comma-separated fields; the list columns when absent' }),
  sort: ListQuery.shape.sort,
  filter: ListQuery.shape.filter,
  q: ListQuery.shape.q,
  locale: z.enum(['en', 'zh-CN']).optional(),
  folder: ListQuery.shape.folder,
  groupBy: z.string().max(300).optional().openapi({ description: 'Comma-separated fields: the xlsx is an outline grouped by them' }),
});
const GroupQuery = z.object({
  by: z.string().max(300).optional().openapi({ description: 'Comma-separated fields, outermost first; leave out for grand totals only', example: 'departmentId,gender' }),
  measures: z.string().max(500).optional().openapi({ description: 'count, sum:field, avg:field, min:field, max:field', example: 'count' }),
  filter: ListQuery.shape.filter,
  q: ListQuery.shape.q,
  folder: ListQuery.shape.folder,
});
// Nested to any depth; described rather than typed recursively, which OpenAPI generation cannot follow.
/** count and number measures are numbers, money exact strings — per currency (`{ CNY: "12.50" }`) on objects with a currency. */
const MeasuresSchema = z.record(z.string(), z.union([z.number(), z.string(), z.record(z.string(), z.string()), z.null()]));
const GroupNodeSchema = z
  .object({
    value: z.unknown(),
    label: z.string().nullable().optional(),
    count: z.number(),
    measures: MeasuresSchema,
    groups: z.array(z.unknown()).optional().openapi({ description: 'The next level: GroupNode objects' }),
  })
  .openapi('GroupNode');
const GroupResultSchema = z
  .object({ groups: z.array(GroupNodeSchema), totals: z.object({ count: z.number(), measures: MeasuresSchema }) })
  .openapi('GroupResult');
const ImportProblemSchema = z.object({ field: z.string().optional(), code: z.string(), message: z.string() });
const ImportResultSchema = z
  .object({
    dryRun: z.boolean(),
    created: z.number().openapi({ description: 'Records created (or that would be, when nothing was written)' }),
    updated: z.number(),
    skipped: z.number().openapi({ description: 'Duplicates left alone (duplicates=skip)' }),
    rejectedRows: z.number().openapi({ description: 'Rows with a problem; any means nothing was written' }),
    rejected: z
      .array(ImportProblemSchema.extend({ row: z.number(), values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), errors: z.array(ImportProblemSchema) }))
      .openapi({ description: 'Rejected rows (first 1000); row is the spreadsheet row number, header = 1' }),
    columns: z.array(z.object({ header: z.string(), field: z.string().nullable() })),
    duplicates: z
      .array(z.object({ row: z.number(), key: z.string(), value: z.string(), id: z.string(), action: z.enum(['skipped', 'updated', 'created']) }))
      .openapi({ description: 'Rows that matched an existing record and the key that matched: code, name or phone (first 1000)' }),
    matchedBy: z.record(z.string(), z.number()),
  })
  .openapi('ImportResult');
// Documented as a plain schema: parsed by hand so a bad part is a 400 naming it, never a 415.
const ImportFormDoc = {
  type: 'object' as const,
  required: ['file'],
  properties: {
    file: { type: 'string' as const, format: 'binary', description: '.xlsx (first sheet) or .csv (UTF-8 or GB18030), ≤ 20 MB, ≤ 100,000 rows; header = row 1' },
    mapping: { type: 'string' as const, description: 'JSON {"<column header>": "<field name>" | null}; headers are matched to API names and labels when absent' },
    mode: { type: 'string' as const, enum: ['create', 'update', 'upsert'], default: 'create' },
    duplicates: { type: 'string' as const, enum: ['skip', 'update', 'create'], default: 'skip', description: 'Rows matching a record by code, else name, else phone' },
    dryRun: { type: 'string' as const, enum: ['true', 'false'], default: 'false' },
    report: { type: 'string' as const, enum: ['json', 'xlsx'], default: 'json', description: 'xlsx: answer with the rejected rows and a reason column' },
    locale: { type: 'string' as const, enum: ['en', 'zh-CN'] },
  },
};
const TemplateQuery = z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx'), locale: z.enum(['en', 'zh-CN']).optional() });
const spreadsheetContent = {
  [XLSX_TYPE]: { schema: z.string().openapi({ format: 'binary' }) },
};
const body = { body: { content: { 'application/json': { schema: RecordSchema } }, required: true } };

function parseFilter(raw: string | undefined): FilterNode | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid([{ field: 'filter', code: 'invalid_format' }]);
  }
  const result = filterSchema.safeParse(parsed);
  if (!result.success) throw invalid(fieldErrorsFromZod(result.error, parsed).map((f) => ({ ...f, field: `filter.${f.field}` })));
  return result.data;
}

const writeContext = (c: { var: AppEnv['Variables'] }): WriteContext => ({
  em: c.var.em,
  principal: principalOf(c),
  bus: c.var.services.bus,
  channel: 'api',
});

export const recordRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/records/{object}', tags: ['records'], middleware: requireAuth, request: { params: ObjectParam, query: ListQuery }, responses: { 200: json(z.object({ items: z.array(RecordSchema), total: z.number() })), ...errorResponses } }),
    async (c) => {
      const def = requireObject(c.req.valid('param').object);
      const q = c.req.valid('query');
      const result = await listRecords(c.var.em, def, principalOf(c), { filter: parseFilter(q.filter), sort: q.sort, q: q.q, folder: q.folder, limit: q.limit, offset: q.offset });
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/records/{object}/groups',
      tags: ['records'],
      middleware: requireAuth,
      request: { params: ObjectParam, query: GroupQuery },
      responses: { 200: json(GroupResultSchema), ...errorResponses },
    }),
    async (c) => {
      const def = requireObject(c.req.valid('param').object);
      const q = c.req.valid('query');
      const split = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
      return c.json(await groupRecords(c.var.em, def, principalOf(c), split(q.by), split(q.measures), { filter: parseFilter(q.filter), q: q.q, folder: q.folder }), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/records/{object}/export',
      tags: ['records'],
      middleware: requireAuth,
      request: { params: ObjectParam, query: ExportQuery },
      responses: {
        200: {
          description: 'The list as a spreadsheet (streamed)',
          content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().openapi({ format: 'binary' }) }, 'text/csv': { schema: z.string() } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const def = requireObject(c.req.valid('param').object);
      const q = c.req.valid('query');
      const principal = principalOf(c);
      const locale = localeOf(principal, q.locale);
      // Relation labels in the rows follow the export's language too.
      const stream = await exportRecords(c.var.em, def, { ...principal, locale }, {
        filter: parseFilter(q.filter),
        q: q.q,
        folder: q.folder,
        sort: q.sort,
        columns: q.columns?.split(',').map((s) => s.trim()).filter(Boolean),
        groupBy: q.groupBy?.split(',').map((s) => s.trim()).filter(Boolean),
        format: q.format,
        locale,
      });
      const stamp = new Date().toISOString().slice(0, 10);
      const filename = `${def.name}-${stamp}.${q.format}`;
      return new Response(stream, {
        headers: {
          'content-type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': `attachment; filename="${filename}"`,
        },
      }) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/records/{object}/bulk-assign',
      tags: ['records'],
      middleware: requireAuth,
      request: { params: ObjectParam, body: { content: { 'application/json': { schema: BulkAssignSchema } }, required: true } },
      responses: { 200: json(z.object({ updated: z.number() })), ...errorResponses },
    }),
    async (c) => {
      const { object } = c.req.valid('param');
      const { ids, ...assign } = c.req.valid('json');
      if (!assign.ownerId && !assign.departmentId) throw invalid([{ field: 'ownerId', code: 'required' }]);
      const ctx = writeContext(c);
      // All or nothing: one record the user may not touch fails the whole assignment.
      const updated = await ctx.em.transactional(async (em) => {
        for (const id of ids) await updateRecord({ ...ctx, em }, object, id, assign);
        return ids.length;
      });
      return c.json({ updated }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/records/{object}/import/template',
      tags: ['records'],
      middleware: requireAuth,
      request: { params: ObjectParam, query: TemplateQuery },
      responses: { 200: { description: 'An empty import file with a column per field the user may fill', content: { ...spreadsheetContent, 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const def = requireObject(c.req.valid('param').object);
      const q = c.req.valid('query');
      const principal = principalOf(c);
      // Whoever may import at all (create, or update existing records) gets the template.
      try {
        checkImportRights(def, principal, { mode: 'create', duplicates: 'skip' });
      } catch {
        checkImportRights(def, principal, { mode: 'update', duplicates: 'update' });
      }
      const file = await importTemplate(def, principal, localeOf(principal, q.locale), q.format);
      return new Response(new Uint8Array(file), {
        headers: {
          'content-type': q.format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
          'content-disposition': `attachment; filename="${def.name}-import-template.${q.format}"`,
        },
      }) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/records/{object}/import',
      tags: ['records'],
      middleware: requireAuth,
      description: 'Imports rows through the record service (channel import), all or nothing: any rejected row, or dryRun, writes nothing.',
      request: { params: ObjectParam, body: { content: { 'multipart/form-data': { schema: ImportFormDoc } }, required: true } },
      responses: { 200: { description: 'What was (or would be) imported, or with report=xlsx the rejected rows', content: { 'application/json': { schema: ImportResultSchema }, ...spreadsheetContent } }, ...errorResponses },
    }),
    async (c) => {
      const def = requireObject(c.req.valid('param').object);
      const principal = principalOf(c);
      if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) throw invalid([{ field: 'file', code: 'required' }], 'Send the file as multipart/form-data.');
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch {
        throw invalid([{ field: 'body', code: 'invalid_format' }]);
      }
      const opts = parseImportOptions(form);
      checkImportRights(def, principal, opts);
      const file = form.get('file');
      if (!file || typeof file === 'string') throw invalid([{ field: 'file', code: 'required' }]);
      if (file.size > MAX_IMPORT_BYTES) throw invalid([{ field: 'file', code: 'too_big', params: { max: MAX_IMPORT_BYTES } }], 'The file is larger than 20 MB.');
      const sheet = await readSpreadsheet({ name: file.name, type: file.type, bytes: new Uint8Array(await file.arrayBuffer()) });
      const columns = matchColumns(def, principal, sheet.headers, opts.mapping);
      const { allRejected, ...result } = await importRecords({ ...writeContext(c), channel: 'import' }, def, sheet, columns, opts);
      if (opts.report === 'xlsx') {
        const report = await rejectedReport(sheet, allRejected, localeOf(principal, opts.locale));
        return new Response(new Uint8Array(report), {
          headers: {
            'content-type': XLSX_TYPE,
            'content-disposition': `attachment; filename="${def.name}-import-report.xlsx"`,
            'x-import-result': JSON.stringify({ dryRun: result.dryRun, created: result.created, updated: result.updated, skipped: result.skipped, rejectedRows: result.rejectedRows }),
          },
        }) as never;
      }
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/records/{object}/{id}/history',
      tags: ['records'],
      middleware: requireAuth,
      request: { params: RecordParam },
      responses: { 200: json(z.object({ items: z.array(HistoryEntrySchema) })), ...errorResponses },
    }),
    async (c) => {
      const { object, id } = c.req.valid('param');
      const def = requireObject(object);
      const principal = principalOf(c);
      if (!(await findRecord(c.var.em, def, principal, id))) throw new AppError('not_found');
      return c.json({ items: await readFieldHistory(c.var.em, def, id, principal.permissions[def.name]?.deny.read ?? []) }, 200);
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/records/{object}/{id}', tags: ['records'], middleware: requireAuth, request: { params: RecordParam }, responses: { 200: json(RecordSchema), ...errorResponses } }),
    async (c) => {
      const { object, id } = c.req.valid('param');
      const record = await findRecord(c.var.em, requireObject(object), principalOf(c), id);
      if (!record) throw new AppError('not_found');
      return c.json(record, 200);
    },
  )
  .openapi(
    createRoute({ method: 'post', path: '/records/{object}', tags: ['records'], middleware: requireAuth, request: { params: ObjectParam, ...body }, responses: { 201: json(RecordSchema, 'Created'), ...errorResponses } }),
    async (c) => c.json(await createRecord(writeContext(c), c.req.valid('param').object, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({ method: 'patch', path: '/records/{object}/{id}', tags: ['records'], middleware: requireAuth, request: { params: RecordParam, ...body }, responses: { 200: json(RecordSchema), ...errorResponses } }),
    async (c) => {
      const { object, id } = c.req.valid('param');
      return c.json(await updateRecord(writeContext(c), object, id, c.req.valid('json')), 200);
    },
  )
  .openapi(
    createRoute({ method: 'delete', path: '/records/{object}/{id}', tags: ['records'], middleware: requireAuth, request: { params: RecordParam }, responses: { 200: json(OkSchema), ...errorResponses } }),
    async (c) => {
      const { object, id } = c.req.valid('param');
      await deleteRecord(writeContext(c), object, id);
      return c.json({ ok: true as const }, 200);
    },
  );
