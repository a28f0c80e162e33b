/**
 * A small KQL subset over in-memory tables (see README.md for exactly what is supported):
 *   Table | where … | project a, b | order by c desc | take N
 *   union T1, T2 | …
 * Predicates: == != =~ !~ > >= < <= in (…) !in (…) has !has contains !contains startswith between (… .. …),
 * isnotempty(c) isempty(c), and / or / not(…), parentheses; values: strings, numbers, true/false, ago(7d),
 * now(), datetime(…).
 */
import type { ColumnType, Row } from './events';

export class KqlError extends Error {
  constructor(
    message: string,
    readonly code: 'SYN0002' | 'SEM0100' = 'SYN0002',
  ) {
    super(message);
  }
}

type Tok =
  | { k: 'id'; v: string }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'span'; v: number }
  | { k: 'raw'; v: string }
  | { k: 'op'; v: string };

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        s += text[j];
        j++;
      }
      if (j >= text.length) throw new KqlError(`Unterminated string literal at position ${i}.`);
      toks.push({ k: 'str', v: s });
      i = j + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?(ms|d|h|m|s)?(?![A-Za-z0-9_])/.exec(text.slice(i));
    if (num) {
      const value = Number(num[1] ? num[0].replace(/[a-z]+$/, '') : num[0].replace(/[a-z]+$/, ''));
      toks.push(num[2] ? { k: 'span', v: value * UNITS[num[2]]! } : { k: 'num', v: value });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (id) {
      toks.push({ k: 'id', v: id[0] });
      i += id[0].length;
      // datetime(...) takes its argument raw (unquoted ISO dates are allowed).
      if (id[0] === 'datetime' && text[i] === '(') {
        const close = text.indexOf(')', i);
        if (close < 0) throw new KqlError('datetime( is not closed.');
        toks.push({ k: 'op', v: '(' }, { k: 'raw', v: text.slice(i + 1, close).trim() }, { k: 'op', v: ')' });
        i = close + 1;
      }
      continue;
    }
    const op = /^(==|!=|=~|!~|>=|<=|\.\.|[()|,<>]|!)/.exec(text.slice(i));
    if (op) {
      toks.push({ k: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new KqlError(`Unexpected character '${c}' at position ${i}.`);
  }
  return toks;
}

type Value = string | number | boolean | null;
type Expr = (row: Row) => boolean;

export interface Table {
  columns: { name: string; type: ColumnType }[];
  rows: Row[];
}

/** Numbers as numbers, ISO dates as instants, anything else as text. */
function cmp(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const da = typeof a === 'string' ? Date.parse(a) : NaN;
  const db = typeof b === 'string' ? Date.parse(b) : NaN;
  if (!Number.isNaN(da) && !Number.isNaN(db) && /^\d{4}-/.test(String(a)) && /^\d{4}-/.test(String(b))) return da - db;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

const str = (v: Value): string => (v === null ? '' : String(v));

/** KQL's `has`: the term as a whole word (bounded by non-alphanumerics), case-insensitive. */
function hasTerm(hay: string, term: string): boolean {
  const h = hay.toLowerCase();
  const t = term.toLowerCase();
  let from = 0;
  for (;;) {
    const at = h.indexOf(t, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : h[at - 1]!;
    const after = h[at + t.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    from = at + 1;
  }
}

/** A comparison operator applied to a column's value and a literal. */
function compare(op: string, a: Value, v: Value): boolean {
  switch (op) {
    case '==':
      return cmp(a, v) === 0 && str(a) === str(v);
    case '!=':
      return str(a) !== str(v);
    case '=~':
      return str(a).toLowerCase() === str(v).toLowerCase();
    case '!~':
      return str(a).toLowerCase() !== str(v).toLowerCase();
    case '>':
      return cmp(a, v) > 0;
    case '>=':
      return cmp(a, v) >= 0;
    case '<':
      return cmp(a, v) < 0;
    default:
      return cmp(a, v) <= 0;
  }
}

const COMPARISONS = new Set(['==', '!=', '=~', '!~', '>', '>=', '<', '<=']);

/** The parser's cursor over the tokens: what is next, and taking it. */
class Cursor {
  p = 0;

  constructor(readonly toks: Tok[]) {}

  peek(): Tok | undefined {
    return this.toks[this.p];
  }

  isId(v: string): boolean {
    const t = this.peek();
    return t?.k === 'id' && t.v.toLowerCase() === v.toLowerCase();
  }

  isOp(v: string): boolean {
    const t = this.peek();
    return t?.k === 'op' && t.v === v;
  }

  expectOp(v: string): void {
    if (!this.isOp(v)) {
      const t = this.peek();
      throw new KqlError(`Expected '${v}' near token ${this.p + 1}${t ? ` ('${String(t.v)}')` : ' (end of query)'}.`);
    }
    this.p++;
  }

  ident(): string {
    const t = this.peek();
    if (t?.k !== 'id') throw new KqlError(`Expected a name near token ${this.p + 1}.`);
    this.p++;
    return t.v;
  }

  /** `name(` next? */
  isCall(name: string): boolean {
    return this.isId(name) && this.toks[this.p + 1]?.k === 'op' && this.toks[this.p + 1]?.v === '(';
  }
}

/** One query's evaluation: the source table, then each `| operator` in turn. */
class Query extends Cursor {
  columns: { name: string; type: ColumnType }[] = [];
  rows: Row[] = [];

  constructor(
    toks: Tok[],
    private readonly tables: Record<string, Table>,
    private readonly now: number,
  ) {
    super(toks);
  }

  run(): Table {
    this.source();
    while (this.p < this.toks.length) {
      this.expectOp('|');
      this.operator(this.ident().toLowerCase());
    }
    return { columns: this.columns, rows: this.rows };
  }

  private table(name: string): Table {
    const t = this.tables[name];
    if (!t) throw new KqlError(`Failed to resolve table or column expression named '${name}'`, 'SEM0100');
    return t;
  }

  /** `T` or `union T1, T2, …`. */
  private source(): void {
    if (!this.isId('union')) {
      const t = this.table(this.ident());
      this.columns = [...t.columns];
      this.rows = [...t.rows];
      return;
    }
    this.p++;
    const names = [this.ident()];
    while (this.isOp(',')) {
      this.p++;
      names.push(this.ident());
    }
    for (const name of names) {
      const t = this.table(name);
      for (const col of t.columns) if (!this.columns.some((c) => c.name === col.name)) this.columns.push(col);
      this.rows.push(...t.rows);
    }
  }

  private column(name: string): string {
    if (!this.columns.some((c) => c.name === name)) {
      throw new KqlError(`Failed to resolve scalar expression named '${name}'`, 'SEM0100');
    }
    return name;
  }

  private operator(op: string): void {
    if (op === 'where') this.rows = this.rows.filter(this.orExpr());
    else if (op === 'project') this.project();
    else if (op === 'order' || op === 'sort') this.order(op);
    else if (op === 'take' || op === 'limit') {
      const t = this.peek();
      if (t?.k !== 'num') throw new KqlError(`'${op}' needs a number.`);
      this.p++;
      this.rows = this.rows.slice(0, t.v);
    } else {
      throw new KqlError(
        `The emulator's KQL subset has no '${op}' operator (supported: where, project, order by, sort by, take, limit).`,
      );
    }
  }

  private project(): void {
    const names = [this.column(this.ident())];
    while (this.isOp(',')) {
      this.p++;
      names.push(this.column(this.ident()));
    }
    this.columns = names.map((n) => this.columns.find((c) => c.name === n)!);
    this.rows = this.rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null])));
  }

  private order(op: string): void {
    if (!this.isId('by')) throw new KqlError(`Expected 'by' after '${op}'.`);
    this.p++;
    const keys: { col: string; dir: number }[] = [];
    do {
      if (this.isOp(',')) this.p++;
      const col = this.column(this.ident());
      let dir = -1; // KQL sorts descending by default
      if (this.isId('asc')) {
        dir = 1;
        this.p++;
      } else if (this.isId('desc')) {
        this.p++;
      }
      keys.push({ col, dir });
    } while (this.isOp(','));
    this.rows = [...this.rows].sort((a, b) => {
      for (const k of keys) {
        const c = cmp(a[k.col] ?? null, b[k.col] ?? null);
        if (c !== 0) return c * k.dir;
      }
      return 0;
    });
  }

  /** A literal: string, number, true/false, ago(span), now(), datetime(…). */
  private value(): Value {
    const t = this.peek();
    if (!t) throw new KqlError('Expected a value at the end of the query.');
    if (t.k === 'str' || t.k === 'num') {
      this.p++;
      return t.v;
    }
    const name = t.k === 'id' ? t.v.toLowerCase() : '';
    if (name === 'true' || name === 'false') {
      this.p++;
      return name === 'true';
    }
    if (name === 'ago' || name === 'now' || name === 'datetime') {
      this.p++;
      this.expectOp('(');
      const instant = name === 'ago' ? this.ago() : name === 'now' ? this.now : this.datetime();
      this.expectOp(')');
      return new Date(instant).toISOString();
    }
    throw new KqlError(`Expected a value near token ${this.p + 1} ('${String(t.v)}').`);
  }

  private ago(): number {
    const span = this.peek();
    if (span?.k !== 'span') throw new KqlError('ago() needs a timespan such as 7d, 12h or 30m.');
    this.p++;
    return this.now - span.v;
  }

  private datetime(): number {
    const raw = this.peek();
    if (raw?.k !== 'raw') throw new KqlError('datetime() needs a date.');
    this.p++;
    const ms = Date.parse(raw.v.replace(/^['"]|['"]$/g, ''));
    if (Number.isNaN(ms)) throw new KqlError(`Invalid datetime '${raw.v}'.`);
    return ms;
  }

  private orExpr(): Expr {
    let e = this.andExpr();
    while (this.isId('or')) {
      this.p++;
      const l = e;
      const r = this.andExpr();
      e = (row) => l(row) || r(row);
    }
    return e;
  }

  private andExpr(): Expr {
    let e = this.primary();
    while (this.isId('and')) {
      this.p++;
      const l = e;
      const r = this.primary();
      e = (row) => l(row) && r(row);
    }
    return e;
  }

  /** `( … )`, `not( … )`, `isempty(c)` and its kin, or `column <operator> …`. */
  private primary(): Expr {
    if (this.isOp('(') || this.isCall('not')) {
      const not = this.isId('not');
      this.p += not ? 2 : 1;
      const e = this.orExpr();
      this.expectOp(')');
      return not ? (row) => !e(row) : e;
    }
    if (
      ['isnotempty', 'isempty', 'isnotnull', 'isnull'].some((fn) => this.isId(fn)) &&
      this.toks[this.p + 1]?.v === '('
    ) {
      const fn = this.ident().toLowerCase();
      this.expectOp('(');
      const col = this.column(this.ident());
      this.expectOp(')');
      const empty = (row: Row): boolean => row[col] === null || row[col] === undefined || row[col] === '';
      return fn === 'isnotempty' || fn === 'isnotnull' ? (row) => !empty(row) : empty;
    }
    const col = this.column(this.ident());
    const t = this.peek();
    if (!t) throw new KqlError(`Expected an operator after '${col}'.`);
    let negate = false;
    if (t.k === 'op' && t.v === '!' && this.toks[this.p + 1]?.k === 'id') {
      negate = true;
      this.p++;
    }
    const opTok = this.peek()!;
    this.p++;
    const op = opTok.k === 'op' ? opTok.v : opTok.k === 'id' ? opTok.v.toLowerCase() : '';
    if (COMPARISONS.has(op)) {
      const v = this.value();
      return (row) => compare(op, row[col] ?? null, v);
    }
    const e = this.predicate(op, col, opTok);
    return negate ? (row) => !e(row) : e;
  }

  /** in (…), has, contains, startswith, between (… .. …). */
  private predicate(op: string, col: string, opTok: Tok): Expr {
    const cell = (row: Row): Value => row[col] ?? null;
    switch (op) {
      case 'in': {
        this.expectOp('(');
        const values: Value[] = [this.value()];
        while (this.isOp(',')) {
          this.p++;
          values.push(this.value());
        }
        this.expectOp(')');
        return (row) => values.some((v) => str(cell(row)) === str(v));
      }
      case 'has': {
        const v = str(this.value());
        return (row) => hasTerm(str(cell(row)), v);
      }
      case 'contains': {
        const v = str(this.value()).toLowerCase();
        return (row) => str(cell(row)).toLowerCase().includes(v);
      }
      case 'startswith': {
        const v = str(this.value()).toLowerCase();
        return (row) => str(cell(row)).toLowerCase().startsWith(v);
      }
      case 'between': {
        this.expectOp('(');
        const lo = this.value();
        this.expectOp('..');
        const hi = this.value();
        this.expectOp(')');
        return (row) => cmp(cell(row), lo) >= 0 && cmp(cell(row), hi) <= 0;
      }
      default:
        throw new KqlError(`Unsupported operator '${String(opTok.v)}' after '${col}'.`);
    }
  }
}

export function runKql(query: string, tables: Record<string, Table>, now: number): Table {
  return new Query(tokenize(query), tables, now).run();
}
