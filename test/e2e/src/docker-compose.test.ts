import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { z } from 'zod';
import { gatewayEnv } from '@outlook-connect/auth-gateway';
import { dashboardEnv } from '@outlook-connect/dashboard';
import { workersEnv } from '@outlook-connect/workers';
import { generateKeyringSpec, parseEnv } from '@outlook-connect/shared';
import { repoRoot } from '@outlook-connect/stack';

// docker compose cannot run here, so this reads the file as compose would and checks it against our services.

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, unknown>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = load(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

// Values a user supplies for the `${VAR:?message}` placeholders.
const required: Record<string, string> = {
  SECRETS_KEYS: generateKeyringSpec('k1'),
  ADMIN_TOKEN: 'a-long-enough-admin-token-0123456789',
  DASHBOARD_PASSWORD: 'a-long-enough-password',
};

/** Compose-style interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error}, with the user's values above. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    if (required[name] !== undefined) return required[name]!;
    if (op === '-') return arg ?? '';
    throw new Error(`compose needs ${name} (${arg ?? 'no message'}) and the test has no value for it`);
  });
}

const ours: Record<string, z.ZodRawShape> = {
  'auth-gateway': gatewayEnv,
  workers: workersEnv,
  dashboard: dashboardEnv,
};

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const workspaces = (
    JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] }
  ).workspaces.flatMap((w) =>
    w.endsWith('/*')
      ? readdirSync(join(repoRoot, w.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => `${w.slice(0, -2)}/${d.name}`)
      : [w],
  );

  it('copies every workspace manifest (npm ci needs the whole lock) and the code of every package a service runs', () => {
    for (const ws of workspaces.filter((w) => existsSync(join(repoRoot, w, 'package.json'))))
      expect(dockerfile).toContain(`COPY ${ws}/package.json ${ws}/`);
    for (const pkg of ['shared', 'queues', 'mailbox-runtime', 'services'])
      expect(dockerfile).toContain(`COPY ${pkg} ${pkg}\n`);
  });

  it('starts a service as the sandbox, the bench and the tests do: the flags of node-flags.sh, tsx as a loader (service-args.ts)', () => {
    expect(dockerfile).toContain(
      'exec node $(sh services/node-flags.sh $SERVICE) --import tsx services/$SERVICE/src/main.ts',
    );
  });
});

describe('docker-compose.yml', () => {
  it('runs redis with AOF and noeviction, and mongo 7', () => {
    expect(compose.services.redis?.image).toBe('redis:7');
    expect(compose.services.redis?.healthcheck).toBeDefined();
    const redisCommand = (compose.services.redis as { command?: string[] }).command ?? [];
    expect(redisCommand.join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
    expect(compose.services.mongo?.image).toBe('mongo:7');
  });

  it('names only services that exist, each with a Dockerfile, a main and a healthcheck', () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build);
    expect(built.map(([n]) => n).sort()).toEqual(Object.keys(ours).sort());
    for (const [name, service] of built) {
      const dockerfile = join(repoRoot, service.build!.context, service.build!.dockerfile ?? 'Dockerfile');
      expect(existsSync(dockerfile)).toBe(true);
      // The one Dockerfile runs services/$SERVICE/src/main.ts: the build arg must name a service that has one.
      expect(readFileSync(dockerfile, 'utf8')).toContain('services/$SERVICE/src/main.ts');
      expect(service.build!.args?.SERVICE).toBe(name);
      expect(existsSync(join(repoRoot, 'services', name, 'src', 'main.ts'))).toBe(true);
      expect(service.healthcheck?.test.length).toBeGreaterThan(1);
      expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(['mongo', 'redis']);
    }
  });

  it.each(Object.keys(ours))(
    'passes %s an environment its config schema accepts, and nothing it does not know',
    (name) => {
      const service = compose.services[name]!;
      // `<<: *common-env` is a YAML merge key: the shared variables, overridden by the service's own.
      const { '<<': merged, ...own } = (service.environment ?? {}) as Record<string, unknown>;
      const raw = { ...(merged as Record<string, unknown> | undefined), ...own };
      const env = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(String(v))]));
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      const shape = ours[name]!;
      expect(Object.keys(env).filter((k) => !(k in shape))).toEqual([]);
      const parsed = parseEnv(name, shape, env) as Record<string, unknown>;
      for (const port of service.ports ?? []) {
        const inside = Number(port.split(':')[1]);
        expect(Object.values(parsed)).toContain(inside);
      }
    },
  );
});
