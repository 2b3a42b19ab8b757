import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { serviceNodeArgs, serviceNodeFlags } from './service-args';

const services = readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('serviceNodeArgs', () => {
  it('runs the main with tsx as a loader, after the flags of the service', () => {
    const args = serviceNodeArgs('workers');
    expect(args.slice(-3)).toEqual(['--import', 'tsx', join(repoRoot, 'services', 'workers', 'src', 'main.ts')]);
    expect(args.slice(0, -3)).toEqual(serviceNodeFlags('workers'));
  });

  it('gives no flags to a service without node-options', () => {
    expect(serviceNodeFlags('no-such-service')).toEqual([]);
  });

  it.each(services)("holds for %s only flags this node accepts (a bad one would stop the image's CMD)", (service) => {
    const flags = serviceNodeFlags(service);
    for (const flag of flags) expect(flag).toMatch(/^--[a-z0-9-]+(=\S+)?$/);
    const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
