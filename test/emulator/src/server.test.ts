import { rewriteGraphUrl } from './server';

describe('rewriteGraphUrl', () => {
  it("routes mailFolders('x') like mailFolders/x, encoded or not", () => {
    expect(rewriteGraphUrl("/v1.0/me/mailFolders('inbox')/messages/delta?$select=id")).toBe(
      '/v1.0/me/mailFolders/inbox/messages/delta?$select=id',
    );
    expect(rewriteGraphUrl('/v1.0/me/mailFolders%28%27AAMkAF-x_y%27%29/messages')).toBe(
      '/v1.0/me/mailFolders/AAMkAF-x_y/messages',
    );
    expect(rewriteGraphUrl('/v1.0/me/mailFolders/inbox')).toBe('/v1.0/me/mailFolders/inbox');
  });
});
