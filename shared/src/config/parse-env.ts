import { z } from 'zod';

export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Thrown when a service's environment does not match its schema; names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly service: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${service}: invalid configuration\n` + problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'));
  }
}

/** Parses the environment once against a zod object whose keys are the variable names. */
export function parseEnv<T extends z.ZodRawShape>(
  service: string,
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  const schema = z.object(shape);
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    // An empty string is as good as unset for configuration.
    input[key] = env[key] === '' ? undefined : env[key];
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const description = (shape[variable] as z.ZodType | undefined)?.description;
    const missing = input[variable] === undefined;
    const problem = missing
      ? `is required${description ? ` (${description})` : ''}`
      : `${issue.message}${description ? ` (expected ${description})` : ''}`;
    return { variable, problem };
  });
  throw new ConfigError(service, problems);
}

/** For a service's main(): parse, or print the problems and exit 1 before anything starts. */
export function loadConfigOrExit<T extends z.ZodRawShape>(
  service: string,
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  try {
    return parseEnv(service, shape, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
