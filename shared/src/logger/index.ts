export { createLogger, type Logger, type LoggerConfig } from './create-logger';
export { redact, redactString, REDACTED } from './redact';
