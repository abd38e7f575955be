/** Incoming images are downscaled and re-encoded as the `image` config asks. */
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { ingestAttachments } from '../../src/workers/agent/media/ingest.js';
import { convertImage } from '../../src/workers/agent/media/image-convert.js';
import { tmpHome } from '../helpers/tmp-home.js';

async function jpeg(dir: string, name: string, width: number, height: number): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, await sharp({ create: { width, height, channels: 3, background: '#3366cc' } }).jpeg().toBuffer());
  return file;
}

test('a large photo is scaled to max_dimension and written as webp', async (t) => {
  const dir = await tmpHome(t, 'ductor-img-');
  const file = await jpeg(dir, 'photo_1.jpg', 4000, 3000);
  const result = await convertImage(file, 'image/jpeg', { max_dimension: 2000, output_format: 'webp', quality: 80 });
  assert.equal(result?.path, join(dir, 'photo_1.webp'));
  assert.equal(result?.mime, 'image/webp');
  const meta = await sharp(result!.path).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 2000, 1500]);
  await assert.rejects(stat(file), { code: 'ENOENT' }, 'the original is replaced');
});

test('small images are not enlarged, and unknown formats or non-images are left alone', async (t) => {
  const dir = await tmpHome(t, 'ductor-img-');
  const small = await jpeg(dir, 'small.jpg', 300, 200);
  const kept = await convertImage(small, 'image/jpeg', { max_dimension: 2000, output_format: 'jpeg', quality: 85 });
  const meta = await sharp(kept!.path).metadata();
  assert.deepEqual([meta.width, meta.height], [300, 200]);
  assert.equal(await convertImage(small, 'image/jpeg', { max_dimension: 2000, output_format: 'avif-ish', quality: 85 }), null);
  const pdf = join(dir, 'doc.pdf');
  await writeFile(pdf, '%PDF-1.4');
  assert.equal(await convertImage(pdf, 'application/pdf', { max_dimension: 2000, output_format: 'webp', quality: 85 }), null);
});

test('ingesting a photo attachment converts it and reports the new path, type and size', async (t) => {
  const spool = await tmpHome(t, 'ductor-spool-');
  const files = await tmpHome(t, 'ductor-files-');
  const source = await jpeg(spool, 'in.jpg', 2500, 2500);
  const [moved] = await ingestAttachments(
    [{ path: source, kind: 'photo', mime: 'image/jpeg', originalName: 'photo_abc.jpg', sizeBytes: 1, uniqueId: 'abc' }],
    files, new Date('2026-05-01T10:00:00Z'), { max_dimension: 1000, output_format: 'webp', quality: 70 },
  );
  assert.equal(moved?.path, join(files, '2026-05-01', 'photo_abc.webp'));
  assert.equal(moved?.mime, 'image/webp');
  assert.equal(moved?.sizeBytes, (await stat(moved!.path)).size);
  assert.equal((await sharp(moved!.path).metadata()).width, 1000);
});
