export * from './due-buckets';
export * from './schedule-store';
