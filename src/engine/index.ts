/** Public API of the engine (plain TypeScript: no Vue, Rete, Dexie or DOM). */
export * from './types';
export * from './errors';
export * from './params';
export * from './registry';
export * from './defineNode';
export * from './backend';
export * from './signature';
export * from './cache';
export * from './evaluate';
export * from './graph';
export * from './format';
