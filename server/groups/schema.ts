import { z } from '@hono/zod-openapi';
import { LocaleSchema } from '../openapi';

export const LevelSchema = z.enum(['all', 'department', 'own', 'none']);

const ObjectGrantSchema = z.strictObject({
  create: LevelSchema.optional(),
  read: LevelSchema.optional(),
  edit: LevelSchema.optional(),
  delete: LevelSchema.optional(),
  export: LevelSchema.optional(),
  deny: z
    .strictObject({ read: z.array(z.string().max(64)).max(200).optional(), edit: z.array(z.string().max(64)).max(200).optional() })
    .optional(),
});

export const GroupPermissionsSchema = z.record(z.string().max(64), ObjectGrantSchema).openapi('GroupPermissions');

export const GroupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    builtin: z.enum(['administrators', 'managers', 'staff']).nullable(),
    permissions: GroupPermissionsSchema,
    memberIds: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi('Group');

export const CreateGroupSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).optional(),
    permissions: GroupPermissionsSchema.optional(),
    memberIds: z.array(z.uuid()).max(10_000).optional(),
  })
  .openapi('CreateGroup');

export const UpdateGroupSchema = CreateGroupSchema.partial().openapi('UpdateGroup');

const LabelSchema = z.object({ en: z.string(), 'zh-CN': z.string() });

export const CatalogSchema = z
  .object({
    objects: z.array(z.object({ name: z.string(), label: LabelSchema, fields: z.array(z.object({ name: z.string(), label: LabelSchema })) })),
    actions: z.array(z.string()),
    levels: z.array(LevelSchema),
  })
  .openapi('PermissionCatalog');

export { LocaleSchema };
export type GroupDto = z.infer<typeof GroupSchema>;
