import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { errorResponses, IdParam, json, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { superiorRecord } from './service';

export const orgRoutes = router().openapi(
  createRoute({
    method: 'get',
    path: '/org/employees/{id}/superior',
    tags: ['org'],
    middleware: requireAuth,
    request: { params: IdParam },
    responses: { 200: json(z.object({ superior: z.record(z.string(), z.unknown()).nullable() })), ...errorResponses },
  }),
  async (c) => {
    const superior = await superiorRecord(c.var.em, principalOf(c), c.req.valid('param').id);
    if (superior === undefined) throw new AppError('not_found');
    return c.json({ superior }, 200);
  },
);
