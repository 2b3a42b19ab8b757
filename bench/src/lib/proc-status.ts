// Pure parsing of /proc/<pid>/status memory lines.

/** A `Vm*` line of /proc/<pid>/status in bytes (`VmHWM:   81234 kB`), or null when absent. */
export function procStatusBytes(status: string, field: 'VmHWM' | 'VmRSS'): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : null;
}
