import { orgObjects } from './org/objects';
import { allObjects, registerObject } from './records/registry';

/** Registers every built-in object of the record engine (once per process). */
export function registerBuiltInObjects(): void {
  if (allObjects().length) return;
  for (const def of orgObjects) registerObject(def);
}
