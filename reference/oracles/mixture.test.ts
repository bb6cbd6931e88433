/** The oracle's analytic gradients against central differences of its own float64 log-likelihood. */
import type { GMMParameters, UMMParameters } from '../../lib/contract.js';
import { Rng } from '../../lib/random.js';
import { gmmLogLikelihood, gmmLossGradients, ummLogLikelihood, ummLossGradients } from './mixture.js';

type Table = number[] | number[][];

/** Central difference of the loss −mean log p(x) in every entry of every field, as the fields' shapes. */
function finiteDifferences<P extends object>(
  parameters: P,
  logLikelihood: (p: P, x: number[][]) => number[],
  x: number[][],
  step: number,
): P {
  const loss = (p: P) => -logLikelihood(p, x).reduce((a, b) => a + b, 0) / x.length;
  const result = structuredClone(parameters) as Record<string, Table>;
  for (const field of Object.keys(result)) {
    const shifted = (index: number[], delta: number) => {
      const copy = structuredClone(parameters) as Record<string, Table>;
      if (index.length === 1) (copy[field] as number[])[index[0]] += delta;
      else (copy[field] as number[][])[index[0]][index[1]] += delta;
      return loss(copy as P);
    };
    const difference = (index: number[]) => (shifted(index, step) - shifted(index, -step)) / (2 * step);
    const table = result[field];
    table.forEach((entry, k) => {
      if (Array.isArray(entry)) entry.forEach((_, d) => (entry[d] = difference([k, d])));
      else (table as number[])[k] = difference([k]);
    });
  }
  return result as P;
}

function expectSameGradients<P extends object>(analytic: P, numeric: P): void {
  for (const [field, table] of Object.entries(numeric) as [string, Table][]) {
    const exact = (analytic as Record<string, Table>)[field].flat();
    table.flat().forEach((value, i) => {
      if (!(Math.abs(exact[i] - value) <= 1e-6 * Math.max(1, Math.abs(value))))
        throw new Error(`d loss / d ${field}[${i}]: analytic ${exact[i]}, finite differences ${value}`);
    });
  }
}

describe('the oracle gradients', () => {
  test('GMM: every parameter, against finite differences', () => {
    const rng = new Rng(3);
    const K = 4;
    const parameters: GMMParameters = {
      logits: Array.from({ length: K }, () => rng.normal()),
      means: Array.from({ length: K }, () => [rng.normal(), rng.normal()]),
      logVariances: Array.from({ length: K }, () => [rng.normal() - 0.5, rng.normal() - 0.5]),
    };
    const x = Array.from({ length: 30 }, () => [1.5 * rng.normal(), 1.5 * rng.normal()]);
    expectSameGradients(
      gmmLossGradients(parameters, x),
      finiteDifferences(parameters, gmmLogLikelihood, x, 1e-6),
    );
  });

  test('UMM: zero for the centres, the responsibility-weighted share inside for the log-sizes', () => {
    const parameters: UMMParameters = {
      logits: [0.3, -0.5, 1],
      centers: [
        [0, 0],
        [0.4, 0.2],
        [3, 3],
      ],
      logSizes: [
        [0, Math.log(1.5)],
        [Math.log(0.8), 0],
        [0, 0],
      ],
    };
    // inside one box, inside two overlapping boxes, inside the third, outside every box
    const x = [
      [-0.4, -0.6],
      [0.3, 0.1],
      [0.2, 0.4],
      [3.1, 2.8],
      [10, -10],
    ];
    const gradients = ummLossGradients(parameters, x);
    expect(gradients.centers.flat()).toEqual([0, 0, 0, 0, 0, 0]);
    // a larger step: the outside point's −1e6 leaves float64 rounding of ~1e-11 in every loss
    expectSameGradients(gradients, finiteDifferences(parameters, ummLogLikelihood, x, 1e-4));
  });
});
