// Turns the Markdown a CLI writes into the HTML subset Telegram accepts.

/** Marks a stashed fragment; NUL never survives from the input (it is stripped first). */
const STASH = /\u0000(\d+)\u0000/g;
const SAFE_LINK = /^(https?:\/\/|tg:\/\/|mailto:)/i;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What a user would read: tags dropped, entities decoded. Used for the plain-text fallback. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<[^<>]*>/g, '')
    .replace(/&(lt|gt|quot|amp|#\d+|#x[0-9a-f]+);/gi, (_, name: string) => {
      const lower = name.toLowerCase();
      if (lower === 'lt') return '<';
      if (lower === 'gt') return '>';
      if (lower === 'quot') return '"';
      if (lower === 'amp') return '&';
      return String.fromCodePoint(lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10));
    });
}

/** Converts CLI Markdown to Telegram HTML. An unclosed code fence runs to the end of the text. */
export function markdownToTelegramHtml(markdown: string): string {
  const stashed: string[] = [];
  const rawCode: string[] = [];
  const stash = (html: string, raw = ''): string => {
    stashed.push(html);
    rawCode.push(raw);
    return `\u0000${stashed.length - 1}\u0000`;
  };

  let text = markdown.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
  text = stashFences(text, stash);
  text = text.replace(/``(?!`)(.+?)``|`([^`\n]+)`/g, (_, double: string | undefined, single: string | undefined) => {
    const code = double ?? single ?? '';
    return stash(`<code>${escapeHtml(code)}</code>`, code);
  });
  text = stashTables(text, stash, (s) => s.replace(STASH, (_, i: string) => rawCode[Number(i)] ?? ''));
  text = escapeHtml(text);
  text = text
    .split('\n')
    .map((line) => formatLine(line, stash))
    .join('\n');
  text = wrapBlockquotes(text);
  // Stashes can nest (a link label holding inline code), so restore until none is left.
  for (let guard = 0; guard < 4 && /\u0000\d+\u0000/.test(text); guard++) {
    text = text.replace(STASH, (_, i: string) => stashed[Number(i)] ?? '');
  }
  return text;
}

function stashFences(text: string, stash: (html: string) => string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const open = /^\s*(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/.exec(line);
    if (!open) {
      out.push(line);
      continue;
    }
    const fence = open[1] ?? '```';
    const lang = /^[\w+#.-]+$/.test(open[2] ?? '') ? (open[2] ?? '') : '';
    let end = i + 1;
    while (end < lines.length && !isClosingFence(lines[end] ?? '', fence)) end++;
    const code = escapeHtml(lines.slice(i + 1, end).join('\n'));
    out.push(stash(lang ? `<pre><code class="language-${lang}">${code}</code></pre>` : `<pre>${code}</pre>`));
    i = end;
  }
  return out.join('\n');
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed[0] === fence[0] && new RegExp(`^\\${fence[0]}+$`).test(trimmed);
}

const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Two or more `|…|` lines become a column-aligned monospace block; Telegram has no tables. */
function stashTables(text: string, stash: (html: string) => string, unstash: (s: string) => string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end < lines.length && TABLE_ROW.test(lines[end] ?? '')) end++;
    if (end - i < 2) {
      out.push(lines[i] ?? '');
      i++;
      continue;
    }
    const block = lines.slice(i, end);
    const hasHeader = TABLE_SEPARATOR.test(block[1] ?? '');
    const rows = block
      .filter((row) => !TABLE_SEPARATOR.test(row))
      .map((row) =>
        unstash(row)
          .trim()
          .replace(/^\||\|$/g, '')
          .split('|')
          .map((cell) => cell.trim().replace(/\*\*(.+?)\*\*/g, '$1')),
      );
    const columns = Math.max(...rows.map((r) => r.length));
    const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
    const rendered = rows.map((r) => widths.map((w, c) => (r[c] ?? '').padEnd(w)).join('  ').trimEnd());
    if (hasHeader && rendered.length > 1) rendered.splice(1, 0, '─'.repeat(Math.max(...rendered.map((r) => r.length))));
    out.push(stash(`<pre>${escapeHtml(rendered.join('\n'))}</pre>`));
    i = end;
  }
  return out.join('\n');
}

/** Inline rules on one already-escaped line. A replacement is kept only if it nests correctly. */
function formatLine(line: string, stash: (html: string) => string): string {
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) return `<b>${inline(heading[1] ?? '', stash)}</b>`;
  if (/^\s*(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) return '———';
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet) return `${bullet[1] ?? ''}• ${inline(bullet[2] ?? '', stash)}`;
  return inline(line, stash);
}

function inline(text: string, stash: (html: string) => string): string {
  let out = text.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) => {
    // Text was escaped already, so `&` in the URL is `&amp;`, which is what an attribute needs.
    if (!SAFE_LINK.test(url)) return whole;
    return stash(`<a href="${url.replace(/"/g, '&quot;')}">${inline(label, stash)}</a>`);
  });
  const wrap = (pattern: RegExp, tag: string): void => {
    out = out.replace(pattern, (whole, inner: string) => (isBalanced(inner) ? `<${tag}>${inner}</${tag}>` : whole));
  };
  wrap(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, 'b');
  wrap(/(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)/g, 'b');
  wrap(/~~(?=\S)(.+?)(?<=\S)~~/g, 's');
  wrap(/(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?![\w*])/g, 'i');
  // Underscores inside words (snake_case) are not emphasis.
  wrap(/(?<![\w_])_(?=[^\s_])([^_]+?)(?<=\S)_(?![\w_])/g, 'i');
  return out;
}

function isBalanced(fragment: string): boolean {
  const stack: string[] = [];
  for (const match of fragment.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (match[1]) {
      if (stack.pop() !== match[2]) return false;
    } else {
      stack.push(match[2] ?? '');
    }
  }
  return stack.length === 0;
}

function wrapBlockquotes(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!/^&gt; ?/.test(lines[i] ?? '')) {
      out.push(lines[i] ?? '');
      i++;
      continue;
    }
    const quoted: string[] = [];
    while (i < lines.length && /^&gt; ?/.test(lines[i] ?? '')) {
      quoted.push((lines[i] ?? '').replace(/^&gt; ?/, ''));
      i++;
    }
    out.push(`<blockquote>${quoted.join('\n')}</blockquote>`);
  }
  return out.join('\n');
}
