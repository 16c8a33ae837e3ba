import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { globalSearch } from './service';

const SearchQuery = z.object({
  q: z.string().trim().min(1).max(100).openapi({ example: 'zs' }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
const HitSchema = z.object({ object: z.string(), id: z.string(), title: z.string(), subtitle: z.string().nullable(), score: z.number() }).openapi('SearchHit');

export const searchRoutes = router().openapi(
  createRoute({
    method: 'get',
    path: '/search',
    tags: ['search'],
    middleware: requireAuth,
    request: { query: SearchQuery },
    responses: { 200: json(z.object({ hits: z.array(HitSchema) })), ...errorResponses },
  }),
  async (c) => {
    const { q, limit } = c.req.valid('query');
    return c.json({ hits: await globalSearch(c.var.em, principalOf(c), q, limit) }, 200);
  },
);
