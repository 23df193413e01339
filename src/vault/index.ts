// The public surface of the vault: what the CLI and the extension import.
export * from './errors';
export * from './dataDir';
export * from './format/access';
export * from './format/projectConfig';
export * from './format/store';
export * from './project';
export * from './projectKey';
export * from './secrets';
export * from './init';
export * from './scopes';
export * from './identity';
export * from './members';
export * from './rotation';
export * from './artifacts';
