/**
 * The durable model for tests and tools outside this package (`@rag-orchestrator/functions-local-host/durable`):
 * the action and history shapes the engine and durable-functions exchange, and the SQLite store.
 */
export {
  ActionType,
  actionSignature,
  consumesSequenceNumber,
  flattenActions,
  type ActionJson,
  type OrchestratorStateJson,
  type RetryOptionsJson,
} from './actions';
export { EventType, ev, type HistoryEvent } from './history';
export { DurableStore, type RuntimeStatus } from './store';
