// HTTP pieces both Fastify services use; a subpath of its own so the workers never load Fastify.
export { limitFailedAuth, type FailedAuthLimit } from './failed-auth-limit';
