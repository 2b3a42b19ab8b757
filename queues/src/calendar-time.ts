import { WINDOWS_TO_IANA } from './calendar-windows-zones';

// Graph's dateTimeTimeZone: a wall-clock time (no offset) plus a zone, IANA or Windows name.

/** `2025-03-10T14:30`, `2025-03-10T14:30:00`, `2025-03-10T14:30:00.0000000`; no offset (the zone says it). */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

const WINDOWS_BY_LOWER = new Map(Object.keys(WINDOWS_TO_IANA).map((name) => [name.toLowerCase(), name]));
const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

export interface ResolvedTimeZone {
  /** The name to send to Graph (Windows names in their canonical spelling; IANA as given). */
  name: string;
  /** The IANA zone used for arithmetic. */
  iana: string;
}

function ianaAccepted(zone: string): boolean {
  if (!IANA_SHAPE.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A Windows or IANA time zone name, or null when neither knows it. */
export function resolveTimeZone(input: string): ResolvedTimeZone | null {
  const trimmed = input.trim();
  const windows = WINDOWS_BY_LOWER.get(trimmed.toLowerCase());
  if (windows) return { name: windows, iana: WINDOWS_TO_IANA[windows] as string };
  return ianaAccepted(trimmed) ? { name: trimmed, iana: trimmed } : null;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/** Parses the wall-clock parts, or null when the text is not a real local date-time (e.g. Feb 30th). */
export function parseLocalDateTime(text: string): WallClock | null {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCDate() !== day || probe.getUTCMonth() !== month - 1) return null;
  return { year, month, day, hour, minute, second, ms };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC at the instant `utcMs`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a wall-clock time in an IANA zone (a time skipped by a DST jump moves forward, as Outlook does). */
export function localToUtcMs(dateTime: string, ianaZone: string): number {
  const wall = parseLocalDateTime(dateTime);
  if (!wall) throw new RangeError(`not a local date-time: ${dateTime}`);
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.ms);
  const first = naive - zoneOffsetMs(ianaZone, naive);
  const second = naive - zoneOffsetMs(ianaZone, first);
  return second;
}

/** Graph's own UTC rendering: `2025-03-10T14:30:00.0000000`. */
export function toGraphUtc(utcMs: number): string {
  return `${new Date(utcMs).toISOString().slice(0, 19)}.0000000`;
}
