// dist/THIRD-PARTY-NOTICES.txt: the name, version, licence and licence text of every package whose
// code is bundled into dist/bin (esbuild strips their licence comments from the bundles).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package folder (`node_modules/a` or `node_modules/@s/a`, nested ones too) of a bundled input. */
function packageDir(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const length = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + length).join('/');
}

function licenceText(dir) {
  const name = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i.test(n));
  return name ? readFileSync(join(dir, name), 'utf8').trim() : null;
}

export function writeThirdPartyNotices(inputs, outFile) {
  const dirs = new Set();
  for (const input of inputs) {
    const dir = packageDir(input);
    if (dir !== null && existsSync(join(dir, 'package.json'))) dirs.add(dir);
  }
  const entries = new Map();
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    // Some packages ship nested package.json files (e.g. "type" markers) without a name.
    if (!pkg.name || !pkg.version) continue;
    const key = `${pkg.name}@${pkg.version}`;
    if (entries.has(key)) continue;
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see the package');
    const text = licenceText(dir) ?? licenceText(dirname(dir)) ?? `No licence file is shipped with ${pkg.name}; its package.json declares ${licence}.`;
    entries.set(key, `${key}\nLicense: ${licence}${pkg.repository ? `\nRepository: ${typeof pkg.repository === 'string' ? pkg.repository : pkg.repository.url}` : ''}\n\n${text}\n`);
  }
  const sorted = [...entries.keys()].sort().map((k) => entries.get(k));
  const header = `Third-party software bundled into ductor's dist/bin\n${'='.repeat(52)}\n\nThe files in dist/bin contain code of the following ${sorted.length} packages, each under its own licence.\n\n`;
  writeFileSync(outFile, `${header}${sorted.join(`\n${'-'.repeat(72)}\n\n`)}`);
}
