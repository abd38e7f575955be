/**
 * Incoming images are downscaled to `image.max_dimension` and re-encoded as `image.output_format`
 * at `image.quality` before the CLI sees them: a phone photo of
 * 12 MP becomes a file a model reads quickly. sharp (libvips, shipped inside its npm packages)
 * does the work on libuv's thread pool, so the agent's event loop never waits on pixels. sharp is
 * an optional dependency: where it cannot be installed, images are kept as received.
 */
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { importPackage } from '../../../shared/esm-import.js';

export type ImageSettings = { max_dimension: number; output_format: string; quality: number };

/** Formats sharp can write that a CLI can read; anything else in the config means "keep as is". */
const OUTPUTS: Record<string, { ext: string; mime: string }> = {
  webp: { ext: '.webp', mime: 'image/webp' },
  jpeg: { ext: '.jpg', mime: 'image/jpeg' },
  jpg: { ext: '.jpg', mime: 'image/jpeg' },
  png: { ext: '.png', mime: 'image/png' },
};
/** Raster formats worth converting (GIFs may be animated and SVGs are text: they stay). */
const CONVERTIBLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff']);

type Sharp = (typeof import('sharp'))['default'];
let sharpModule: Promise<Sharp | null> | null = null;

function loadSharp(): Promise<Sharp | null> {
  sharpModule ??= importPackage<typeof import('sharp')>('sharp').then((m) => m.default, () => null);
  return sharpModule;
}

export function isConvertibleImage(mime: string): boolean {
  return CONVERTIBLE.has(mime.toLowerCase());
}

/**
 * Converts `file` in place (same folder, the format's extension). Returns the new path and MIME
 * type, or null when nothing was done (not an image we convert, unknown format, no sharp).
 */
export async function convertImage(file: string, mime: string, settings: ImageSettings): Promise<{ path: string; mime: string } | null> {
  const output = OUTPUTS[settings.output_format.toLowerCase()];
  if (!output || !isConvertibleImage(mime)) return null;
  const sharp = await loadSharp();
  if (!sharp) return null;
  const target = join(dirname(file), `${basename(file, extname(file))}${output.ext}`);
  const temp = `${target}.converting`;
  await sharp(file)
    .rotate() // honour the EXIF orientation before the pixels are resized
    .resize({ width: settings.max_dimension, height: settings.max_dimension, fit: 'inside', withoutEnlargement: true })
    .toFormat(output.ext === '.jpg' ? 'jpeg' : (output.ext.slice(1) as 'webp' | 'png'), { quality: settings.quality })
    .toFile(temp);
  if (target !== file) await rm(file, { force: true });
  await rename(temp, target);
  return { path: target, mime: output.mime };
}
