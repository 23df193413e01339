// Only x25519 of @noble/curves' ed25519 module, so the bundler can drop the rest.
export { x25519 } from '@noble/curves/ed25519.js';
