export { ConfigError, loadConfigOrExit, parseEnv, type ConfigProblem } from './parse-env';
export { wholeSeconds, logEnv, microsoftEnv, pushEnv, redisEnv, secretsEnv, storeEnv } from './env-fragments';
