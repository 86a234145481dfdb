/**
 * The YAML side of config loading: parse with positions kept, explain syntax errors in plain
 * words, and find the line and column a config path points at.
 */
import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import type { InputIssue } from '../engine/errors.js';
import type { PathSegment } from './issue-path.js';

export interface YamlSource {
  document: Document.Parsed;
  lineCounter: LineCounter;
}

/** 1-based, like editors show. */
export interface SourcePosition {
  line: number;
  column: number;
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys: a repeated key is an error, not a silent "last one wins".
  const document = parseDocument(text, { prettyErrors: true, lineCounter, uniqueKeys: true });
  return { document, lineCounter };
}

function positionAt(source: YamlSource, offset: number): SourcePosition {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

function positionOf(source: YamlSource, node: unknown): SourcePosition | undefined {
  return isNode(node) && node.range ? positionAt(source, node.range[0]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// syntax errors

/** yaml's message without the " at line N, column M:" tail and code excerpt prettyErrors adds. */
function bareMessage(error: YAMLError): string {
  const firstLine = error.message.split('\n', 1)[0] ?? error.message;
  return firstLine.replace(/ at line \d+, column \d+:?$/, '');
}

/** The quoted scalar that runs on to where the parser gave up looking for its closing quote. */
function findUnclosedQuote(source: YamlSource, offset: number): Node | undefined {
  let found: Node | undefined;
  visit(source.document, {
    Scalar(_key, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[0] < offset && offset <= node.range[2]) found = node;
    },
  });
  return found;
}

/** The repeated key at `offset`, and where it first appears in the same mapping. */
function findDuplicateKey(source: YamlSource, offset: number) {
  let found: { key: string; first: SourcePosition | undefined } | undefined;
  visit(source.document, {
    Map(_key, map) {
      for (const pair of map.items) {
        if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) continue;
        const key = String(pair.key.value);
        const first = map.items.find((other) => isScalar(other.key) && String(other.key.value) === key);
        found = { key, first: first === pair ? undefined : positionOf(source, first?.key) };
      }
    },
  });
  return found;
}

function syntaxIssue(source: YamlSource, error: YAMLError): InputIssue {
  const reported = error.linePos?.[0];
  const at: SourcePosition | undefined = reported ? { line: reported.line, column: reported.col } : undefined;
  const bare = bareMessage(error);
  const message = bare.charAt(0).toLowerCase() + bare.slice(1);
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return { path: '', message: 'tabs are not allowed for indentation in YAML; indent with spaces', ...at };
    case 'DUPLICATE_KEY': {
      const duplicate = findDuplicateKey(source, error.pos[0]);
      const key = duplicate ? ` "${duplicate.key}"` : '';
      const first = duplicate?.first ? ` (first at line ${duplicate.first.line})` : '';
      return {
        path: '',
        message: `duplicate key${key}${first}; each key may appear only once in a mapping`,
        ...at,
      };
    }
    case 'MISSING_CHAR': {
      const quoted = /quote/.test(message) ? findUnclosedQuote(source, error.pos[0]) : undefined;
      if (quoted === undefined || !isScalar(quoted)) break;
      const mark = quoted.type === 'QUOTE_DOUBLE' ? '"' : "'";
      return {
        path: '',
        message: `unclosed quote: the string that starts here has no closing ${mark}`,
        ...positionOf(source, quoted),
      };
    }
    case 'BAD_INDENT':
      // yaml reports an unclosed [ or { as an indentation problem of the flow collection.
      return /^flow /.test(message)
        ? { path: '', message: `${message}; is its closing bracket missing?`, ...at }
        : { path: '', message: `${message}; check the indentation (spaces only, siblings aligned)`, ...at };
    case 'MULTIPLE_DOCS':
      return {
        path: '',
        message: 'the file holds more than one YAML document (a second "---"); keep one',
        ...at,
      };
  }
  return { path: '', message, ...at };
}

/** One issue per YAML syntax error, in file order. */
export function yamlSyntaxIssues(source: YamlSource): InputIssue[] {
  return source.document.errors.map((error) => syntaxIssue(source, error));
}

// ---------------------------------------------------------------------------------------------
// path -> position

/**
 * Where `path` is written: the value node (or the key, for `target: 'key'` and for `key:` with
 * no value). When the path is missing from the file (a defaulted or forgotten key), the nearest
 * written ancestor's key; undefined when that is the document itself.
 */
export function locatePath(
  source: YamlSource,
  path: readonly PathSegment[],
  target: 'key' | 'value' = 'value',
): SourcePosition | undefined {
  let node: unknown = source.document.contents;
  /** Where to point for `node`'s location when a deeper segment is missing. */
  let anchor: unknown = undefined;
  let keyNode: unknown = undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) return positionOf(source, anchor);
      keyNode = pair.key;
      node = pair.value;
      anchor = pair.key;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      keyNode = undefined;
      node = node.items[segment];
      anchor = node;
    } else {
      return positionOf(source, anchor);
    }
  }
  const valueIsBlank = !isNode(node) || !node.range || node.range[0] === node.range[1];
  if (keyNode !== undefined && (target === 'key' || valueIsBlank)) return positionOf(source, keyNode);
  return positionOf(source, node);
}
