// Bad-input requests derived from /openapi.json: a plausible request per operation, then that request broken one
// place at a time (wrong types, missing and extra fields, huge, deep, `$`/`.` keys, bad unicode, impossible dates).

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  minItems?: number;
};
export type FuzzOperation = {
  method: string;
  path: string;
  parameters: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>;
  body?: JsonSchema;
  security: string[];
};
export interface FuzzRequest {
  label: string;
  method: string;
  /** Path and query, already encoded (some deliberately badly). */
  url: string;
  /** Exactly what goes on the wire, when there is a body. */
  rawBody?: string | Buffer;
  contentType?: string;
}

/** A small seeded PRNG (mulberry32): the same seed picks the same requests on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const deep = (levels: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** The values every field is tried with; each is wrong for most fields. */
export const BAD_VALUES: Array<[string, unknown]> = [
  ['number', 42],
  ['negative', -1],
  ['huge-number', 1e308],
  ['boolean', true],
  ['null', null],
  ['array', []],
  ['object', {}],
  ['empty-string', ''],
  ['hello', 'hello'],
  ['impossible-date', '2027-02-30T10:00:00'],
  ['impossible-offset-date', '2027-02-30T10:00:00Z'],
  ['lone-surrogate', 'a\ud800b'],
  ['lone-low-surrogate', '\udfffx'],
  ['nul', 'a\u0000b'],
  ['string-200kb', 'x'.repeat(200 * 1024)],
  ['deep-400', deep(400)],
  ['dollar-dot-keys', { $where: 'sleep(1)', 'a.b': 1, $set: { x: 1 } }],
  ['nested-dollar-key', { ok: { $gt: '' } }],
];

/** Query and path values, already percent-encoded: invalid UTF-8 and lone surrogates among them. */
export const BAD_URL_VALUES: Array<[string, string]> = [
  ['empty', ''],
  ['hello', 'hello'],
  ['impossible-date', '2027-02-30T10%3A00%3A00'],
  ['lone-surrogate-utf8', '%ED%A0%80'],
  ['invalid-utf8', '%FF%FE'],
  ['bare-percent', '%'],
  ['percent-u', '%uD800'],
  ['dollar', '%24where'],
  ['long', 'x'.repeat(8000)],
  ['array-form', 'a&$NAME[]=b&$NAME[$gt]='],
];

export function resolve(schema: JsonSchema | undefined, components: Record<string, JsonSchema>): JsonSchema {
  let s = schema ?? {};
  for (let i = 0; s.$ref && i < 10; i++) s = components[s.$ref.split('/').pop() ?? ''] ?? {};
  if (s.allOf?.length)
    return s.allOf.reduce<JsonSchema>(
      (acc, part) => ({
        ...acc,
        ...resolve(part, components),
        properties: { ...acc.properties, ...resolve(part, components).properties },
      }),
      {},
    );
  return s;
}

const KNOWN_PATTERNS: Array<[RegExp, string]> = [[/A-Za-z0-9\+\//, 'aGVsbG8=']];

/** A value the schema should accept (ids from `ids` by prefix, so routes get past 404). */
export function example(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  ids: Record<string, string>,
  name = '',
): unknown {
  const s = resolve(schema, components);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length)
    return example(alt.find((a) => resolve(a, components).type !== 'null') ?? alt[0], components, ids, name);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type ?? (s.properties ? 'object' : 'string')) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) out[k] = example(v, components, ids, k);
      return out;
    }
    case 'array':
      return s.minItems
        ? Array.from({ length: s.minItems }, () => example(s.items, components, ids, name))
        : [example(s.items, components, ids, name)];
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 0, name === 'intervalMinutes' ? 30 : 1);
    case 'boolean':
      return false;
    default:
      return exampleString(s, ids, name);
  }
}

function exampleString(s: JsonSchema, ids: Record<string, string>, name: string): string {
  if (s.format === 'email') return 'someone@example.com';
  if (s.format === 'date-time') return '2031-04-01T15:00:00Z';
  if (s.format === 'uri') return 'https://crm.example.test/settings/email';
  const prefix = s.pattern ? /^\^([a-z]+)_/.exec(s.pattern)?.[1] : undefined;
  if (prefix) return ids[prefix] ?? `${prefix}_${'0'.repeat(24)}`;
  for (const [re, v] of KNOWN_PATTERNS) if (s.pattern && re.test(s.pattern)) return v;
  if (name === 'dateTime') return '2031-04-01T15:00:00';
  if (name === 'timeZone') return 'Europe/Paris';
  return 'fuzz';
}

type Path = Array<string | number>;

/** Every place inside a value, down to `maxDepth`. */
export function placesIn(value: unknown, maxDepth = 5, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (at.length >= maxDepth || value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value))
    out.push(...placesIn(v, maxDepth, [...at, Array.isArray(value) ? Number(k) : k]));
  return out;
}

/** A copy of `root` with the value at `path` replaced (or removed with `remove`). */
export function replaced(root: unknown, path: Path, value: unknown, remove = false): unknown {
  if (!path.length) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const fill = (path: string, params: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_m, p: string) => params[p] ?? 'x');
const query = (q: Record<string, string>) => {
  const parts = Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${v}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

/** All bad requests for one operation, each differing from the plausible one in one place. */
export function badRequests(
  op: FuzzOperation,
  components: Record<string, JsonSchema>,
  ids: Record<string, string>,
): FuzzRequest[] {
  const pathParams: Record<string, string> = {};
  const queryParams: Record<string, string> = {};
  for (const p of op.parameters) {
    const v = encodeURIComponent(String(example(p.schema, components, ids, p.name)));
    if (p.in === 'path') pathParams[p.name] = v;
    else if (p.in === 'query' && p.required) queryParams[p.name] = v;
  }
  const url = (pp = pathParams, qq = queryParams) => `${fill(op.path, pp)}${query(qq)}`;
  const out: FuzzRequest[] = [];
  const json = (label: string, body: unknown, u = url()) =>
    out.push({
      label,
      method: op.method,
      url: u,
      rawBody: JSON.stringify(body) ?? 'null',
      contentType: 'application/json',
    });
  const good = op.body ? example(op.body, components, ids) : undefined;
  for (const p of op.parameters.filter((x) => x.in === 'path' || x.in === 'query')) {
    for (const [label, bad] of BAD_URL_VALUES) {
      const v = bad.replace('$NAME', p.name);
      const u =
        p.in === 'path' ? url({ ...pathParams, [p.name]: v }) : url(pathParams, { ...queryParams, [p.name]: v });
      if (good !== undefined) json(`${p.in}.${p.name}=${label}`, good, u);
      else out.push({ label: `${p.in}.${p.name}=${label}`, method: op.method, url: u });
    }
  }
  out.push({
    label: 'query.extra=lone-surrogate',
    method: op.method,
    url: `${url()}${Object.keys(queryParams).length ? '&' : '?'}extra=%ED%A0%80&%ED%A0%80=1`,
    ...(good !== undefined ? { rawBody: JSON.stringify(good), contentType: 'application/json' } : {}),
  });
  if (good === undefined) return out;
  for (const place of placesIn(good)) {
    const where = ['body', ...place].join('.');
    if (place.length) json(`${where} missing`, replaced(good, place, undefined, true));
    for (const [label, bad] of BAD_VALUES) json(`${where}=${label}`, replaced(good, place, bad));
    const node = place.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], good);
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      json(`${where}+extra`, replaced(good, [...place, 'unexpectedField'], 'x'));
      json(`${where}+$key`, replaced(good, [...place, '$set'], { a: 1 }));
    }
  }
  const raw = (label: string, rawBody: string | Buffer, contentType = 'application/json') =>
    out.push({ label, method: op.method, url: url(), rawBody, contentType });
  raw('body malformed JSON', '{"a":');
  raw(
    'body raw lone surrogate escape',
    JSON.stringify(good)
      .replace(/"fuzz"/g, '"\\ud800"')
      .replace(/^\{/, '{"k\\udfff":"\\ud800",'),
  );
  raw(
    'body invalid UTF-8 bytes',
    Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from('"}')]),
  );
  raw('body text/plain', 'hello', 'text/plain');
  raw('body empty with JSON type', '');
  raw('body __proto__', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}');
  raw('body over the limit', `{"name":"${'x'.repeat(300 * 1024)}"}`);
  return out;
}
