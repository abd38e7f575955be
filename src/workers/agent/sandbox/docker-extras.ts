/** Optional packages the sandbox image can bake in (config `docker.extras`), with their dependencies. */
import { DOCKER_EXTRAS } from '../../../shared/config/schema-blocks.js';

export type DockerExtraId = (typeof DOCKER_EXTRAS)[number];

export type DockerExtra = {
  id: DockerExtraId;
  description: string;
  /** Extras that must be in the image first (added automatically by `extras-add`). */
  requires: DockerExtraId[];
  apt?: string[];
  pip?: string[];
  /** pip index to install from instead of PyPI (PyTorch's CPU wheels). */
  pipIndexUrl?: string;
  /** Extra shell run after the packages, as the `node` user. */
  post?: string;
  /** Added to the image build timeout: big downloads take long. */
  buildSeconds: number;
};

const PYTORCH_CPU_INDEX = 'https://download.pytorch.org/whl/cpu';

export const DOCKER_EXTRA_CATALOG: Record<DockerExtraId, DockerExtra> = {
  ffmpeg: { id: 'ffmpeg', description: 'audio/video conversion (ffmpeg)', requires: [], apt: ['ffmpeg'], buildSeconds: 60 },
  whisper: { id: 'whisper', description: 'speech to text (openai-whisper)', requires: ['ffmpeg'], pip: ['openai-whisper'], buildSeconds: 300 },
  opencv: { id: 'opencv', description: 'computer vision (opencv-python-headless)', requires: [], pip: ['opencv-python-headless'], buildSeconds: 90 },
  tesseract: { id: 'tesseract', description: 'OCR engine (tesseract + pytesseract)', requires: [], apt: ['tesseract-ocr'], pip: ['pytesseract'], buildSeconds: 60 },
  easyocr: { id: 'easyocr', description: 'neural OCR (easyocr)', requires: ['pytorch-cpu'], pip: ['easyocr'], buildSeconds: 240 },
  pymupdf: { id: 'pymupdf', description: 'PDF reading and rendering (PyMuPDF)', requires: [], pip: ['pymupdf'], buildSeconds: 60 },
  pandoc: { id: 'pandoc', description: 'document conversion (pandoc)', requires: [], apt: ['pandoc'], buildSeconds: 60 },
  scipy: { id: 'scipy', description: 'scientific computing (scipy, numpy)', requires: [], pip: ['numpy', 'scipy'], buildSeconds: 90 },
  pandas: { id: 'pandas', description: 'data frames (pandas)', requires: [], pip: ['pandas'], buildSeconds: 90 },
  matplotlib: { id: 'matplotlib', description: 'plots (matplotlib)', requires: [], pip: ['matplotlib'], buildSeconds: 90 },
  'pytorch-cpu': {
    id: 'pytorch-cpu',
    description: 'PyTorch, CPU build',
    requires: [],
    pip: ['torch', 'torchvision', 'torchaudio'],
    pipIndexUrl: PYTORCH_CPU_INDEX,
    buildSeconds: 600,
  },
  transformers: { id: 'transformers', description: 'Hugging Face transformers', requires: ['pytorch-cpu'], pip: ['transformers'], buildSeconds: 240 },
  playwright: {
    id: 'playwright',
    description: 'browser automation (playwright + chromium)',
    requires: [],
    pip: ['playwright'],
    post: 'python3 -m playwright install chromium',
    buildSeconds: 300,
  },
};

export function isDockerExtraId(value: string): value is DockerExtraId {
  return Object.hasOwn(DOCKER_EXTRA_CATALOG, value);
}

/** `ids` plus everything they need, dependencies first, each once, in catalog order otherwise. */
export function withDependencies(ids: readonly DockerExtraId[]): DockerExtraId[] {
  const out: DockerExtraId[] = [];
  const visit = (id: DockerExtraId) => {
    if (out.includes(id)) return;
    for (const dep of DOCKER_EXTRA_CATALOG[id].requires) visit(dep);
    out.push(id);
  };
  for (const id of ids) visit(id);
  return out;
}

/** Extras in `selected` that need `id` (so removing `id` would break them). */
export function dependentsOf(id: DockerExtraId, selected: readonly DockerExtraId[]): DockerExtraId[] {
  return selected.filter((other) => other !== id && withDependencies([other]).includes(id));
}

/** The Dockerfile layers for `extras`: apt first, then the PyTorch index, then PyPI, then post steps. */
export function extraLayers(extras: readonly DockerExtraId[]): string {
  const ordered = withDependencies(extras).map((id) => DOCKER_EXTRA_CATALOG[id]);
  if (ordered.length === 0) return '';
  const lines = ['', `# Extras: ${ordered.map((e) => e.id).join(', ')}`, 'USER root'];
  const apt = ordered.flatMap((e) => e.apt ?? []);
  if (apt.length > 0) {
    lines.push(`RUN apt-get update && apt-get install -y --no-install-recommends ${apt.join(' ')} && rm -rf /var/lib/apt/lists/*`);
  }
  // PyTorch CPU wheels come from their own index and must land before packages that depend on
  // torch, or pip would pull the multi-gigabyte CUDA build from PyPI.
  for (const extra of ordered.filter((e) => e.pipIndexUrl !== undefined)) {
    lines.push(`RUN pip install --index-url ${extra.pipIndexUrl} ${(extra.pip ?? []).join(' ')}`);
  }
  const pypi = ordered.filter((e) => e.pipIndexUrl === undefined).flatMap((e) => e.pip ?? []);
  if (pypi.length > 0) lines.push(`RUN pip install ${pypi.join(' ')}`);
  lines.push('USER node');
  for (const extra of ordered.filter((e) => e.post !== undefined)) lines.push(`RUN ${extra.post}`);
  return `${lines.join('\n')}\n`;
}

/** Base build timeout plus what each extra adds (seconds). */
export const BASE_BUILD_SECONDS = 900;
export function buildTimeoutSeconds(extras: readonly DockerExtraId[]): number {
  return withDependencies(extras).reduce((sum, id) => sum + DOCKER_EXTRA_CATALOG[id].buildSeconds, BASE_BUILD_SECONDS);
}

/** Main agent startup wait (base 120 s) extended by the extras' build time. */
export const BASE_STARTUP_WAIT_SECONDS = 120;
export function startupWaitSeconds(extras: readonly DockerExtraId[]): number {
  return BASE_STARTUP_WAIT_SECONDS + buildTimeoutSeconds(extras) - BASE_BUILD_SECONDS;
}
