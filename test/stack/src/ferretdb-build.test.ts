import { ferretDbPatches, ferretDbVersion } from './ferretdb-build';

describe('the FerretDB helper build', () => {
  it('reads the FerretDB version from the helper go.mod, in a require block or on one line', () => {
    expect(ferretDbVersion('module x\n\ngo 1.24\n\nrequire github.com/FerretDB/FerretDB v1.24.2\n')).toBe('v1.24.2');
    expect(ferretDbVersion('require (\n\tgithub.com/FerretDB/FerretDB v1.24.2 // indirect\n)\n')).toBe('v1.24.2');
    expect(() => ferretDbVersion('require github.com/FerretDB/wire v0.0.8\n')).toThrow(
      /does not require github.com\/FerretDB\/FerretDB/,
    );
  });

  it('applies the patches in the repo, in name order', () => {
    expect(ferretDbPatches().map((p) => p.split('/').pop())).toContain('sqlite-id-pushdown.patch');
  });
});
