import { createServer } from 'node:net';

/** A port the sandbox listens on, and the variable that moves it. */
export interface NamedPort {
  port: number;
  variable: string;
  what: string;
}

/** What to tell the user when a port is taken: the port, what needed it and the variable that changes it. */
export function portInUseMessage(p: NamedPort, detail = 'EADDRINUSE'): string {
  return (
    `port ${p.port} (${p.what}) is already in use (${detail}): stop what is listening there, or start with another port, ` +
    `e.g. ${p.variable}=${p.port + 10} npm start`
  );
}

/** Finds an EADDRINUSE in a process's output and names the port's variable when it is one of ours. */
export function explainAddressInUse(output: string, ports: NamedPort[]): string | undefined {
  const m = /EADDRINUSE[^\n]*?:(\d{1,5})\b/.exec(output) ?? /EADDRINUSE/.exec(output);
  if (!m) return undefined;
  const port = m[1] ? Number(m[1]) : undefined;
  const named = ports.find((p) => p.port === port);
  if (named) return portInUseMessage(named);
  return `a port is already in use (EADDRINUSE${port ? ` on ${port}` : ''})`;
}

/** Listens on host:port for a moment: undefined when free, else the error code (EADDRINUSE, EACCES, ...). */
export function probePort(port: number, host = '127.0.0.1'): Promise<string | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(undefined)));
  });
}

/** Checks every port before anything starts: one message per port that is taken or invalid. */
export async function portProblems(ports: NamedPort[]): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Map<number, NamedPort>();
  for (const p of ports) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      problems.push(`${p.variable}=${p.port} is not a TCP port (1-65535)`);
      continue;
    }
    const other = seen.get(p.port);
    if (other) {
      problems.push(`${p.variable} and ${other.variable} are both ${p.port}: give them different ports`);
      continue;
    }
    seen.set(p.port, p);
    const code = await probePort(p.port);
    if (code) problems.push(portInUseMessage(p, code));
  }
  return problems;
}
