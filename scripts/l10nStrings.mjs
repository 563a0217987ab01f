// The strings the sources localise, read with the TypeScript compiler (not a regex): every
// `vscode.l10n.t(...)` of the extension host and every `t(...)` the Studio webview imports from
// `src/webview/l10n.ts`. Each call's message must be a literal (or `{ message: '...' }` for the
// host's object form): a computed message cannot be translated, so it is reported as a problem.
// Used by `scripts/l10n-webview.mjs` (writes l10n/webview.l10n.json) and by the unit test of the bundles.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** `.ts` files below `dir`, sorted. */
function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
    })
    .sort();
}

/** The literal text of a string expression, or undefined when it is computed. */
function literalText(node) {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** The names under which a file imports `t` from its `./l10n` module (usually just `t`). */
function webviewTNames(source) {
  const names = new Set();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !/(^|\/)l10n(\.js)?$/.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) if ((element.propertyName ?? element.name).text === 't') names.add(element.name.text);
    }
  }
  return names;
}

/**
 * The messages of the calls `isCall` picks in `files`: `{ messages: Map<message, locations[]>, problems: string[] }`.
 * `namesOf(source)` gives the file's context for `isCall` (the import names of `t` for the webview).
 */
function collect(root, files, namesOf, isCall, objectForm) {
  const messages = new Map();
  const problems = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const names = namesOf(source);
    const where = (node) => `${path.relative(root, file).split(path.sep).join('/')}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
    const visit = (node) => {
      if (ts.isCallExpression(node) && isCall(node.expression, names)) {
        const [first] = node.arguments;
        let message = literalText(first);
        if (message === undefined && objectForm && first && ts.isObjectLiteralExpression(first)) {
          const property = first.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(source) === 'message');
          message = property ? literalText(property.initializer) : undefined;
        }
        if (message === undefined) problems.push(`${where(node)}: the message of ${node.expression.getText(source)}(...) is not a literal, so it cannot be translated`);
        else messages.set(message, [...(messages.get(message) ?? []), where(node)]);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { messages, problems };
}

/** `vscode.l10n.t(...)` (also `l10n.t` after `import { l10n } from 'vscode'`) in src/, outside the webview. */
export function hostMessages(root) {
  const webview = path.join(root, 'src', 'webview');
  const files = sourceFiles(path.join(root, 'src')).filter((file) => !file.startsWith(`${webview}${path.sep}`));
  const isCall = (callee) => ts.isPropertyAccessExpression(callee) && callee.name.text === 't' && (callee.expression.getText() === 'vscode.l10n' || callee.expression.getText() === 'l10n');
  return collect(root, files, () => undefined, isCall, true);
}

/** The webview's `t(...)` (imported from src/webview/l10n.ts) in src/webview/. */
export function webviewMessages(root) {
  const files = sourceFiles(path.join(root, 'src', 'webview')).filter((file) => path.basename(file) !== 'l10n.ts');
  const isCall = (callee, names) => ts.isIdentifier(callee) && names.has(callee.text);
  return collect(root, files, webviewTNames, isCall, false);
}

/** The placeholders a message uses (`{0}`, `{1}`...), sorted and without repeats. */
export function placeholders(message) {
  return [...new Set(message.match(/\{\d+\}/g) ?? [])].sort();
}
