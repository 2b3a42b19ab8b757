import type { ConnectionDoc, Models } from '@outlook-connect/shared';
import { createGroupReader, type GroupReader } from './group-reader';

// The connection reads on every refresh's and every send's critical path (the refresh under its lock, a send's token
// alongside its claim): one group reader per store (per models instance), so the reads of this process that are
// asked for while one is in flight share one `_id $in` query, each still sent after its caller asked. Through the
// driver's own find (what `.lean()` returns, without mongoose building and casting a query of strings): on a send
// worker at 2,000 sends, the store and the worker were each about 4 and 3 ms of CPU per send (bench/README.md).

const readers = new WeakMap<Models['Connection'], GroupReader<ConnectionDoc>>();

export function readConnection(
  models: Pick<Models, 'Connection'>,
  connectionId: string,
): Promise<ConnectionDoc | null> {
  let reader = readers.get(models.Connection);
  if (!reader) {
    const model = models.Connection;
    reader = createGroupReader<ConnectionDoc>(
      async (ids) =>
        (await model.collection.find({ _id: { $in: ids } } as never).toArray()) as unknown as ConnectionDoc[],
    );
    readers.set(model, reader);
  }
  return reader.read(connectionId);
}
