/**
 * Signature help inside a call's parentheses: the called built-in's or user function's signature and
 * which parameter the cursor is on. The call is found from tokens rather than the tree, because
 * while an argument is being typed the call is usually not yet valid Rego.
 */
import { builtinNamed } from '../builtins/index';
import type { RegoToken } from '../syntax/prepare';
import * as T from '../syntax/tokens';
import { openBrackets, tokensNear } from './lexical';
import { resolve } from './resolve';
import { builtinSignature, functionSignature, type Signature } from './signatures';
import type { Snapshot } from './snapshot';

export interface SignatureInformation extends Signature {
  /** Markdown. */
  documentation?: string;
}

export interface SignatureHelp {
  signatures: SignatureInformation[];
  activeSignature: number;
  activeParameter: number;
}

/** The dotted name glued to the left of a token: `strings.replace_n(` gives its tokens. */
function calleeBefore(tokens: RegoToken[], paren: RegoToken): RegoToken[] {
  const chain: RegoToken[] = [];
  let index = paren.idx - 1;
  let expectName = true;
  let next = paren;
  while (index >= 0) {
    const token = tokens[index];
    if (!next.adj) break;
    if (expectName ? token.tokenType !== T.Identifier : token.tokenType !== T.Dot) break;
    chain.unshift(token);
    expectName = !expectName;
    next = token;
    index--;
  }
  if (chain.length > 0 && chain[0].tokenType === T.Dot) chain.shift();
  return chain;
}

export function signatureHelp(snapshot: Snapshot, file: string, offset: number): SignatureHelp | undefined {
  const document = snapshot.get(file);
  if (!document) return undefined;
  const tokens = tokensNear(document, offset);
  const stack = openBrackets(tokens, offset);
  for (let position = stack.length - 1; position >= 0; position--) {
    const { token, commas } = stack[position];
    if (token.tokenType !== T.LParen) continue;
    const chain = calleeBefore(tokens, token);
    if (chain.length === 0) continue;
    const last = chain[chain.length - 1];
    const help = signaturesFor(snapshot, file, last.startOffset, chain.map((part) => part.image).join(''));
    if (!help || help.length === 0) continue;
    const activeSignature = Math.max(0, help.findIndex((signature) => signature.variadic || signature.parameters.length > commas));
    const signature = help[activeSignature];
    const activeParameter = signature.variadic ? Math.min(commas, signature.parameters.length - 1) : commas;
    return { signatures: help, activeSignature, activeParameter };
  }
  return undefined;
}

function signaturesFor(snapshot: Snapshot, file: string, offset: number, name: string): SignatureInformation[] | undefined {
  const target = resolve(snapshot, file, offset)?.target;
  if (target?.kind === 'builtin' || (!target && builtinNamed(name))) {
    const builtin = target?.kind === 'builtin' ? target.builtin : builtinNamed(name)!;
    return [{ ...builtinSignature(builtin), documentation: builtin.description }];
  }
  if (target?.kind === 'rule') {
    const seen = new Set<string>();
    const signatures: SignatureInformation[] = [];
    for (const definition of target.definitions) {
      if (!definition.rule.head.args) continue;
      const signature: SignatureInformation = functionSignature(target.path[target.path.length - 1], definition.rule.head);
      if (seen.has(signature.label)) continue;
      seen.add(signature.label);
      const annotation = definition.rule.annotations?.find((candidate) => candidate.description || candidate.title);
      if (annotation) signature.documentation = (annotation.description ?? annotation.title)!.trim();
      signatures.push(signature);
    }
    return signatures;
  }
  return undefined;
}
