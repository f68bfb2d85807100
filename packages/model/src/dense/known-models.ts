/** Models whose output size is known without loading them, and the short names pymilvus accepts. */

export const DEFAULT_MODEL_NAME = 'sentence-transformers/all-MiniLM-L6-v2';

interface KnownModel {
  dim: number;
  /** sentence-transformers' `max_seq_length`, which can be shorter than the tokenizer's limit. */
  maxSeqLength: number;
}

const KNOWN: Readonly<Record<string, KnownModel>> = {
  'sentence-transformers/all-MiniLM-L6-v2': { dim: 384, maxSeqLength: 256 },
  'Xenova/all-MiniLM-L6-v2': { dim: 384, maxSeqLength: 256 },
  'sentence-transformers/all-MiniLM-L12-v2': { dim: 384, maxSeqLength: 256 },
  'Xenova/all-MiniLM-L12-v2': { dim: 384, maxSeqLength: 256 },
  'sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2': { dim: 384, maxSeqLength: 128 },
  'Xenova/paraphrase-multilingual-MiniLM-L12-v2': { dim: 384, maxSeqLength: 128 },
};

/**
 * pymilvus (sentence-transformers) accepts `all-MiniLM-L6-v2` for `sentence-transformers/all-MiniLM-L6-v2`;
 * so do we, so that the same names work in both.
 */
export function resolveModelName(name: string): string {
  if (name.includes('/')) return name;
  const full = `sentence-transformers/${name}`;
  return full in KNOWN ? full : name;
}

export function knownModel(name: string): KnownModel | undefined {
  return KNOWN[resolveModelName(name)];
}
