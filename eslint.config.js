// One ESLint run for the TypeScript (type-checked) and for both committed GraphQL schemas.
// `npm run lint` runs it; `npm run lint:ts` and `npm run lint:graphql` run one half alone.
import js from '@eslint/js';
import graphql from '@graphql-eslint/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/**
 * Boundaries between the parts of the repository. `no-restricted-imports` matches the import string,
 * not the resolved file, so a relative import that climbs to the repository root is recognised by
 * counting `../` against the importing file's depth: one block per depth.
 */
const MAX_DEPTH = 8;
const up = (n) => `(?:\\.\\./){${n}}`;

/** Blocks for the files `<base>/**` that forbid relative imports reaching `<root>/<folder>` for each forbidden top-level folder. */
function boundary(base, forbidden, message, extra = []) {
  const baseDepth = base.split('/').length;
  return Array.from({ length: MAX_DEPTH - baseDepth + 1 }, (_, i) => {
    const depth = baseDepth + i;
    return {
      name: `boundary/${base}/depth-${depth}`,
      files: [`${base}/${'*/'.repeat(i)}*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns: [{ regex: `^${up(depth)}(?:${forbidden.join('|')})(?:/|$)`, message }, ...extra] }],
      },
    };
  });
}

/**
 * A plugin (`plugins/<name>/src`, `examples/<name>/src`) imports nothing of the host but the plugin API package,
 * `@printernizer-stats/plugin-api`, by name, as a third-party plugin must: no relative import leaves the plugin's
 * folder, the host package itself is off limits, and so are the API's `host` entry and other plugins.
 */
function pluginBoundary() {
  const message = 'A plugin imports nothing of the host but the plugin API, by name: `@printernizer-stats/plugin-api`.';
  return ['plugins', 'examples'].flatMap((base) =>
    Array.from({ length: MAX_DEPTH - 2 }, (_, i) => {
      const depth = 3 + i;
      return {
        name: `boundary/${base}/depth-${depth}`,
        files: [`${base}/*/src/${'*/'.repeat(i)}*.ts`, `${base}/*/test/${'*/'.repeat(i)}*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                // Two levels up from <base>/<name>/src is outside the plugin's package.
                { regex: `^${up(depth - 1)}`, message },
                { regex: '^printernizer-stats(?:/|$)', message },
                {
                  regex: '^@printernizer-stats/plugin-api/host$',
                  message: 'The host entry is for printernizer-stats itself; test with `@printernizer-stats/plugin-api/testing`.',
                },
                { regex: '^@printernizer-stats/(?!plugin-api(?:/|$))', message: 'A plugin does not import another plugin.' },
              ],
            },
          ],
        },
      };
    }),
  );
}

export default defineConfig(
  {
    name: 'ignores',
    ignores: ['node_modules/', '**/node_modules/', 'data/', 'dist/', '**/dist/', '.scratch/', 'clients/**/__generated__/', '**/migrations/*/Migration*.ts'],
  },
  {
    name: 'typescript',
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // codegen.ts belongs to no tsconfig: its own file is the whole project.
      parserOptions: { projectService: { allowDefaultProject: ['codegen.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `async` on a function that does not await is how an interface's Promise is returned and a sync throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // uvu's `test('name', async () => …)` and `node:test`-style registrations return promises the runner awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'uvu', name: ['test', 'run'] }] }],
    },
  },
  {
    name: 'javascript',
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },

  ...boundary('src', ['aggregator'], 'The local API does not import the aggregator: share through common/.'),
  ...boundary('aggregator/src', ['src'], 'The aggregator does not import the local API (src/): share through common/.'),
  ...boundary('common', ['src', 'aggregator'], 'common/ is shared by both services and imports neither of them.'),
  ...pluginBoundary(),
  {
    name: 'boundary/bench-and-scripts',
    files: ['bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?:\\.\\./)+(?:aggregator/)?test/', message: 'bench/ and scripts/ build what they need from the services, not from test helpers.' },
          ],
        },
      ],
    },
  },

  {
    name: 'graphql',
    files: ['**/*.graphql'],
    languageOptions: {
      parser: graphql.parser,
      // One graphql-config for the whole run: the plugin keeps the first config it sees, so per-file configs would mix the schemas.
      parserOptions: {
        graphQLConfig: {
          projects: {
            local: { schema: 'schema.graphql', documents: 'clients/local/*.graphql' },
            aggregator: { schema: 'aggregator/schema.graphql', documents: 'clients/aggregator/*.graphql' },
          },
        },
      },
    },
    plugins: { '@graphql-eslint': graphql },
  },
  {
    name: 'graphql/schemas',
    files: ['schema.graphql', 'aggregator/schema.graphql'],
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      ...graphql.configs['flat/schema-relay'].rules,
      // The issue asks for a description on everything a frontend sees, not only on types and root fields.
      '@graphql-eslint/require-description': [
        'error',
        { types: true, rootField: true, DirectiveDefinition: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true },
      ],
      // Most types are values (counts, summaries, payloads) with no identity to refetch; entities already carry `id: ID!`.
      '@graphql-eslint/strict-id-in-types': 'off',
      // Connections follow the spec; plain lists of values (buckets, counts) are not connections, and there is no Node interface to refetch by.
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false }],
      '@graphql-eslint/naming-convention': [
        'error',
        {
          ...graphql.configs['flat/schema-recommended'].rules['@graphql-eslint/naming-convention'][1],
          // "Printer type" is the domain's word for a kind of printer, not a GraphQL-ism.
          'ObjectTypeDefinition,ObjectTypeExtension': { forbiddenPrefixes: ['Type'] },
        },
      ],
    },
  },
  {
    name: 'graphql/aggregator-schema',
    files: ['aggregator/schema.graphql'],
    // The aggregator has no list that grows without bound (weeks and buckets are capped), so no connection needs a PageInfo.
    rules: { '@graphql-eslint/relay-page-info': 'off' },
  },
  {
    name: 'graphql/operations',
    files: ['clients/**/*.graphql'],
    rules: {
      ...graphql.configs['flat/operations-recommended'].rules,
    },
  },
);
