/** A small OData $filter evaluator: comparisons, and/or/not, parentheses and collection any(). */
export type Item = Record<string, unknown>;
export type Predicate = (item: Item) => boolean;

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

type Token = { t: 'str'; v: string } | { t: 'word'; v: string } | { t: 'punct'; v: '(' | ')' | ':' | ',' };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('unterminated string literal');
        if (src[i] === "'" && src[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (src[i] === "'") {
          i += 1;
          break;
        } else {
          value += src[i];
          i += 1;
        }
      }
      tokens.push({ t: 'str', v: value });
    } else if (c === '(' || c === ')' || c === ':' || c === ',') {
      tokens.push({ t: 'punct', v: c });
      i += 1;
    } else {
      const rest = src.slice(i);
      const m = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?/.exec(rest) ?? /^[^\s():,']+/.exec(rest);
      if (!m) throw new FilterSyntaxError(`unexpected '${c}'`);
      tokens.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

const OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Op = (typeof OPS)[number];
const DATE_RE = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?$/;

function literal(tok: Token | undefined): unknown {
  if (!tok) throw new FilterSyntaxError('missing value');
  if (tok.t === 'str') return tok.v;
  if (tok.t !== 'word') throw new FilterSyntaxError('bad value');
  if (tok.v === 'true' || tok.v === 'false') return tok.v === 'true';
  if (tok.v === 'null') return null;
  if (DATE_RE.test(tok.v)) return new Date(tok.v);
  if (/^-?\d+(\.\d+)?$/.test(tok.v)) return Number(tok.v);
  throw new FilterSyntaxError(`bad value ${tok.v}`);
}

function resolvePath(item: unknown, path: string[]): unknown {
  let value: unknown = item;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    const rec = value as Item;
    const found = Object.keys(rec).find((k) => k.toLowerCase() === key.toLowerCase());
    value = found === undefined ? undefined : rec[found];
  }
  return value;
}

function compare(left: unknown, op: Op, right: unknown): boolean {
  let a: unknown = left;
  let b: unknown = right;
  if (b instanceof Date) {
    a = typeof a === 'string' ? Date.parse(a) : NaN;
    b = b.getTime();
  } else if (typeof a === 'string' && typeof b === 'string') {
    a = a.toLowerCase();
    b = b.toLowerCase();
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return (a as number) > (b as number);
    case 'ge':
      return (a as number) >= (b as number);
    case 'lt':
      return (a as number) < (b as number);
    case 'le':
      return (a as number) <= (b as number);
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Predicate {
    const p = this.or();
    if (this.pos < this.tokens.length) throw new FilterSyntaxError('unexpected trailing input');
    return p;
  }

  private peekWord(): string | undefined {
    const tok = this.tokens[this.pos];
    return tok?.t === 'word' ? tok.v.toLowerCase() : undefined;
  }

  private expect(v: string): void {
    const tok = this.tokens[this.pos];
    if (!tok || tok.v !== v) throw new FilterSyntaxError(`expected '${v}'`);
    this.pos += 1;
  }

  private or(): Predicate {
    let left = this.and();
    while (this.peekWord() === 'or') {
      this.pos += 1;
      const l = left;
      const r = this.and();
      left = (item) => l(item) || r(item);
    }
    return left;
  }

  private and(): Predicate {
    let left = this.unary();
    while (this.peekWord() === 'and') {
      this.pos += 1;
      const l = left;
      const r = this.unary();
      left = (item) => l(item) && r(item);
    }
    return left;
  }

  private unary(): Predicate {
    if (this.peekWord() === 'not') {
      this.pos += 1;
      const inner = this.unary();
      return (item) => !inner(item);
    }
    const tok = this.tokens[this.pos];
    if (tok?.t === 'punct' && tok.v === '(') {
      this.pos += 1;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.comparisonOrAny();
  }

  private comparisonOrAny(): Predicate {
    const tok = this.tokens[this.pos];
    if (tok?.t !== 'word') throw new FilterSyntaxError('expected a property');
    this.pos += 1;
    const path = tok.v.split('/');
    const last = path[path.length - 1]?.toLowerCase();
    if (last === 'any' || last === 'all') return this.lambda(path.slice(0, -1), last);
    const opTok = this.peekWord();
    if (!opTok || !(OPS as readonly string[]).includes(opTok)) throw new FilterSyntaxError('expected an operator');
    this.pos += 1;
    const value = literal(this.tokens[this.pos]);
    this.pos += 1;
    return (item) => compare(resolvePath(item, path), opTok as Op, value);
  }

  private lambda(collectionPath: string[], kind: 'any' | 'all'): Predicate {
    this.expect('(');
    const varTok = this.tokens[this.pos];
    if (varTok?.t !== 'word') throw new FilterSyntaxError('expected a lambda variable');
    this.pos += 1;
    this.expect(':');
    const body = this.or();
    this.expect(')');
    const variable = varTok.v;
    return (item) => {
      const list = resolvePath(item, collectionPath);
      if (!Array.isArray(list)) return false;
      // The body's "var/x" paths resolve against each element.
      const test = (el: unknown): boolean => body({ [variable]: el });
      return kind === 'any' ? list.some(test) : list.every(test);
    };
  }
}

export function parseFilter(src: string): Predicate {
  return new Parser(tokenize(src)).parse();
}
