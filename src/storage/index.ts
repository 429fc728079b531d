export type { ObjectStore, ObjectMeta } from './object-store.js';
export { joinKey } from './object-store.js';
export { openStore, registerStore, schemeOf, type StoreFactory } from './open-store.js';
export { LocalStore } from './local-store.js';
export { MemoryStore } from './memory-store.js';
export {
  StorageErrorCode,
  StorageError,
  ObjectNotFoundError,
  UnsupportedStoreError,
  StorageIoError,
} from './errors.js';
