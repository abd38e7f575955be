/** File names for incoming media: one harmless path segment, at most 120 characters. */

const MAX_NAME_CHARS = 120;

export function sanitizeFileName(raw: string): string {
  let name = raw
    .replace(/\0/g, '')
    .replace(/[/\\]/g, '_')
    // Other control characters would end up in prompts and terminal output.
    .replace(/[\x01-\x1f\x7f]/g, '')
    .replace(/_{2,}/g, '_')
    .trim();
  // A leading dot would hide the file; a name of dots alone would name a folder (`..`).
  name = name.replace(/^\.+/, '').trim();
  if (name.length > MAX_NAME_CHARS) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = `${name.slice(0, MAX_NAME_CHARS - ext.length)}${ext}`;
  }
  return name === '' ? 'file' : name;
}

/** `name`, `name_1`, `name_2`…: the n-th candidate when earlier ones are taken (suffix before the extension). */
export function candidateName(name: string, attempt: number): string {
  if (attempt === 0) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}_${attempt}${name.slice(dot)}` : `${name}_${attempt}`;
}
