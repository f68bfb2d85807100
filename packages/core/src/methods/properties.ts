// Collection, field and index properties, as Milvus keeps them: string key-value pairs that
// `describeCollection` / `describeIndex` show. The known keys are validated as the server does
// (`collection.ttl.seconds` a non-negative integer, `mmap.enabled` a boolean, `max_length` in
// [1, 65535]); any other collection key is stored as given, as the server does.
//
// Each call records one `setProperties` op holding the target's new properties (the log replays it on
// reopen and in other tabs; a seal writes them into the manifest with the schema and index definitions).

import type {
  AlterCollectionFieldPropertiesReq,
  AlterCollectionPropertiesReq,
  AlterIndexPropertiesReq,
  DropCollectionPropertiesReq,
  DropIndexPropertiesReq,
  ResStatus,
} from '../client/types.js';
import type { Collection, IndexDef } from '../collection/collection.js';
import { indexNamed, setProperties } from '../collection/properties.js';
import type { Engine, PropertyTarget } from '../engine/engine.js';
import { elanusError } from '../errors/index.js';
import { DataType } from '../schema/types.js';
import { ok, requireString } from './common.js';

type Checker = (v: string) => string | undefined;

const BOOL: Checker = (v) => (/^(true|false)$/i.test(v) ? v.toLowerCase() : undefined);
const NON_NEGATIVE_INT: Checker = (v) => (/^\d+$/.test(v) ? String(Number(v)) : undefined);

/** Known collection keys and what the server accepts for them; other keys are stored as given. */
const COLLECTION_KEYS: Record<string, [Checker, string]> = {
  'collection.ttl.seconds': [NON_NEGATIVE_INT, 'a non-negative integer (seconds)'],
  'mmap.enabled': [BOOL, 'true or false'],
  'collection.autocompaction.enabled': [BOOL, 'true or false'],
  'lazyload.enabled': [BOOL, 'true or false'],
  'partitionkey.isolation': [BOOL, 'true or false'],
  'collection.insertRate.max.mb': [NON_NEGATIVE_INT, 'a non-negative integer'],
  'collection.queryRate.max.qps': [NON_NEGATIVE_INT, 'a non-negative integer'],
  'collection.searchRate.max.vps': [NON_NEGATIVE_INT, 'a non-negative integer'],
};

/** The SDK's property object (or key-value pairs) as string pairs, values stringified as the SDK does. */
export function readProperties(v: unknown, param: string): [string, string][] {
  const pairs: [string, unknown][] = Array.isArray(v)
    ? v.map((kv) => {
        const k = (kv as { key?: unknown } | null)?.key;
        if (typeof k !== 'string') throw elanusError('propertiesNotObject', { param, got: v }, { param });
        return [k, (kv as { value?: unknown }).value];
      })
    : v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)
      ? Object.entries(v as Record<string, unknown>)
      : (() => {
          throw elanusError('propertiesNotObject', { param, got: v }, { param });
        })();
  if (pairs.length === 0) throw elanusError('propertiesNotObject', { param, got: v }, { param });
  return pairs.map(([k, val]) => {
    if (k === '') throw elanusError('propertiesNotObject', { param, got: v }, { param });
    const s = val !== null && typeof val === 'object' ? JSON.stringify(val) : String(val);
    return [k, s];
  });
}

function readKeys(v: unknown, param: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((k) => typeof k !== 'string' || k === '')) {
    throw elanusError(
      'namesNotArray',
      { param, got: Array.isArray(v) ? `array(${v.length})` : typeof v },
      { param },
    );
  }
  return v as string[];
}

function check(table: Record<string, [Checker, string]>, key: string, value: string, param: string): string {
  const known = table[key];
  if (!known) return value;
  const norm = known[0](value);
  if (norm === undefined) {
    throw elanusError('propertyValueInvalid', { param, key, expected: known[1], got: value }, { param, key });
  }
  return norm;
}

/** Applies and records the target's new properties (one path for the call and for replay). */
function commit(engine: Engine, c: Collection, target: PropertyTarget): void {
  setProperties(c, target);
  engine.record({ kind: 'setProperties', collection: c.name, target });
}

export function alterCollectionProperties(engine: Engine, req: AlterCollectionPropertiesReq): ResStatus {
  const c = engine.get(requireString(req?.collection_name, 'collection_name'));
  const pairs = readProperties(req.properties, 'properties').map(
    ([k, v]) => [k, check(COLLECTION_KEYS, k, v, 'properties')] as const,
  );
  commit(engine, c, { collection: { ...c.schema.properties, ...Object.fromEntries(pairs) } });
  return ok();
}

export function dropCollectionProperties(engine: Engine, req: DropCollectionPropertiesReq): ResStatus {
  const c = engine.get(requireString(req?.collection_name, 'collection_name'));
  const param = req.delete_keys !== undefined ? 'delete_keys' : 'properties';
  const keys = readKeys(req.delete_keys ?? req.properties, param);
  const next = { ...c.schema.properties };
  for (const k of keys) delete next[k];
  commit(engine, c, { collection: next });
  return ok();
}

const FIELD_KEYS = ['max_length', 'mmap.enabled'];

export function alterCollectionFieldProperties(
  engine: Engine,
  req: AlterCollectionFieldPropertiesReq,
): ResStatus {
  const c = engine.get(requireString(req?.collection_name, 'collection_name'));
  const name = requireString(req.field_name, 'field_name');
  const f = c.field(name);
  if (!f) {
    throw elanusError(
      'paramFieldNotExists',
      { param: 'field_name', field: name, collection: c.name },
      { param: 'field_name' },
    );
  }
  const pairs = readProperties(req.properties, 'properties');
  let max_length: number | undefined;
  const props = { ...f.properties };
  for (const [k, v] of pairs) {
    if (k === 'max_length' && f.data_type === DataType.VarChar) {
      const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
      if (!(n >= 1 && n <= 65535)) {
        throw elanusError(
          'propertyValueInvalid',
          { param: 'properties', key: k, expected: 'an integer in [1, 65535]', got: v },
          { param: 'properties', key: k },
        );
      }
      max_length = n;
    } else if (k === 'mmap.enabled') {
      props[k] = check({ [k]: [BOOL, 'true or false'] }, k, v, 'properties');
    } else {
      throw elanusError(
        'propertyNotAlterable',
        {
          param: 'properties',
          key: k,
          target: `field "${f.name}"`,
          allowed: f.data_type === DataType.VarChar ? FIELD_KEYS.join(', ') : 'mmap.enabled',
        },
        { param: 'properties', key: k },
      );
    }
  }
  // All checked first: a bad pair leaves the field unchanged.
  commit(engine, c, {
    field: f.name,
    properties: props,
    ...(max_length !== undefined ? { max_length } : {}),
  });
  return ok();
}

function namedIndex(c: Collection, name: string): IndexDef {
  const def = indexNamed(c, name);
  if (!def) throw elanusError('indexNotFound', { collection: c.name }, { param: 'index_name' });
  return def;
}

export function alterIndexProperties(engine: Engine, req: AlterIndexPropertiesReq): ResStatus {
  const c = engine.get(requireString(req?.collection_name, 'collection_name'));
  const def = namedIndex(c, requireString(req.index_name, 'index_name'));
  const pairs = readProperties(req.params, 'params').map(([k, v]) => {
    if (k !== 'mmap.enabled') {
      throw elanusError(
        'propertyNotAlterable',
        { param: 'params', key: k, target: `index "${def.index_name}"`, allowed: 'mmap.enabled' },
        { param: 'params', key: k },
      );
    }
    return [k, check({ [k]: [BOOL, 'true or false'] }, k, v, 'params')] as const;
  });
  commit(engine, c, {
    index: def.index_name,
    properties: { ...def.properties, ...Object.fromEntries(pairs) },
  });
  return ok();
}

export function dropIndexProperties(engine: Engine, req: DropIndexPropertiesReq): ResStatus {
  const c = engine.get(requireString(req?.collection_name, 'collection_name'));
  const def = namedIndex(c, requireString(req.index_name, 'index_name'));
  const keys = readKeys(req.properties, 'properties');
  const next = { ...def.properties };
  for (const k of keys) delete next[k];
  commit(engine, c, { index: def.index_name, properties: next });
  return ok();
}
