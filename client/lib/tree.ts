import { createResource, type Accessor } from 'solid-js';
import { recordsApi } from '../api/endpoints';
import type { ObjectMeta, Rec } from '../api/types';
import type { TreeNode } from '../components/TreeView';
import { fetchAllPages } from './list';

/** Every record of a tree object (organisation, department) as TreeView nodes. */
export function createTreeData(meta: Accessor<ObjectMeta | undefined>, hint?: (r: Rec) => string | undefined) {
  const [records, { refetch }] = createResource(meta, (m) =>
    fetchAllPages((limit, offset) => recordsApi.list(m.name, { sort: m.defaultSort, limit, offset })).catch(() => [] as Rec[]),
  );
  const nodes = (): TreeNode[] => {
    const m = meta();
    const parentField = m?.tree?.parentField ?? 'parentId';
    return (records.latest ?? []).map((r) => ({
      id: r.id,
      parentId: (r[parentField] as string | null) ?? null,
      label: String(r[m?.titleField ?? 'name'] ?? r.id),
      hint: hint?.(r),
    }));
  };
  return { records: () => records.latest ?? [], nodes, loading: () => records.loading, refetch };
}
