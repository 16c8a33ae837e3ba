import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { serveStatic } from '@hono/node-server/serve-static';
import fs from 'node:fs';
import path from 'node:path';
import type { AppEnv, Services } from './context';
import { AppError, type ErrorBody } from './errors';
import { requestContext } from './middleware/request';
import { csrfGuard, securityHeaders } from './middleware/security';
import { sessionLoader } from './middleware/session';
import { json, router } from './openapi';
import { authRoutes } from './auth/routes';
import { userRoutes } from './users/routes';
import { groupRoutes } from './groups/routes';
import { logRoutes } from './logs/routes';
import { recordRoutes } from './records/routes';
import { salesRoutes } from './sales/routes';
import { metaRoutes } from './meta/routes';
import { orgRoutes } from './org/routes';
import { searchRoutes } from './search/routes';
import { viewRoutes } from './views/routes';
import { fileRoutes } from './files/routes';
import { messageRoutes } from './messages/routes';
import { notificationRoutes } from './notifications/routes';
import { dashboardRoutes } from './dashboards/routes';
import { MAX_UPLOAD_BYTES } from './files/service';
import { query } from '../db/sql';
import { CLIENT_DIST } from './client-build';

export const MAX_JSON_BODY = 1024 * 1024;
export const MAX_IMPORT_BODY = 21 * 1024 * 1024;

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['system'],
  responses: {
    200: json(z.object({ status: z.literal('ok'), db: z.enum(['pglite', 'postgres']), redis: z.boolean(), version: z.string() })),
  },
});

/** The JSON API: routes are chained so their types reach the client through `hc<AppType>`. */
function buildApi() {
  return router()
    .openapi(healthRoute, async (c) => {
      await query(c.var.em, 'select 1');
      const { db, redis, version } = c.var.services;
      return c.json({ status: 'ok' as const, db: db.kind, redis, version }, 200);
    })
    .route('/', authRoutes)
    .route('/', userRoutes)
    .route('/', groupRoutes)
    .route('/', metaRoutes)
    // Before the generic records routes: sales orders travel with their lines.
    .route('/', salesRoutes)
    .route('/', recordRoutes)
    .route('/', orgRoutes)
    .route('/', logRoutes)
    .route('/', searchRoutes)
    .route('/', viewRoutes)
    .route('/', fileRoutes)
    .route('/', messageRoutes)
    .route('/', notificationRoutes)
    .route('/', dashboardRoutes);
}

export type AppType = ReturnType<typeof buildApi>;

function errorResponse(err: unknown, log: AppEnv['Variables']['log'] | undefined): { body: ErrorBody; status: number } {
  if (err instanceof AppError) return { body: err.toBody(), status: err.status };
  if (err instanceof HTTPException) {
    if (err.status === 413) return { body: new AppError('payload_too_large').toBody(), status: 413 };
    if (err.status === 400) {
      // Hono's own 400s: malformed JSON and the like.
      const e = new AppError('validation_failed', err.message || 'Malformed request body.', { fields: [{ field: 'body', code: 'invalid_format' }] });
      return { body: e.toBody(), status: 400 };
    }
  }
  // Two transactions waited on each other (deadlock) or a serializable one lost: nothing was
  // written, the same request may simply be sent again.
  const pgCode = (err as { code?: unknown }).code;
  if (pgCode === '40P01' || pgCode === '40001') {
    log?.warn({ err }, 'transaction conflict');
    return { body: new AppError('conflict', 'Someone else changed the same records at the same moment; please try again.').toBody(), status: 409 };
  }
  log?.error({ err }, 'unhandled error');
  return { body: new AppError('internal').toBody(), status: 500 };
}

/** The whole HTTP app: API under /api, the built client everywhere else. */
export function createApp(services: Services) {
  const app = router();
  app.use('*', requestContext(services));
  app.use('*', securityHeaders);
  const tooLarge = () => {
    throw new AppError('payload_too_large');
  };
  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BODY, onError: tooLarge });
  // Record imports upload spreadsheets of up to 20 MB (plus multipart framing).
  const importLimit = bodyLimit({ maxSize: MAX_IMPORT_BODY, onError: tooLarge });
  // Uploads (pictures, attachments) up to 10 MB plus framing.
  const uploadLimit = bodyLimit({ maxSize: MAX_UPLOAD_BYTES + 64 * 1024, onError: tooLarge });
  app.use('/api/*', (c, next) => {
    const multipart = c.req.method === 'POST' && /^multipart\/form-data/i.test(c.req.header('content-type') ?? '');
    if (multipart && /^\/api\/records\/[^/]+\/import$/.test(c.req.path)) return importLimit(c, next);
    if (multipart && c.req.path === '/api/files') return uploadLimit(c, next);
    return jsonLimit(c, next);
  });
  app.use('/api/*', csrfGuard);
  app.use('/api/*', sessionLoader);
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  const api = buildApi();
  app.route('/api', api);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Tandem CRM API', version: services.version, description: 'Session cookie `tandem_session`; state-changing requests need Content-Type: application/json and a same-origin Origin.' },
  });
  app.all('/api/*', () => {
    throw new AppError('not_found', 'No such API route.');
  });

  if (fs.existsSync(path.join(CLIENT_DIST, 'index.html'))) {
    const root = path.relative(process.cwd(), CLIENT_DIST);
    app.use('/assets/*', serveStatic({ root, onFound: (_p, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable') }));
    app.use('*', serveStatic({ root }));
    // Client-side routes (/org/employees, /portal/…) all load the app shell.
    app.get('*', serveStatic({ root, path: 'index.html', onFound: (_p, c) => c.header('Cache-Control', 'no-cache') }));
  }

  app.onError((err, c) => {
    const { body, status } = errorResponse(err, c.var.log);
    const retryAfter = body.error.details?.retryAfter;
    if (retryAfter) c.header('Retry-After', String(retryAfter));
    return c.json(body, status as 400);
  });
  app.notFound((c) => c.json(new AppError('not_found').toBody(), 404));
  return app;
}
