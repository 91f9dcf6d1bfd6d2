/**
 * Public API of src/storage: the graph library in IndexedDB (the only module that imports
 * dexie) and the sharing formats (graph files with embedded images, graphs in PNG files).
 */
export * from './errors';
export {
  DB_VERSION,
  DEFAULT_DB_NAME,
  PixelLoomDb,
  SCHEMA_V1,
  SCHEMA_V2,
  SCHEMA_V3,
  assetIdsInDoc,
  upgradeGraphRowV1,
  type AssetRow,
  type ComponentRow,
  type GraphRow,
  type GraphRowV1,
  type PixelLoomDbOptions,
  type RevisionReason,
  type RevisionRow,
  type SettingRow,
} from './db';
export * from './componentLibrary';
export * from './library';
export * from './pngGraph';
export * from './share';
