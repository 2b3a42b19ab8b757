/**
 * A generic JSON codec for the emulator's state graph: plain data, Maps, Sets, Dates, byte arrays and instances of
 * registered classes, with shared references kept shared (Directory indexes users twice). New fields on any record
 * persist without code here; an unregistered class is refused when saving, so nothing is silently dropped.
 */

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

export interface ClassCodec {
  /** The instance to fill on load; its constructor-made fields are overwritten by the saved ones. */
  create(): object;
}

/** Class name -> how to make an empty instance. Own function-valued fields are wiring, not state: never saved. */
export type ClassRegistry = Record<string, ClassCodec>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === Object.prototype || proto === null;
};

export function encodeSnapshot(value: unknown, registry: ClassRegistry): Json {
  const seen = new Map<object, number>();
  const fieldsOf = (obj: object, path: string, skipFunctions: boolean): { [key: string]: Json } => {
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(obj)) {
      if (typeof v === 'function' && skipFunctions) continue;
      out[key] = enc(v, `${path}.${key}`);
    }
    return out;
  };
  const enc = (v: unknown, path: string): Json => {
    if (v === undefined) return { $u: 1 };
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
    if (typeof v !== 'object') throw new SnapshotError(`cannot save a ${typeof v} at ${path}`);
    const ref = seen.get(v);
    if (ref !== undefined) return { $ref: ref };
    seen.set(v, seen.size);
    if (Array.isArray(v)) return v.map((item, i) => enc(item, `${path}[${i}]`));
    if (v instanceof Map)
      return {
        $map: [...v.entries()].map(([k, item]) => [enc(k, `${path}<key>`), enc(item, `${path}<${String(k)}>`)]),
      };
    if (v instanceof Set) return { $set: [...v.values()].map((item, i) => enc(item, `${path}{${i}}`)) };
    if (v instanceof Date) return { $date: v.getTime() };
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
    if (isPlainObject(v)) {
      const fields = fieldsOf(v, path, false);
      return Object.keys(fields).some((k) => k.startsWith('$')) ? { $obj: fields } : fields;
    }
    const name = (v.constructor as { name?: string } | undefined)?.name ?? '?';
    if (!registry[name])
      throw new SnapshotError(`cannot save an instance of ${name} at ${path}: register the class with the snapshot`);
    return { $class: name, $fields: fieldsOf(v, path, true) };
  };
  return enc(value, '$');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function decodeSnapshot(json: unknown, registry: ClassRegistry): unknown {
  const refs: unknown[] = [];
  const fail = (path: string, what: string): never => {
    throw new SnapshotError(`${what} at ${path}`);
  };
  const fill = (target: Record<string, unknown>, fields: unknown, path: string): void => {
    if (!isRecord(fields)) fail(path, 'expected an object of fields');
    for (const [key, v] of Object.entries(fields as Record<string, unknown>)) target[key] = dec(v, `${path}.${key}`);
  };
  const dec = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
    if (Array.isArray(v)) {
      const arr: unknown[] = [];
      refs.push(arr);
      v.forEach((item, i) => arr.push(dec(item, `${path}[${i}]`)));
      return arr;
    }
    if (!isRecord(v)) return fail(path, `unexpected ${typeof v}`);
    if ('$u' in v) return undefined;
    if ('$num' in v) return Number(v.$num);
    if ('$ref' in v) {
      const index = v.$ref;
      if (typeof index !== 'number' || index < 0 || index >= refs.length)
        fail(path, `dangling reference ${String(index)}`);
      return refs[index as number];
    }
    if ('$map' in v) {
      const map = new Map<unknown, unknown>();
      refs.push(map);
      if (!Array.isArray(v.$map)) fail(path, 'a Map must hold [key, value] pairs');
      (v.$map as unknown[]).forEach((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) fail(`${path}<${i}>`, 'a Map entry must be a [key, value] pair');
        const key = dec((pair as unknown[])[0], `${path}<key ${i}>`);
        map.set(key, dec((pair as unknown[])[1], `${path}<${String(key)}>`));
      });
      return map;
    }
    if ('$set' in v) {
      const set = new Set<unknown>();
      refs.push(set);
      if (!Array.isArray(v.$set)) fail(path, 'a Set must hold an array');
      (v.$set as unknown[]).forEach((item, i) => set.add(dec(item, `${path}{${i}}`)));
      return set;
    }
    if ('$date' in v) {
      const date = new Date(Number(v.$date));
      refs.push(date);
      return date;
    }
    if ('$bytes' in v) {
      const bytes = Buffer.from(String(v.$bytes), 'base64');
      refs.push(bytes);
      return bytes;
    }
    if ('$class' in v) {
      const name = String(v.$class);
      const codec = registry[name];
      if (!codec) return fail(path, `unknown class ${name}`);
      const instance = codec.create() as Record<string, unknown>;
      refs.push(instance);
      fill(instance, v.$fields, path);
      return instance;
    }
    const obj: Record<string, unknown> = {};
    refs.push(obj);
    const fields = '$obj' in v ? v.$obj : v;
    if (fields === v && Object.keys(v).some((k) => k.startsWith('$')))
      fail(path, `unknown tag ${Object.keys(v).find((k) => k.startsWith('$'))}`);
    fill(obj, fields, path);
    return obj;
  };
  return dec(json, '$');
}
