/**
 * User-facing text of the agent's replies, in the configured `language` (src/shared/i18n).
 * `texts` is a live binding: `useLanguage` swaps it on start and on every config reload, so the
 * next reply speaks the new language without a restart.
 */
import { catalogue, type Catalogue } from '../../../shared/i18n/index.js';

export let texts: Catalogue = catalogue('en');

export function useLanguage(language: string): void {
  texts = catalogue(language);
}
