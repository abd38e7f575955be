/** A small strict XML property-list reader for tests: enough to prove a plist is well formed. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

export function parsePlist(xml: string): PlistValue {
  const body = xml
    .replace(/^<\?xml[^>]*\?>\s*/, '')
    .replace(/^<!DOCTYPE plist[^>]*>\s*/, '');
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? [];
  let i = 0;
  const next = () => {
    while (i < tokens.length && /^\s+$/.test(tokens[i]!)) i++;
    const token = tokens[i++];
    if (token === undefined) throw new Error('unexpected end of plist');
    return token;
  };
  const expect = (tag: string) => {
    const token = next();
    if (token !== tag) throw new Error(`expected ${tag}, found ${token}`);
  };
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const text = (close: string) => {
    const token = tokens[i] ?? '';
    if (token === close) {
      i++;
      return '';
    }
    if (token.startsWith('<')) throw new Error(`expected text, found ${token}`);
    i++;
    expect(close);
    if (/[<&](?!amp;|lt;|gt;|quot;)/.test(token)) throw new Error(`unescaped markup in ${token}`);
    return unescape(token);
  };
  const value = (): PlistValue => {
    const token = next();
    switch (token) {
      case '<string>':
        return text('</string>');
      case '<integer>': {
        const n = text('</integer>');
        if (!/^-?\d+$/.test(n)) throw new Error(`bad integer ${n}`);
        return Number(n);
      }
      case '<true/>':
        return true;
      case '<false/>':
        return false;
      case '<array>': {
        const out: PlistValue[] = [];
        for (;;) {
          while (/^\s+$/.test(tokens[i] ?? '')) i++;
          if (tokens[i] === '</array>') {
            i++;
            return out;
          }
          out.push(value());
        }
      }
      case '<dict>': {
        const out: Record<string, PlistValue> = {};
        for (;;) {
          const t = next();
          if (t === '</dict>') return out;
          if (t !== '<key>') throw new Error(`expected <key>, found ${t}`);
          const key = text('</key>');
          if (Object.hasOwn(out, key)) throw new Error(`duplicate key ${key}`);
          out[key] = value();
        }
      }
      default:
        throw new Error(`unexpected ${token}`);
    }
  };
  expect('<plist version="1.0">');
  const root = value();
  expect('</plist>');
  if (tokens.slice(i).some((t) => !/^\s+$/.test(t))) throw new Error('content after </plist>');
  return root;
}
