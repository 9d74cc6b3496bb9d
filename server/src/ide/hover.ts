/**
 * Hover text, as Markdown, for whatever the cursor is on: a built-in's signature and documentation, a
 * keyword's meaning with an example, a rule's or function's heads and `# METADATA`, where a local
 * variable is bound, what an import stands for, and an `input` path's type and value in the active
 * input. The meaning comes from `resolve`; this file only words it.
 */
import type * as Ast from '../ast/nodes';
import type { Range } from '../ast/nodes';
import type { Builtin } from '../builtins/declaration';
import { LineIndex } from '../syntax/line-index';
import { ObjectValue, SetValue, toJSON, typeOf, type Value } from '../value/value';
import { keywordDoc, keywordMarkdown } from './keywords';
import { importText, pathText, resolve, type Target } from './resolve';
import { builtinSignature } from './signatures';
import type { Snapshot } from './snapshot';
import { groundPrefix, pathKey, symbolIndex, type InputSegment, type LocalSymbol, type PackageDefinition, type RuleDefinition } from './symbols';

export interface Hover {
  /** The name the hover is about. */
  range: Range;
  markdown: string;
}

export function hover(snapshot: Snapshot, file: string, offset: number): Hover | undefined {
  const resolution = resolve(snapshot, file, offset);
  if (!resolution) return undefined;
  const markdown = targetMarkdown(snapshot, resolution.target, resolution.via);
  return markdown ? { range: resolution.range, markdown } : undefined;
}

/** Markdown for a resolved target (also used for completion documentation). */
export function targetMarkdown(snapshot: Snapshot, target: Target, via?: Ast.Import): string | undefined {
  let markdown: string | undefined;
  switch (target.kind) {
    case 'builtin':
      markdown = builtinMarkdown(target.builtin);
      break;
    case 'keyword': {
      const doc = keywordDoc(target.keyword);
      markdown = doc && keywordMarkdown(doc);
      break;
    }
    case 'rule':
      markdown = ruleMarkdown(snapshot, target.path, target.definitions);
      break;
    case 'package':
      markdown = packageMarkdown(snapshot, target.path, target.definitions);
      break;
    case 'data':
      markdown = dataMarkdown(target.path, target.rules);
      break;
    case 'local':
      markdown = localMarkdown(snapshot, target.local);
      break;
    case 'input':
      markdown = inputMarkdown(snapshot, target.path);
      break;
    case 'import':
      markdown = importMarkdown(snapshot, target);
      break;
  }
  if (markdown && via) markdown += `\n\nReached through \`import ${importText(via)}\`.`;
  return markdown;
}

function code(text: string): string {
  return `\`\`\`rego\n${text}\n\`\`\``;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function builtinMarkdown(builtin: Builtin): string {
  const signature = builtinSignature(builtin);
  const parts = [code(signature.label)];
  if (builtin.deprecated) parts.push('**Deprecated.** Kept so that older policies still run; prefer its replacement in new code.');
  parts.push(builtin.description);
  const described = signature.parameters.filter((parameter) => parameter.description);
  if (described.length > 0) {
    parts.push(`**Parameters**\n${described.map((parameter) => `- \`${parameter.name}\` (\`${parameter.type}\`): ${parameter.description}`).join('\n')}`);
  }
  if (builtin.result) {
    const name = builtin.result.name ? `\`${builtin.result.name}\` ` : '';
    parts.push(`**Returns** ${name}(\`${signature.label.slice(signature.label.lastIndexOf('-> ') + 3)}\`): ${builtin.result.description}`);
  }
  const notes: string[] = [];
  if (builtin.categories.length > 0) notes.push(`Category: ${builtin.categories.join(', ')}`);
  if (builtin.nondeterministic) notes.push('nondeterministic: results may differ between evaluations');
  if (builtin.infix) notes.push(`operator \`${builtin.infix}\``);
  if (notes.length > 0) parts.push(`*${notes.join(' · ')}*`);
  return parts.join('\n\n');
}

/** How a definition's head reads: `allow`, `f(x) := y`, `default allow := false`. */
function headText(snapshot: Snapshot, definition: RuleDefinition): string {
  const text = snapshot.get(definition.file)?.text ?? '';
  const head = text.slice(definition.rule.head.range.start, definition.rule.head.range.end).replace(/\s+/g, ' ');
  return definition.rule.default ? `default ${head}` : head;
}

function ruleKind(definitions: RuleDefinition[]): string {
  const head = (definitions.find((definition) => !definition.rule.default) ?? definitions[0]).rule.head;
  if (head.args) return 'function';
  if (head.contains || (head.key && !head.value)) return 'multi-value rule';
  if (head.ref.length > groundPrefix(head.ref).length) return 'rule with a key in its head';
  return 'rule';
}

function annotationText(annotations: readonly Ast.Annotation[] | undefined): string[] {
  const parts: string[] = [];
  const annotation = annotations?.find((candidate) => candidate.title || candidate.description);
  if (annotation?.title) parts.push(`**${annotation.title}**`);
  if (annotation?.description) parts.push(annotation.description.trim());
  return parts;
}

export function ruleMarkdown(snapshot: Snapshot, path: string[], definitions: RuleDefinition[]): string {
  const heads = [...new Set(definitions.map((definition) => headText(snapshot, definition)))];
  const shown = heads.slice(0, 5);
  if (heads.length > shown.length) shown.push(`# … ${heads.length - shown.length} more`);
  const parts = [code(`# ${pathText(path)}\n${shown.join('\n')}`)];
  for (const definition of definitions) {
    const text = annotationText(definition.rule.annotations);
    if (text.length > 0) {
      parts.push(...text);
      break;
    }
  }
  const files = new Set(definitions.map((definition) => definition.file)).size;
  const where = files > 1 ? ` in ${plural(files, 'file')}` : '';
  const hasDefault = definitions.some((definition) => definition.rule.default) ? ', one of them the default' : '';
  parts.push(`${capitalize(ruleKind(definitions))} \`${pathText(path)}\`: ${plural(definitions.length, 'definition')}${where}${hasDefault}.`);
  const last = definitions[0]?.rule.head.args ? undefined : snapshot.lastValue?.(path[0] === 'data' ? path : ['data', ...path]);
  if (last) {
    const against = last.inputPath ? ` with input \`${/[^\\/]*$/.exec(last.inputPath)![0]}\`` : '';
    if (last.text === undefined) parts.push(`Last evaluated${against}: undefined.`);
    else {
      const shown = last.text.length > 600 ? `${last.text.slice(0, 600)}\n…` : last.text;
      parts.push(`Last evaluated${against}:\n\n\`\`\`rego\n${shown}\n\`\`\``);
    }
  }
  return parts.join('\n\n');
}

function capitalize(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}

function packageMarkdown(snapshot: Snapshot, path: string[], definitions: PackageDefinition[]): string {
  const index = symbolIndex(snapshot);
  const exact = definitions.filter((definition) => definition.path.length === path.length);
  const name = pathText(path).replace(/^data\.?/, '');
  const parts = [code(exact.length > 0 ? `package ${name}` : `# ${pathText(path)}`)];
  for (const definition of exact) {
    const text = annotationText(definition.node.annotations);
    if (text.length > 0) {
      parts.push(...text);
      break;
    }
  }
  if (exact.length > 0) {
    const key = pathKey(path);
    const rules = new Set(index.rules.filter((rule) => pathKey(rule.packagePath) === key).map((rule) => pathText(rule.path)));
    parts.push(`Package \`${pathText(path)}\`: ${plural(rules.size, 'rule')} in ${plural(new Set(exact.map((definition) => definition.file)).size, 'file')}.`);
  } else {
    const below = [...new Set(definitions.map((definition) => pathText(definition.path)))];
    parts.push(`Leads to ${plural(below.length, 'package')}: ${below.slice(0, 8).map((text) => `\`${text}\``).join(', ')}${below.length > 8 ? ', …' : ''}.`);
  }
  return parts.join('\n\n');
}

function dataMarkdown(path: string[], rules: RuleDefinition[]): string {
  const parts = [code(`# ${pathText(path)}`)];
  const paths = [...new Set(rules.map((rule) => pathText(rule.path)))];
  if (paths.length > 0) parts.push(`Holds the rules ${paths.slice(0, 8).map((text) => `\`${text}\``).join(', ')}${paths.length > 8 ? ', …' : ''}.`);
  else parts.push('No rule in the workspace defines this path: it is part of a rule\'s value or of the data documents.');
  return parts.join('\n\n');
}

const BINDINGS: Record<LocalSymbol['binding'], string> = {
  assign: 'assigned with `:=`',
  some: 'declared with `some`',
  argument: 'an argument of the function',
  every: 'bound by `every`, once per element',
  unification: 'bound by unification where it is first used',
};

const SCOPES: Record<LocalSymbol['scope']['kind'], string> = {
  rule: 'the rule body',
  comprehension: 'the comprehension',
  every: 'the `every` body',
  query: 'the negated query',
};

function localMarkdown(snapshot: Snapshot, local: LocalSymbol): string {
  const text = snapshot.get(local.file)?.text ?? '';
  const { line } = new LineIndex(text).position(local.declaration.start);
  const lineStart = text.lastIndexOf('\n', local.declaration.start - 1) + 1;
  const lineEnd = text.indexOf('\n', local.declaration.start);
  const source = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).trim();
  return [code(local.name), `Local variable of ${SCOPES[local.scope.kind]}, ${BINDINGS[local.binding]} on line ${line}:`, code(source)].join('\n\n');
}

/** The value at an input path, following the first element where the path picks any element. */
export function inputValueAt(input: Value | undefined, path: readonly InputSegment[]): Value | undefined {
  let value = input;
  for (const part of path) {
    if (value === undefined) return undefined;
    if (part === null) {
      if (Array.isArray(value)) value = value[0];
      else if (value instanceof ObjectValue) value = value.values()[0];
      else if (value instanceof SetValue) value = value.values()[0];
      else return undefined;
    } else if (value instanceof ObjectValue) {
      value = value.get(part);
    } else if (Array.isArray(value) && typeof part === 'number') {
      value = value[part];
    } else {
      return undefined;
    }
  }
  return value;
}

/** A value's JSON, pretty-printed and cut short so a hover stays readable. */
function exampleText(value: Value): string {
  const lines = toJSON(value, 2).split('\n');
  if (lines.length <= 12) return lines.join('\n');
  return [...lines.slice(0, 12), '…'].join('\n');
}

function inputMarkdown(snapshot: Snapshot, path: InputSegment[]): string {
  const parts = [code(pathText(['input', ...path]))];
  if (snapshot.input === undefined) {
    parts.push('Part of the input document. No input is selected, so its type is not known.');
    return parts.join('\n\n');
  }
  const value = inputValueAt(snapshot.input, path);
  if (value === undefined) {
    parts.push('Not present in the active input.');
    return parts.join('\n\n');
  }
  const type = typeOf(value);
  let size = '';
  if (Array.isArray(value)) size = ` (${plural(value.length, 'element')})`;
  else if (value instanceof ObjectValue) size = ` (${plural(value.size, 'key')})`;
  else if (value instanceof SetValue) size = ` (${plural(value.size, 'element')})`;
  parts.push(`Type \`${type}\`${size} in the active input. Example value:`);
  parts.push(`\`\`\`json\n${exampleText(value)}\n\`\`\``);
  return parts.join('\n\n');
}

function importMarkdown(snapshot: Snapshot, target: Extract<Target, { kind: 'import' }>): string {
  const parts = [code(`import ${importText(target.node)}`)];
  const path = target.node.path.terms.map((part) => (part.type === 'var' ? part.name : part.type === 'string' ? part.value : '')).join('.');
  if (path === 'rego.v1') {
    parts.push('Makes this file follow Rego v1: `if` before rule bodies and `contains` for multi-value rules are required, and all keywords are on.');
  } else if (path === 'rego.v2') {
    parts.push('Turns on Rego v1 and the logical keywords `and`, `or` and negated queries `not { ... }`.');
  } else if (path === 'future.keywords') {
    parts.push('Turns on every future keyword (`in`, `every`, `if`, `contains`) in a v0 file.');
  } else if (path.startsWith('future.keywords.')) {
    const keyword = path.slice('future.keywords.'.length);
    const doc = keywordDoc(keyword);
    parts.push(`Turns on the keyword \`${keyword}\` in this file.${doc ? ` ${doc.summary}` : ''}`);
  } else if (target.symbol) {
    const symbol = target.symbol;
    const full = pathText([symbol.root, ...symbol.path]);
    parts.push(`\`${symbol.name}\` stands for \`${full}\` in this file.`);
    const inner = target.target;
    if (inner?.kind === 'rule') parts.push(ruleMarkdown(snapshot, inner.path, inner.definitions));
    else if (inner?.kind === 'package') parts.push(packageMarkdown(snapshot, inner.path, inner.definitions).split('\n\n').slice(1).join('\n\n'));
    else if (inner?.kind === 'input') parts.push(inputMarkdown(snapshot, inner.path).split('\n\n').slice(1).join('\n\n'));
  }
  return parts.join('\n\n');
}
