import { z } from 'zod';

// The caller's metadata, echoed back in events: plain JSON the store can keep as is (it refuses `$`/`.` keys and
// nesting past 100 levels, and would answer a 500), so those are refused here naming the field.

export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_METADATA_DEPTH = 10;

/** The first key path in `value` the store cannot keep, with why; null when all are fine. */
export function badMetadataPlace(
  value: unknown,
  path: Array<string | number> = [],
  depth = 1,
): { path: Array<string | number>; message: string } | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_METADATA_DEPTH) return { path, message: `nests deeper than ${MAX_METADATA_DEPTH} levels` };
  for (const [key, v] of Object.entries(value)) {
    if (!Array.isArray(value)) {
      if (key.startsWith('$')) return { path: [...path, key], message: 'keys may not start with $' };
      if (key.includes('.')) return { path: [...path, key], message: 'keys may not contain .' };
      if (key.includes('\u0000')) return { path: [...path, key], message: 'keys may not contain NUL' };
    }
    const inner = badMetadataPlace(v, [...path, Array.isArray(value) ? Number(key) : key], depth + 1);
    if (inner) return inner;
  }
  return null;
}

export const metadataSchema = z.record(z.string(), z.unknown()).superRefine((m, ctx) => {
  const bad = badMetadataPlace(m);
  if (bad) {
    ctx.addIssue({ code: 'custom', path: bad.path, message: bad.message });
    return;
  }
  if (Buffer.byteLength(JSON.stringify(m)) > MAX_METADATA_BYTES)
    ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON` });
});
