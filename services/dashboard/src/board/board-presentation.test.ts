import { catalog, queueNames } from '@outlook-connect/queues';
import { BOARD_TITLE, presentQueue } from './board-presentation';

describe('how queues show on the board', () => {
  it("shows the events queue as the CRM's outbox, with its real consumer (the webhooks worker): no worker is a fault", () => {
    const events = presentQueue('events');
    expect(events.outbox).toBe(false);
    expect(events.displayName).toBe('events (CRM outbox)');
    expect(events.description).toMatch(/^The CRM's outbox: /);
    expect(events.description).toContain('webhook endpoints');
    expect(events.description.length).toBeLessThanOrEqual(90);
  });

  it('shows worker queues with their catalog description and no other name', () => {
    for (const name of queueNames.filter((q) => catalog[q].consumer === 'workers' && q !== 'events')) {
      expect(presentQueue(name)).toEqual({ description: catalog[name].description, outbox: false });
    }
  });

  it('keeps the title short enough for the sidebar header', () => {
    expect(BOARD_TITLE.length).toBeLessThanOrEqual(16);
  });
});
