/** Graph dateTimeTimeZone <-> UTC instants, for UTC, IANA zones and common Windows zone names. */
const WINDOWS_ZONES: Record<string, string> = {
  'pacific standard time': 'America/Los_Angeles',
  'mountain standard time': 'America/Denver',
  'central standard time': 'America/Chicago',
  'eastern standard time': 'America/New_York',
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'w. europe standard time': 'Europe/Berlin',
  'romance standard time': 'Europe/Paris',
  'central europe standard time': 'Europe/Budapest',
  'central european standard time': 'Europe/Warsaw',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kiev',
  'russian standard time': 'Europe/Moscow',
  'india standard time': 'Asia/Kolkata',
  'china standard time': 'Asia/Shanghai',
  'tokyo standard time': 'Asia/Tokyo',
  'aus eastern standard time': 'Australia/Sydney',
  'e. south america standard time': 'America/Sao_Paulo',
};

const UTC_NAMES = new Set(['utc', 'etc/utc', 'gmt', 'z', 'coordinated universal time', 'tzone://microsoft/utc']);

/** IANA name for a Graph time zone, or undefined for UTC / unknown. */
export function ianaZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  const lower = timeZone.trim().toLowerCase();
  if (UTC_NAMES.has(lower)) return undefined;
  const mapped = WINDOWS_ZONES[lower] ?? timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: mapped });
    return mapped;
  } catch {
    return undefined;
  }
}

function offsetMs(utcMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** "2024-05-01T10:00:00(.0000000)" in `timeZone` -> UTC ms. NaN when the date is unreadable. */
export function toUtcMs(dateTime: string, timeZone: string | undefined): number {
  const explicit = /(Z|[+-]\d{2}:\d{2})$/.test(dateTime);
  const wall = Date.parse(explicit ? dateTime : `${dateTime.replace(/(\.\d{3})\d*$/, '$1')}Z`);
  if (explicit || Number.isNaN(wall)) return wall;
  const zone = ianaZone(timeZone);
  if (!zone) return wall;
  const first = wall - offsetMs(wall, zone);
  const second = wall - offsetMs(first, zone);
  return second;
}

/** UTC ms -> Graph's "2024-05-01T10:00:00.0000000" wall time in `timeZone`. */
export function fromUtcMs(utcMs: number, timeZone: string | undefined): string {
  const zone = ianaZone(timeZone);
  const wall = zone ? utcMs + offsetMs(utcMs, zone) : utcMs;
  return new Date(wall).toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}0000`);
}
