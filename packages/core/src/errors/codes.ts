/**
 * One table of error codes (Milvus names and numeric codes) with parameterised messages.
 * Numeric codes follow the Milvus server's `merr` package where one exists.
 */
const ERROR_CODES = {
  UnexpectedError: 'UnexpectedError',
  IllegalArgument: 'IllegalArgument',
  ParameterInvalid: 'ParameterInvalid',
  CollectionNotExists: 'CollectionNotExists',
  DatabaseNotFound: 'DatabaseNotFound',
  CollectionAlreadyExists: 'CollectionAlreadyExists',
  PartitionNotExists: 'PartitionNotExists',
  PartitionAlreadyExists: 'PartitionAlreadyExists',
  IndexNotExist: 'IndexNotExist',
  IndexAlreadyExists: 'IndexAlreadyExists',
  SchemaMismatch: 'SchemaMismatch',
  DataTypeMismatch: 'DataTypeMismatch',
  DimensionMismatch: 'DimensionMismatch',
  FieldNotExists: 'FieldNotExists',
  PrimaryKeyMissing: 'PrimaryKeyMissing',
  DuplicatePrimaryKey: 'DuplicatePrimaryKey',
  MaxLengthExceeded: 'MaxLengthExceeded',
  InvalidFilter: 'InvalidFilter',
  CollectionNotLoaded: 'CollectionNotLoaded',
  AliasNotFound: 'AliasNotFound',
  AliasCollectionNameConflict: 'AliasCollectionNameConflict',
  AliasAlreadyExists: 'AliasAlreadyExists',
  NotImplemented: 'NotImplemented',
  StorageError: 'StorageError',
  StorageQuotaExceeded: 'StorageQuotaExceeded',
  WorkerTerminated: 'WorkerTerminated',
  Aborted: 'Aborted',
  ReadOnly: 'ReadOnly',
  RemoteError: 'RemoteError',
  Unavailable: 'Unavailable',
} as const;

/** The code an `ElanusError` carries. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * Error-code names, plus the SDK's `SUCCESS` so that `res.status.error_code === ErrorCode.SUCCESS`
 * reads as it does with `@zilliz/milvus2-sdk-node` (no error carries it).
 */
export const ErrorCode: Readonly<typeof ERROR_CODES & { SUCCESS: 'Success' }> = Object.freeze({
  SUCCESS: 'Success',
  ...ERROR_CODES,
});

/** Milvus numeric status codes (merr), reported as `status.code`. */
export const ErrorNumber: Readonly<Record<ErrorCode, number>> = Object.freeze({
  UnexpectedError: 1,
  IllegalArgument: 1100,
  ParameterInvalid: 1100,
  CollectionNotExists: 100,
  DatabaseNotFound: 800,
  CollectionAlreadyExists: 1100,
  PartitionNotExists: 200,
  PartitionAlreadyExists: 1100,
  IndexNotExist: 700,
  IndexAlreadyExists: 1100,
  SchemaMismatch: 1100,
  DataTypeMismatch: 1100,
  DimensionMismatch: 1100,
  FieldNotExists: 1100,
  PrimaryKeyMissing: 1100,
  DuplicatePrimaryKey: 1100,
  MaxLengthExceeded: 1100,
  InvalidFilter: 1100,
  CollectionNotLoaded: 101,
  AliasNotFound: 1600,
  AliasCollectionNameConflict: 1601,
  AliasAlreadyExists: 1602,
  NotImplemented: 1,
  StorageError: 1,
  StorageQuotaExceeded: 1,
  WorkerTerminated: 1,
  Aborted: 1,
  ReadOnly: 1,
  RemoteError: 1,
  Unavailable: 2,
});

type Msg = (p: Record<string, unknown>) => string;

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === undefined) return 'undefined';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
};

/** Parameterised messages, keyed by a message id. Each names the parameter, what was expected and what came. */
export const messages = {
  invalidParam: ((p) => `invalid parameter ${p.name}: expected ${p.expected}, got ${show(p.got)}`) as Msg,
  collectionNotExists: ((p) => `collection not found[collection=${p.collection}]`) as Msg,
  collectionExists: ((p) => `collection already exists[collection=${p.collection}]`) as Msg,
  partitionNotExists: ((p) => `partition not found[partition=${p.partition}]`) as Msg,
  partitionExists: ((p) => `partition already exists[partition=${p.partition}]`) as Msg,
  fieldNotExists: ((p) => `field ${show(p.field)} does not exist in collection ${show(p.collection)}`) as Msg,
  dimMismatch: ((p) =>
    `the dim (${p.got}) of field data(${p.field}) is not equal to schema dim (${p.expected})`) as Msg,
  typeMismatch: ((p) =>
    `field ${show(p.field)} of row ${p.row}: expected ${p.expected}, got ${show(p.got)}`) as Msg,
  maxLength: ((p) =>
    `field ${show(p.field)} of row ${p.row}: length ${p.got} exceeds max_length ${p.expected}`) as Msg,
  pkMissing: ((p) => `row ${p.row}: primary key field ${show(p.field)} is missing`) as Msg,
  unknownField: ((p) =>
    `row ${p.row}: field ${show(p.field)} is not in the schema and the collection has no dynamic field`) as Msg,
} satisfies Record<string, Msg>;

/** Filter-expression messages: filter/ builds every `InvalidFilter` error from these. */
export const filterMessages = {
  /** `expr` is the (possibly shortened) expression, `reason` what is wrong, `column` 1-based. */
  invalidFilter: ((p) => `cannot parse expression: \`${p.expr}\`, ${p.reason} (column ${p.column})`) as Msg,
  textMatchUnavailable: ((p) =>
    `text_match on field ${show(p.field)} is not available: the collection has no analyzer for it`) as Msg,
} satisfies Record<string, Msg>;
