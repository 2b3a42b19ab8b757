// In read-only mode the dashboard only reads: bull-board's own readOnlyMode hides the buttons, and this guard
// refuses any state-changing request (retry, remove, promote, clean, pause, add, ...) even if called directly.

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function refusedInReadOnly(method: string): boolean {
  return !READ_METHODS.has(method.toUpperCase());
}
