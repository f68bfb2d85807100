/** The demo's one collection: WordNet glosses and the user's own chunks, side by side. */
import { type CreateCollectionReq, FunctionType } from '@elanus/core';

export const COLLECTION = 'documents';
export const DIM = 384;

/** HNSW for the dense vectors (the approximate index a real Milvus would use), BM25 for the text. */
export const DENSE_INDEX = {
  index_type: 'HNSW',
  metric_type: 'COSINE',
  params: { M: 16, efConstruction: 64 },
};
export const SPARSE_INDEX = {
  index_type: 'SPARSE_INVERTED_INDEX',
  metric_type: 'BM25',
  params: { bm25_k1: 1.2, bm25_b: 0.75 },
};
/** Search-time HNSW breadth: above the largest page of results, so every hit comes from a real candidate list. */
export const SEARCH_EF = 128;

/** A row as inserted (the sparse BM25 vector is computed by the collection's function, not given). */
export interface DocRow {
  id: string;
  title: string;
  text: string;
  /** noun | verb | adj | adv for WordNet; text for the user's documents. */
  pos: string;
  /** WordNet lexicographer file (noun.animal, verb.motion...), or user.<file type>. */
  category: string;
  source: 'wordnet' | 'user';
  lemmas: string[];
  /** How often the synset's senses occur in WordNet's sense-tagged corpora (0 for user documents). */
  freq: number;
  n_words: number;
  /** Chunk number inside its document (0 for WordNet). */
  chunk: number;
  dense: Float32Array;
}

/** Fields returned with every hit. */
export const OUTPUT_FIELDS = [
  'title',
  'text',
  'pos',
  'category',
  'source',
  'lemmas',
  'freq',
  'n_words',
  'chunk',
];

/** Field names and types shown next to the filter box. */
export const FILTER_FIELDS: ReadonlyArray<[string, string]> = [
  ['pos', 'VarChar'],
  ['category', 'VarChar'],
  ['source', 'VarChar'],
  ['title', 'VarChar'],
  ['text', 'VarChar'],
  ['lemmas', 'Array<VarChar>'],
  ['freq', 'Int32'],
  ['n_words', 'Int32'],
  ['chunk', 'Int32'],
];

export function collectionSchema(): CreateCollectionReq {
  return {
    collection_name: COLLECTION,
    description: 'Elanus demo: WordNet 3.0 glosses and user documents',
    fields: [
      { name: 'id', data_type: 'VarChar', is_primary_key: true, max_length: 64 },
      { name: 'title', data_type: 'VarChar', max_length: 256 },
      {
        name: 'text',
        data_type: 'VarChar',
        max_length: 4096,
        enable_analyzer: true,
        enable_match: true,
        // Stemming and stop words, so "barking dogs" matches "the dog barked".
        analyzer_params: { type: 'english' },
      },
      { name: 'pos', data_type: 'VarChar', max_length: 16 },
      { name: 'category', data_type: 'VarChar', max_length: 64 },
      { name: 'source', data_type: 'VarChar', max_length: 16 },
      { name: 'lemmas', data_type: 'Array', element_type: 'VarChar', max_capacity: 8, max_length: 64 },
      { name: 'freq', data_type: 'Int32' },
      { name: 'n_words', data_type: 'Int32' },
      { name: 'chunk', data_type: 'Int32' },
      { name: 'sparse', data_type: 'SparseFloatVector' },
      { name: 'dense', data_type: 'FloatVector', dim: DIM },
    ],
    functions: [
      {
        name: 'text_bm25',
        type: FunctionType.BM25,
        input_field_names: ['text'],
        output_field_names: ['sparse'],
      },
    ],
    index_params: [
      { field_name: 'dense', ...DENSE_INDEX },
      { field_name: 'sparse', ...SPARSE_INDEX },
    ],
  } as CreateCollectionReq;
}
