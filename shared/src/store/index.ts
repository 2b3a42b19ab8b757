export { closeStore, connectStore, describeStoreUrl, StoreUnreachableError, type StoreOptions } from './connect';
export * from './models';
