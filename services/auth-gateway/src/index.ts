export { buildGateway } from './build-gateway';
export { closeGatewayDeps, createGatewayDeps, type CreateGatewayDepsOptions, type GatewayDeps } from './clients';
export { gatewayEnv, type GatewayEnv } from './env';
export type { GatewayApp } from './http/gateway-app';
export { setupSandbox, type SandboxAppInput } from './sandbox/setup-sandbox';
export { createWorkspace } from './workspaces/create-workspace';
export { hashApiKey } from './workspaces/api-keys';
