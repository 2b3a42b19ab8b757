export { startEmulator, type Emulator } from './emulator';
export type { StartOptions } from './options';
export { ensureDevCa, type DevCa } from './tls/dev-ca';
export type {
  EmulatorControl,
  AppInfo,
  UserInfo,
  TenantInfo,
  SecretInfo,
  MessageTemplate,
  TokenLifetimes,
} from './control/types';
export type { FaultSpec } from './faults/faults';
export type { DeliveryAttempt } from './notifications/delivery-log';
export type { NotificationControl, SubscriptionInfo } from './notifications/notification-control';
export type { LimitsConfig } from './graph/limits';
export type { DeliverInput } from './mailbox/mail-service';
export type { CountersSnapshot } from './observe/counters';
export type { RequestLogEntry } from './observe/request-log';
export type { UserBehavior, ConsentPolicy } from './state/model';
export { seedSandbox, type SandboxSeed } from './sandbox/seed';
export { serverCertFor, type ServerCert } from './tls/server-cert';
