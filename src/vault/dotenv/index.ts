// .env files: parsing with dotenv's grammar, writing values that read back byte-identical,
// moving them into and out of scopes, and the `sync` template.
export * from './parse';
export * from './format';
export * from '../usecases/dotenv';
export * from '../usecases/sync';
export * from './file';
