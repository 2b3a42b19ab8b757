export * from './config';
export * from './connections';
export * from './crypto';
export * from './logger';
export * from './microsoft';
export * from './store';
export * from './infrastructure';
export * from './webhooks';
