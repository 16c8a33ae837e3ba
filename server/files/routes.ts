import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, IdParam, json, router } from '../openapi';
import { principalOf, requireAuth } from '../middleware/session';
import { invalid } from '../errors';
import { readFile, storeFile } from './service';

const FileRefSchema = z.object({ id: z.string(), name: z.string(), size: z.number(), type: z.string() }).openapi('FileRef');

export const fileRoutes = router()
  .openapi(
    createRoute({
      method: 'post',
      path: '/files',
      tags: ['files'],
      middleware: requireAuth,
      request: {
        body: {
          content: { 'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }), images: z.string().optional() }) } },
          required: true,
        },
      },
      responses: { 201: json(FileRefSchema, 'Stored'), ...errorResponses },
    }),
    async (c) => {
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const file = form.file;
      if (!(file instanceof File)) throw invalid([{ field: 'file', code: 'required' }]);
      return c.json(await storeFile(c.var.em, file, principalOf(c).userId, form.images === 'true'), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/files/{id}',
      tags: ['files'],
      middleware: requireAuth,
      request: { params: IdParam },
      responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses },
    }),
    async (c) => {
      const file = await readFile(c.var.em, c.req.valid('param').id);
      const inline = file.type.startsWith('image/');
      return new Response(new Uint8Array(file.data), {
        headers: {
          'content-type': file.type,
          'content-length': String(file.size),
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          // A stored file never runs as a page of ours.
          'content-security-policy': "default-src 'none'; sandbox",
          'cache-control': 'private, max-age=86400, immutable',
        },
      }) as never;
    },
  );
