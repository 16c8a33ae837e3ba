import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, LocaleSchema, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { invalid } from '../errors';
import { computeMetric, exportMetric, listDashboards } from './service';

const tags = ['dashboards'];
const LabelSchema = z.object({ en: z.string(), 'zh-CN': z.string() });
const DashboardSchema = z
  .object({ name: z.string(), label: LabelSchema, metrics: z.array(z.object({ name: z.string(), label: LabelSchema, objects: z.array(z.string()) })) })
  .openapi('Dashboard');
const MetricResultSchema = z
  .object({
    columns: z.array(
      z.object({
        name: z.string(),
        label: LabelSchema,
        type: z.enum(['text', 'number', 'money', 'date']),
        options: z.array(z.object({ value: z.string(), label: LabelSchema })).optional().openapi({ description: 'The words of the coded values of a text column (periods, ageing buckets)' }),
      }),
    ),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  })
  .openapi('MetricResult');
const MetricParam = z.object({ metric: z.string().max(100).openapi({ param: { name: 'metric', in: 'path' } }) });
/** Each metric validates its own parameters; here they are only strings. */
const MetricQuery = z.object({}).catchall(z.string());

/** A metric's parameters are the query string (each metric validates its own); `locale` is the export's. */
function paramsOf(query: Record<string, string>): Record<string, string> {
  const { locale: _locale, ...params } = query;
  return params;
}

export const dashboardRoutes = router()
  .openapi(
    createRoute({ method: 'get', path: '/dashboards', tags, middleware: requireAuth, responses: { 200: json(z.object({ items: z.array(DashboardSchema) })), ...errorResponses } }),
    async (c) => c.json({ items: listDashboards(principalOf(c)) }, 200),
  )
  .openapi(
    createRoute({ method: 'get', path: '/dashboards/metrics/{metric}', tags, middleware: requireAuth, request: { params: MetricParam, query: MetricQuery }, responses: { 200: json(MetricResultSchema), ...errorResponses } }),
    async (c) => {
      const { result } = await computeMetric(c.var.em, principalOf(c), c.req.valid('param').metric, paramsOf(c.req.query()));
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/dashboards/metrics/{metric}/export',
      tags,
      middleware: requireAuth,
      request: { params: MetricParam, query: MetricQuery },
      responses: {
        200: { description: 'The figures as a spreadsheet', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().openapi({ format: 'binary' }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const query = c.req.query();
      const locale = query.locale === undefined ? principal.locale : LocaleSchema.safeParse(query.locale).data;
      if (!locale) throw invalid([{ field: 'query.locale', code: 'invalid_option' }]);
      const { filename, data } = await exportMetric(c.var.em, principal, c.req.valid('param').metric, paramsOf(query), locale);
      return new Response(new Uint8Array(data), {
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': `attachment; filename="${filename}"`,
        },
      }) as never;
    },
  );
