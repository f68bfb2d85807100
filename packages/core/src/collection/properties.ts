// Applies a `setProperties` op (collection, field or index properties): shared by the method that
// makes the change and by log replay (reopen, other tabs), so both leave the same state.
import type { PropertyTarget } from '../engine/engine.js';
import type { Collection, IndexDef } from './collection.js';

/** The vector or scalar index named `name`, if any. */
export function indexNamed(c: Collection, name: string): IndexDef | undefined {
  for (const { def } of c.indexes.values()) if (def.index_name === name) return def;
  for (const def of c.scalarIndexes.values()) if (def.index_name === name) return def;
  return undefined;
}

export function setProperties(c: Collection, target: PropertyTarget): void {
  if ('collection' in target) {
    c.schema.properties = { ...target.collection };
  } else if ('field' in target) {
    const f = c.field(target.field);
    if (!f) return;
    f.properties = { ...target.properties };
    if (target.max_length !== undefined) f.max_length = target.max_length;
  } else {
    const def = indexNamed(c, target.index);
    if (def) def.properties = { ...target.properties };
  }
}
