// ESLint for TypeScript (typescript-eslint's recommended rules); formatting is Prettier's job.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'coverage/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // equivalents imitate students' correct code, `const self = this;` included (staff/README.md)
  { files: ['staff/equivalents/**'], rules: { '@typescript-eslint/no-this-alias': 'off' } },
);
