/**
 * Locates the first syntax error of a JSON text as line and column. V8's own messages carry a
 * position only for some errors ("Unexpected token 'x', ... is not valid JSON" has none), so a
 * small scanner walks the text instead of trusting the message.
 *
 * Why not a maintained parser that reports positions: jsonc-parser (the one VS Code uses) gives an
 * offset and an error code ("CommaExpected", "InvalidSymbol", "ValueExpected"), and for a user who
 * mistyped `"a": tru` in config.json that reads worse than "expected true, found "tru"", which is
 * what the config error shows (test/shared/config-json.test.ts pins these texts). The scanner
 * decides nothing about validity: it runs only after JSON.parse has already refused the text.
 */

export type JsonSyntaxProblem = { line: number; column: number; offset: number; reason: string };

class Stop extends Error {
  constructor(readonly offset: number, readonly reason: string) {
    super(reason);
  }
}

/** Returns where `text` stops being valid JSON, or null when it is valid. Lines and columns count from 1. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const fail = (reason: string): never => {
    throw new Stop(i, reason);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const describeHere = () => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`expected ${word}, found ${JSON.stringify(/^[A-Za-z]*/.exec(text.slice(i))![0] || text[i])}`);
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a string is not closed');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') fail('a control character (such as a line break) inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('a bad escape sequence');
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail(`expected a number, found ${describeHere()}`);
    i += match![0].length;
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail(`expected a value (a string in double quotes, a number, true, false, null, { or [), found ${describeHere()}`);
  };
  const object = () => {
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail(text[i] === '}' ? 'a trailing comma before "}"' : `expected a key in double quotes, found ${describeHere()}`);
      string();
      skipSpace();
      if (text[i] !== ':') fail(`expected ":" after a key, found ${describeHere()}`);
      i++;
      value();
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected "," or "}", found ${describeHere()}`);
    }
  };
  const array = () => {
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail('a trailing comma before "]"');
      value();
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected "," or "]", found ${describeHere()}`);
    }
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1; // a BOM is tolerated by readers that strip it
    if (text.slice(i).trim() === '') fail('the file is empty');
    value();
    skipSpace();
    if (i < text.length) fail(`unexpected text after the end of the JSON value: ${JSON.stringify(text[i])}`);
    return null;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...lineAndColumn(text, error.offset), offset: error.offset, reason: error.reason };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}
