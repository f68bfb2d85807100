// `#transformers` (package.json `imports`): @huggingface/transformers in Node, its prebuilt browser build
// (dist/vendor) in browsers. Typed structurally by runtime/types.ts `TransformersLike`.
declare module '#transformers' {
  const transformers: unknown;
  export = transformers;
}
