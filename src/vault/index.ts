// The vault's public surface is its use-case layer: see usecases/index.ts.
export * from './usecases';
