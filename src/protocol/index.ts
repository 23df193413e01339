export * from './team';
export * from './validate';
export * from './compare';
