import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, currentBackend, initBackend, parseBackendName, useBackend } from './backend.js';
import { expectNoTensorLeaks, TensorLeakError } from './testing/leaks.js';
import { PROJECT_ROOT } from './submission.js';

describe('backend choice', () => {
  test('the chosen backend is the forced one, or the first of node, wasm, cpu that loads', async () => {
    const chosen = await initBackend();
    const forced = parseBackendName(process.env.EX5_BACKEND);
    if (forced) expect(chosen).toBe(forced);
    else expect(['node', 'wasm']).toContain(chosen); // wasm always loads here, so cpu is never the default
    expect(currentBackend()).toBe(chosen);
  });

  test('an unknown EX5_BACKEND is an error that lists the valid names', () => {
    expect(() => parseBackendName('gpu')).toThrow(
      "EX5_BACKEND='gpu' is not a backend: use one of node, wasm, cpu",
    );
    expect(parseBackendName(undefined)).toBeUndefined();
    for (const name of BACKENDS) expect(parseBackendName(name)).toBe(name);
  });

  test('a backend that cannot load is an error that names it', async () => {
    const chosen = await initBackend();
    try {
      await useBackend('node');
      expect(currentBackend()).toBe('node'); // tfjs-node is installed and works on this machine
    } catch (error) {
      expect(String(error)).toMatch(/^BackendError: backend node cannot load: .+/);
    } finally {
      await useBackend(chosen);
    }
  });

  test('wasm and cpu compute the same numbers (float32 tolerance)', async () => {
    const chosen = await initBackend();
    const compute = () =>
      tf.tidy(() => {
        const a = tf.tensor2d([
          [0.5, -1.25, 2],
          [3, 0.125, -0.75],
        ]);
        const b = tf.tensor2d([
          [1, 2],
          [-0.5, 0.25],
          [0.3, -2],
        ]);
        return tf.concat([tf.matMul(a, b).flatten(), tf.logSoftmax(a).flatten(), tf.exp(a).flatten()]);
      });
    const results: Record<string, Float32Array> = {};
    for (const name of ['wasm', 'cpu'] as const) {
      await useBackend(name);
      const out = compute();
      results[name] = (await out.data()) as Float32Array;
      out.dispose();
    }
    await useBackend(chosen);
    const wasm = Array.from(results.wasm);
    const cpu = Array.from(results.cpu);
    wasm.forEach((value, i) => expect(value).toBeCloseTo(cpu[i], 5));
  });
});

describe('expectNoTensorLeaks', () => {
  test('passes a block that cleans up and fails one that leaks', async () => {
    await expectNoTensorLeaks(() => tf.tidy(() => tf.ones([3]).sum().dataSync()[0]));
    let leaked: tf.Tensor | undefined;
    await expect(
      expectNoTensorLeaks(() => {
        leaked = tf.ones([2]);
      }, 'leaky block'),
    ).rejects.toThrow(TensorLeakError);
    leaked?.dispose();
  });
});

describe('EX5_WASM_THREADS', () => {
  const run = (threads: string) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const tf = await import('@tensorflow/tfjs'); const { initBackend } = await import('./harness/backend.ts');" +
          ' await initBackend(); const a = tf.range(0, 64 * 48).reshape([64, 48]).div(1000);' +
          ' process.stdout.write(JSON.stringify(Array.from(tf.matMul(a, a, false, true).sum(1).dataSync())));',
      ],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { ...process.env, EX5_QUIET_BACKEND: '0', EX5_BACKEND: 'wasm', EX5_WASM_THREADS: threads },
      },
    );

  test('starts the threaded wasm build under Node and computes what one thread does', () => {
    const [one, two] = [run('1'), run('2')];
    expect(two.stderr).toContain('TensorFlow.js backend: wasm (2 threads)');
    expect(two.status).toBe(0);
    const [a, b] = [one, two].map((result) => JSON.parse(result.stdout) as number[]);
    b.forEach((value, i) => expect(value).toBeCloseTo(a[i], 3));
  });

  test('a value that is not a thread count is an error, not a fallback to cpu', () => {
    const result = run('many');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("EX5_WASM_THREADS='many'");
  });
});
