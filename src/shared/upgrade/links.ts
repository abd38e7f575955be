/** Public pages of the ductor package, for the link buttons of /info, /upgrade and the update notice. */
export const PACKAGE_PAGE = 'https://www.npmjs.com/package/ductor';

/** The registry page of one version, which lists what changed in it. */
export function changelogUrl(version: string): string {
  return `${PACKAGE_PAGE}/v/${encodeURIComponent(version)}`;
}
