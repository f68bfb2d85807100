import type { DenseMetric } from '../types.js';
import { METRIC_CODE } from '../types.js';
import type { GpuDevice, GpuPipeline } from './gpu-api.js';
import { SELECT_SEQ_WGSL, SELECT_SORT_WGSL, scoreShader } from './shaders.js';

/** Compute pipelines, compiled on first use and kept for the device's lifetime. */
export class Pipelines {
  private readonly cache = new Map<string, GpuPipeline>();

  constructor(private readonly gpu: GpuDevice) {}

  /** The scoring pass for `metric`, reading rows as vec4s or floats, `qpb` queries per invocation. */
  score(metric: DenseMetric, vec4Rows: boolean, qpb: 4 | 8): GpuPipeline {
    const key = `${metric}/${vec4Rows}/${qpb}`;
    let p = this.cache.get(key);
    if (!p) {
      const module = this.gpu.createShaderModule({ code: scoreShader(vec4Rows, qpb), label: 'elanus score' });
      p = this.gpu.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'score_main', constants: { METRIC: METRIC_CODE[metric] } },
      });
      this.cache.set(key, p);
    }
    return p;
  }

  /** The selection pass: by insertion (`sequential`) or by bitonic sort of tiles. */
  select(sequential: boolean): GpuPipeline {
    const key = sequential ? 'select/seq' : 'select/sort';
    let p = this.cache.get(key);
    if (!p) {
      const code = sequential ? SELECT_SEQ_WGSL : SELECT_SORT_WGSL;
      p = this.gpu.createComputePipeline({
        layout: 'auto',
        compute: {
          module: this.gpu.createShaderModule({ code, label: 'elanus select' }),
          entryPoint: 'select_main',
        },
      });
      this.cache.set(key, p);
    }
    return p;
  }
}
