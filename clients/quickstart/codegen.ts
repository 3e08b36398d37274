import type { CodegenConfig } from '@graphql-codegen/cli';

// Types and typed documents for the example queries, generated from the repo's SDL.
// Output (src/gql/) is generated, not committed: run `npx graphql-codegen`.
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['../../examples/*.graphql'],
  ignoreNoDocuments: false,
  // Node ESM (module NodeNext) needs explicit extensions on relative imports.
  importExtension: '.js',
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: {
        // The examples use no fragments, so plain (unmasked) result types.
        fragmentMasking: false,
      },
      config: {
        // Decimal is an exact number sent as a JSON string ("8247.97"): keep it a string.
        scalars: { Decimal: 'string' },
        // Any other custom scalar without a mapping is an error, not a silent `any`.
        strictScalars: true,
        // String-literal unions instead of TS enums: no runtime code, fine with erasable TS.
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
