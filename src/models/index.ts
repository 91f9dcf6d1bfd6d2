/** Model manifest types and browser model-file access (Node file access: ./nodeIO). */
export * from './manifest';
export { fetchModelFile, modelFileUrl } from './browser';
