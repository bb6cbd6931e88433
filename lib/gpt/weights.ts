/**
 * The GPT's weight names and shapes, in one place. Names follow minGPT's state_dict, except that a linear
 * layer's weight is called `kernel` and stored [in, out] (PyTorch's weight transposed), as in the contract:
 *
 *   transformer.wte.weight             [vocabSize, nEmbd]   token embedding
 *   transformer.wpe.weight             [blockSize, nEmbd]   position embedding
 *   transformer.h.{i}.ln_1.weight/bias [nEmbd]              for each block i = 0 .. nLayer−1
 *   transformer.h.{i}.attn.c_attn.kernel [nEmbd, 3·nEmbd], .bias [3·nEmbd]
 *   transformer.h.{i}.attn.c_proj.kernel [nEmbd, nEmbd],   .bias [nEmbd]
 *   transformer.h.{i}.ln_2.weight/bias [nEmbd]
 *   transformer.h.{i}.mlp.c_fc.kernel  [nEmbd, 4·nEmbd],   .bias [4·nEmbd]
 *   transformer.h.{i}.mlp.c_proj.kernel [4·nEmbd, nEmbd],  .bias [nEmbd]
 *   transformer.ln_f.weight/bias       [nEmbd]
 *   lm_head.kernel                     [nEmbd, vocabSize]   no bias, not tied to wte
 *
 * This order is also the order in which the weights are initialised from the Rng (PyTorch's module order).
 * No tfjs here, so the float64 oracle can use it too.
 */
import type { GPTConfig } from '../contract.js';

export type WeightShapes = [name: string, shape: number[]][];

export function blockPrefix(layer: number): string {
  return `transformer.h.${layer}`;
}

export function gptWeightShapes(config: GPTConfig): WeightShapes {
  const { vocabSize: V, blockSize, nLayer, nEmbd: C } = config;
  const shapes: WeightShapes = [
    ['transformer.wte.weight', [V, C]],
    ['transformer.wpe.weight', [blockSize, C]],
  ];
  for (let layer = 0; layer < nLayer; layer++) {
    const h = blockPrefix(layer);
    shapes.push(
      [`${h}.ln_1.weight`, [C]],
      [`${h}.ln_1.bias`, [C]],
      [`${h}.attn.c_attn.kernel`, [C, 3 * C]],
      [`${h}.attn.c_attn.bias`, [3 * C]],
      [`${h}.attn.c_proj.kernel`, [C, C]],
      [`${h}.attn.c_proj.bias`, [C]],
      [`${h}.ln_2.weight`, [C]],
      [`${h}.ln_2.bias`, [C]],
      [`${h}.mlp.c_fc.kernel`, [C, 4 * C]],
      [`${h}.mlp.c_fc.bias`, [4 * C]],
      [`${h}.mlp.c_proj.kernel`, [4 * C, C]],
      [`${h}.mlp.c_proj.bias`, [C]],
    );
  }
  shapes.push(['transformer.ln_f.weight', [C]], ['transformer.ln_f.bias', [C]], ['lm_head.kernel', [C, V]]);
  return shapes;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Checks a GPT configuration: positive integers, nEmbd divisible by nHead. */
export function checkGPTConfig(config: GPTConfig, what = 'GPT config'): GPTConfig {
  for (const key of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd'] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new ConfigError(`${what}: ${key} must be a positive integer, got ${JSON.stringify(value)}`);
    }
  }
  if (config.nEmbd % config.nHead !== 0) {
    throw new ConfigError(`${what}: nEmbd ${config.nEmbd} is not divisible by nHead ${config.nHead}`);
  }
  return config;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
