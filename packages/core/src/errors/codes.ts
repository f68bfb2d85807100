/**
 * Error codes (Milvus names and numeric codes); the messages are in `messages.ts`.
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
