/**
 * The durable state of the local Durable Functions extension: one SQLite file (better-sqlite3, WAL) holding
 * instances, their history, their inbox of pending messages (timers are messages visible at their fire time) and
 * activity work items. Every state change of an orchestration episode is one transaction.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from './history';

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface InstanceRow {
  instance_id: string;
  name: string;
  execution_id: string;
  status: RuntimeStatus;
  /** JSON text of the input, or null. */
  input: string | null;
  /** JSON text of the output, or null. */
  output: string | null;
  /** JSON text of the custom status, or null. */
  custom_status: string | null;
  created_at: number;
  updated_at: number;
  parent_instance_id: string | null;
  parent_execution_id: string | null;
  parent_task_id: number | null;
  /** JSON text of the engine's per-execution state (see `ExecutionState`). */
  state: string;
}

export interface MessageRow {
  id: number;
  instance_id: string;
  /** Set for messages that only make sense for one execution (task results, timers); null for instance-level ones. */
  execution_id: string | null;
  event: string;
  visible_at: number;
}

export interface ActivityRow {
  id: number;
  instance_id: string;
  execution_id: string;
  task_id: number;
  name: string;
  input: string | null;
}

export interface InstanceQuery {
  createdTimeFrom?: number;
  createdTimeTo?: number;
  runtimeStatus?: RuntimeStatus[];
  instanceIdPrefix?: string;
  /** Entities (ids `@name@key`) instead of orchestrations. */
  entities?: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS instances (
  instance_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT,
  output TEXT,
  custom_status TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  parent_instance_id TEXT,
  parent_execution_id TEXT,
  parent_task_id INTEGER,
  state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_created ON instances(created_at);
CREATE TABLE IF NOT EXISTS history (
  instance_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY (instance_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  execution_id TEXT,
  event TEXT NOT NULL,
  visible_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_visible ON messages(visible_at);
CREATE INDEX IF NOT EXISTS messages_instance ON messages(instance_id, id);
CREATE TABLE IF NOT EXISTS activities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  task_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  input TEXT
);
CREATE INDEX IF NOT EXISTS activities_instance ON activities(instance_id);
`;

export class DurableStore {
  readonly db: Database.Database;
  private readonly s: ReturnType<DurableStore['prepare']>;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'durable.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.s = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      getInstance: db.prepare<[string], InstanceRow>('SELECT * FROM instances WHERE instance_id = ?'),
      insertInstance: db.prepare(
        `INSERT OR REPLACE INTO instances (instance_id, name, execution_id, status, input, output, custom_status, created_at,
           updated_at, parent_instance_id, parent_execution_id, parent_task_id, state)
         VALUES (@instance_id, @name, @execution_id, @status, @input, @output, @custom_status, @created_at, @updated_at,
           @parent_instance_id, @parent_execution_id, @parent_task_id, @state)`,
      ),
      updateInstance: db.prepare(
        `UPDATE instances SET execution_id = @execution_id, status = @status, input = @input, output = @output,
           custom_status = @custom_status, updated_at = @updated_at, state = @state WHERE instance_id = @instance_id`,
      ),
      deleteInstance: db.prepare<[string]>('DELETE FROM instances WHERE instance_id = ?'),
      history: db.prepare<[string], { event: string }>('SELECT event FROM history WHERE instance_id = ? ORDER BY seq'),
      historyCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM history WHERE instance_id = ?'),
      appendHistory: db.prepare<[string, number, string]>(
        'INSERT INTO history (instance_id, seq, event) VALUES (?, ?, ?)',
      ),
      deleteHistory: db.prepare<[string]>('DELETE FROM history WHERE instance_id = ?'),
      insertMessage: db.prepare<[string, string | null, string, number]>(
        'INSERT INTO messages (instance_id, execution_id, event, visible_at) VALUES (?, ?, ?, ?)',
      ),
      readyMessages: db.prepare<[string, number], MessageRow>(
        'SELECT * FROM messages WHERE instance_id = ? AND visible_at <= ? ORDER BY visible_at, id',
      ),
      deleteMessage: db.prepare<[number]>('DELETE FROM messages WHERE id = ?'),
      deleteMessages: db.prepare<[string]>('DELETE FROM messages WHERE instance_id = ?'),
      readyInstances: db.prepare<[number, number], { instance_id: string }>(
        'SELECT instance_id FROM messages WHERE visible_at <= ? GROUP BY instance_id ORDER BY MIN(id) LIMIT ?',
      ),
      nextVisible: db.prepare<[number], { t: number | null }>(
        'SELECT MIN(visible_at) AS t FROM messages WHERE visible_at > ?',
      ),
      insertActivity: db.prepare<[string, string, number, string, string | null]>(
        'INSERT INTO activities (instance_id, execution_id, task_id, name, input) VALUES (?, ?, ?, ?, ?)',
      ),
      pendingActivities: db.prepare<[number], ActivityRow>('SELECT * FROM activities ORDER BY id LIMIT ?'),
      pendingActivitiesAfter: db.prepare<[number, number], ActivityRow>(
        'SELECT * FROM activities WHERE id > ? ORDER BY id LIMIT ?',
      ),
      deleteActivity: db.prepare<[number]>('DELETE FROM activities WHERE id = ?'),
      deleteActivities: db.prepare<[string]>('DELETE FROM activities WHERE instance_id = ?'),
      deleteExecutionMessages: db.prepare<[string, string]>(
        'DELETE FROM messages WHERE instance_id = ? AND execution_id = ?',
      ),
      deleteExecutionActivities: db.prepare<[string, string]>(
        'DELETE FROM activities WHERE instance_id = ? AND execution_id = ?',
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  getInstance(instanceId: string): InstanceRow | undefined {
    return this.s.getInstance.get(instanceId);
  }

  putInstance(row: InstanceRow): void {
    this.s.insertInstance.run(row);
  }

  updateInstance(row: InstanceRow): void {
    this.s.updateInstance.run(row);
  }

  loadHistory(instanceId: string): HistoryEvent[] {
    return this.s.history.all(instanceId).map((r) => JSON.parse(r.event) as HistoryEvent);
  }

  historyLength(instanceId: string): number {
    return this.s.historyCount.get(instanceId)?.n ?? 0;
  }

  appendHistory(instanceId: string, firstSeq: number, events: readonly HistoryEvent[]): void {
    let seq = firstSeq;
    for (const e of events) this.s.appendHistory.run(instanceId, seq++, JSON.stringify(e));
  }

  clearHistory(instanceId: string): void {
    this.s.deleteHistory.run(instanceId);
  }

  addMessage(instanceId: string, executionId: string | null, event: HistoryEvent, visibleAt: number): void {
    this.s.insertMessage.run(instanceId, executionId, JSON.stringify(event), visibleAt);
  }

  readyMessages(instanceId: string, now: number): MessageRow[] {
    return this.s.readyMessages.all(instanceId, now);
  }

  deleteMessage(id: number): void {
    this.s.deleteMessage.run(id);
  }

  readyInstances(now: number, limit: number): string[] {
    return this.s.readyInstances.all(now, limit).map((r) => r.instance_id);
  }

  nextVisibleAfter(now: number): number | undefined {
    return this.s.nextVisible.get(now)?.t ?? undefined;
  }

  addActivity(instanceId: string, executionId: string, taskId: number, name: string, input: string | null): void {
    this.s.insertActivity.run(instanceId, executionId, taskId, name, input);
  }

  pendingActivities(afterId: number, limit: number): ActivityRow[] {
    return afterId > 0 ? this.s.pendingActivitiesAfter.all(afterId, limit) : this.s.pendingActivities.all(limit);
  }

  deleteActivity(id: number): void {
    this.s.deleteActivity.run(id);
  }

  /** Removes everything about an instance (purge). */
  purge(instanceId: string): void {
    this.s.deleteInstance.run(instanceId);
    this.s.deleteHistory.run(instanceId);
    this.s.deleteMessages.run(instanceId);
    this.s.deleteActivities.run(instanceId);
  }

  /** Drops pending work of an execution that ended (terminate / restart): activities and messages. */
  dropPendingWork(instanceId: string): void {
    this.s.deleteMessages.run(instanceId);
    this.s.deleteActivities.run(instanceId);
  }

  /** Drops the pending work of one execution (continue-as-new), keeping instance-level messages (raised events). */
  dropPendingWorkOfExecution(instanceId: string, executionId: string): void {
    this.s.deleteExecutionMessages.run(instanceId, executionId);
    this.s.deleteExecutionActivities.run(instanceId, executionId);
  }

  queryInstances(q: InstanceQuery, offset: number, limit: number): InstanceRow[] {
    const where: string[] = [q.entities ? "substr(instance_id, 1, 1) = '@'" : "substr(instance_id, 1, 1) <> '@'"];
    const params: unknown[] = [];
    if (q.createdTimeFrom !== undefined) {
      where.push('created_at >= ?');
      params.push(q.createdTimeFrom);
    }
    if (q.createdTimeTo !== undefined) {
      where.push('created_at <= ?');
      params.push(q.createdTimeTo);
    }
    if (q.runtimeStatus && q.runtimeStatus.length > 0) {
      where.push(`status IN (${q.runtimeStatus.map(() => '?').join(',')})`);
      params.push(...q.runtimeStatus);
    }
    if (q.instanceIdPrefix) {
      where.push('substr(instance_id, 1, ?) = ?');
      params.push(q.instanceIdPrefix.length, q.instanceIdPrefix);
    }
    const sql = `SELECT * FROM instances WHERE ${where.join(' AND ')}
      ORDER BY created_at, instance_id LIMIT ? OFFSET ?`;
    return this.db.prepare<unknown[], InstanceRow>(sql).all(...params, limit, offset);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
