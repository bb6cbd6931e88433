/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// ESM throughout: ts-jest's ESM preset, run under `node --experimental-vm-modules` (see README).
// Type errors are `npm run typecheck`'s job, so ts-jest only transpiles (fast, per file).
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/{lib,harness,reference,grader,staff,data}/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/harness/testing/setup.ts'],
  testTimeout: 120_000,
};

export default config;
