/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// ESM throughout: ts-jest's ESM preset, run under `node --experimental-vm-modules` (see README).
// Type errors are `npm run typecheck`'s job, so ts-jest only transpiles (fast, per file).
// This is the unit tier (`npm test`); jest.e2e.config.ts, the end-to-end tier (`npm run test:e2e`),
// runs the *.e2e.test.ts files: whole commands and the grading pipeline in real processes.
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/{lib,harness,reference,grader,staff,data}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
  setupFilesAfterEnv: ['<rootDir>/harness/testing/setup.ts'],
  testTimeout: 120_000,
};

export default config;
