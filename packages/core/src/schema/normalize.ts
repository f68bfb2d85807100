import { elanusError, invalidParam } from '../errors/index.js';
import {
  type CollectionSchema,
  DataType,
  DataTypeName,
  type FieldSchema,
  type FieldType,
  type FunctionObject,
  type FunctionSchema,
  FunctionType,
  isDenseVectorType,
  isVectorType,
} from './types.js';

/** Resolves a data type given as a number or a name ('Int64', 'VarChar'...). */
export function toDataType(v: unknown, param: string): DataType {
  if (typeof v === 'number' && DataTypeName[v] !== undefined) return v as DataType;
  if (typeof v === 'string') {
    const key = Object.keys(DataType).find((k) => k.toLowerCase() === v.toLowerCase());
    if (key) return DataType[key as keyof typeof DataType];
  }
  return invalidParam(param, `one of ${Object.keys(DataType).join(', ')}`, v);
}

function toPositiveInt(v: unknown, param: string, max = 2 ** 31 - 1): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n > max) {
    return invalidParam(param, `an integer in [1, ${max}]`, v);
  }
  return n;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export function checkName(name: unknown, param: string): string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    return invalidParam(
      param,
      'a name of letters, digits and underscores that does not start with a digit (at most 255 characters)',
      name,
    );
  }
  return name;
}

export function normalizeField(f: FieldType, i: number): FieldSchema {
  if (f === null || typeof f !== 'object') invalidParam(`fields[${i}]`, 'a field object', f);
  const name = checkName(f.name, `fields[${i}].name`);
  if (name === '$meta') invalidParam(`fields[${i}].name`, 'a name other than the reserved "$meta"', name);
  const data_type = toDataType(f.data_type, `fields[${i}].data_type`);
  const tp = f.type_params ?? {};
  const out: FieldSchema = {
    name,
    description: f.description ?? '',
    data_type,
    is_primary_key: f.is_primary_key === true,
    autoID: f.autoID === true,
    nullable: f.nullable === true,
    is_partition_key: f.is_partition_key === true,
    is_function_output: false,
    enable_analyzer:
      f.enable_analyzer === true || tp.enable_analyzer === true || tp.enable_analyzer === 'true',
    enable_match: f.enable_match === true || tp.enable_match === true || tp.enable_match === 'true',
  };
  if (data_type === DataType.None)
    invalidParam(`fields[${i}].data_type`, 'a concrete data type', f.data_type);
  if (data_type === DataType.VarChar || (data_type === DataType.Array && f.element_type !== undefined)) {
    const ml = f.max_length ?? tp.max_length;
    if (data_type === DataType.VarChar && ml === undefined) {
      invalidParam(`fields[${i}].max_length`, 'an integer in [1, 65535] for a VarChar field', ml);
    }
    if (ml !== undefined) out.max_length = toPositiveInt(ml, `fields[${i}].max_length`, 65535);
  }
  if (isDenseVectorType(data_type) || data_type === DataType.BinaryVector) {
    out.dim = toPositiveInt(f.dim ?? tp.dim, `fields[${i}].dim`, 32768);
    if (data_type === DataType.BinaryVector && out.dim % 8 !== 0) {
      invalidParam(`fields[${i}].dim`, 'a multiple of 8 for a BinaryVector field', out.dim);
    }
  }
  if (data_type === DataType.Array) {
    const et = toDataType(f.element_type, `fields[${i}].element_type`);
    if (isVectorType(et) || et === DataType.Array || et === DataType.JSON || et === DataType.None) {
      invalidParam(
        `fields[${i}].element_type`,
        'a scalar type (Bool, Int8..Int64, Float, Double, VarChar)',
        f.element_type,
      );
    }
    out.element_type = et;
    out.max_capacity = toPositiveInt(f.max_capacity ?? tp.max_capacity, `fields[${i}].max_capacity`, 4096);
    if (et === DataType.VarChar && out.max_length === undefined) {
      invalidParam(`fields[${i}].max_length`, 'an integer for an Array of VarChar', undefined);
    }
  }
  if (out.is_primary_key) {
    if (data_type !== DataType.Int64 && data_type !== DataType.VarChar) {
      invalidParam(`fields[${i}].data_type`, 'Int64 or VarChar for the primary key', f.data_type);
    }
    if (out.nullable) invalidParam(`fields[${i}].nullable`, 'false for the primary key', true);
  } else if (out.autoID) {
    invalidParam(`fields[${i}].autoID`, 'autoID only on the primary key', true);
  }
  if (out.nullable && isVectorType(data_type)) {
    invalidParam(`fields[${i}].nullable`, 'false for a vector field', true);
  }
  if (out.is_partition_key && data_type !== DataType.Int64 && data_type !== DataType.VarChar) {
    invalidParam(`fields[${i}].is_partition_key`, 'a partition key of type Int64 or VarChar', f.data_type);
  }
  if (out.enable_analyzer || out.enable_match) {
    if (data_type !== DataType.VarChar) {
      invalidParam(
        `fields[${i}].enable_analyzer`,
        'an analyzer only on a VarChar field',
        DataTypeName[data_type],
      );
    }
    const ap = f.analyzer_params ?? (tp.analyzer_params as Record<string, unknown> | string | undefined);
    if (ap !== undefined) out.analyzer_params = typeof ap === 'string' ? JSON.parse(ap) : { ...ap };
  }
  if (f.default_value !== undefined && f.default_value !== null) {
    if (
      isVectorType(data_type) ||
      data_type === DataType.JSON ||
      data_type === DataType.Array ||
      out.is_primary_key
    ) {
      invalidParam(
        `fields[${i}].default_value`,
        'a default only on a scalar, non-key field',
        f.default_value,
      );
    }
    out.default_value = f.default_value;
  }
  return out;
}

function normalizeFunction(fn: FunctionObject, i: number, fields: FieldSchema[]): FunctionSchema {
  const name = checkName(fn.name, `functions[${i}].name`);
  const type =
    fn.type === 'BM25' || fn.type === FunctionType.BM25
      ? FunctionType.BM25
      : invalidParam(`functions[${i}].type`, 'BM25 (FunctionType.BM25)', fn.type);
  const ins = fn.input_field_names;
  const outs = fn.output_field_names;
  if (!Array.isArray(ins) || ins.length !== 1) {
    invalidParam(`functions[${i}].input_field_names`, 'exactly one VarChar input field for BM25', ins);
  }
  if (!Array.isArray(outs) || outs.length !== 1) {
    invalidParam(
      `functions[${i}].output_field_names`,
      'exactly one SparseFloatVector output field for BM25',
      outs,
    );
  }
  const input = fields.find((f) => f.name === ins[0]);
  if (!input || input.data_type !== DataType.VarChar || !input.enable_analyzer) {
    invalidParam(`functions[${i}].input_field_names`, 'a VarChar field with enable_analyzer: true', ins[0]);
  }
  const output = fields.find((f) => f.name === outs[0]);
  if (!output || output.data_type !== DataType.SparseFloatVector) {
    invalidParam(`functions[${i}].output_field_names`, 'a SparseFloatVector field', outs[0]);
  }
  output.is_function_output = true;
  return {
    name,
    description: fn.description ?? '',
    type,
    input_field_names: [...ins],
    output_field_names: [...outs],
    params: { ...(fn.params ?? {}) },
  };
}

export interface CreateCollectionReq {
  collection_name: string;
  description?: string;
  /** Quick form. */
  dimension?: number;
  metric_type?: string;
  primary_field_name?: string;
  id_type?: 'Int64' | 'VarChar' | DataType;
  auto_id?: boolean;
  vector_field_name?: string;
  max_length?: number;
  /** Schema form. */
  fields?: FieldType[];
  schema?:
    | FieldType[]
    | { fields: FieldType[]; enable_dynamic_field?: boolean; functions?: FunctionObject[] };
  functions?: FunctionObject[];
  enable_dynamic_field?: boolean;
  index_params?: unknown;
  consistency_level?: string;
  num_partitions?: number;
  [key: string]: unknown;
}

/** Builds the schema from either the quick form (`dimension`) or the schema form (`fields`/`schema`). */
export function normalizeSchema(req: CreateCollectionReq): CollectionSchema {
  const name = checkName(req.collection_name, 'collection_name');
  let fieldsIn: FieldType[] | undefined = req.fields;
  let functionsIn = req.functions;
  let dynamic = req.enable_dynamic_field;
  if (req.schema !== undefined) {
    if (Array.isArray(req.schema)) fieldsIn = req.schema;
    else if (req.schema && typeof req.schema === 'object') {
      fieldsIn = req.schema.fields;
      functionsIn = req.schema.functions ?? functionsIn;
      dynamic = req.schema.enable_dynamic_field ?? dynamic;
    }
  }
  if (fieldsIn === undefined) {
    if (req.dimension === undefined) {
      invalidParam('dimension', 'a vector dimension (quick form) or fields (schema form)', undefined);
    }
    const idType = req.id_type === undefined ? DataType.Int64 : toDataType(req.id_type, 'id_type');
    const pk = req.primary_field_name ?? 'id';
    const vec = req.vector_field_name ?? 'vector';
    fieldsIn = [
      {
        name: pk,
        data_type: idType,
        is_primary_key: true,
        autoID: req.auto_id === true,
        ...(idType === DataType.VarChar ? { max_length: req.max_length ?? 65535 } : {}),
      },
      { name: vec, data_type: DataType.FloatVector, dim: req.dimension },
    ];
    dynamic = dynamic ?? true;
  }
  if (!Array.isArray(fieldsIn) || fieldsIn.length === 0)
    invalidParam('fields', 'a non-empty array of fields', fieldsIn);
  const fields = fieldsIn.map(normalizeField);
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) invalidParam('fields', 'unique field names', f.name);
    seen.add(f.name);
  }
  const pks = fields.filter((f) => f.is_primary_key);
  if (pks.length !== 1) {
    throw elanusError('schemaPrimaryKeyCount', { got: pks.length }, { param: 'fields' });
  }
  if (!fields.some((f) => isVectorType(f.data_type))) {
    throw elanusError('schemaNoVector', {}, { param: 'fields' });
  }
  if (fields.filter((f) => f.is_partition_key).length > 1) {
    invalidParam(
      'fields',
      'at most one partition key field',
      fields.filter((f) => f.is_partition_key).length,
    );
  }
  const functions = (functionsIn ?? []).map((fn, i) => normalizeFunction(fn, i, fields));
  return {
    name,
    description: req.description ?? '',
    fields,
    functions,
    enable_dynamic_field: dynamic === true,
  };
}

export function primaryField(schema: CollectionSchema): FieldSchema {
  return schema.fields.find((f) => f.is_primary_key)!;
}

export function vectorFields(schema: CollectionSchema): FieldSchema[] {
  return schema.fields.filter((f) => isVectorType(f.data_type));
}
