/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';
import unit from './jest.config';

// The end-to-end tier (`npm run test:e2e`): the unit tier's settings, its *.e2e.test.ts files only.
const config: Config = {
  ...unit,
  testMatch: ['<rootDir>/{lib,harness,reference,grader,staff,data}/**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 900_000,
};

export default config;
