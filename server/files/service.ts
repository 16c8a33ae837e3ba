import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { AppError, invalid } from '../errors';
import { execute, query } from '../../db/sql';

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** What we accept, recognised by the file's first bytes — the name and the browser's word are not trusted. */
const kinds: { type: string; test: (b: Uint8Array) => boolean }[] = [
  { type: 'image/png', test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  { type: 'image/webp', test: (b) => String.fromCharCode(...b.slice(0, 4)) === 'RIFF' && String.fromCharCode(...b.slice(8, 12)) === 'WEBP' },
  { type: 'application/pdf', test: (b) => String.fromCharCode(...b.slice(0, 5)) === '%PDF-' },
  // .xlsx / .docx are zip containers.
  { type: 'application/zip', test: (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04 },
];

export function sniffType(bytes: Uint8Array): string | null {
  return kinds.find((k) => k.test(bytes))?.type ?? null;
}

export type FileRef = { id: string; name: string; size: number; type: string };

/** Stores an upload after checking its size and real type; `imagesOnly` for pictures. */
export async function storeFile(em: EntityManager, file: File, userId: string, imagesOnly = false): Promise<FileRef> {
  if (file.size === 0) throw invalid([{ field: 'file', code: 'required' }]);
  if (file.size > MAX_UPLOAD_BYTES) throw invalid([{ field: 'file', code: 'too_big', params: { max: MAX_UPLOAD_BYTES } }]);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const detected = sniffType(bytes);
  if (!detected || (imagesOnly && !detected.startsWith('image/'))) throw invalid([{ field: 'file', code: 'invalid_format' }]);
  const type = detected === 'application/zip' && /\.xlsx$/i.test(file.name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : detected;
  const id = randomUUID();
  const name = file.name.replace(/[\u0000-\u001f"\\/]/g, '_').slice(0, 255) || 'file';
  await execute(em, `insert into stored_file (id, name, type, size, data, created_by, created_at) values (?, ?, ?, ?, ?, ?, ?)`, [id, name, type, bytes.length, Buffer.from(bytes), userId, new Date()]);
  return { id, name, size: bytes.length, type };
}

export async function readFile(em: EntityManager, id: string): Promise<FileRef & { data: Buffer }> {
  const [row] = /^[0-9a-f-]{36}$/i.test(id) ? await query<{ id: string; name: string; type: string; size: number; data: Buffer | Uint8Array }>(em, `select * from stored_file where id = ?`, [id]) : [];
  if (!row) throw new AppError('not_found');
  return { id: row.id, name: row.name, type: row.type, size: Number(row.size), data: Buffer.from(row.data) };
}
