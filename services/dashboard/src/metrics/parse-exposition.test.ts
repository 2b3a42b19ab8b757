import { Gauge, Registry } from 'prom-client';
import { parseExposition } from './parse-exposition';

describe('exposition parser', () => {
  it('reads back what prom-client writes, labels sorted', async () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'x_jobs', help: 'h', labelNames: ['state', 'queue'], registers: [registry] });
    g.set({ state: 'waiting', queue: 'send' }, 3);
    g.set({ queue: 'inbox-sync', state: 'failed' }, 1.5);
    new Gauge({ name: 'x_plain', help: 'h', registers: [registry] }).set(-2);
    const m = parseExposition(await registry.metrics());
    expect(m.get('x_jobs{queue="send",state="waiting"}')).toBe(3);
    expect(m.get('x_jobs{queue="inbox-sync",state="failed"}')).toBe(1.5);
    expect(m.get('x_plain')).toBe(-2);
    expect(m.size).toBe(3);
  });
});
