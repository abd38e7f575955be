/** Leading `@model` directives: `@opus explain this` uses opus for this turn only. */

export type Directive = { model: string; rest: string };

/** Parses a leading `@<known model>`; "email @opus" (not leading) is not a directive. */
export function parseDirective(text: string, isKnownModel: (name: string) => boolean): Directive | null {
  const match = /^@([A-Za-z0-9][\w.\-[\]]*)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return null;
  const model = match[1]!;
  if (!isKnownModel(model)) return null;
  return { model, rest: (match[2] ?? '').trim() };
}
