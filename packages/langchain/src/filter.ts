// LangChain metadata filters → Milvus filter expressions over the store's JSON metadata field.

import { ElanusError } from '@elanus/core';

/** `{ key: value }` (equality), `{ key: [a, b] }` (any of), or a Milvus expression string. */
export type MetadataFilter = Record<string, string | number | boolean | (string | number)[]>;

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function literal(v: unknown, key: string): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new ElanusError(
    'IllegalArgument',
    `invalid parameter filter.${key}: expected a string, a finite number or a boolean, got ${JSON.stringify(v) ?? typeof v}`,
    { param: `filter.${key}` },
  );
}

/**
 * Translates a filter to a Milvus expression on `metadataField`; a string passes through unchanged (it is
 * already an expression, e.g. `metadata["year"] > 1990`). Keys are restricted to identifiers, values are
 * quoted, so a filter built from user input cannot change the expression's shape.
 */
export function toMilvusFilter(filter: MetadataFilter | string | undefined, metadataField: string): string {
  if (filter === undefined) return '';
  if (typeof filter === 'string') return filter;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new ElanusError(
      'IllegalArgument',
      `invalid parameter filter: expected an object of metadata values or an expression string, got ${Array.isArray(filter) ? 'an array' : typeof filter}`,
      { param: 'filter' },
    );
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (!KEY.test(key)) {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter filter: expected metadata keys made of letters, digits and _, got ${JSON.stringify(key)}`,
        { param: 'filter' },
      );
    }
    const field = `${metadataField}[${JSON.stringify(key)}]`;
    if (Array.isArray(value)) {
      if (value.length === 0) return 'false';
      parts.push(`${field} in [${value.map((v) => literal(v, key)).join(', ')}]`);
    } else {
      parts.push(`${field} == ${literal(value, key)}`);
    }
  }
  return parts.join(' and ');
}
