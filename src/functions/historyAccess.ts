/**
 * The evaluation history as the HTTP routes reach it (pins, the trend page, the history downloads): a storage
 * failure is one answer everywhere, a 503 naming the container and what to check.
 */
import type { HttpResponseInit } from '@azure/functions';
import { getClients } from '../azure/clients';
import { historyStore, type HistoryStore } from '../azure/historyStore';
import { error } from './http';

/** What `fn` gives on the history store; a storage failure is a 503 naming the container and the settings. */
export async function withHistoryStore<T>(fn: (store: HistoryStore) => Promise<T>): Promise<T | HttpResponseInit> {
  let store: HistoryStore | undefined;
  try {
    store = historyStore(getClients());
    return await fn(store);
  } catch (e) {
    const where = store ? `the evaluation history (${store.label})` : 'the evaluation history';
    const message = `${where} could not be read or written: ${(e as Error).message.split('\n')[0]} Check the app's host storage (AzureWebJobsStorage) and its identity's Storage Blob Data Contributor role.`;
    return error(503, 'HistoryUnavailable', message);
  }
}
