/** One `$n` of a statement's text: where it stands, and which value (1-based) it takes. */
export interface Placeholder {
  start: number;
  end: number;
  index: number;
}

/**
 * The `$n` placeholders of a PostgreSQL statement, found the way PostgreSQL's own lexer finds them
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html): never inside 'strings' (with ''
 * doubled), E'escape strings' (with \ escapes), "identifiers", $tag$ dollar-quoted strings $tag$, -- line
 * or nested /* block *\/ comments, nor inside a word such as `x$1`. Assumes standard_conforming_strings
 * (on by default since PostgreSQL 9.1). Throws on a literal or comment that never ends: where its
 * placeholders lie cannot be known then.
 */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at]!;
    const next = text[at + 1];
    if (char === "'") at = endOfQuoted(text, at, "'", false);
    else if (char === '"') at = endOfQuoted(text, at, '"', false);
    else if (char === '-' && next === '-') at = endOfLine(text, at);
    else if (char === '/' && next === '*') at = endOfBlockComment(text, at);
    else if (char === '$') at = afterDollar(text, at, found);
    else if (wordStart.test(char)) {
      const end = endOfWord(text, at);
      // E'...' is an escape string only when the E stands alone: `somee'x'` is a word, then a string.
      if (end === at + 1 && (char === 'E' || char === 'e') && text[end] === "'") at = endOfQuoted(text, end, "'", true);
      else at = end;
    } else at += 1;
  }
  return found;
}

const wordStart = /[A-Za-z_\u0080-\uffff]/;
const wordPart = /[A-Za-z0-9_$\u0080-\uffff]/;
const dollarTag = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const digits = /\d+/y;

function endOfWord(text: string, from: number): number {
  let at = from + 1;
  while (at < text.length && wordPart.test(text[at]!)) at += 1;
  return at;
}

/** Past the closing quote; a doubled quote is one quote character, and with `backslashes` \ escapes the next. */
function endOfQuoted(text: string, open: number, quote: string, backslashes: boolean): number {
  let at = open + 1;
  while (at < text.length) {
    const char = text[at];
    if (backslashes && char === '\\') at += 2;
    else if (char === quote && text[at + 1] === quote) at += 2;
    else if (char === quote) return at + 1;
    else at += 1;
  }
  throw new SyntaxError(`unterminated ${quote === '"' ? 'quoted identifier' : 'string literal'} at ${open} in: ${text}`);
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end + 1;
}

/** Block comments nest in PostgreSQL, unlike in the SQL standard's other dialects. */
function endOfBlockComment(text: string, open: number): number {
  let depth = 0;
  let at = open;
  while (at < text.length) {
    if (text.startsWith('/*', at)) {
      depth += 1;
      at += 2;
    } else if (text.startsWith('*/', at)) {
      depth -= 1;
      at += 2;
      if (depth === 0) return at;
    } else at += 1;
  }
  throw new SyntaxError(`unterminated block comment at ${open} in: ${text}`);
}

/** `$n` is a placeholder; `$$` or `$tag$` opens a dollar-quoted string that ends at the same tag. */
function afterDollar(text: string, at: number, found: Placeholder[]): number {
  digits.lastIndex = at + 1;
  const number = digits.exec(text);
  if (number) {
    const end = at + 1 + number[0].length;
    found.push({ start: at, end, index: Number(number[0]) });
    return end;
  }
  dollarTag.lastIndex = at;
  const tag = dollarTag.exec(text);
  if (!tag) return at + 1;
  const close = text.indexOf(tag[0], at + tag[0].length);
  if (close === -1) throw new SyntaxError(`unterminated dollar-quoted string at ${at} in: ${text}`);
  return close + tag[0].length;
}
