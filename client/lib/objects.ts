import { createResource, createRoot } from 'solid-js';
import { metaApi } from '../api/endpoints';
import type { ObjectMeta } from '../api/types';
import { label } from '../i18n';
import { me } from '../session';
import { clearMetaCache } from './meta';

/**
 * Every object the signed-in user may read (GET /api/meta/objects), shared by the
 * navigation, the global search and the admin pages. `refreshObjects` after metadata changes.
 */
const store = createRoot(() => {
  const [objects, { refetch }] = createResource(
    () => me()?.user.id ?? false,
    async () => {
      try {
        return (await metaApi.list()).items;
      } catch {
        return [] as ObjectMeta[];
      }
    },
  );
  return { objects, refetch };
});

export const objects = (): ObjectMeta[] => store.objects.latest ?? [];
export const objectsLoading = () => store.objects.loading;

export function refreshObjects(): void {
  clearMetaCache();
  void store.refetch();
}

export function objectMeta(name: string): ObjectMeta | undefined {
  return objects().find((o) => o.name === name);
}

/** The translated (singular) name of an object, or its API name while metadata loads. */
export function objectName(name: string, plural = false): string {
  const o = objectMeta(name);
  return o ? label(plural ? o.pluralLabel : o.label, name) : name;
}

export const customObjects = (): ObjectMeta[] => objects().filter((o) => o.custom);
