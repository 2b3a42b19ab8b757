import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const localDir = join(repoRoot, '.local');
export const devCaDir = process.env.OC_EMULATOR_CA_DIR ?? join(localDir, 'emulator-ca');
export const ferretSourceDir = join(repoRoot, 'test', 'stack', 'ferretdb');
