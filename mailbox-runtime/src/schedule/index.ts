export * from './due-buckets';
export * from './schedule-store';
export * from './sync-schedule';
export * from './subscription-schedule';
export * from './over-minutes-pass';
