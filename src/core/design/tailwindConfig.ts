/**
 * Tailwind v3 `tailwind.config.{js,cjs,mjs,ts}`: the `theme` and `theme.extend` colours, font
 * families, font sizes, border radius and spacing. The config is parsed, never run: @babel/parser
 * (JavaScript and TypeScript, with exact positions) gives the syntax tree, and only literal values
 * are read (objects, arrays, strings, numbers, and top-level `const`s holding them). Anything else,
 * `require()`, `colors.slate`, spreads, functions, is reported as not statically readable.
 */
import type { Node, ObjectExpression, ObjectMethod, ObjectProperty, Program } from '@babel/types';
import type { ColorConverter } from './color';
import { isColorKeywordWithoutValue } from './color';
import { cssColor } from './css';
import { type DesignBuilder, fontStack } from './context';
import type { TextFile } from './dtcg';
import type { Place } from './problems';
import { lazy } from './lazy';

const importBabel = () => import('@babel/parser');
export type BabelParser = Awaited<ReturnType<typeof importBabel>>;

export const loadBabelParser = lazy(importBabel);

export const TAILWIND_CONFIG = /^tailwind\.config\.(js|cjs|mjs|ts)$/;

/** Read from the tree: the value, or NOT_STATIC for what only running the config would tell. */
const NOT_STATIC = Symbol('not static');
type Static = unknown;

export function readTailwindConfig(file: TextFile, builder: DesignBuilder, colors: ColorConverter, babel: BabelParser): void {
  const problems = builder.problems;
  const place = (node: Node): Place => ({ file: file.path, line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 });
  const source = (node: Node): string => {
    const text = file.text.slice(node.start ?? 0, node.end ?? 0).replace(/\s+/g, ' ');
    return text.length > 48 ? `${text.slice(0, 47)}…` : text;
  };

  let program: Program;
  try {
    program = babel.parse(file.text, { sourceType: 'unambiguous', plugins: /\.ts$/.test(file.path) ? ['typescript'] : [] }).program;
  } catch (error) {
    const e = error as { message?: string; loc?: { line: number; column: number } };
    problems.error(
      { file: file.path, ...(e.loc ? { line: e.loc.line, column: e.loc.column + 1 } : {}) },
      `cannot be parsed: ${(e.message ?? String(error)).replace(/\s*\(\d+:\d+\)$/, '')}.`,
    );
    return;
  }

  // Top-level constants, so that `const config = {...}; module.exports = config` is read.
  const constants = new Map<string, Node>();
  let exported: Node | undefined;
  for (const statement of program.body) {
    if (statement.type === 'VariableDeclaration' && statement.kind === 'const') {
      for (const d of statement.declarations) if (d.id.type === 'Identifier' && d.init) constants.set(d.id.name, d.init);
    } else if (statement.type === 'ExportNamedDeclaration' && statement.declaration?.type === 'VariableDeclaration') {
      for (const d of statement.declaration.declarations) if (d.id.type === 'Identifier' && d.init) constants.set(d.id.name, d.init);
    } else if (statement.type === 'ExportDefaultDeclaration') {
      exported = statement.declaration;
    } else if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
      const target = source(statement.expression.left);
      if (target === 'module.exports' || target === 'exports.default') exported = statement.expression.right;
    }
  }
  if (!exported) {
    problems.error({ file: file.path, line: 1, column: 1 }, 'exports no config: expected `module.exports = { theme: ... }` or `export default { theme: ... }`.');
    return;
  }

  const positions = new Map<string, Node>();
  const resolving = new Set<string>();
  const notStatic = (node: Node, path: string, what: string): typeof NOT_STATIC => {
    problems.warning(place(node), `${path} is ${what}, which cannot be read without running the config: it is left out (tailwind configs are read, never run).`, path);
    return NOT_STATIC;
  };

  const unwrap = (node: Node): Node => {
    let n = node;
    while (n.type === 'TSAsExpression' || n.type === 'TSSatisfiesExpression' || n.type === 'TSNonNullExpression' || n.type === 'TSTypeAssertion' || n.type === 'ParenthesizedExpression') n = n.expression;
    return n;
  };

  const evaluate = (raw: Node, path: string): Static => {
    const node = unwrap(raw);
    positions.set(path, node);
    switch (node.type) {
      case 'StringLiteral':
      case 'NumericLiteral':
      case 'BooleanLiteral':
        return node.value;
      case 'NullLiteral':
        return null;
      case 'TemplateLiteral':
        return node.expressions.length === 0 ? node.quasis.map((q) => q.value.cooked ?? q.value.raw).join('') : notStatic(node, path, `the template \`${source(node)}\``);
      case 'UnaryExpression':
        if ((node.operator === '-' || node.operator === '+') && node.argument.type === 'NumericLiteral') return node.operator === '-' ? -node.argument.value : node.argument.value;
        return notStatic(node, path, `the expression ${source(node)}`);
      case 'Identifier': {
        const init = constants.get(node.name);
        if (!init || resolving.has(node.name)) return notStatic(node, path, `\`${node.name}\`, not a literal`);
        resolving.add(node.name);
        const value = evaluate(init, path);
        resolving.delete(node.name);
        return value;
      }
      case 'ArrayExpression': {
        const out: Static[] = [];
        node.elements.forEach((element, i) => {
          if (!element) return;
          if (element.type === 'SpreadElement') {
            notStatic(element, `${path}[${i}]`, `a spread (${source(element)})`);
            return;
          }
          const value = evaluate(element, `${path}[${i}]`);
          if (value !== NOT_STATIC) out.push(value);
        });
        return out;
      }
      case 'ObjectExpression':
        return evaluateObject(node, path);
      case 'CallExpression':
        return notStatic(node, path, node.callee.type === 'Identifier' && node.callee.name === 'require' ? `a require() (${source(node)})` : `a call (${source(node)})`);
      case 'MemberExpression':
        return notStatic(node, path, `\`${source(node)}\`, taken from another module or object`);
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return notStatic(node, path, 'a function');
      default:
        return notStatic(node, path, `\`${source(node)}\``);
    }
  };

  const evaluateObject = (node: ObjectExpression, path: string): Record<string, Static> => {
    const out: Record<string, Static> = {};
    for (const property of node.properties) {
      if (property.type === 'SpreadElement') {
        notStatic(property, path, `spread with ${source(property)}`);
        continue;
      }
      const key = property.computed
        ? undefined
        : property.key.type === 'Identifier'
          ? property.key.name
          : property.key.type === 'StringLiteral' || property.key.type === 'NumericLiteral'
            ? String(property.key.value)
            : undefined;
      const childPath = key === undefined ? `${path}[${source(property.key)}]` : path ? `${path}.${key}` : key;
      if (key === undefined) {
        notStatic(property, childPath, 'a computed key');
        continue;
      }
      if (property.type === 'ObjectMethod') {
        notStatic(property, childPath, 'a function');
        continue;
      }
      const value = evaluate(property.value, childPath);
      if (value !== NOT_STATIC) out[key] = value;
    }
    return out;
  };

  let configNode = unwrap(exported);
  if (configNode.type === 'Identifier' && constants.has(configNode.name)) configNode = unwrap(constants.get(configNode.name) as Node);
  if (configNode.type === 'CallExpression' && configNode.arguments.length === 1 && configNode.arguments[0]?.type === 'ObjectExpression') {
    problems.warning(place(configNode), `the config is wrapped in ${source(configNode.callee)}(): its object is read as written, without what the call adds.`);
    configNode = configNode.arguments[0];
  }
  if (configNode.type !== 'ObjectExpression') {
    notStatic(configNode, 'the exported config', `\`${source(configNode)}\``);
    return;
  }
  const themeProperty = configNode.properties.find(
    (p): p is ObjectProperty | ObjectMethod => p.type !== 'SpreadElement' && !p.computed && ((p.key.type === 'Identifier' && p.key.name === 'theme') || (p.key.type === 'StringLiteral' && p.key.value === 'theme')),
  );
  if (!themeProperty) {
    problems.warning(place(configNode), 'has no theme: there are no design tokens to read in it.');
    return;
  }
  const theme = evaluate(themeProperty.type === 'ObjectMethod' ? themeProperty : (themeProperty.value), 'theme');
  if (typeof theme !== 'object' || theme === null || Array.isArray(theme)) return;
  const base = theme as Record<string, unknown>;
  const extend = (typeof base.extend === 'object' && base.extend !== null ? base.extend : {}) as Record<string, unknown>;
  const merged = (key: string): Array<[string, unknown, string]> => {
    const out = new Map<string, [unknown, string]>();
    for (const [prefix, group] of [
      ['theme', base[key]],
      ['theme.extend', extend[key]],
    ] as const) {
      if (typeof group !== 'object' || group === null || Array.isArray(group)) continue;
      for (const [name, value] of Object.entries(group as Record<string, unknown>)) {
        const before = out.get(name)?.[0];
        const both = typeof before === 'object' && before !== null && typeof value === 'object' && value !== null && !Array.isArray(value) && !Array.isArray(before);
        out.set(name, [both ? { ...(before), ...(value) } : value, `${prefix}.${key}.${name}`]);
      }
    }
    return [...out].map(([name, [value, path]]) => [name, value, path]);
  };
  const lineOf = (path: string): { file: string; line: number } => ({ file: file.path, line: positions.get(path)?.loc?.start.line ?? 1 });
  const placeOf = (path: string): Place => {
    const node = positions.get(path);
    return node ? place(node) : { file: file.path };
  };

  const usesVariables: string[] = [];
  const addColor = (name: string, value: unknown, path: string): void => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) addColor(key === 'DEFAULT' ? name : `${name}-${key}`, inner, `${path}.${key}`);
      return;
    }
    if (typeof value !== 'string' || isColorKeywordWithoutValue(value)) return;
    if (/var\(|<alpha-value>/.test(value)) {
      usesVariables.push(path);
      return;
    }
    const hex = cssColor(value, colors);
    if (hex) builder.color(name, hex, lineOf(path), { written: value });
    else problems.warning(placeOf(path), `${path} is "${value}", which is not a CSS colour: it is left out.`, path);
  };
  for (const [name, value, path] of merged('colors')) addColor(name, value, path);
  if (usesVariables.length) {
    problems.warning(
      placeOf(usesVariables[0] ?? ''),
      `${usesVariables.length} colour(s) are CSS variables (${usesVariables.slice(0, 3).join(', ')}${usesVariables.length > 3 ? ', …' : ''}): their values are in your CSS, so name that file as the design system to read them.`,
    );
  }

  for (const [name, value, path] of merged('fontFamily')) {
    const stack = fontStack(Array.isArray(value) && Array.isArray(value[0]) ? value[0] : value).filter((f) => !f.startsWith('var('));
    if (stack[0]) builder.type({ name, family: stack[0], ...(stack.length > 1 ? { fallbacks: stack.slice(1) } : {}), ...lineOf(path) });
  }
  for (const [name, value, path] of merged('fontSize')) {
    const [size, extra] = (Array.isArray(value) ? value : [value]) as unknown[];
    if (typeof size !== 'string') continue;
    const options = typeof extra === 'string' ? { lineHeight: extra } : typeof extra === 'object' && extra !== null ? (extra as Record<string, unknown>) : {};
    builder.type({
      name,
      size,
      ...(typeof options.lineHeight === 'string' || typeof options.lineHeight === 'number' ? { lineHeight: String(options.lineHeight) } : {}),
      ...(typeof options.letterSpacing === 'string' ? { letterSpacing: options.letterSpacing } : {}),
      ...(typeof options.fontWeight === 'string' || typeof options.fontWeight === 'number' ? { weight: Number(options.fontWeight) } : {}),
      ...lineOf(path),
    });
  }
  for (const [kind, key] of [
    ['radius', 'borderRadius'],
    ['spacing', 'spacing'],
  ] as const) {
    for (const [name, value, path] of merged(key)) {
      if (typeof value === 'string' || typeof value === 'number') builder.dimension(kind, name === 'DEFAULT' ? 'default' : name, String(value), lineOf(path));
    }
  }
}
