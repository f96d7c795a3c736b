/**
 * The subset of CEL (Common Expression Language) that Inngest function options use and this
 * executor evaluates: `idempotency`, `priority.run`, `concurrency.key`, trigger `if` and
 * `step.waitForEvent` `if`/`match`. Supported: member access from the roots `event` and
 * `async` (`event.data.user.id`, `event.data["user-id"]`), string literals in single or
 * double quotes, numbers (with unary minus), `true`, `false`, `null`, `==`, `!=`, `&&`, `||`,
 * `!`, the ternary `? :` and parentheses. A missing member reads as null instead of being an
 * error, so an expression over an absent field is false, not a failed run.
 */

export type CelValue = string | number | boolean | null | CelValue[] | { [key: string]: CelValue };
export type CelScope = Record<string, unknown>;

type Node =
  | { kind: "literal"; value: CelValue }
  | { kind: "path"; root: string; members: string[] }
  | { kind: "not"; operand: Node }
  | { kind: "negate"; operand: Node }
  | { kind: "binary"; operator: "==" | "!=" | "&&" | "||"; left: Node; right: Node }
  | { kind: "ternary"; condition: Node; then: Node; otherwise: Node };

export class CelError extends Error {
  override name = "CelError";
}

const ROOTS = new Set(["event", "async"]);
const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|&&|\|\||[.?:!()[\]-]))/y;

type Token = { type: "number" | "string" | "ident" | "op"; text: string; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new CelError(`unexpected character at ${at} in ${JSON.stringify(source)}`);
    const [, number, string, ident, op] = match;
    if (number !== undefined) tokens.push({ type: "number", text: number, at });
    else if (string !== undefined) tokens.push({ type: "string", text: string, at });
    else if (ident !== undefined) tokens.push({ type: "ident", text: ident, at });
    else tokens.push({ type: "op", text: op as string, at });
  }
  return tokens;
}

function unquote(text: string): string {
  return text
    .slice(1, -1)
    .replace(/\\(.)/g, (_, character: string) =>
      character === "n" ? "\n" : character === "t" ? "\t" : character,
    );
}

function parse(source: string): Node {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const fail = (message: string): never => {
    throw new CelError(`${message} in ${JSON.stringify(source)}`);
  };
  const accept = (text: string) => {
    const token = peek();
    if (token?.type === "op" && token.text === text) {
      position++;
      return true;
    }
    return false;
  };
  const expect = (text: string) => {
    if (!accept(text)) fail(`expected "${text}"`);
  };

  function expression(): Node {
    const condition = or();
    if (!accept("?")) return condition;
    const then = expression();
    expect(":");
    return { kind: "ternary", condition, then, otherwise: expression() };
  }
  function binary(next: () => Node, operators: Array<"==" | "!=" | "&&" | "||">) {
    return (): Node => {
      let left = next();
      for (;;) {
        const operator = operators.find((candidate) => accept(candidate));
        if (!operator) return left;
        left = { kind: "binary", operator, left, right: next() };
      }
    };
  }
  const equality = binary(unary, ["==", "!="]);
  const and = binary(equality, ["&&"]);
  const or = binary(and, ["||"]);

  function unary(): Node {
    if (accept("!")) return { kind: "not", operand: unary() };
    if (accept("-")) return { kind: "negate", operand: unary() };
    return primary();
  }
  function primary(): Node {
    const token = peek();
    if (!token) return fail("unexpected end");
    position++;
    if (token.type === "number") return { kind: "literal", value: Number(token.text) };
    if (token.type === "string") return { kind: "literal", value: unquote(token.text) };
    if (token.type === "op" && token.text === "(") {
      const inner = expression();
      expect(")");
      return inner;
    }
    if (token.type === "ident") {
      if (token.text === "true") return { kind: "literal", value: true };
      if (token.text === "false") return { kind: "literal", value: false };
      if (token.text === "null") return { kind: "literal", value: null };
      if (!ROOTS.has(token.text)) fail(`unknown identifier "${token.text}"`);
      const members: string[] = [];
      for (;;) {
        if (accept(".")) {
          const member = peek();
          if (member?.type !== "ident") fail("expected a member name after '.'");
          position++;
          members.push((member as Token).text);
        } else if (accept("[")) {
          const member = peek();
          if (member?.type !== "string" && member?.type !== "number") fail("expected an index");
          position++;
          members.push(member?.type === "string" ? unquote(member.text) : (member as Token).text);
          expect("]");
        } else {
          return { kind: "path", root: token.text, members };
        }
      }
    }
    return fail(`unexpected "${token.text}"`);
  }

  const tree = expression();
  if (position < tokens.length) fail(`unexpected "${tokens[position]?.text}"`);
  return tree;
}

function read(value: unknown, member: string): unknown {
  if (value === null || typeof value !== "object") return null;
  return Object.hasOwn(value, member) ? (value as Record<string, unknown>)[member] : null;
}

function equal(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left === "object" && typeof right === "object" && left !== null && right !== null) {
    return JSON.stringify(left) === JSON.stringify(right);
  }
  return false;
}

function truthy(value: unknown, source: string): boolean {
  if (typeof value !== "boolean") throw new CelError(`expected a boolean in ${source}`);
  return value;
}

function evaluate(node: Node, scope: CelScope, source: string): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "path":
      return node.members.reduce<unknown>(read, scope[node.root] ?? null);
    case "not":
      return !truthy(evaluate(node.operand, scope, source), source);
    case "negate": {
      const value = evaluate(node.operand, scope, source);
      if (typeof value !== "number") throw new CelError(`cannot negate a non-number in ${source}`);
      return -value;
    }
    case "binary": {
      const left = evaluate(node.left, scope, source);
      if (node.operator === "&&")
        return truthy(left, source) && truthy(evaluate(node.right, scope, source), source);
      if (node.operator === "||")
        return truthy(left, source) || truthy(evaluate(node.right, scope, source), source);
      const same = equal(left, evaluate(node.right, scope, source));
      return node.operator === "==" ? same : !same;
    }
    case "ternary":
      return truthy(evaluate(node.condition, scope, source), source)
        ? evaluate(node.then, scope, source)
        : evaluate(node.otherwise, scope, source);
  }
}

export interface CelExpression {
  source: string;
  evaluate(scope: CelScope): unknown;
}

/** Parses once; throws CelError for anything outside the subset. */
export function compileCel(source: string): CelExpression {
  const tree = parse(source);
  return { source, evaluate: (scope) => evaluate(tree, scope, source) };
}
