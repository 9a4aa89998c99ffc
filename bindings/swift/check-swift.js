#!/usr/bin/env node
// Checks the hand-written Swift of the iOS app without a Swift toolchain (none runs on Linux CI):
//
//   node check-swift.js GENERATED_DIR SOURCE_DIR
//
// 1. Every *.swift under SOURCE_DIR parses (tree-sitter-swift); an ERROR or missing node fails
//    with file:line:column.
// 2. Every call into the core is checked against the declarations in GENERATED_DIR/*.swift (the
//    uniffi output of generate.sh), both read from syntax trees, never by regular expression:
//    free functions, constructors (`T(...)`), static constructors (`T.open(...)`), methods on a
//    value whose type is known to be a core type, record fields read from such a value, and the
//    functions a hand-written type must implement for a core protocol (observers, transports).
//    The call's argument labels must match a declaration (parameters with a default may be left
//    out). A method call on a value of unknown type is checked when its name is declared by the
//    core and by no hand-written type. A value's type is known from its declaration, from a
//    core call, from the app's own initializer or function with a declared return type, or from
//    the array a closure walks (`rows.first { $0.selected }`); a name bound to different types
//    in one file is left unknown rather than guessed. A call of a method the app's own type
//    declares (`model.setFillIn(row, fill: true)`) must match one of its declarations' labels
//    too (a trailing closure stands for the last parameters).
// 3. Every label the views show (Text, Button, Label, Toggle, confirmationDialog, ...) is in
//    ios/Clientbook/Localizable.xcstrings with English and Russian text (a count may use plural
//    variations: en one/other, ru one/few/many/other), each with the key's placeholders, and
//    every entry is used.
//
// Exits 1 on any problem, after listing all of them.
'use strict';

const fs = require('fs');
const path = require('path');
const Parser = require('tree-sitter');
const Swift = require('tree-sitter-swift');

const [generatedDir, sourceDir] = process.argv.slice(2);
if (!generatedDir || !sourceDir) {
  console.error('usage: check-swift.js GENERATED_DIR SOURCE_DIR');
  process.exit(2);
}

const parser = new Parser();
parser.setLanguage(Swift);
const problems = [];

function parse(text) {
  // The default buffer is too small for the generated files (100 KB and more).
  return parser.parse(text, null, { bufferSize: Math.max(1 << 16, 2 * text.length) });
}

/** ERROR and missing nodes, as "file:line:col: ..." (tree-sitter rows are 0-based). */
function syntaxErrors(tree, file, text) {
  const found = [];
  (function walk(node) {
    if (node.type === 'ERROR' || node.isMissing) {
      const at = node.startPosition;
      const what = node.isMissing
        ? `missing ${node.type}`
        : `cannot parse "${text.slice(node.startIndex, Math.min(node.endIndex, node.startIndex + 40)).split('\n')[0]}"`;
      found.push(`${file}:${at.row + 1}:${at.column + 1}: ${what}`);
      return;
    }
    if (node.hasError) for (const child of node.children) walk(child);
  })(tree.rootNode);
  return found;
}

/**
 * uniffi 0.32's Swift uses syntax tree-sitter-swift 0.7.1 does not know; each rewrite keeps
 * every line and column (blanks, same lengths), and touches nothing a public signature needs.
 */
function rewriteGenerated(text) {
  return text
    .replace(/#if swift\(>=5\.8\)\s*@_documentation\(visibility:\s*private\)\s*#endif/g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/@_documentation\(visibility:\s*private\)|nonisolated\(unsafe\)/g, (m) => ' '.repeat(m.length))
    .replace(/\{ \(\) \}/g, '{    }');
}

// ---------------------------------------------------------------- syntax helpers

/** Free functions of the Swift standard library and Apple's SDKs that the app may call. */
const SDK_FUNCTIONS = new Set([
  'abs', 'assert', 'defer', 'assertionFailure', 'dump', 'fatalError', 'max', 'min', 'precondition',
  'preconditionFailure', 'print', 'repeatElement', 'sequence', 'stride', 'swap', 'type', 'zip',
  'withAnimation', 'withCheckedContinuation', 'withCheckedThrowingContinuation',
  'withExtendedLifetime', 'withTaskCancellationHandler', 'withUnsafeContinuation',
]);

/** Array methods whose closure takes one element: `rows.first { $0.selected }`. */
const ELEMENT_CLOSURES = new Set(['first', 'last', 'filter', 'contains', 'allSatisfy', 'firstIndex', 'lastIndex', 'map', 'compactMap', 'flatMap', 'forEach']);

const named = (node) => node.namedChildren;
const field = (node, name) => node.childForFieldName(name);
const unescape = (name) => name.replace(/`/g, '');
const keyword = (node) => node.children.find((c) => !c.isNamed)?.type; // class, struct, enum, extension, protocol

/** A type annotation as { name, array } (optionals unwrapped; generics ignored). */
function typeOfAnnotation(node) {
  if (!node) return null;
  switch (node.type) {
    case 'type_annotation':
      return typeOfAnnotation(field(node, 'name') || named(node)[0]);
    case 'optional_type':
    case 'implicitly_unwrapped_type':
      return typeOfAnnotation(field(node, 'wrapped') || named(node)[0]);
    case 'array_type': {
      const element = typeOfAnnotation(field(node, 'element') || field(node, 'name') || named(node)[0]);
      // An array of arrays is not typed: one level of `array` cannot say what its elements are.
      return element && !element.array ? { name: element.name, array: true } : null;
    }
    case 'user_type': {
      const ids = named(node).filter((c) => c.type === 'type_identifier');
      return ids.length ? { name: ids[ids.length - 1].text, array: false } : null;
    }
    case 'type_identifier':
      return { name: node.text, array: false };
    default:
      return null;
  }
}

/** The labels of a declaration's parameters: [{ label, defaulted }], `_` for none. */
function parameterLabels(decl) {
  const labels = [];
  const children = decl.children;
  children.forEach((child, i) => {
    if (child.type !== 'parameter') return;
    const external = field(child, 'external_name');
    const internal = child.childrenForFieldName('name').find((c) => c.type === 'simple_identifier');
    const label = unescape((external || internal).text);
    const defaulted = children[i + 1]?.type === '=';
    labels.push({ label, defaulted });
  });
  return labels;
}

/** The return type of a function_declaration (its last `name:` field that is a type). */
function returnType(decl) {
  const types = decl.childrenForFieldName('name').filter((c) => c.type !== 'simple_identifier');
  return types.length ? typeOfAnnotation(types[types.length - 1]) : null;
}

const signature = (name, labels) => `${name}(${labels.map((l) => `${l.label}:`).join('')})`;

// ---------------------------------------------------------------- the generated API

/**
 * types: name -> { kind, inits: [labels], methods: name -> [{labels, returns}],
 *                  statics: same, fields: name -> type, cases: name -> labels|null,
 *                  protocolFunctions: [{name, labels}] }
 * functions: name -> [{labels, returns}]
 */
function readGenerated(dir) {
  const api = { types: new Map(), functions: new Map() };
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.swift')).sort();
  if (files.length === 0) problems.push(`${dir}: no generated Swift files`);
  const typeEntry = (name, kind) => {
    if (!api.types.has(name)) {
      api.types.set(name, { kind, inits: [], methods: new Map(), statics: new Map(), fields: new Map(), cases: new Map(), protocolFunctions: [] });
    }
    return api.types.get(name);
  };
  const push = (map, key, value) => (map.get(key) || map.set(key, []).get(key)).push(value);
  const isPublic = (decl) => {
    const modifiers = named(decl).find((c) => c.type === 'modifiers');
    return !!modifiers && /\b(public|open)\b/.test(modifiers.text);
  };
  const isStatic = (decl) => {
    const modifiers = named(decl).find((c) => c.type === 'modifiers');
    return !!modifiers && /\b(static|class)\b/.test(modifiers.text);
  };

  for (const file of files) {
    const text = rewriteGenerated(fs.readFileSync(path.join(dir, file), 'utf8'));
    const tree = parse(text);
    // A declaration lost in an unparsed region would be reported as "missing" later, far
    // from the cause; say here that the rewrites above need a new case.
    for (const error of syntaxErrors(tree, path.join(dir, file), text)) {
      problems.push(`${error} (generated file: extend rewriteGenerated in check-swift.js)`);
    }
    for (const decl of named(tree.rootNode)) {
      if (decl.type === 'function_declaration' && isPublic(decl)) {
        const name = unescape(field(decl, 'name').text);
        if (!name.startsWith('FfiConverter')) push(api.functions, name, { labels: parameterLabels(decl), returns: returnType(decl) });
      } else if (decl.type === 'protocol_declaration' && isPublic(decl)) {
        const type = typeEntry(field(decl, 'name').text, 'protocol');
        for (const member of named(field(decl, 'body'))) {
          if (member.type === 'protocol_function_declaration') {
            const name = unescape(field(member, 'name').text);
            type.protocolFunctions.push({ name, labels: parameterLabels(member) });
            push(type.methods, name, { labels: parameterLabels(member), returns: returnType(member) });
          }
        }
      } else if (decl.type === 'class_declaration') {
        const kind = keyword(decl);
        const nameNode = field(decl, 'name');
        if (!nameNode) continue;
        const typeName = typeOfAnnotation(nameNode.type === 'type_identifier' ? nameNode : nameNode)?.name || nameNode.text;
        if (kind !== 'extension' && !isPublic(decl)) continue;
        if (kind === 'extension' && !api.types.has(typeName)) continue;
        if (typeName.startsWith('FfiConverter') || typeName.startsWith('Uniffi')) continue;
        const type = typeEntry(typeName, kind);
        const body = field(decl, 'body');
        if (!body) continue;
        for (const member of named(body)) {
          if (member.type === 'init_declaration' && isPublic(member)) {
            const labels = parameterLabels(member);
            // uniffi's own handle constructors are not the API.
            if (!labels.some((l) => ['unsafeFromHandle', 'noHandle'].includes(l.label))) type.inits.push(labels);
          } else if (member.type === 'function_declaration' && isPublic(member)) {
            const name = unescape(field(member, 'name').text);
            if (name === 'uniffiCloneHandle') continue;
            push(isStatic(member) ? type.statics : type.methods, name, { labels: parameterLabels(member), returns: returnType(member) });
          } else if (member.type === 'property_declaration' && isPublic(member)) {
            const nameNode = field(member, 'name');
            const bound = nameNode && (field(nameNode, 'bound_identifier') || nameNode);
            const annotation = named(member).find((c) => c.type === 'type_annotation');
            if (bound) type.fields.set(unescape(bound.text), typeOfAnnotation(annotation));
          } else if (member.type === 'enum_entry') {
            const names = member.childrenForFieldName('name');
            const data = field(member, 'data_contents');
            for (const n of names) {
              const labels = data ? named(data).filter((c) => c.type === 'simple_identifier').map((c) => ({ label: c.text, defaulted: false })) : null;
              type.cases.set(unescape(n.text), labels);
            }
          }
        }
      }
    }
  }
  return api;
}

// ---------------------------------------------------------------- the hand-written code

function swiftFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...swiftFiles(full));
    else if (entry.name.endsWith('.swift')) out.push(full);
  }
  return out.sort();
}

/** Every name a hand-written type declares as a function, and each type's typed properties. */
function readHandWritten(trees) {
  const functionNames = new Set();
  const functionParams = new Map(); // name -> [[type node of each parameter]]
  const functionReturns = new Map(); // name -> [declared return type or null, per declaration]
  const typeNames = new Set(); // classes, structs, enums and protocols declared here (not extensions)
  const methodLabels = new Map(); // "Type.name" -> [{ labels, returns }]
  const push = (map, key, value) => (map.get(key) || map.set(key, []).get(key)).push(value);
  const members = new Map(); // type name -> name -> type (extensions of core types included)
  const methods = new Map(); // type name -> function names
  for (const { file, tree } of trees) {
    (function walk(node, owner) {
      if (node.type === 'function_declaration' || node.type === 'protocol_function_declaration') {
        const name = unescape(field(node, 'name').text);
        functionNames.add(name);
        const params = node.children.filter((c) => c.type === 'parameter').map((p) => {
          const types = p.childrenForFieldName('name').filter((c) => c.type !== 'simple_identifier');
          return types[types.length - 1] || null;
        });
        (functionParams.get(name) || functionParams.set(name, []).get(name)).push({ file, owner, params });
        (functionReturns.get(name) || functionReturns.set(name, []).get(name)).push(returnType(node));
        if (owner) (methods.get(owner) || methods.set(owner, new Set()).get(owner)).add(name);
        if (owner) push(methodLabels, `${owner}.${name}`, { labels: parameterLabels(node), returns: returnType(node) });
      }
      if (node.type === 'class_declaration' || node.type === 'protocol_declaration') {
        const nameNode = field(node, 'name');
        owner = nameNode ? typeOfAnnotation(nameNode)?.name || nameNode.text : owner;
        if (nameNode && keyword(node) !== 'extension') typeNames.add(owner);
      }
      if (node.type === 'property_declaration' && owner) {
        const nameNode = field(node, 'name');
        const bound = nameNode && (field(nameNode, 'bound_identifier') || nameNode);
        const annotation = named(node).find((c) => c.type === 'type_annotation');
        const type = typeOfAnnotation(annotation);
        if (bound && type) (members.get(owner) || members.set(owner, new Map()).get(owner)).set(bound.text, type);
      }
      for (const child of named(node)) walk(child, owner);
    })(tree.rootNode, null);
  }
  return { functionNames, functionParams, functionReturns, typeNames, members, methods, methodLabels };
}

function matchLabels(call, declared) {
  let i = 0;
  for (const param of declared) {
    if (i < call.length && call[i] === param.label) i++;
    else if (!param.defaulted) return false;
  }
  return i === call.length;
}

function callLabels(callExpression) {
  const suffix = named(callExpression).find((c) => c.type === 'call_suffix');
  if (!suffix) return null;
  const labels = [];
  for (const part of named(suffix)) {
    if (part.type === 'value_arguments') {
      for (const arg of named(part)) {
        if (arg.type !== 'value_argument') continue;
        const label = field(arg, 'name');
        labels.push(label ? unescape(label.text.replace(/:$/, '')) : '_');
      }
    } else if (part.type === 'lambda_literal') {
      labels.push('_'); // a trailing closure; no core function takes one
    }
  }
  return labels;
}

function checkFile(api, hand, file, tree) {
  const stats = { calls: 0, own: 0, fields: 0, conformances: 0, cases: 0 };
  const where = (node) => `${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
  const isCore = (type) => type && api.types.has(type.name);

  // Names bound in this file, with a type when every binding agrees on one.
  const bindings = new Map();
  const declared = new Set(); // names with a declaration that says (or hides) their type
  const bind = (name, type) => {
    if (!name) return;
    declared.add(name);
    const before = bindings.get(name);
    if (before === undefined) bindings.set(name, type);
    else if (before && (!type || before.name !== type.name || before.array !== type.array)) bindings.set(name, null);
  };

  // First pass: declarations with a written type, then bindings inferred from a value.
  const inferred = [];
  (function walk(node) {
    switch (node.type) {
      case 'property_declaration': {
        const nameNode = field(node, 'name');
        const bound = nameNode && (field(nameNode, 'bound_identifier') || nameNode);
        const annotation = named(node).find((c) => c.type === 'type_annotation');
        if (bound && annotation) bind(bound.text, typeOfAnnotation(annotation));
        else if (bound && field(node, 'value')) inferred.push([bound.text, field(node, 'value'), false]);
        else if (bound) bind(bound.text, null); // e.g. @Environment(\.openURL) var openURL
        break;
      }
      case 'lambda_parameter': {
        const ids = node.childrenForFieldName('name');
        const name = ids.find((c) => c.type === 'simple_identifier');
        const type = ids.find((c) => c.type !== 'simple_identifier');
        if (name && type) bind(name.text, typeOfAnnotation(type));
        break;
      }
      case 'if_statement':
      case 'guard_statement': {
        // `if let a = x, let b, ...`: a bound name is followed by its value, except in the
        // shorthand `if let b`, which keeps b's type.
        const children = named(node);
        const bound = new Set(node.childrenForFieldName('bound_identifier').map((c) => c.id));
        children.forEach((child, i) => {
          if (!bound.has(child.id)) return;
          const next = children[i + 1];
          if (next && !['value_binding_pattern', 'statements', 'else'].includes(next.type)) inferred.push([child.text, next, false]);
        });
        break;
      }
      case 'for_statement': {
        const item = field(node, 'item');
        const bound = item && (field(item, 'bound_identifier') || item);
        const collection = field(node, 'collection');
        if (bound && collection) inferred.push([bound.text, collection, true]);
        break;
      }
      default:
        break;
    }
    for (const child of named(node)) walk(child);
  })(tree.rootNode);

  // Inferring the bindings evaluates expressions too; only the final walk reports and counts.
  let silent = true;
  const reported = new Set();
  const report = (node, message) => {
    if (silent) return;
    const key = `${node.id}`;
    if (reported.has(key)) return;
    reported.add(key);
    problems.push(`${where(node)}: ${message}`);
  };

  const memo = new Map();
  const typeOf = (node) => {
    if (!node) return null;
    if (memo.has(node.id)) return memo.get(node.id);
    memo.set(node.id, null);
    const type = computeType(node);
    memo.set(node.id, type);
    return type;
  };
  // Bindings are per file, not per scope: a name bound to values of different types (`model`
  // is an ImportModel in one test class and an ExportModel in the next) stays untyped, so it
  // is never checked against the wrong type.
  const conflicting = new Set();
  for (let round = 0; round < 3; round++) {
    const seen = new Map();
    for (const [name, value, element] of inferred) {
      memo.clear();
      let type = typeOf(value);
      if (element) type = type?.array ? { name: type.name, array: false } : null;
      if (!type) continue;
      const before = seen.get(name) || (declared.has(name) ? bindings.get(name) : undefined);
      // A declaration without a type, or with another one, makes the name ambiguous too.
      if (before !== undefined && (!before || before.name !== type.name || before.array !== type.array)) conflicting.add(name);
      seen.set(name, type);
      if (!bindings.get(name)) bindings.set(name, type);
    }
    for (const name of conflicting) bindings.set(name, null);
  }
  memo.clear();
  silent = false;

  /**
   * The parameter types of a closure passed to a hand-written function whose parameter is a
   * function type, e.g. `send { $0.search(query: q) }` with
   * `func send(_ call: (ImportScreen) -> ImportScreenState)`.
   */
  function lambdaParamTypes(lambda) {
    let suffix = lambda.parent, index;
    if (suffix?.type === 'value_argument') {
      const args = suffix.parent;
      index = named(args).filter((c) => c.type === 'value_argument').findIndex((c) => c.id === suffix.id);
      suffix = args.parent;
    } else if (suffix?.type === 'call_suffix') {
      const args = named(suffix).find((c) => c.type === 'value_arguments');
      const before = named(suffix).filter((c) => c.type === 'lambda_literal' && c.startIndex < lambda.startIndex).length;
      index = (args ? named(args).filter((c) => c.type === 'value_argument').length : 0) + before;
    } else {
      return null;
    }
    if (suffix?.type !== 'call_suffix') return null;
    const callee = named(suffix.parent)[0];
    const nameNode = callee.type === 'navigation_expression' ? field(field(callee, 'suffix'), 'suffix') : callee;
    if (!nameNode || nameNode.type !== 'simple_identifier') return null;
    // `rows.first { $0.index == i }`: a closure over the elements of an array of core records.
    if (callee.type === 'navigation_expression' && ELEMENT_CLOSURES.has(nameNode.text)) {
      const collection = typeOf(field(callee, 'target'));
      return collection?.array ? [{ name: collection.name, array: false }] : null;
    }
    // The function of that name in the closure's own type, else its own file, else anywhere.
    const owner = enclosingType(lambda);
    const rank = (d) => (d.file === file ? (d.owner === owner ? 0 : 1) : 2);
    const declared = [...(hand.functionParams.get(unescape(nameNode.text)) || [])].sort((a, b) => rank(a) - rank(b));
    for (const { params } of declared) {
      let type = params[index];
      if (type?.type === 'type_modifiers') type = null;
      if (type?.type !== 'function_type') continue;
      const tuple = field(type, 'params');
      return tuple ? named(tuple).filter((c) => c.type === 'tuple_type_item').map((item) => typeOfAnnotation(field(item, 'name') || named(item)[0])) : [];
    }
    return null;
  }

  /** A parameter of an enclosing function or initializer, which shadows the file's names. */
  function functionParameter(node, name) {
    for (let at = node.parent; at; at = at.parent) {
      if (at.type !== 'function_declaration' && at.type !== 'init_declaration') continue;
      for (const param of at.children.filter((c) => c.type === 'parameter')) {
        const names = param.childrenForFieldName('name');
        const internal = names.find((c) => c.type === 'simple_identifier');
        if (internal?.text !== name) continue;
        const types = names.filter((c) => c.type !== 'simple_identifier');
        return { type: typeOfAnnotation(types[types.length - 1]) };
      }
    }
    return null;
  }

  function enclosingType(node) {
    for (let at = node.parent; at; at = at.parent) {
      if (at.type === 'class_declaration') {
        const name = field(at, 'name');
        return name ? typeOfAnnotation(name)?.name || name.text : null;
      }
    }
    return null;
  }

  /** A closure parameter (`$0`, or a name the closure declares) in scope at `node`. */
  function closureParameter(node, name) {
    const numbered = /^\$(\d+)$/.exec(name);
    for (let at = node.parent; at; at = at.parent) {
      if (at.type !== 'lambda_literal') continue;
      const declared = [];
      const signature = field(at, 'type');
      (function collect(n) {
        if (n.type === 'lambda_parameter') declared.push(n);
        else for (const c of named(n)) collect(c);
      })(signature || at.parent);
      const params = signature ? declared : [];
      const index = numbered ? Number(numbered[1]) : params.findIndex((p) => p.childrenForFieldName('name').some((c) => c.type === 'simple_identifier' && c.text === name));
      if (numbered && params.length) continue; // $0 belongs to an inner closure without names
      if (index < 0) continue;
      const written = params[index]?.childrenForFieldName('name').find((c) => c.type !== 'simple_identifier');
      if (written) return { type: typeOfAnnotation(written) };
      return { type: lambdaParamTypes(at)?.[index] || null };
    }
    return null;
  }

  function lookupName(name) {
    if (api.types.has(name) && !bindings.has(name)) return { name, meta: true };
    return bindings.get(name) || null;
  }

  function member(owner, name, node) {
    if (!owner) return null;
    if (owner.array) return name === 'first' || name === 'last' ? { name: owner.name, array: false } : null;
    if (owner.meta) {
      const type = api.types.get(owner.name);
      if (type?.cases.has(name)) return { name: owner.name, array: false };
      return null;
    }
    if (isCore(owner)) {
      const type = api.types.get(owner.name);
      if (type.fields.has(name)) {
        if (!silent) stats.fields++;
        return type.fields.get(name);
      }
      const extended = hand.members.get(owner.name);
      if (extended?.has(name)) return extended.get(name); // the app's own extension
      if (type.kind === 'struct' || type.kind === 'enum') {
        if (!type.methods.has(name) && !['hashValue', 'rawValue'].includes(name)) {
          report(node, `${owner.name} has no field \`${name}\`; it has: ${[...type.fields.keys()].join(', ') || 'none'}`);
        }
      }
      return null;
    }
    const own = hand.members.get(owner.name);
    return own?.get(name) || null;
  }

  function checkCall(node, what, candidates, labels, declaredIn) {
    if (!silent) stats.calls++;
    if (!candidates || candidates.length === 0) {
      report(node, `${declaredIn} has no ${what}; the core declares: ${describe(declaredIn)}`);
      return null;
    }
    const hit = candidates.find((c) => matchLabels(labels, c.labels));
    if (!hit) {
      const name = what.replace(/\(.*/, '');
      report(node, `${what} does not match ${candidates.map((c) => `${declaredIn}.${signature(name, c.labels)}`).join(' or ')}`);
    }
    return hit || candidates[0];
  }

  function describe(typeName) {
    const type = api.types.get(typeName);
    if (!type) return [...api.functions.keys()].join(', ');
    const sigs = [];
    for (const labels of type.inits) sigs.push(signature('init', labels));
    for (const [name, list] of type.statics) for (const d of list) sigs.push(`static ${signature(name, d.labels)}`);
    for (const [name, list] of type.methods) for (const d of list) sigs.push(signature(name, d.labels));
    return sigs.join(', ') || 'nothing callable';
  }

  function computeType(node) {
    switch (node.type) {
      case 'simple_identifier': {
        const closure = closureParameter(node, node.text);
        if (closure) return closure.type;
        const parameter = functionParameter(node, node.text);
        if (parameter) return parameter.type;
        const found = lookupName(node.text);
        if (found) return found;
        // Inside the app's extension of a core type, a bare name is one of its fields.
        const owner = enclosingType(node);
        return owner && api.types.has(owner) ? api.types.get(owner).fields.get(node.text) || null : null;
      }
      case 'try_expression':
      case 'await_expression':
      case 'parenthesized_expression':
      case 'postfix_expression':
        return typeOf(field(node, 'expr') || named(node).find((c) => !['try_operator'].includes(c.type)));
      case 'navigation_expression': {
        const target = field(node, 'target');
        const suffix = field(node, 'suffix');
        const name = suffix && field(suffix, 'suffix');
        if (!name) return null;
        if (target.type === 'self_expression') return lookupName(name.text);
        return member(typeOf(target), unescape(name.text), name);
      }
      case 'call_expression': {
        const callee = named(node)[0];
        const labels = callLabels(node);
        if (!labels) return typeOf(callee);
        if (callee.type === 'simple_identifier') {
          const name = unescape(callee.text);
          if (bindings.has(name) || closureParameter(callee, name) || functionParameter(callee, name)) return null;
          if (api.types.has(name)) {
            const type = api.types.get(name);
            checkCall(callee, signature('init', labels.map((label) => ({ label }))), type.inits.map((l) => ({ labels: l })), labels, name);
            return { name, array: false };
          }
          if (api.functions.has(name) && !hand.functionNames.has(name)) {
            const hit = checkCall(callee, signature(name, labels.map((label) => ({ label }))), api.functions.get(name), labels, 'the core');
            return hit?.returns || null;
          }
          // The app's own types and functions: an initializer gives its type, a function the
          // return type all its declarations agree on (`let model = try model(.iosAuthorized)`:
          // a name cannot be used in its own initializer, so this `model` is the function).
          if (hand.typeNames.has(name)) return { name, array: false };
          if (hand.functionNames.has(name)) {
            const returns = hand.functionReturns.get(name) || [];
            const first = returns[0];
            const agree = first && returns.every((r) => r && r.name === first.name && r.array === first.array);
            return agree ? first : null;
          }
          // XCTUnwrap(x) is x, unwrapped.
          if (name === 'XCTUnwrap') {
            const args = named(named(node).find((c) => c.type === 'call_suffix') || node).find((c) => c.type === 'value_arguments');
            const first = args && named(args).find((c) => c.type === 'value_argument');
            const value = first && (field(first, 'value') || named(first)[named(first).length - 1]);
            return value ? typeOf(value) : null;
          }
          // A lower-case name nobody here declares is a core function that was renamed or
          // removed, unless it is one of the few SDK functions the app calls.
          if (/^[a-z]/.test(name) && !hand.functionNames.has(name) && !SDK_FUNCTIONS.has(name)) {
            if (!silent) stats.calls++;
            report(callee, `${signature(name, labels.map((label) => ({ label })))} is declared neither by the core nor under ${sourceDir} (nor is it an SDK function this checker knows: SDK_FUNCTIONS in check-swift.js)`);
          }
          return null;
        }
        if (callee.type !== 'navigation_expression') return null;
        const target = field(callee, 'target');
        const suffix = field(callee, 'suffix');
        const nameNode = suffix && field(suffix, 'suffix');
        if (!nameNode) return null;
        const name = unescape(nameNode.text);
        const sig = signature(name, labels.map((label) => ({ label })));
        const owner = target.type === 'self_expression' ? null : typeOf(target);
        if (owner?.array) {
          // `rows.first { ... }` is an element; `rows.filter { ... }` the same kind of array.
          if (['first', 'last'].includes(name)) return { name: owner.name, array: false };
          return ['filter', 'sorted', 'reversed', 'prefix', 'suffix', 'dropFirst', 'dropLast'].includes(name) ? owner : null;
        }
        if (owner?.meta) {
          const type = api.types.get(owner.name);
          if (name === 'init') {
            checkCall(nameNode, sig, type.inits.map((l) => ({ labels: l })), labels, owner.name);
            return { name: owner.name, array: false };
          }
          if (type.cases.has(name)) {
            const caseLabels = type.cases.get(name) || [];
            checkCall(nameNode, sig, [{ labels: caseLabels }], labels, owner.name);
            return { name: owner.name, array: false };
          }
          const hit = checkCall(nameNode, `static ${sig}`, type.statics.get(name), labels, owner.name);
          return hit?.returns || null;
        }
        // A method of the app's own type (the models): the labels of one of its declarations.
        // Names it does not declare (SwiftUI modifiers, protocol members) are not checked.
        const own = owner && !owner.array && !isCore(owner) && hand.methodLabels.get(`${owner.name}.${name}`);
        if (own) {
          // A trailing closure stands for the parameter it lands on, whatever its label.
          // (tree-sitter-swift sometimes hangs it on an outer call: `(try x.read(a: 1)) { ... }`.)
          const closures = (call) => {
            const suffix = named(call).find((c) => c.type === 'call_suffix');
            return suffix ? named(suffix).filter((c) => c.type === 'lambda_literal').length : 0;
          };
          let callee = node;
          while (['try_expression', 'await_expression'].includes(callee.parent?.type)) callee = callee.parent;
          const outer = callee.parent?.type === 'call_expression' && named(callee.parent)[0]?.id === callee.id ? callee.parent : null;
          const outerSuffix = outer && named(outer).find((c) => c.type === 'call_suffix');
          const onlyClosures = outerSuffix && named(outerSuffix).every((c) => c.type === 'lambda_literal');
          const callLabelsAll = onlyClosures ? [...labels, ...callLabels(outer)] : labels;
          const trailing = closures(node) + (onlyClosures ? closures(outer) : 0);
          const candidates = own.map((d) => ({
            ...d,
            labels: d.labels.map((l, i) => (i >= d.labels.length - trailing ? { ...l, label: '_' } : l)),
          }));
          const counted = stats.calls;
          const hit = checkCall(nameNode, signature(name, callLabelsAll.map((label) => ({ label }))), candidates, callLabelsAll, owner.name);
          stats.own += stats.calls - counted;
          stats.calls = counted;
          return hit?.returns || null;
        }
        if (isCore(owner) && !owner.array) {
          const type = api.types.get(owner.name);
          if (hand.methods.get(owner.name)?.has(name)) return null; // the app's own extension
          if (type.kind === 'class' || type.kind === 'protocol' || type.methods.has(name)) {
            const hit = checkCall(nameNode, sig, type.methods.get(name), labels, owner.name);
            return hit?.returns || null;
          }
          return null;
        }
        if (!owner && !hand.functionNames.has(name)) {
          // Unknown receiver: a name only the core declares is a call into the core.
          const candidates = [];
          for (const [typeName, type] of api.types) {
            for (const d of type.methods.get(name) || []) candidates.push({ ...d, typeName });
          }
          if (candidates.length) {
            if (!silent) stats.calls++;
            if (!candidates.some((c) => matchLabels(labels, c.labels))) {
              report(nameNode, `${sig} does not match ${candidates.map((c) => `${c.typeName}.${signature(name, c.labels)}`).join(' or ')}`);
            }
            return candidates.every((c) => c.returns?.name === candidates[0].returns?.name) ? candidates[0].returns : null;
          }
        }
        return null;
      }
      default:
        return null;
    }
  }

  /** `.name` against the cases of a core enum. */
  function checkCase(enumType, node, name) {
    const type = api.types.get(enumType.name);
    if (!type || type.kind !== 'enum' || enumType.array) return;
    stats.cases++;
    if (!type.cases.has(name)) report(node, `${enumType.name} has no case .${name}; it has: ${[...type.cases.keys()].map((c) => `.${c}`).join(', ')}`);
  }
  const implicitMember = (node) => (node?.type === 'prefix_expression' && /^\.\w+$/.test(node.text) ? unescape(node.text.slice(1)) : null);

  function checkEnumUses(node) {
    if (node.type === 'switch_statement') {
      const type = typeOf(field(node, 'expr'));
      if (!type || api.types.get(type.name)?.kind !== 'enum' || type.array) return;
      const seen = new Set();
      let fallback = false;
      for (const entry of named(node).filter((c) => c.type === 'switch_entry')) {
        if (named(entry).some((c) => c.type === 'default_keyword')) fallback = true;
        for (const pattern of named(entry).filter((c) => c.type === 'switch_pattern')) {
          const name = /^\.`?(\w+)`?/.exec(pattern.text)?.[1];
          if (!name) { fallback = true; continue; }
          seen.add(name);
          checkCase(type, pattern, name);
        }
      }
      const missing = [...api.types.get(type.name).cases.keys()].filter((c) => !seen.has(c));
      if (!fallback && missing.length) report(field(node, 'expr'), `switch over ${type.name} misses ${missing.map((c) => `.${c}`).join(', ')}`);
    } else if (node.type === 'equality_expression') {
      const name = implicitMember(field(node, 'rhs'));
      const type = name && typeOf(field(node, 'lhs'));
      if (type) checkCase(type, field(node, 'rhs'), name);
    } else if (node.type === 'assignment') {
      const name = implicitMember(field(node, 'result'));
      const target = field(node, 'target');
      const type = name && typeOf(named(target)[0] || target);
      if (type) checkCase(type, field(node, 'result'), name);
    }
  }

  (function walk(node) {
    if (node.type === 'call_expression' || node.type === 'navigation_expression') typeOf(node);
    if (['switch_statement', 'equality_expression', 'assignment'].includes(node.type)) checkEnumUses(node);
    if (node.type === 'class_declaration') checkConformance(node);
    for (const child of named(node)) walk(child);
  })(tree.rootNode);

  // A hand-written type adopting a core protocol (observer, transport) implements each of its
  // functions with the same labels.
  function checkConformance(decl) {
    const adopted = named(decl)
      .filter((c) => c.type === 'inheritance_specifier')
      .map((c) => typeOfAnnotation(field(c, 'inherits_from'))?.name)
      .filter((name) => api.types.get(name)?.kind === 'protocol');
    if (!adopted.length) return;
    const body = field(decl, 'body');
    const own = named(body || decl).filter((m) => m.type === 'function_declaration');
    for (const protocolName of adopted) {
      stats.conformances++;
      for (const required of api.types.get(protocolName).protocolFunctions) {
        const found = own.some((f) => unescape(field(f, 'name').text) === required.name
          && matchLabels(parameterLabels(f).map((l) => l.label), required.labels));
        if (!found) report(field(decl, 'name'), `${field(decl, 'name').text} adopts ${protocolName} but does not implement ${signature(required.name, required.labels)}`);
      }
    }
  }
  return stats;
}

// ---------------------------------------------------------------- the String Catalog

/** Calls whose (unlabelled or `title:`) string argument is a LocalizedStringKey. */
const LABEL_CALLS = new Set(['Text', 'Button', 'Label', 'DisclosureGroup', 'Toggle', 'navigationTitle', 'PrimaryBar', 'String',
  'confirmationDialog', 'alert']);
const LABEL_ARGUMENTS = new Set(['_', 'title', 'localized']);

/** A string literal with each interpolation as "•", as the catalog key is with each %lld or %@. */
function literalKey(literal) {
  return named(literal).map((part) => (part.type === 'interpolated_expression' ? '•' : part.text)).join('');
}
const catalogKey = (key) => key.replace(/%%/g, '\u0000').replace(/%(lld|ld|d|@|f)/g, '•').replace(/\u0000/g, '%');

/** The labels the views show, from the syntax trees: [{ key, node }]. */
function uiLabels(tree) {
  const labels = [];
  (function walk(node) {
    if (node.type === 'line_string_literal' && isLabel(node)) labels.push({ key: literalKey(node), node });
    for (const child of named(node)) walk(child);
  })(tree.rootNode);
  return labels;
}

function isLabel(literal) {
  let at = literal.parent;
  while (at && at.type === 'ternary_expression') at = at.parent;
  if (at?.type === 'value_argument') {
    const label = field(at, 'name');
    if (!LABEL_ARGUMENTS.has(label ? label.text.replace(/:$/, '') : '_')) return false;
    const call = at.parent?.parent?.parent;
    if (call?.type !== 'call_expression') return false;
    let callee = named(call)[0];
    // tree-sitter-swift 0.7.1 reads `Text(a) + Text("b")` as `(Text(a) + Text)("b")`: the call
    // is the right-hand operand's.
    while (callee.type === 'additive_expression') callee = field(callee, 'rhs') || named(callee)[named(callee).length - 1];
    const name = callee.type === 'navigation_expression' ? field(field(callee, 'suffix'), 'suffix')?.text : callee.text;
    return LABEL_CALLS.has(name) && (name !== 'String' || !!label);
  }
  if (at?.type === 'control_transfer_statement') {
    for (let up = at.parent; up; up = up.parent) {
      if (up.type === 'property_declaration' || up.type === 'function_declaration') {
        return /LocalizedStringKey/.test(named(up).find((c) => c.type === 'type_annotation')?.text || (up.type === 'function_declaration' ? returnType(up)?.name || '' : ''));
      }
    }
  }
  return false;
}

/** Every label has an English and a Russian entry in the catalog, and every entry is used. */
function checkCatalog(catalogPath, trees) {
  if (!fs.existsSync(catalogPath)) {
    problems.push(`${catalogPath}: missing (the String Catalog with every label in en and ru)`);
    return 0;
  }
  let catalog;
  try {
    catalog = JSON.parse(fs.readFileSync(catalogPath, 'utf8'));
  } catch (error) {
    problems.push(`${catalogPath}: not JSON (${error.message})`);
    return 0;
  }
  const entries = new Map(Object.entries(catalog.strings || {}).map(([key, entry]) => [catalogKey(key), { key, entry }]));
  const used = new Set();
  let count = 0;
  for (const { file, tree } of trees) {
    for (const { key, node } of uiLabels(tree)) {
      count++;
      used.add(key);
      if (!entries.has(key)) problems.push(`${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}: label "${key}" is not in ${path.basename(catalogPath)}`);
    }
  }
  for (const [key, { key: raw, entry }] of entries) {
    if (!used.has(key)) problems.push(`${catalogPath}: "${raw}" is not used by any view`);
    for (const language of ['en', 'ru']) {
      for (const problem of localizationProblems(raw, language, entry.localizations?.[language])) {
        problems.push(`${catalogPath}: "${raw}" ${problem}`);
      }
    }
  }
  return count;
}

/** The plural categories (CLDR) a count needs in each language the app ships. */
const PLURAL_FORMS = { en: ['one', 'other'], ru: ['one', 'few', 'many', 'other'] };
/** A text's placeholders (`%lld`, `%@`), in order; sorted when a translation numbers them (`%2$@`). */
function specifiers(text) {
  const found = [...text.replace(/%%/g, '').matchAll(/%(\d+\$)?(lld|ld|d|@|f)/g)];
  const kinds = found.map((m) => m[2]);
  return (found.some((m) => m[1]) ? kinds.sort() : kinds).join(' ');
}

/**
 * A language's text for a key: one `stringUnit`, or plural `variations` with every form the
 * language needs (Russian: one, few, many, other). Each text has the key's format specifiers,
 * in order, so a count or a name cannot go missing from one form.
 */
function localizationProblems(key, language, localization) {
  const found = [];
  const texts = [];
  const plural = localization?.variations?.plural;
  if (plural) {
    for (const form of PLURAL_FORMS[language]) {
      const value = plural[form]?.stringUnit?.value;
      if (value) texts.push([`${language} "${form}"`, value]);
      else found.push(`has no ${language} plural form "${form}"`);
    }
    if (!/%(lld|ld|d)/.test(key)) found.push(`has ${language} plural forms but no count in the key`);
  } else if (localization?.stringUnit?.value) {
    texts.push([language, localization.stringUnit.value]);
  } else {
    found.push(`has no ${language} text`);
  }
  for (const [where, value] of texts) {
    if (specifiers(value) !== specifiers(key)) found.push(`has ${where} text "${value}" whose placeholders differ from the key's`);
  }
  return found;
}

// ---------------------------------------------------------------- main

const api = readGenerated(generatedDir);
const files = swiftFiles(sourceDir);
if (files.length === 0) problems.push(`${sourceDir}: no Swift files`);
const trees = [];
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const tree = parse(text);
  const shown = path.relative(process.cwd(), file);
  const errors = syntaxErrors(tree, shown, text);
  problems.push(...errors);
  trees.push({ file: shown, tree });
}
const hand = readHandWritten(trees);
const totals = { calls: 0, own: 0, fields: 0, conformances: 0, cases: 0 };
for (const { file, tree } of trees) {
  const stats = checkFile(api, hand, file, tree);
  for (const key of Object.keys(totals)) totals[key] += stats[key];
  console.log(`  ${file}: ${stats.calls} core calls, ${stats.own} calls of the app's own methods, ${stats.fields} record fields, ${stats.cases} enum cases, ${stats.conformances} protocol conformances checked`);
}
console.log(`== ${files.length} Swift files parsed; ${api.types.size} core types and ${api.functions.size} core functions read; ${totals.calls} core calls, ${totals.own} own method calls, ${totals.fields} field reads, ${totals.cases} enum cases, ${totals.conformances} conformances checked`);
const labelCount = checkCatalog(path.join(sourceDir, 'Clientbook', 'Localizable.xcstrings'), trees);
console.log(`== ${labelCount} labels checked against Localizable.xcstrings (en, ru)`);
if (totals.calls === 0 && files.length > 0) problems.push('no call into the core was recognised: the checker no longer understands the sources');
if (problems.length) {
  for (const problem of problems) console.error(problem);
  console.error(`check-swift: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('== Swift sources parse and match the generated API');
