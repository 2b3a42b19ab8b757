export * from './config';
export * from './crypto';
export * from './logger';
export * from './store';
