/**
 * Web pages of the installed release, for the link buttons of /info, /upgrade and the update
 * notice. They follow the update source the user configured: a package name ductor does not own
 * on the registry is never linked, so a button cannot lead to whoever publishes that name.
 */
import type { UpdateSource } from './update-source.js';

export type ReleaseLinks = { changelog: string | null; page: string | null };

export function releaseLinks(source: UpdateSource, version: string): ReleaseLinks {
  if (source.kind === 'npm') {
    const page = `https://www.npmjs.com/package/${source.name}`;
    return { changelog: `${page}/v/${encodeURIComponent(version)}`, page };
  }
  if (source.kind === 'url') return { changelog: null, page: source.url };
  return { changelog: null, page: null };
}
