import type { ColumnView, FilterSource } from '../src/filter/types.js';
import { type CollectionSchema, DataType, type DataTypeName, type FieldSchema } from '../src/schema/types.js';

/** Field description as the Node SDK writes it (data types by name or number). */
export interface SdkField {
  name: string;
  data_type: DataTypeName | DataType;
  element_type?: DataTypeName | DataType;
  is_primary_key?: boolean;
  autoID?: boolean;
  max_length?: number;
  max_capacity?: number;
  dim?: number;
  nullable?: boolean;
  enable_analyzer?: boolean;
  enable_match?: boolean;
}

const typeOf = (t: DataTypeName | DataType): DataType => (typeof t === 'number' ? t : DataType[t]);

/** Normalises SDK-style fields into the engine's CollectionSchema (test-only helper). */
export function makeSchema(
  fields: readonly SdkField[],
  enableDynamic = false,
  name = 'test',
): CollectionSchema {
  const out: FieldSchema[] = fields.map((f) => {
    const fs: FieldSchema = {
      name: f.name,
      description: '',
      data_type: typeOf(f.data_type),
      is_primary_key: f.is_primary_key ?? false,
      autoID: f.autoID ?? false,
      nullable: f.nullable ?? false,
      is_partition_key: false,
      is_function_output: false,
      enable_analyzer: f.enable_analyzer ?? false,
      enable_match: f.enable_match ?? false,
    };
    if (f.element_type !== undefined) fs.element_type = typeOf(f.element_type);
    if (f.max_length !== undefined) fs.max_length = f.max_length;
    if (f.max_capacity !== undefined) fs.max_capacity = f.max_capacity;
    if (f.dim !== undefined) fs.dim = f.dim;
    return fs;
  });
  return { name, description: '', fields: out, functions: [], enable_dynamic_field: enableDynamic };
}

/** Words of a text for the test analyzer: lower-cased runs of letters and digits. */
export function tokens(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

const toBig = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as number | string));

/**
 * A columnar FilterSource over plain row objects, laid out as the engine does: typed arrays for
 * numbers, BigInt64Array for Int64, Uint8Array flags for nulls, `$meta` for unknown keys.
 */
export class MemorySource implements FilterSource {
  readonly rowCount: number;
  private readonly views = new Map<string, ColumnView>();
  private readonly meta: (Record<string, unknown> | undefined)[];

  constructor(
    readonly schema: CollectionSchema,
    readonly rows: readonly Record<string, unknown>[],
  ) {
    const n = rows.length;
    this.rowCount = n;
    const known = new Set(schema.fields.map((f) => f.name));
    for (const f of schema.fields) {
      const get = (i: number) => rows[i]![f.name];
      const nulls = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (get(i) === null || get(i) === undefined) nulls[i] = 1;
      switch (f.data_type) {
        case DataType.Bool: {
          const v = new Uint8Array(n);
          for (let i = 0; i < n; i++) v[i] = get(i) ? 1 : 0;
          this.views.set(f.name, { kind: 'bool', values: v, nulls });
          break;
        }
        case DataType.Int8:
        case DataType.Int16:
        case DataType.Int32:
        case DataType.Float:
        case DataType.Double: {
          const Ctor = {
            [DataType.Int8]: Int8Array,
            [DataType.Int16]: Int16Array,
            [DataType.Int32]: Int32Array,
            [DataType.Float]: Float32Array,
            [DataType.Double]: Float64Array,
          }[f.data_type];
          const v = new Ctor(n);
          for (let i = 0; i < n; i++) v[i] = nulls[i] ? 0 : Number(get(i));
          this.views.set(f.name, { kind: 'number', values: v, nulls });
          break;
        }
        case DataType.Int64: {
          const v = new BigInt64Array(n);
          for (let i = 0; i < n; i++) v[i] = nulls[i] ? 0n : toBig(get(i));
          this.views.set(f.name, { kind: 'int64', values: v, nulls });
          break;
        }
        case DataType.VarChar:
          this.views.set(f.name, {
            kind: 'string',
            values: rows.map((r) => (r[f.name] ?? null) as string | null),
          });
          break;
        case DataType.JSON:
          this.views.set(f.name, { kind: 'json', values: rows.map((r) => r[f.name] ?? null) });
          break;
        case DataType.Array: {
          const big = f.element_type === DataType.Int64;
          this.views.set(f.name, {
            kind: 'array',
            values: rows.map((r) => {
              const a = r[f.name];
              if (!Array.isArray(a)) return null;
              return big ? a.map(toBig) : a;
            }),
          });
          break;
        }
        default:
          break;
      }
    }
    this.meta = schema.enable_dynamic_field
      ? rows.map((r) => {
          const m: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(r)) if (!known.has(k)) m[k] = v;
          return m;
        })
      : [];
  }

  column(field: string): ColumnView | undefined {
    return this.views.get(field);
  }

  dynamic(row: number): Record<string, unknown> | undefined {
    return this.meta[row];
  }

  textMatch(field: string, query: string): ((row: number) => boolean) | undefined {
    const view = this.views.get(field);
    if (view?.kind !== 'string') return undefined;
    const q = new Set(tokens(query));
    const vals = view.values;
    return (row) => {
      const s = vals[row];
      return typeof s === 'string' && tokens(s).some((t) => q.has(t));
    };
  }
}
