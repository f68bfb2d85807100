/**
 * A tokenizer and model (SPLADE's masked-LM head, BGE-M3's extra heads, cross-encoders) loaded once with
 * the runtime's rules (`openModel`) and shared by concurrent callers, plus what the tokenisation needs
 * to know about them (template, longest input, special ids).
 */
import { ElanusError } from '@elanus/core';
import { openModel } from './load.js';
import { SharedLoad } from './shared-load.js';
import { maxInputLength, probeTemplate } from './tokenize.js';
import type {
  EmbeddingDevice,
  EmbeddingDType,
  EncodeOptions,
  LoadedModel,
  ModelHead,
  ModelLike,
  RuntimeInfo,
  Template,
  TokenizerLike,
} from './types.js';

/**
 * A model loaded once and shared by concurrent callers (a failed load is forgotten, so the next call
 * tries again), with progress fanned out to every caller waiting on it.
 */
export class ModelHandle {
  private readonly shared = new SharedLoad<LoadedModel>(() => this.load());

  constructor(
    readonly model_name: string,
    private readonly head: ModelHead,
    private readonly device: EmbeddingDevice,
    private readonly dtype: EmbeddingDType | undefined,
    /** What the model is for, in messages: "SPLADE model", "reranker model"... */
    private readonly role: string,
  ) {}

  get current(): LoadedModel | undefined {
    return this.shared.current;
  }

  /** The device and dtype in use, once loaded. */
  get runtime(): RuntimeInfo | undefined {
    const m = this.shared.current;
    return m ? { device: m.device, dtype: m.dtype } : undefined;
  }

  get(options: EncodeOptions = {}): Promise<LoadedModel> {
    return this.shared.get(`loading ${this.role} ${this.model_name}`, options.signal, options.onProgress);
  }

  dispose(): Promise<void> {
    return this.shared.release((m) => m.model.dispose());
  }

  private async load(): Promise<LoadedModel> {
    const model = this.model_name;
    const emit = this.shared.emit.bind(this.shared);
    const {
      value: [tokenizer, m],
      tf,
      device,
      dtype,
    } = await openModel(
      { model, device: this.device, dtype: this.dtype, role: this.role, emit },
      ({ tf, tokenizerOptions, modelOptions }): Promise<[TokenizerLike, ModelLike]> => {
        const loader =
          this.head === 'masked-lm'
            ? tf.AutoModelForMaskedLM
            : this.head === 'sequence-classification'
              ? tf.AutoModelForSequenceClassification
              : tf.AutoModel;
        return Promise.all([
          tf.AutoTokenizer.from_pretrained(model, tokenizerOptions),
          loader.from_pretrained(model, modelOptions),
        ]);
      },
    );
    const config = (m.config ?? {}) as Record<string, unknown>;
    let template: Template;
    try {
      template = probeTemplate(tokenizer);
    } catch (e) {
      await m.dispose().catch(() => {});
      throw new ElanusError(
        'Unavailable',
        `the tokenizer of ${JSON.stringify(model)} is not supported: ${e instanceof Error ? e.message : String(e)}`,
        { model },
      );
    }
    const inputNames = m.sessions?.model?.inputNames;
    const specialIds = new Set<number>([
      ...template.single.prefix,
      ...template.single.suffix,
      ...[tokenizer.pad_token_id, tokenizer.unk_token_id, tokenizer.eos_token_id].filter(
        (x): x is number => typeof x === 'number',
      ),
    ]);
    const vocabSize = Math.max(
      tokenizer.model?.vocab?.length ?? 0,
      ...(tokenizer.all_special_ids ?? []).map((i) => i + 1),
    );
    emit({ stage: 'load', model, status: 'ready', device, dtype });
    return {
      tokenizer,
      model: m,
      device,
      dtype,
      config,
      template,
      maxLength: maxInputLength(tokenizer, config),
      wantsTokenTypes: inputNames ? inputNames.includes('token_type_ids') : true,
      specialIds,
      vocabSize,
      Tensor: tf.Tensor,
    };
  }
}
