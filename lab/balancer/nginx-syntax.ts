/**
 * nginx's configuration syntax, read as nginx reads it (ngx_conf_read_token): words split by
 * whitespace, `;` ends a directive, `{ … }` gives it a block, `#` at the start of a word
 * comments out the rest of the line, and single or double quotes make one word of what they
 * hold (with `\` escaping the next character). What the directives mean is config.ts's job.
 */

/** One directive as written: its name, its arguments, the line its name is on, and its block. */
export interface Directive {
  name: string;
  args: string[];
  line: number;
  block?: Directive[];
}

/** A line of the file that is not nginx syntax: the line number and what is wrong there. */
export class SyntaxProblem extends Error {
  override readonly name = 'SyntaxProblem';
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

interface Word {
  text: string;
  line: number;
  /** A `;`, `{` or `}` rather than a word. */
  punctuation: boolean;
}

/** The file's directives, in order, with their blocks. Throws a SyntaxProblem naming the line. */
export function parseNginxSyntax(text: string): Directive[] {
  const words = splitWords(text);
  let next = 0;

  const readBlock = (closedBy: number | undefined): Directive[] => {
    const directives: Directive[] = [];
    let current: Word[] = [];
    for (;;) {
      const word = words[next];
      next += 1;
      if (word === undefined) {
        if (current.length > 0) throw new SyntaxProblem(current[0]!.line, `"${current[0]!.text}" needs a ";" at its end`);
        if (closedBy !== undefined) throw new SyntaxProblem(closedBy, 'this "{" has no "}" to close it');
        return directives;
      }
      if (!word.punctuation) {
        current.push(word);
        continue;
      }
      if (word.text === '}') {
        if (current.length > 0) throw new SyntaxProblem(current[0]!.line, `"${current[0]!.text}" needs a ";" at its end`);
        if (closedBy === undefined) throw new SyntaxProblem(word.line, 'this "}" closes no block');
        return directives;
      }
      const [name, ...args] = current;
      if (name === undefined) throw new SyntaxProblem(word.line, `"${word.text}" without a directive before it`);
      const directive: Directive = { name: name.text, args: args.map((arg) => arg.text), line: name.line };
      if (word.text === '{') directive.block = readBlock(word.line);
      directives.push(directive);
      current = [];
    }
  };

  return readBlock(undefined);
}

function splitWords(text: string): Word[] {
  const words: Word[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '\n') line += 1;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '#') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (char === ';' || char === '{' || char === '}') {
      words.push({ text: char, line, punctuation: true });
      i += 1;
    } else if (char === '"' || char === "'") {
      const start = line;
      let value = '';
      i += 1;
      while (text[i] !== char) {
        if (i >= text.length) throw new SyntaxProblem(start, `this ${char} is never closed`);
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        if (text[i] === '\n') line += 1;
        value += text[i];
        i += 1;
      }
      i += 1;
      // nginx wants a space, ";" or "{" after a quoted word, never more letters.
      const after = text[i];
      if (after !== undefined && !/[\s;{}]/.test(after)) throw new SyntaxProblem(line, `unexpected "${after}" right after a quoted word`);
      words.push({ text: value, line: start, punctuation: false });
    } else {
      let value = '';
      while (i < text.length && !/[\s;{}]/.test(text[i]!)) {
        value += text[i];
        i += 1;
      }
      words.push({ text: value, line, punctuation: false });
    }
  }
  return words;
}
