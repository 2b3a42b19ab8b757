import { GraphError } from '@microsoft/microsoft-graph-client';
import { MailboxBusyError } from '../contracts';
import { MailboxRequestError } from './errors';
import { callGraph, MicrosoftCallError, microsoftFailureOf } from './graph-call';

const graphError = (status: number, code: string) => Object.assign(new GraphError(status, code), { code });

describe('callGraph', () => {
  it('classifies a Microsoft error once, where the call was made', async () => {
    const err = await callGraph(() => Promise.reject(graphError(404, 'ErrorItemNotFound'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MicrosoftCallError);
    expect(microsoftFailureOf(err)).toMatchObject({ kind: 'permanent', status: 404 });
  });

  it("lets the gate's errors and our own through untouched", async () => {
    const busy = new MailboxRequestError(new MailboxBusyError('conn_1', 5_000, 'paused'));
    await expect(callGraph(() => Promise.reject(busy))).rejects.toBe(busy);
    const ours = new Error('store down');
    await expect(callGraph(() => Promise.reject(ours))).rejects.toBe(ours);
    expect(microsoftFailureOf(ours)).toBeUndefined();
  });
});
