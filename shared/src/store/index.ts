export { closeStore, connectStore, describeStoreUrl, StoreUnreachableError, type StoreOptions } from './connect';
export { isDuplicateKeyError } from './duplicate-key';
export * from './models';
export { fileOnSchedule } from './schedule-entry';
export { groupedUpserts, type BulkWritable } from './grouped-upserts';
