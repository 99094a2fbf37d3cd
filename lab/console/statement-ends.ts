/**
 * Collects typed lines into complete SQL statements: a statement ends at a ';' that is not
 * inside quotes, a dollar-quoted body or a comment, so it can span several lines.
 */

/** True when the text ends with a ';' outside quotes and comments. */
export function endsStatement(text: string): boolean {
  let quote: string | undefined; // ', " or a $tag$
  let lastSignificant = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quote) {
      if (text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
        lastSignificant = 'quote-end';
      }
      continue;
    }
    if (char === '-' && text[i + 1] === '-') {
      const newline = text.indexOf('\n', i);
      if (newline === -1) break;
      i = newline;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      continue;
    }
    if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        quote = tag;
        i += tag.length - 1;
        continue;
      }
    }
    if (!/\s/.test(char)) lastSignificant = char;
  }
  return quote === undefined && lastSignificant === ';';
}
