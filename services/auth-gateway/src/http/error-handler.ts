import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError } from './api-error';
import { OUTAGE_RETRY_AFTER_SEC, unavailableDependency, type DependencyState } from './dependency-errors';

export interface FieldIssue {
  field: string;
  reason: string;
}

/** `body.scopePreset` from fastify's validation context and instance path. */
export function fieldName(context: string | undefined, instancePath: string): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [context, path].filter(Boolean).join('.') || '(request)';
}

/** Bad input answers 400 naming each field; our ApiErrors answer as declared; anything else is a 500 without details. */
export function installErrorHandler(
  app: FastifyInstance,
  dependencies: () => DependencyState = () => ({ store: true, redis: true }),
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const context = (err as { validationContext?: string }).validationContext;
      const issues: FieldIssue[] = err.validation.map((v) => ({
        field: fieldName(context, v.instancePath),
        reason: v.message ?? 'invalid',
      }));
      return reply.code(400).send({
        error: 'invalid_request',
        message: issues.map((i) => `${i.field}: ${i.reason}`).join('; '),
        issues,
      });
    }
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).send({ error: err.code, message: err.message, ...(err.details ?? {}) });
    }
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      return reply.code(413).send({
        error: 'body_too_large',
        message: `the body is larger than this route accepts: at most ${limit} bytes`,
        limitBytes: limit,
      });
    }
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, body too large.
      return reply.code(status).send({ error: err.code ?? 'bad_request', message: err.message });
    }
    const dependency = unavailableDependency(err, dependencies());
    if (dependency) {
      // Logged once per outage by the dependency watch, not once per request.
      return reply
        .code(503)
        .header('retry-after', String(OUTAGE_RETRY_AFTER_SEC))
        .send({
          error: 'dependency_unavailable',
          dependency,
          message: `${dependency === 'store' ? 'The store' : 'Redis'} is unavailable for now; retry after ${OUTAGE_RETRY_AFTER_SEC} s.`,
        });
    }
    if (err.code === 'FST_ERR_HANDLER_TIMEOUT') {
      request.log.warn({ method: request.method, route: request.routeOptions.url }, 'request timed out');
      return reply
        .code(503)
        .header('retry-after', String(OUTAGE_RETRY_AFTER_SEC))
        .send({ error: 'timeout', message: 'The request took too long; retry later.' });
    }
    // Once, with the route but not the body (log lines cap what they carry: shared/src/logger/redact.ts).
    request.log.error({ err, method: request.method, route: request.routeOptions.url }, 'unhandled error');
    return reply.code(500).send({ error: 'internal_error', message: 'Something went wrong on our side.' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
