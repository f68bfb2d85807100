export {
  type BM25Analyzer,
  buildDefaultAnalyzer,
  lowercaseFilter,
  nltkEnglishStem,
  nltkStopwords,
  nltkWordTokenizer,
  PipelineAnalyzer,
  punctuationFilter,
  stemmingFilter,
  stopwordFilter,
  type TextFilter,
  type TextPreprocessor,
} from './analyzer.js';
export { BM25EmbeddingFunction, type BM25Options, type BM25Params } from './bm25.js';
export { sentTokenize } from './nltk/punkt.js';
export { treebankTokenize, wordTokenize } from './nltk/treebank.js';
export { SpladeEmbeddingFunction, type SpladeOptions } from './splade.js';
