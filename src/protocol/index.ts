export * from './team';
export * from './validate';
