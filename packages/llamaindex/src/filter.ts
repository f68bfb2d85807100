// LlamaIndex MetadataFilters → a Milvus filter expression over the store's JSON metadata field.

import { ElanusError } from '@elanus/core';
import type { MetadataFilter, MetadataFilters } from '@llamaindex/core/vector-store';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bad(f: MetadataFilter, expected: string): never {
  throw new ElanusError(
    'IllegalArgument',
    `invalid parameter filters (${f.key} ${f.operator}): expected ${expected}, got ${JSON.stringify(f.value) ?? 'nothing'}`,
    { param: 'filters' },
  );
}

function scalar(f: MetadataFilter): string {
  const v = f.value;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return bad(f, 'a string or a finite number');
}

function list(f: MetadataFilter): string {
  const v = f.value;
  if (!Array.isArray(v)) return bad(f, 'an array of strings or numbers');
  return `[${v.map((x) => scalar({ ...f, value: x })).join(', ')}]`;
}

/**
 * Each LlamaIndex operator as the Milvus expression of the same meaning. Keys are identifiers and values
 * are quoted, so filters built from user input cannot change the expression's shape.
 */
export function toMilvusFilter(filters: MetadataFilters | undefined, metadataField: string): string {
  if (!filters?.filters?.length) return '';
  const parts = filters.filters.map((f) => {
    if (typeof f.key !== 'string' || !KEY.test(f.key)) {
      throw new ElanusError(
        'IllegalArgument',
        `invalid parameter filters: expected metadata keys made of letters, digits and _, got ${JSON.stringify(f.key)}`,
        { param: 'filters' },
      );
    }
    const field = `${metadataField}[${JSON.stringify(f.key)}]`;
    switch (f.operator) {
      case '==':
      case '!=':
      case '>':
      case '<':
      case '>=':
      case '<=':
        return `${field} ${f.operator} ${scalar(f)}`;
      case 'in':
        return `${field} in ${list(f)}`;
      case 'nin':
        return `${field} not in ${list(f)}`;
      case 'contains':
        return `json_contains(${field}, ${scalar(f)})`;
      case 'any':
        return `json_contains_any(${field}, ${list(f)})`;
      case 'all':
        return `json_contains_all(${field}, ${list(f)})`;
      case 'is_empty':
        return `(not exists ${field} or array_length(${field}) == 0)`;
      case 'text_match':
        return `${field} like ${JSON.stringify(`%${String(f.value ?? '').replace(/[%_\\]/g, '\\$&')}%`)}`;
      default:
        throw new ElanusError(
          'IllegalArgument',
          `invalid parameter filters: operator ${JSON.stringify(f.operator)} is not one of LlamaIndex's FilterOperator values`,
          { param: 'filters' },
        );
    }
  });
  const joiner = filters.condition === 'or' ? ' or ' : ' and ';
  return parts.map((p) => `(${p})`).join(joiner);
}
