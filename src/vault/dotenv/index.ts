// .env files: parsing with dotenv's grammar, writing values that read back byte-identical,
// and the files themselves (moving them into and out of scopes is in usecases/dotenv.ts).
export * from './parse';
export * from './format';
export * from './file';
