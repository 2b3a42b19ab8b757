import { procStatusBytes } from './proc-status';

const status = 'Name:\tnode\nVmPeak:\t 1000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   70000 kB\nThreads:\t11\n';

describe('procStatusBytes', () => {
  it('reads VmHWM and VmRSS in bytes', () => {
    expect(procStatusBytes(status, 'VmHWM')).toBe(81234 * 1024);
    expect(procStatusBytes(status, 'VmRSS')).toBe(70000 * 1024);
  });

  it('is null when the line is missing (a process already gone)', () => {
    expect(procStatusBytes('Name:\tzombie\n', 'VmHWM')).toBeNull();
  });
});
