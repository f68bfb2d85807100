import type { CollectionSchema } from '../schema/types.js';

/**
 * A typed, read-only view of one column over the collection's internal rows (0..rowCount-1).
 * `nulls[row] === 1` marks a null value for nullable fields.
 */
export type ColumnView =
  | { kind: 'number'; values: ArrayLike<number>; nulls?: Uint8Array | undefined } // Int8/16/32, Float, Double
  | { kind: 'int64'; values: BigInt64Array; nulls?: Uint8Array | undefined }
  | { kind: 'bool'; values: Uint8Array; nulls?: Uint8Array | undefined }
  | { kind: 'string'; values: ArrayLike<string | null> }
  | { kind: 'json'; values: ArrayLike<unknown> } // parsed JSON values; null/undefined = null
  | { kind: 'array'; values: ArrayLike<readonly unknown[] | null> };

/** What a compiled filter reads rows from. */
export interface FilterSource {
  readonly rowCount: number;
  column(field: string): ColumnView | undefined;
  /** The dynamic-field object (`$meta`) of a row, if the collection has dynamic fields. */
  dynamic(row: number): Record<string, unknown> | undefined;
  /**
   * Analyzer for `text_match(field, 'words', minimum_should_match=N)`: true when the row's text has at least
   * N (default 1) of the query's distinct tokens.
   */
  textMatch?(
    field: string,
    query: string,
    minimumShouldMatch?: number,
  ): ((row: number) => boolean) | undefined;
  /**
   * `phrase_match(field, 'phrase', slop)`: bit words over rows `0..rowCount-1` whose text holds the
   * phrase's tokens in order, each within `slop` positions of the previous one (Tantivy's rule).
   */
  phraseMatch?(field: string, query: string, slop: number): Uint32Array | undefined;
}

export type FilterParams = Record<string, unknown>;
export type { CollectionSchema };
