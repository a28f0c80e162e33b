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

export function runKql(query: string, tables: Record<string, Table>, now: number): Table {
  const toks = tokenize(query);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const isId = (v: string): boolean => {
    const t = peek();
    return t?.k === 'id' && t.v.toLowerCase() === v.toLowerCase();
  };
  const isOp = (v: string): boolean => {
    const t = peek();
    return t?.k === 'op' && t.v === v;
  };
  const expectOp = (v: string): void => {
    if (!isOp(v))
      throw new KqlError(
        `Expected '${v}' near token ${p + 1}${peek() ? ` ('${String(peek()!.v)}')` : ' (end of query)'}.`,
      );
    p++;
  };
  const ident = (): string => {
    const t = peek();
    if (t?.k !== 'id') throw new KqlError(`Expected a name near token ${p + 1}.`);
    p++;
    return t.v;
  };

  // Source.
  let columns: { name: string; type: ColumnType }[];
  let rows: Row[];
  const table = (name: string): Table => {
    const t = tables[name];
    if (!t) throw new KqlError(`Failed to resolve table or column expression named '${name}'`, 'SEM0100');
    return t;
  };
  if (isId('union')) {
    p++;
    const names = [ident()];
    while (isOp(',')) {
      p++;
      names.push(ident());
    }
    columns = [];
    rows = [];
    for (const name of names) {
      const t = table(name);
      for (const col of t.columns) if (!columns.some((c) => c.name === col.name)) columns.push(col);
      rows.push(...t.rows);
    }
  } else {
    const t = table(ident());
    columns = [...t.columns];
    rows = [...t.rows];
  }

  const column = (name: string): string => {
    if (!columns.some((c) => c.name === name)) {
      throw new KqlError(`Failed to resolve scalar expression named '${name}'`, 'SEM0100');
    }
    return name;
  };

  const value = (): Value => {
    const t = peek();
    if (!t) throw new KqlError('Expected a value at the end of the query.');
    if (t.k === 'str' || t.k === 'num') {
      p++;
      return t.v;
    }
    if (t.k === 'id') {
      const name = t.v.toLowerCase();
      if (name === 'true' || name === 'false') {
        p++;
        return name === 'true';
      }
      if (name === 'ago') {
        p++;
        expectOp('(');
        const span = peek();
        if (span?.k !== 'span') throw new KqlError('ago() needs a timespan such as 7d, 12h or 30m.');
        p++;
        expectOp(')');
        return new Date(now - span.v).toISOString();
      }
      if (name === 'now') {
        p++;
        expectOp('(');
        expectOp(')');
        return new Date(now).toISOString();
      }
      if (name === 'datetime') {
        p++;
        expectOp('(');
        const raw = peek();
        if (raw?.k !== 'raw') throw new KqlError('datetime() needs a date.');
        p++;
        expectOp(')');
        const ms = Date.parse(raw.v.replace(/^['"]|['"]$/g, ''));
        if (Number.isNaN(ms)) throw new KqlError(`Invalid datetime '${raw.v}'.`);
        return new Date(ms).toISOString();
      }
    }
    throw new KqlError(`Expected a value near token ${p + 1} ('${String(t.v)}').`);
  };

  const cmp = (a: Value, b: Value): number => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const da = typeof a === 'string' ? Date.parse(a) : NaN;
    const db = typeof b === 'string' ? Date.parse(b) : NaN;
    if (!Number.isNaN(da) && !Number.isNaN(db) && /^\d{4}-/.test(String(a)) && /^\d{4}-/.test(String(b)))
      return da - db;
    return String(a ?? '').localeCompare(String(b ?? ''));
  };
  const str = (v: Value): string => (v === null ? '' : String(v));
  const hasTerm = (hay: string, term: string): boolean => {
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
  };

  const primary = (): Expr => {
    if (isOp('(')) {
      p++;
      const e = orExpr();
      expectOp(')');
      return e;
    }
    if (isId('not') && toks[p + 1]?.k === 'op' && toks[p + 1]?.v === '(') {
      p += 2;
      const e = orExpr();
      expectOp(')');
      return (row) => !e(row);
    }
    if ((isId('isnotempty') || isId('isempty') || isId('isnotnull') || isId('isnull')) && toks[p + 1]?.v === '(') {
      const fn = ident().toLowerCase();
      expectOp('(');
      const col = column(ident());
      expectOp(')');
      const empty = (row: Row): boolean => row[col] === null || row[col] === undefined || row[col] === '';
      return fn === 'isnotempty' || fn === 'isnotnull' ? (row) => !empty(row) : empty;
    }
    const col = column(ident());
    const t = peek();
    if (!t) throw new KqlError(`Expected an operator after '${col}'.`);
    let negate = false;
    if (t.k === 'op' && t.v === '!' && toks[p + 1]?.k === 'id') {
      negate = true;
      p++;
    }
    const opTok = peek()!;
    p++;
    const op = opTok.k === 'op' ? opTok.v : opTok.k === 'id' ? opTok.v.toLowerCase() : '';
    const wrap = (e: Expr): Expr => (negate ? (row) => !e(row) : e);
    switch (op) {
      case '==':
      case '!=':
      case '=~':
      case '!~':
      case '>':
      case '>=':
      case '<':
      case '<=': {
        const v = value();
        return (row) => {
          const a = row[col] ?? null;
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
        };
      }
      case 'in': {
        expectOp('(');
        const values: Value[] = [value()];
        while (isOp(',')) {
          p++;
          values.push(value());
        }
        expectOp(')');
        return wrap((row) => values.some((v) => str(row[col] ?? null) === str(v)));
      }
      case 'has': {
        const v = str(value());
        return wrap((row) => hasTerm(str(row[col] ?? null), v));
      }
      case 'contains': {
        const v = str(value()).toLowerCase();
        return wrap((row) =>
          str(row[col] ?? null)
            .toLowerCase()
            .includes(v),
        );
      }
      case 'startswith': {
        const v = str(value()).toLowerCase();
        return wrap((row) =>
          str(row[col] ?? null)
            .toLowerCase()
            .startsWith(v),
        );
      }
      case 'between': {
        expectOp('(');
        const lo = value();
        expectOp('..');
        const hi = value();
        expectOp(')');
        return wrap((row) => cmp(row[col] ?? null, lo) >= 0 && cmp(row[col] ?? null, hi) <= 0);
      }
      default:
        throw new KqlError(`Unsupported operator '${String(opTok.v)}' after '${col}'.`);
    }
  };
  const andExpr = (): Expr => {
    let e = primary();
    while (isId('and')) {
      p++;
      const l = e;
      const r = primary();
      e = (row) => l(row) && r(row);
    }
    return e;
  };
  function orExpr(): Expr {
    let e = andExpr();
    while (isId('or')) {
      p++;
      const l = e;
      const r = andExpr();
      e = (row) => l(row) || r(row);
    }
    return e;
  }

  while (p < toks.length) {
    expectOp('|');
    const op = ident().toLowerCase();
    if (op === 'where') {
      const e = orExpr();
      rows = rows.filter(e);
    } else if (op === 'project') {
      const names = [column(ident())];
      while (isOp(',')) {
        p++;
        names.push(column(ident()));
      }
      columns = names.map((n) => columns.find((c) => c.name === n)!);
      rows = rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null])));
    } else if (op === 'order' || op === 'sort') {
      if (!isId('by')) throw new KqlError(`Expected 'by' after '${op}'.`);
      p++;
      const keys: { col: string; dir: number }[] = [];
      do {
        if (isOp(',')) p++;
        const col = column(ident());
        let dir = -1; // KQL sorts descending by default
        if (isId('asc')) {
          dir = 1;
          p++;
        } else if (isId('desc')) {
          p++;
        }
        keys.push({ col, dir });
      } while (isOp(','));
      rows = [...rows].sort((a, b) => {
        for (const k of keys) {
          const c = cmp(a[k.col] ?? null, b[k.col] ?? null);
          if (c !== 0) return c * k.dir;
        }
        return 0;
      });
    } else if (op === 'take' || op === 'limit') {
      const t = peek();
      if (t?.k !== 'num') throw new KqlError(`'${op}' needs a number.`);
      p++;
      rows = rows.slice(0, t.v);
    } else {
      throw new KqlError(
        `The emulator's KQL subset has no '${op}' operator (supported: where, project, order by, sort by, take, limit).`,
      );
    }
  }
  return { columns, rows };
}
