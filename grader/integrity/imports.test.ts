import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkImports,
  checkSource,
  forfeitedParts,
  formatViolations,
  importCheckNotes,
  isAllowedSpecifier,
} from './imports.js';

const check = (source: string) => checkSource(source, 'gmm.ts', 'gmm');
/** `line: code` of each violation, the shortest way to compare. */
const found = (source: string) => check(source).map((v) => `${v.line}: ${v.code}`);

describe('the allowed-imports rule', () => {
  test('tfjs and ../lib/ imports of every form are allowed', () => {
    const source = [
      "import * as tf from '@tensorflow/tfjs';",
      "import type { GMM, GMMParameters } from '../lib/contract.js';",
      "import { Rng } from '../lib/random.js';",
      "export type { Rng } from '../lib/random.js';",
      'export class Model { constructor(private readonly x: tf.Tensor) {} }',
      'const options = { process: 1, require: 2 };',
      'const { process: renamed } = options;',
      'type Callback = Function;',
      'export const y = options.process + renamed + this_is_fine();',
      'function this_is_fine(): number { return 1; }',
    ].join('\n');
    expect(check(source)).toEqual([]);
  });

  test('names the submission declares are its own, scope by scope, even where a global has that name', () => {
    const source = [
      'export class Model {',
      '  update(module: number): number {',
      '    const self = this;',
      '    const process = (global: number) => global * module;',
      '    return process(self.value());',
      '  }',
      '  value(): number { return 1; }',
      '}',
      'function fetch(window: string): string { return window; }',
      'export const z = fetch("x");',
    ].join('\n');
    expect(found(source)).toEqual([]);
    // the same names used where no declaration of the file reaches them are the globals again
    const escaping = [
      'function a(process: number): number { return process; }',
      'function b(): unknown { return process.env; }',
      'const c = () => { const self = 1; return self; };',
      'const d = () => self;',
    ].join('\n');
    expect(found(escaping)).toEqual(['2: process', '4: self']);
  });

  test('other packages and Node built-ins are reported with their line', () => {
    const source = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { readFileSync } from 'node:fs';",
      "import cp from 'child_process';",
      "import * as core from '@tensorflow/tfjs-core';",
      "export * from 'worker_threads';",
      "import '../lib/../fixtures/gmm.json';",
      "import { x } from './helpers.js';",
    ].join('\n');
    expect(found(source)).toEqual([
      "2: import { readFileSync } from 'node:fs';",
      "3: import cp from 'child_process';",
      "4: import * as core from '@tensorflow/tfjs-core';",
      "5: export * from 'worker_threads';",
      "6: import '../lib/../fixtures/gmm.json';",
      "7: import { x } from './helpers.js';",
    ]);
    expect(check(source)[0].reason).toBe(
      "'node:fs' is not allowed; @tensorflow/tfjs and ../lib/... may be imported",
    );
  });

  test('require, dynamic import and the globals that reach the runtime are reported', () => {
    const source = [
      "const fs = require('fs');",
      "const name = 'f' + 's'; await import(name);",
      "await import('@tensorflow/tfjs');",
      "import os = require('os');",
      "process.binding('fs');",
      'globalThis.x = 1;',
      "eval('1');",
      "new Function('return 1')();",
      "(() => 0).constructor('return this')();",
      "const f = (() => 0)['constructor'];",
      "fetch('http://example.org');",
      'const u = import.meta.url;',
      "type T = import('node:fs').Stats;",
    ].join('\n');
    expect(found(source)).toEqual([
      '1: require',
      '2: import(name)',
      "3: import('@tensorflow/tfjs')",
      "4: import os = require('os');",
      '5: process',
      '6: globalThis',
      '7: eval',
      '8: Function',
      '9: (() => 0).constructor',
      "10: (() => 0)['constructor']",
      '11: fetch',
      '12: import.meta',
      "13: import('node:fs').Stats",
    ]);
  });

  test('only ../lib/ paths that stay inside lib/ and exactly @tensorflow/tfjs are allowed', () => {
    expect(isAllowedSpecifier('@tensorflow/tfjs')).toBe(true);
    expect(isAllowedSpecifier('../lib/contract.js')).toBe(true);
    expect(isAllowedSpecifier('../lib/gpt/model.js')).toBe(true);
    expect(isAllowedSpecifier('../lib/../reference/gmm.js')).toBe(false);
    expect(isAllowedSpecifier('../libx/a.js')).toBe(false);
    expect(isAllowedSpecifier('@tensorflow/tfjs-node')).toBe(false);
    expect(isAllowedSpecifier('../reference/gmm.js')).toBe(false);
  });
});

describe('checkImports on a folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ex5-imports-'));
    writeFileSync(
      path.join(dir, 'gmm.ts'),
      "import * as tf from '@tensorflow/tfjs';\nexport const a = tf;\n",
    );
    writeFileSync(path.join(dir, 'umm.ts'), "// a comment\nimport { readFileSync } from 'fs';\n");
    writeFileSync(path.join(dir, 'training.ts'), "export const b = 1;\nexport const c = process.env['X'];\n");
    writeFileSync(path.join(dir, 'notes.ts'), "import 'fs';\n"); // not a submission file: not checked
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reports each violation with file, line and import; skips missing and extra files', () => {
    const violations = checkImports(dir);
    expect(formatViolations(violations)).toEqual([
      "umm.ts:2:1 import { readFileSync } from 'fs'; — 'fs' is not allowed; @tensorflow/tfjs and ../lib/... may be imported",
      'training.ts:2:18 process — process is not allowed (it reaches the file system and native code)',
    ]);
    expect([...forfeitedParts(violations)]).toEqual(['umm', 'training']);
  });

  test('the score table gets one line when clean and a line per violation otherwise', () => {
    expect(importCheckNotes([])).toEqual([
      'Import check: passed (only @tensorflow/tfjs and ../lib/ are imported).',
    ]);
    const notes = importCheckNotes(checkImports(dir));
    expect(notes).toHaveLength(3);
    expect(notes[0]).toBe(
      'Import check: FAILED — umm.ts, training.ts not graded (0 points for the tests that need them); ' +
        'only @tensorflow/tfjs and ../lib/... may be imported.',
    );
  });
});
