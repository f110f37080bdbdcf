// Typed clients generated from the two committed schemas, the way a frontend would (client preset).
// `npm run codegen` writes clients/*/__generated__/ (gitignored) and compiles clients/ under `tsc --strict`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const client = (schema: string, dir: string): CodegenConfig['generates'][string] => ({
  schema,
  documents: `${dir}/*.graphql`,
  preset: 'client',
  // Fragments here share selections between operations; masking them would only add `useFragment` calls.
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    // A scalar missing from this map fails the generation instead of silently becoming `any`.
    strictScalars: true,
    scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown' },
  },
});

const config: CodegenConfig = {
  overwrite: true,
  // ESM with NodeNext resolution: generated relative imports need their `.js` extension.
  emitLegacyCommonJSImports: false,
  generates: {
    'clients/local/__generated__/': client('schema.graphql', 'clients/local'),
    'clients/aggregator/__generated__/': client('aggregator/schema.graphql', 'clients/aggregator'),
  },
};

export default config;
