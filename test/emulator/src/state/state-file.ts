import fs from 'node:fs';
import path from 'node:path';
import { SnapshotError } from './snapshot-codec';

export const STATE_FILE_NAME = 'emulator-state.json';

/**
 * The emulator's state on disk: one JSON file in `dir`, written atomically (temp file + rename) and only when it
 * changed. It holds the emulator's fake app secrets and refresh tokens, so it is private (0600, folder 0700).
 */
export class StateFile {
  readonly file: string;
  private lastWritten: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    dir: string,
    private readonly serialize: () => string,
    private readonly onError: (err: unknown) => void,
    private readonly debounceMs = 200,
  ) {
    this.file = path.join(dir, STATE_FILE_NAME);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** The saved text, or undefined when there is none yet. */
  read(): string | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    this.lastWritten = text;
    return text;
  }

  /** Something changed: save soon (many changes in a burst make one write). */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.save();
      } catch (err) {
        this.onError(err);
      }
    }, this.debounceMs);
    this.timer.unref();
  }

  save(): void {
    const text = this.serialize();
    if (text === this.lastWritten) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.lastWritten = text;
  }

  /** Saves what is pending now (on close). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }
}

/** Wraps a load failure so the message names the file and what the person can do. */
export function stateLoadError(file: string, err: unknown): SnapshotError {
  const reason = err instanceof Error ? err.message : String(err);
  return new SnapshotError(
    `cannot load the emulator state from ${file}: ${reason}. Nothing was changed; move the file away (or delete it) to start with an empty emulator.`,
  );
}
