import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// connection-status is the one owner of a connection's status: no production file elsewhere may write `status` or
// `statusReason` on a Connection. Read from the source tree (the AST, not text), so a new writer fails here.

const repo = join(__dirname, '..', '..', '..');
const OWNER = 'mailbox-runtime/src/connection-status/';
const WRITES = new Set([
  'create',
  'insertMany',
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findByIdAndUpdate',
  'replaceOne',
  'bulkWrite',
]);
const FIELDS = new Set(['status', 'statusReason']);

function productionFiles(): string[] {
  const out = execFileSync('git', ['ls-files', 'shared/src', 'queues/src', 'mailbox-runtime/src', 'services'], {
    cwd: repo,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter(
      (f) =>
        f.endsWith('.ts') &&
        !f.endsWith('.test.ts') &&
        !f.includes('/test-support/') &&
        !f.includes('/testing/') &&
        !/-harness\.ts$|test-support\.ts$/.test(f),
    );
}

/** Whether an object literal (or one nested in $set, $setOnInsert, an array of docs) names a status field. */
function writesStatus(node: ts.Node | undefined): boolean {
  if (!node) return false;
  if (ts.isArrayLiteralExpression(node)) return node.elements.some(writesStatus);
  if (!ts.isObjectLiteralExpression(node)) return false;
  return node.properties.some((p) => {
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '';
    if (FIELDS.has(name)) return true;
    return name.startsWith('$') && ts.isPropertyAssignment(p) && writesStatus(p.initializer);
  });
}

function statusWrites(file: string): string[] {
  const src = ts.createSourceFile(file, readFileSync(join(repo, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && WRITES.has(n.expression.name.text)) {
      const target = n.expression.expression.getText(src);
      if (/(^|\.)Connection$/.test(target)) {
        const update =
          n.expression.name.text === 'create' || n.expression.name.text === 'insertMany'
            ? n.arguments[0]
            : n.arguments[1];
        if (writesStatus(update)) found.push(`${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

describe('connection status has one owner', () => {
  const files = productionFiles();

  it('reads the production tree', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('finds the writes of connection-status itself (the check sees a real write)', () => {
    expect(files.filter((f) => f.startsWith(OWNER)).flatMap(statusWrites).length).toBeGreaterThanOrEqual(4);
  });

  it('finds no write of status or statusReason on a Connection anywhere else', () => {
    expect(files.filter((f) => !f.startsWith(OWNER)).flatMap(statusWrites)).toEqual([]);
  });
});
