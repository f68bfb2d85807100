export { type Analyzer, createAnalyzer } from './analyzer.js';
export { asciiFold } from './ascii-folding.js';
export { englishStem, lengthFilter, lowercase, stopFilter, type TokenFilter } from './filters.js';
export { ENGLISH_STOP_WORDS } from './stop-words.js';
export { bm25Vector, TermDictionary } from './term-dictionary.js';
export { standardTokenizer, type Tokenizer, uax29Tokenizer, whitespaceTokenizer } from './tokenizers.js';
