import type { ErrorCode } from './codes.js';
import { ElanusError } from './elanus-error.js';

/**
 * The one value formatter for messages: strings quoted (and shortened), bigints as `1n`, arrays and
 * typed arrays by length, objects as (shortened) JSON.
 */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (typeof v === 'object') {
    try {
      const s = JSON.stringify(v);
      return s.length > 60 ? `${s.slice(0, 57)}...` : s;
    } catch {
      return 'object';
    }
  }
  return String(v);
}

/** A message's parameters: the names its text reads. */
type P<K extends string> = Readonly<Record<K, unknown>>;

/** Strings as JSON, everything else as `String(v)`. */
const quoted = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

const binaryExpected = (p: P<'bytes' | 'dim' | 'field'>) =>
  `a binary query vector of ${p.bytes} bytes (dim ${p.dim}) for field "${p.field}"`;
const queryVectorDim = (p: P<'param' | 'dim' | 'field' | 'got'>) =>
  `invalid parameter ${p.param}: expected a query vector of dim ${p.dim} for field "${p.field}", got ${p.got}`;
const binaryQueryLength = (p: P<'param' | 'bytes' | 'dim' | 'field' | 'got'>) =>
  `invalid parameter ${p.param}: expected ${binaryExpected(p)}, got ${p.got}`;

/**
 * Every Elanus error message: message id → its error code and a parameterised text. Build errors with
 * `elanusError(id, params, details?)` (or `invalidParam` for the generic "invalid parameter" one); tests
 * assert the code, the text is for people (and, where Milvus has one, keeps Milvus's wording).
 */
export const MESSAGES = {
  // --- Generic parameter checks ---
  invalidParam: {
    code: 'IllegalArgument',
    text: (p: P<'name' | 'expected' | 'got'>) =>
      `invalid parameter ${p.name}: expected ${p.expected}, got ${describe(p.got)}`,
  },
  /** Like `invalidParam`, with the value shown as full JSON. */
  invalidParamJson: {
    code: 'IllegalArgument',
    text: (p: P<'name' | 'expected' | 'got'>) =>
      `invalid parameter ${p.name}: expected ${p.expected}, got ${JSON.stringify(p.got)}`,
  },
  /** `got` is `array(n)` or the `typeof` what came. */
  namesNotArray: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected a non-empty array of names, got ${p.got}`,
  },
  uriInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) =>
      `invalid parameter uri: expected memory://, idb://<name>, opfs://<name>, http(s)://host:port or host:port, got ${JSON.stringify(p.got)}`,
  },
  uriRemote: {
    code: 'IllegalArgument',
    text: (p: P<'uri'>) =>
      `invalid parameter uri: ${p.uri} is a remote Milvus; import { MilvusClient } from '@elanus/milvus' (or call its registerRemoteTransport()) to reach it`,
  },
  requestNotObject: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter req: expected a request object, got ${String(p.got)}`,
  },
  nonEmptyString: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected a non-empty string, got ${String(p.got)}`,
  },
  intOutOfRange: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'min' | 'max' | 'got'>) =>
      `invalid parameter ${p.param}: expected an integer in [${p.min}, ${p.max}], got ${quoted(p.got)}`,
  },
  /** `got` is the `typeof` what came. */
  fieldNamesNotArray: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected an array of field names, got ${p.got}`,
  },
  paramFieldNotExists: {
    code: 'FieldNotExists',
    text: (p: P<'param' | 'field' | 'collection'>) =>
      `invalid parameter ${p.param}: field ${JSON.stringify(p.field)} does not exist in collection "${p.collection}"`,
  },
  /** `got` is the `typeof` what came. */
  filterNotString: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter filter: expected a string expression, got ${p.got}`,
  },
  /** `expected` lists the level names. */
  consistencyLevel: {
    code: 'IllegalArgument',
    text: (p: P<'expected' | 'got'>) =>
      `invalid parameter consistency_level: expected one of ${p.expected} or 0-4 (ConsistencyLevelEnum), got ${quoted(p.got)}`,
  },
  /** `got` is the `typeof` what came. */
  idsNotArray: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter ids: expected an array of primary keys, got ${p.got}`,
  },
  paramsNotObject: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected an object or a JSON object string, got ${JSON.stringify(p.got)}`,
  },
  windowTooLarge: {
    code: 'IllegalArgument',
    text: (p: P<'max' | 'got'>) => `invalid parameter offset+limit: expected at most ${p.max}, got ${p.got}`,
  },

  // --- Collections, partitions, aliases (engine) ---
  collectionNotExists: {
    code: 'CollectionNotExists',
    text: (p: P<'collection'>) => `collection not found[collection=${p.collection}]`,
  },
  aliasTargetIsAlias: {
    code: 'CollectionNotExists',
    text: (p: P<'collection'>) =>
      `collection not found[collection=${p.collection}]: "${p.collection}" is an alias, and an alias cannot point to an alias`,
  },
  collectionExists: {
    code: 'CollectionAlreadyExists',
    text: (p: P<'collection'>) => `collection already exists[collection=${p.collection}]`,
  },
  collectionExistsAsAlias: {
    code: 'CollectionAlreadyExists',
    text: (p: P<'collection' | 'target'>) =>
      `collection already exists[collection=${p.collection}]: it is an alias of collection "${p.target}"`,
  },
  collectionNameInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected a collection name, got ${String(p.got)}`,
  },
  dropCollectionHasAliases: {
    code: 'IllegalArgument',
    text: (p: P<'collection' | 'aliases'>) =>
      `unable to drop the collection [${p.collection}] because it has aliases ${JSON.stringify(p.aliases)}, please remove all aliases before dropping the collection`,
  },
  collectionViaAlias: {
    code: 'IllegalArgument',
    text: (p: P<'verb' | 'alias' | 'collection'>) =>
      `invalid parameter collection_name: cannot ${p.verb} the collection via alias "${p.alias}"; name the collection "${p.collection}"`,
  },
  collectionNotLoaded: {
    code: 'CollectionNotLoaded',
    text: (p: P<'collection'>) =>
      `collection not loaded[collection=${p.collection}]: call loadCollection first`,
  },
  aliasNotFound: {
    code: 'AliasNotFound',
    text: (p: P<'alias'>) => `alias not found[database=default][alias=${p.alias}]`,
  },
  aliasCollectionConflict: {
    code: 'AliasCollectionNameConflict',
    text: (p: P<'alias'>) =>
      `alias and collection name conflict[database=default][alias=${p.alias}]: a collection is named "${p.alias}"`,
  },
  aliasExists: {
    code: 'AliasAlreadyExists',
    text: (p: P<'alias' | 'collection'>) =>
      `alias already exists[database=default][alias=${p.alias}]: it points to collection "${p.collection}"`,
  },
  partitionNotExists: {
    code: 'PartitionNotExists',
    text: (p: P<'partition' | 'param'>) => `partition not found[partition=${p.partition}] (${p.param})`,
  },
  /** Milvus's text, without the parameter (the SDK extras). */
  partitionNotFound: {
    code: 'PartitionNotExists',
    text: (p: P<'partition'>) => `partition not found[partition=${p.partition}]`,
  },
  partitionExists: {
    code: 'PartitionAlreadyExists',
    text: (p: P<'partition'>) => `partition already exists[partition=${p.partition}]`,
  },
  partitionKeyNoManual: {
    code: 'IllegalArgument',
    text: (p: P<'collection' | 'got'>) =>
      `invalid parameter partition_name: expected no manual partitions on collection "${p.collection}" (it has a partition key), got "${p.got}"`,
  },
  partitionLimit: {
    code: 'IllegalArgument',
    text: (p: P<'max' | 'got'>) =>
      `invalid parameter partition_name: expected at most ${p.max} partitions, got ${p.got}`,
  },
  defaultPartitionReserved: {
    code: 'IllegalArgument',
    text: () =>
      'invalid parameter partition_name: expected a partition other than "_default", got "_default"',
  },
  partitionKeyNoPartitionName: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) =>
      `invalid parameter partition_name: expected none for a collection with a partition key, got "${p.got}"`,
  },

  // --- Schemas ---
  schemaPrimaryKeyCount: {
    code: 'SchemaMismatch',
    text: (p: P<'got'>) => `invalid parameter fields: expected exactly one primary key field, got ${p.got}`,
  },
  schemaNoVector: {
    code: 'SchemaMismatch',
    text: () => 'invalid parameter fields: expected at least one vector field, got none',
  },

  // --- Rows and values (insert, upsert, conversion) ---
  /** `got` is what came, in words. */
  insertDataNotArray: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter data: expected an array of row objects, got ${p.got}`,
  },
  insertDataEmpty: {
    code: 'IllegalArgument',
    text: () => 'invalid parameter data: expected at least one row, got an empty array',
  },
  upsertOnlyParam: {
    code: 'IllegalArgument',
    text: (p: P<'param'>) => `invalid parameter ${p.param}: applies to upsert only, and this is an insert`,
  },
  rowNotObject: {
    code: 'IllegalArgument',
    text: (p: P<'row' | 'got'>) =>
      `invalid parameter data[${p.row}]: expected a row object, got ${describe(p.got)}`,
  },
  duplicatePkInBatch: {
    code: 'DuplicatePrimaryKey',
    text: (p: P<'row' | 'mode' | 'key'>) =>
      `invalid parameter data[${p.row}]: expected unique primary keys in one ${p.mode}, got "${p.key}" twice`,
  },
  pkExists: {
    code: 'DuplicatePrimaryKey',
    text: (p: P<'row' | 'key'>) =>
      `invalid parameter data[${p.row}]: expected a new primary key (use upsert to replace rows), got "${p.key}" which already exists`,
  },
  /** `got` is the `typeof` what came. */
  varcharPkExpected: {
    code: 'DataTypeMismatch',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected a VarChar primary key, got ${p.got}`,
  },
  valueTypeMismatch: {
    code: 'DataTypeMismatch',
    text: (p: P<'field' | 'row' | 'expected' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected ${p.expected}, got ${describe(p.got)}`,
  },
  valueNotNullable: {
    code: 'DataTypeMismatch',
    text: (p: P<'field' | 'row' | 'type' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected a ${p.type} value (the field is not nullable), got ${describe(p.got)}`,
  },
  valueMaxLength: {
    code: 'MaxLengthExceeded',
    text: (p: P<'field' | 'row' | 'max' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected at most max_length=${p.max} bytes, got ${p.got} bytes`,
  },
  valueMaxCapacity: {
    code: 'IllegalArgument',
    text: (p: P<'field' | 'row' | 'max' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected at most max_capacity=${p.max} elements, got ${p.got}`,
  },
  valueDim: {
    code: 'DimensionMismatch',
    text: (p: P<'field' | 'row' | 'dim' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected a vector of dim ${p.dim}, got dim ${p.got}`,
  },
  valueAutoId: {
    code: 'IllegalArgument',
    text: (p: P<'field' | 'row' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected no value (the primary key is autoID), got ${describe(p.got)}`,
  },
  valueFunctionOutput: {
    code: 'IllegalArgument',
    text: (p: P<'field' | 'row' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected no value (it is computed by a function), got ${describe(p.got)}`,
  },
  rowPkMissing: {
    code: 'PrimaryKeyMissing',
    text: (p: P<'row' | 'field' | 'got'>) =>
      `invalid row ${p.row}: expected the primary key field "${p.field}", got ${describe(p.got)}`,
  },
  rowUnknownField: {
    code: 'FieldNotExists',
    text: (p: P<'row' | 'field' | 'collection'>) =>
      `invalid row ${p.row}: field "${p.field}" is not in the schema of collection "${p.collection}" and dynamic fields are disabled`,
  },
  /** `got` is the value already shown. */
  jsonValueMismatch: {
    code: 'DataTypeMismatch',
    text: (p: P<'field' | 'row' | 'expected' | 'path' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected ${p.expected} at ${p.path}, got ${p.got}`,
  },
  jsonValueTooLarge: {
    code: 'MaxLengthExceeded',
    text: (p: P<'field' | 'row' | 'max' | 'got'>) =>
      `invalid value for field "${p.field}" of row ${p.row}: expected a JSON value of at most ${p.max} bytes (maxJsonBytes), got ${p.got} bytes`,
  },

  // --- Partial updates ---
  /** `got` is the `typeof` what came. */
  partialUpdateFlag: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter partial_update: expected a boolean, got ${p.got}`,
  },
  /** `got` is the `typeof` what came. */
  fieldOpsNotArray: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) =>
      `invalid parameter field_ops: expected an array of { field_name, op }, got ${p.got}`,
  },
  fieldOpUnknown: {
    code: 'IllegalArgument',
    text: (p: P<'index' | 'expected' | 'got'>) =>
      `invalid parameter field_ops[${p.index}].op: expected one of ${p.expected} (or 0-2), got ${JSON.stringify(p.got)}`,
  },
  fieldOpNeedsArray: {
    code: 'IllegalArgument',
    text: (p: P<'index' | 'op' | 'field'>) =>
      `invalid parameter field_ops[${p.index}].op: ${p.op} applies to ARRAY fields, and "${p.field}" is not one`,
  },
  fieldOpOnPrimaryKey: {
    code: 'IllegalArgument',
    text: (p: P<'index' | 'field'>) =>
      `invalid parameter field_ops[${p.index}].field_name: the primary key "${p.field}" identifies the row and takes no operation`,
  },
  partialUpsertPkMissing: {
    code: 'PrimaryKeyMissing',
    text: (p: P<'row' | 'field'>) =>
      `row ${p.row}: a partial upsert names each row by its primary key, and field "${p.field}" is missing`,
  },
  partialUpdateNotLoaded: { code: 'UnexpectedError', text: () => 'partial-update code was not loaded' },

  // --- Query, aggregates, ordering ---
  queryNeedsFilterOrLimit: {
    code: 'IllegalArgument',
    text: () =>
      'invalid parameter filter: expected a filter expression or a limit (an empty expression must be used with limit), got neither',
  },
  deleteNeedsIdsOrFilter: {
    code: 'IllegalArgument',
    text: () => 'invalid parameter filter: expected ids or a non-empty filter expression, got neither',
  },
  queryIteratorNoAggregates: {
    code: 'IllegalArgument',
    text: (p: P<'param'>) =>
      `invalid parameter ${p.param}: queryIterator pages rows in primary-key order and takes no aggregates, group_by_fields or order_by_fields; use query()`,
  },
  aggregatePlannerNotLoaded: {
    code: 'UnexpectedError',
    text: () => 'the aggregation planner was not loaded for an aggregate query or search_aggregation',
  },
  aggregateStar: {
    code: 'IllegalArgument',
    text: (p: P<'fn'>) =>
      `invalid parameter output_fields: ${p.fn}(*) is not an aggregate; only count(*) takes *`,
  },
  aggregateFieldNotExists: {
    code: 'FieldNotExists',
    text: (p: P<'expr' | 'field' | 'collection'>) =>
      `invalid parameter output_fields: ${p.expr} names field "${p.field}", which does not exist in collection "${p.collection}"`,
  },
  aggregateFieldType: {
    code: 'IllegalArgument',
    text: (p: P<'fn' | 'field' | 'type'>) =>
      `invalid parameter output_fields: ${p.fn}() expects a numeric field${p.fn === 'min' || p.fn === 'max' ? ' or VarChar' : ''}, got "${p.field}" of type ${p.type}`,
  },
  /** `got` is the `typeof` what came. */
  orderBySpec: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected a string such as "price:desc" or an array of { field, order }, got ${p.got}`,
  },
  orderByItemField: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'index' | 'got'>) =>
      `invalid parameter ${p.param}[${p.index}]: expected a field name, got ${JSON.stringify(p.got)}`,
  },
  orderByItemOrder: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'index' | 'got'>) =>
      `invalid parameter ${p.param}[${p.index}]: expected order "asc" or "desc", got ${JSON.stringify(p.got)}`,
  },
  orderByFieldType: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'field' | 'type'>) =>
      `invalid parameter ${p.param}: expected a Bool, integer, Float, Double or VarChar field, got "${p.field}" of type ${p.type}`,
  },
  orderByNotOutput: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'field'>) =>
      `invalid parameter ${p.param}: expected one of group_by_fields or an aggregate in output_fields, got "${p.field}"`,
  },
  groupByFieldType: {
    code: 'IllegalArgument',
    text: (p: P<'index' | 'field' | 'type'>) =>
      `invalid parameter group_by_fields[${p.index}]: expected a Bool, integer or VarChar field, got "${p.field}" of type ${p.type}`,
  },
  outputNotGrouped: {
    code: 'IllegalArgument',
    text: (p: P<'field' | 'groups'>) =>
      `invalid parameter output_fields: "${p.field}" is neither an aggregate nor one of group_by_fields ${JSON.stringify(p.groups)}`,
  },
  outputMixedWithAggregates: {
    code: 'IllegalArgument',
    text: (p: P<'field'>) =>
      `invalid parameter output_fields: "${p.field}" cannot be mixed with aggregates unless it is in group_by_fields`,
  },

  // --- Search and hybrid search ---
  notVectorField: {
    code: 'FieldNotExists',
    text: (p: P<'param' | 'collection' | 'got'>) =>
      `invalid parameter ${p.param}: expected a vector field of collection "${p.collection}", got "${p.got}"`,
  },
  /** `fields` lists the collection's vector fields. */
  annsFieldRequired: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'collection' | 'fields'>) =>
      `invalid parameter ${p.param}: expected the vector field to search (collection "${p.collection}" has ${p.fields}), got none`,
  },
  queryVectorsShape: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected one query vector or a list of them, got ${String(p.got)}`,
  },
  queryVectorsEmpty: {
    code: 'IllegalArgument',
    text: (p: P<'param'>) => `invalid parameter ${p.param}: expected at least one query vector, got none`,
  },
  /** `got` is the `typeof` what came. */
  bm25QueryText: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'field' | 'got'>) =>
      `invalid parameter ${p.param}: expected query text for BM25 field "${p.field}", got ${p.got}`,
  },
  /** `got` is the element (a number) or its `typeof`, in words. */
  queryVectorNotFinite: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got' | 'index'>) =>
      `invalid parameter ${p.param}: expected finite numbers within float32 range (±3.4e38) in the query vector, got ${p.got} at index ${p.index}`,
  },
  /** A query vector of the wrong length (`got` in words: `dim 3`). */
  queryVectorDim: { code: 'DimensionMismatch', text: queryVectorDim },
  /** A query that is not a vector at all (same text as `queryVectorDim`). */
  queryVectorInvalid: { code: 'IllegalArgument', text: queryVectorDim },
  binaryQueryByte: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'bytes' | 'dim' | 'field' | 'got' | 'index'>) =>
      `invalid parameter ${p.param}: expected ${binaryExpected(p)}, got ${JSON.stringify(p.got)} at index ${p.index} (bytes are integers in [0, 255])`,
  },
  /** A Float16Vector / BFloat16Vector / Int8Vector query with a bad element or in no accepted form. */
  compactQueryValue: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'field' | 'expected' | 'got'>) =>
      `invalid parameter ${p.param}: expected ${p.expected} for field "${p.field}", got ${describe(p.got)}`,
  },
  /** A binary query of the wrong length (`got` in words: `3 bytes`). */
  binaryQueryDim: { code: 'DimensionMismatch', text: binaryQueryLength },
  /** A binary query that is no byte list at all (same text as `binaryQueryDim`). */
  binaryQueryInvalid: { code: 'IllegalArgument', text: binaryQueryLength },
  /** `other` is the parameter search_aggregation cannot be combined with. */
  searchAggregationConflict: {
    code: 'IllegalArgument',
    text: (p: P<'other'>) =>
      `invalid parameter search_aggregation: search_aggregation and ${p.other} are mutually exclusive`,
  },
  searchIdsAndData: {
    code: 'IllegalArgument',
    text: () => 'invalid parameter ids: expected either ids or data (query vectors), got both',
  },
  /** `got` is what came, in words. */
  searchIdsEmpty: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter ids: expected a non-empty list of primary keys, got ${p.got}`,
  },
  searchIdsBm25: {
    code: 'IllegalArgument',
    text: (p: P<'field'>) =>
      `invalid parameter ids: expected a field with stored vectors; "${p.field}" is a BM25 function output (search it with query text)`,
  },
  searchIdNotFound: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'collection' | 'got'>) =>
      `invalid parameter ${p.param}: expected the primary key of a row of collection "${p.collection}", got ${JSON.stringify(String(p.got))}, which is not there`,
  },
  searchParamNotNumber: {
    code: 'IllegalArgument',
    text: (p: P<'key' | 'got'>) =>
      `invalid parameter params.${p.key}: expected a finite number, got ${JSON.stringify(p.got)}`,
  },
  metricMismatch: {
    code: 'IllegalArgument',
    text: (p: P<'expected' | 'field' | 'got'>) =>
      `invalid parameter metric_type: expected ${p.expected} (the index metric of field "${p.field}"), got ${p.got}`,
  },
  groupByFieldInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'collection' | 'got'>) =>
      `invalid parameter group_by_field: expected a Bool, Int or VarChar field of collection "${p.collection}", got "${p.got}"`,
  },
  searchIteratorOneQuery: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) =>
      `invalid parameter data: expected exactly one query vector for searchIterator, got ${p.got}`,
  },
  rrfK: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter k: expected a number in (0, 16384), got ${p.got}`,
  },
  rerankWeight: {
    code: 'IllegalArgument',
    text: (p: P<'index' | 'got'>) =>
      `invalid parameter weights[${p.index}]: expected a number in [0, 1], got ${p.got}`,
  },
  /** `got` is the `typeof` what came. */
  hybridDataNotArray: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) =>
      `invalid parameter data: expected a non-empty array of search requests, got ${p.got}`,
  },
  rerankStrategy: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) =>
      `invalid parameter rerank.strategy: expected "rrf" or "weighted", got ${JSON.stringify(p.got)}`,
  },
  rerankWeightsCount: {
    code: 'IllegalArgument',
    text: (p: P<'expected' | 'got'>) =>
      `invalid parameter rerank.params.weights: expected ${p.expected} weights (one per search request), got ${p.got}`,
  },
  hybridNq: {
    code: 'IllegalArgument',
    text: (p: P<'index' | 'expected' | 'got'>) =>
      `invalid parameter data[${p.index}].data: expected ${p.expected} query vectors like data[0], got ${p.got}`,
  },

  // --- Indexes ---
  indexTypeNotBuilt: {
    code: 'NotImplemented',
    text: (p: P<'indexType' | 'allowed' | 'dataType'>) =>
      `invalid parameter index_type: ${p.indexType} is a Milvus index type Elanus does not build yet; expected one of ${p.allowed} for a ${p.dataType} field (see docs/milvus-compatibility.md)`,
  },
  indexExists: {
    code: 'IndexAlreadyExists',
    text: (p: P<'field' | 'index'>) =>
      `at most one distinct index is allowed per field: field "${p.field}" already has index "${p.index}"`,
  },
  indexNotFound: {
    code: 'IndexNotExist',
    text: (p: P<'collection'>) => `index not found[collection=${p.collection}]`,
  },
  indexNotFoundForField: {
    code: 'IndexNotExist',
    text: (p: P<'field'>) =>
      `index not found[field=${p.field}]: create an index on "${p.field}" before searching`,
  },
  /** `fields` lists the vector fields without an index. */
  noVectorIndex: {
    code: 'IndexNotExist',
    text: (p: P<'fields' | 'collection'>) =>
      `there is no vector index on field: [${p.fields}], please create index firstly (collection "${p.collection}")`,
  },
  dropIndexLoaded: {
    code: 'IllegalArgument',
    text: (p: P<'collection'>) =>
      `index cannot be dropped, collection is loaded, please release it first (collection "${p.collection}")`,
  },
  denseIndexNeedsKernels: { code: 'IllegalArgument', text: () => 'a dense index needs kernels' },
  queryNotNumbers: {
    code: 'IllegalArgument',
    text: () => 'invalid query vector: expected an array of numbers',
  },
  sparseQueryLengths: {
    code: 'IllegalArgument',
    text: () => 'invalid sparse query: expected indices and values of equal length',
  },
  sparseVectorLengths: {
    code: 'IllegalArgument',
    text: (p: P<'indices' | 'values'>) =>
      `invalid sparse vector: ${p.indices} indices but ${p.values} values`,
  },
  rangeOutsideColumn: {
    code: 'UnexpectedError',
    text: (p: P<'from' | 'to' | 'rows'>) =>
      `addRange(${p.from}, ${p.to}) outside the column (${p.rows} rows)`,
  },
  ivfModuleNotLoaded: {
    code: 'UnexpectedError',
    text: () => 'an IVF index was needed before its module loaded; await prepareLazyIndexes() first',
  },
  compactModuleNotLoaded: {
    code: 'UnexpectedError',
    text: () =>
      'a Float16Vector, BFloat16Vector or Int8Vector field was needed before its module loaded; await prepareLazyIndexes() first',
  },
  unknownIndexFormat: {
    code: 'UnexpectedError',
    text: (p: P<'tag'>) => `cannot deserialize index: unknown format ${JSON.stringify(p.tag)}`,
  },
  corruptIndexMetric: {
    code: 'UnexpectedError',
    text: (p: P<'metric'>) => `corrupt index: unknown metric code ${p.metric}`,
  },
  corruptIndexHeader: {
    code: 'UnexpectedError',
    text: (p: P<'tag'>) => `corrupt ${p.tag} index: bad header`,
  },
  corruptIndexTag: {
    code: 'UnexpectedError',
    text: (p: P<'tag' | 'version'>) => `corrupt ${p.tag} index: expected tag ${p.tag} version ${p.version}`,
  },
  corruptIndexPart: {
    code: 'UnexpectedError',
    text: (p: P<'part' | 'what'>) => `corrupt index: missing part ${p.part} (${p.what})`,
  },
  corruptIvfHeader: {
    code: 'UnexpectedError',
    text: (p: P<'metric' | 'dim' | 'columnDim'>) =>
      `corrupt IVF index: code ${p.metric}, dim ${p.dim} (column ${p.columnDim})`,
  },
  corruptIvfLists: { code: 'UnexpectedError', text: () => 'corrupt IVF index: list sizes do not match' },
  corruptHnswHeader: { code: 'UnexpectedError', text: () => 'corrupt HNSW index: inconsistent header' },
  corruptSparsePostings: {
    code: 'UnexpectedError',
    text: () => 'corrupt sparse index: inconsistent postings',
  },

  // --- Kernels and devices ---
  /** `expected` lists the devices. */
  deviceUnknown: {
    code: 'IllegalArgument',
    text: (p: P<'expected' | 'got'>) =>
      `invalid parameter device: expected one of ${p.expected}, got ${JSON.stringify(p.got)}`,
  },
  /** `supported` lists the devices this runtime has. */
  deviceUnsupported: {
    code: 'IllegalArgument',
    text: (p: P<'device' | 'why' | 'supported'>) =>
      `invalid parameter device: ${JSON.stringify(p.device)} is not supported (${p.why}); supported: ${p.supported}`,
  },
  threadsInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'max' | 'got'>) =>
      `invalid parameter threads: expected "auto" or an integer from 1 to ${p.max}, got ${JSON.stringify(p.got)}`,
  },
  kernelDeviceUnknown: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) =>
      `invalid parameter device: expected "wasm", "js" or "auto", got ${JSON.stringify(p.got)}`,
  },
  wasmSimdUnavailable: {
    code: 'Unavailable',
    text: () => 'WebAssembly SIMD is not supported by this engine',
  },
  wasmCompileFailed: {
    code: 'Unavailable',
    text: (p: P<'error'>) => `cannot compile the WebAssembly kernels: ${p.error}`,
  },
  invalidDim: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid dim: expected a positive integer, got ${p.got}`,
  },
  vectorLengthMismatch: {
    code: 'DimensionMismatch',
    text: (p: P<'expected' | 'got'>) =>
      `vector length ${p.got} does not match the column (expected ${p.expected})`,
  },
  wasmMemoryLimit: {
    code: 'UnexpectedError',
    text: (p: P<'rows' | 'dim'>) =>
      `vector column of ${p.rows} rows × dim ${p.dim} exceeds the 4 GiB WebAssembly memory limit`,
  },
  wasmGrowFailed: {
    code: 'UnexpectedError',
    text: (p: P<'bytes' | 'error'>) => `cannot grow WebAssembly memory to ${p.bytes} bytes: ${p.error}`,
  },

  // --- Text analysis ---
  noAnalyzer: { code: 'UnexpectedError', text: (p: P<'field'>) => `no analyzer for field "${p.field}"` },
  textModuleNotLoaded: {
    code: 'UnexpectedError',
    text: (p: P<'field'>) =>
      `text analysis for field ${p.field} was needed before its module loaded; await prepareTextSupport() first`,
  },
  stopWordsNotBundled: {
    code: 'NotImplemented',
    text: (p: P<'list'>) => `stop word list ${p.list} is not bundled with Elanus yet`,
  },
  stopWordsFileUnsupported: {
    code: 'NotImplemented',
    text: () => 'stop_words_file is not supported in the browser',
  },
  /** The server's text (tantivy binding, stemmer_filter.rs); `language` is lower-cased, as there. */
  stemmerLanguage: {
    code: 'IllegalArgument',
    text: (p: P<'language'>) => `create stemmer failed : InternalError: unsupport language: ${p.language}`,
  },
  stemmerNotLoaded: {
    code: 'UnexpectedError',
    text: (p: P<'language'>) =>
      `the ${p.language} stemmer was needed before its module loaded; await loadStemmers() first`,
  },
  analyzerFilterUnsupported: {
    code: 'NotImplemented',
    text: (p: P<'type'>) => `filter type ${JSON.stringify(p.type)} is not supported by Elanus yet`,
  },
  tokenizerUnsupported: {
    code: 'NotImplemented',
    text: (p: P<'tokenizer'>) => `tokenizer ${JSON.stringify(p.tokenizer)} is not supported by Elanus yet`,
  },
  segmenterMissingUax29: {
    code: 'NotImplemented',
    text: () => 'standard tokenizer with uax29=true needs Intl.Segmenter, which this runtime lacks',
  },
  segmenterMissingIcu: {
    code: 'NotImplemented',
    text: () => 'the icu tokenizer needs Intl.Segmenter, which this runtime lacks',
  },
  /** `got` is the `typeof` what came. */
  analyzerTextInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter text: expected a string or an array of strings, got ${p.got}`,
  },
  termDictionaryFull: { code: 'UnexpectedError', text: () => 'term dictionary is full (2^32 terms)' },

  // --- Filter expressions (filter/ builds every InvalidFilter error from these) ---
  /** `expr` is the (possibly shortened) expression, `reason` what is wrong, `column` 1-based. */
  invalidFilter: {
    code: 'InvalidFilter',
    text: (p: P<'expr' | 'reason' | 'column'>) =>
      `cannot parse expression: \`${p.expr}\`, ${p.reason} (column ${p.column})`,
  },
  textMatchUnavailable: {
    code: 'InvalidFilter',
    text: (p: P<'field'>) =>
      `text_match on field ${describe(p.field)} is not available: the collection has no analyzer for it`,
  },
  phraseMatchUnavailable: {
    code: 'InvalidFilter',
    text: (p: P<'field'>) =>
      `phrase_match on field ${describe(p.field)} is not available: the collection has no analyzer for it`,
  },

  // --- Clients, SDK extras and the engine worker ---
  /** Only the `default` database exists locally: the server's error for any other name. */
  defaultDatabaseOnly: {
    code: 'DatabaseNotFound',
    text: (p: P<'database'>) => `database not found[database=${String(p.database)}]`,
  },
  idbOnlyMethod: {
    code: 'NotImplemented',
    text: (p: P<'method'>) => `${p.method}() is available on idb:// clients only`,
  },
  propertiesNotObject: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: expected an object of property keys and values (or [{ key, value }]), got ${describe(p.got)}`,
  },
  propertyValueInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'key' | 'expected' | 'got'>) =>
      `invalid parameter ${p.param}: property ${JSON.stringify(p.key)} expects ${p.expected}, got ${quoted(p.got)}`,
  },
  propertyNotAlterable: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'key' | 'target' | 'allowed'>) =>
      `invalid parameter ${p.param}: ${JSON.stringify(p.key)} is not an alterable property of ${p.target} (alterable: ${p.allowed})`,
  },
  bulkWriterTarget: {
    code: 'IllegalArgument',
    text: (p: P<'param' | 'got'>) =>
      `invalid parameter ${p.param}: BulkWriter writes into a collection here (no files in a page): pass client (a MilvusClient) and collection_name, got ${describe(p.got)}`,
  },
  bulkWriterAutoId: {
    code: 'IllegalArgument',
    text: (p: P<'field'>) => `Field "${p.field}" is autoID — do not provide a value.`,
  },
  bulkWriterFunctionOutput: {
    code: 'IllegalArgument',
    text: (p: P<'field'>) => `Field "${p.field}" is a function output field — do not provide a value.`,
  },
  bulkWriterRequired: {
    code: 'IllegalArgument',
    text: (p: P<'field'>) => `Field "${p.field}" is required (non-nullable, no default).`,
  },
  sdkMethodNotImplemented: {
    code: 'NotImplemented',
    text: (p: P<'method'>) =>
      `${p.method}() is a Milvus SDK method that Elanus's local engine does not implement (it has one database, no users, aliases or cluster); a remote Milvus URI answers it`,
  },
  abortedBeforeStart: {
    code: 'Aborted',
    text: (p: P<'operation'>) =>
      `${p.operation} aborted by its signal before it started: nothing was written`,
  },
  /** `what` says what was written and what was undone. */
  abortedMidway: {
    code: 'Aborted',
    text: (p: P<'mode' | 'what'>) => `${p.mode} aborted by its signal: ${p.what}`,
  },
  workerNotOpen: { code: 'UnexpectedError', text: () => 'the engine worker was used before open()' },
  webWorkersUnavailable: {
    code: 'Unavailable',
    text: () => 'worker: true needs Web Workers, which this environment does not have',
  },
  uncloneableRequest: {
    code: 'DataTypeMismatch',
    text: (p: P<'error'>) =>
      `invalid request: it holds a value that cannot be sent to the engine worker (${p.error}); rows may hold JSON values, typed arrays and bigints only`,
  },
  workerNotRestartable: {
    code: 'WorkerTerminated',
    text: () =>
      'the engine worker died and cannot be restarted: pass `worker` as a function that creates one',
  },
  workerCrashed: {
    code: 'WorkerTerminated',
    text: (p: P<'error'>) => `the engine worker crashed: ${p.error}`,
  },
  workerCrashedUnknown: {
    code: 'WorkerTerminated',
    text: () => 'the engine worker failed to start or crashed (see the console)',
  },
  workerMessageError: {
    code: 'WorkerTerminated',
    text: () => 'the engine worker sent a message that could not be read; it was stopped',
  },
  workerOpenFailed: {
    code: 'WorkerTerminated',
    text: (p: P<'error'>) => `the engine worker could not open its backend: ${p.error}`,
  },
  workerStoppedOutside: {
    code: 'WorkerTerminated',
    text: () => 'the engine worker stopped: it was terminated from outside, or its realm ended',
  },
  workerTerminated: { code: 'WorkerTerminated', text: () => 'the engine worker was terminated' },
  workerClosed: { code: 'WorkerTerminated', text: () => 'the engine worker was closed' },
  workerConnectionClosed: { code: 'WorkerTerminated', text: () => 'the connection was closed' },

  // --- Storage (IndexedDB, persistence, backups) ---
  indexedDbUnavailable: {
    code: 'Unavailable',
    text: () => 'IndexedDB is not available in this environment (idb:// needs a browser)',
  },
  opfsUnavailable: {
    code: 'Unavailable',
    text: (p: P<'got' | 'why'>) =>
      `invalid parameter uri: expected opfs://<name> where the Origin Private File System is available (a browser page or worker on a secure origin, navigator.storage.getDirectory()), got ${JSON.stringify(p.got)}: ${p.why}`,
  },
  storageEstimateUnavailable: {
    code: 'Unavailable',
    text: () => 'navigator.storage.estimate() is not available here',
  },
  databaseNotFound: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter name: expected an existing database, got "${p.got}"`,
  },
  databaseNameInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'got'>) => `invalid parameter name: expected a database name, got ${String(p.got)}`,
  },
  databaseClosed: {
    code: 'StorageError',
    text: (p: P<'name' | 'reason'>) => `database "${p.name}" is closed (${p.reason})`,
  },
  databaseNotOpen: {
    code: 'Unavailable',
    text: (p: P<'name'>) => `database "${p.name}" is closed`,
  },
  databaseClosedBeforeWriter: {
    code: 'Unavailable',
    text: (p: P<'name'>) => `database "${p.name}" was closed before the writer tab answered`,
  },
  databaseReadOnly: {
    code: 'ReadOnly',
    text: (p: P<'name'>) => `database "${p.name}" is open for writing in another tab`,
  },
  methodNotSupported: {
    code: 'NotImplemented',
    text: (p: P<'method'>) => `${p.method} is not supported`,
  },
  databaseOpen: {
    code: 'Unavailable',
    text: (p: P<'action' | 'name'>) =>
      `cannot ${p.action} database "${p.name}" while it is open (in this or another tab): call closeConnection() first`,
  },
  /** `why` says what is wrong with the data. */
  backupInvalid: {
    code: 'IllegalArgument',
    text: (p: P<'why'>) => `invalid parameter data: expected an Elanus database export, got ${p.why}`,
  },
  backupDataType: {
    code: 'IllegalArgument',
    text: () => 'invalid parameter data: expected a Blob, ArrayBuffer or Uint8Array',
  },
  /** `detail` is `: <message>` or empty. */
  storageQuotaExceeded: {
    code: 'StorageQuotaExceeded',
    text: (p: P<'action' | 'detail'>) =>
      `storage quota exceeded while ${p.action}${p.detail}; nothing of this write was stored (free space, or call requestPersistence())`,
  },
  /** `detail` is `: <message>` or empty. */
  storageFailed: {
    code: 'StorageError',
    text: (p: P<'action' | 'cause' | 'detail'>) => `storage failed while ${p.action} (${p.cause}${p.detail})`,
  },
  corruptDatabaseKey: {
    code: 'StorageError',
    text: (p: P<'key'>) => `corrupt database: "${p.key}" is missing or not binary`,
  },
  corruptManifest: { code: 'StorageError', text: () => 'corrupt database: unreadable manifest' },
  databaseFormat: {
    code: 'StorageError',
    text: (p: P<'format' | 'expected'>) =>
      `database format ${p.format} is not supported by this version (expected ${p.expected})`,
  },
  corruptLog: {
    code: 'StorageError',
    text: (p: P<'entry' | 'found'>) => `corrupt database: log entry ${p.entry} is missing (found ${p.found})`,
  },
  corruptColumn: {
    code: 'StorageError',
    text: (p: P<'field' | 'segment'>) =>
      `corrupt database: column "${p.field}" of ${p.segment} has the wrong length`,
  },
  corruptRowCount: {
    code: 'StorageError',
    text: (p: P<'collection' | 'got' | 'expected'>) =>
      `corrupt database: collection "${p.collection}" has ${p.got} rows, expected ${p.expected}`,
  },
  corruptSegment: { code: 'StorageError', text: (p: P<'why'>) => `corrupt segment: ${p.why}` },
  noSegmentCodec: { code: 'UnexpectedError', text: (p: P<'type'>) => `no segment codec for ${p.type}` },
  corruptValue: { code: 'StorageError', text: (p: P<'why'>) => `corrupt stored value: ${p.why}` },
  cannotStore: { code: 'StorageError', text: (p: P<'type'>) => `cannot store a ${p.type}` },
  insertedRowMissing: { code: 'UnexpectedError', text: (p: P<'row'>) => `inserted row ${p.row} is missing` },
} as const satisfies Record<string, MessageEntry>;

/** One table entry: the error code and the text, a function of the entry's parameters. */
export interface MessageEntry {
  readonly code: ErrorCode;
  // biome-ignore lint/suspicious/noExplicitAny: entries differ in their parameters
  readonly text: (p: any) => string;
}

export type MessageId = keyof typeof MESSAGES;

/** The parameters message `Id` reads (`{}` for a fixed text). */
export type MessageParams<Id extends MessageId> =
  Parameters<(typeof MESSAGES)[Id]['text']> extends [infer A] ? A : Readonly<Record<string, never>>;

/** Builds the error for message `id`: its code, its text for `params`, and `details` as given. */
export function elanusError<Id extends MessageId>(
  id: Id,
  params: MessageParams<Id>,
  details?: Record<string, unknown>,
): ElanusError {
  const entry: MessageEntry = MESSAGES[id];
  return new ElanusError(entry.code, entry.text(params), details);
}

/** Throws the generic `IllegalArgument` error naming the parameter, what was expected and what came. */
export function invalidParam(name: string, expected: string, got: unknown): never {
  throw elanusError('invalidParam', { name, expected, got }, { param: name });
}
