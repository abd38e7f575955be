/**
 * The codex models /model offers: asked from the installed codex (`codex app-server` model/list),
 * kept in `config/codex_models.json`. The main agent asks when the cache is missing or older than
 * a day (checked hourly); other agents read its cache. A failed or empty discovery never replaces a good cache.
 */
import { writeFileAtomic } from '../../../shared/store/atomic-write.js';
import { discoverCodexModels, readCodexModelCache, type CodexModel } from './models.js';

const CHECK_EVERY_MS = 60 * 60_000;
const MAX_AGE_MS = 24 * 60 * 60_000;

export type CodexModelCatalogOptions = {
  cacheFile: string;
  binary?: string;
  env?: NodeJS.ProcessEnv;
  onError?: (error: unknown) => void;
};

export class CodexModelCatalog {
  private list: CodexModel[] = [];
  private lastUpdated: number | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CodexModelCatalogOptions) {}

  /**
   * Loads the cache; with `discover`, asks codex when the cache is missing or older than a day
   * (awaited, so the first /model has the fresh list), and again whenever it ages. Without it (a
   * sub-agent, which reads the main agent's cache; a Docker sandbox, where codex runs only in the
   * container) nothing is spawned and the cache is only re-read.
   */
  async start(options: { discover: boolean }): Promise<void> {
    await this.loadCache();
    const stale = () => this.lastUpdated === null || Date.now() - this.lastUpdated > MAX_AGE_MS;
    if (options.discover && stale()) await this.refresh();
    this.timer = setInterval(() => {
      if (!options.discover) void this.loadCache();
      else if (stale()) void this.refresh();
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  private async loadCache(): Promise<void> {
    const cached = await readCodexModelCache(this.options.cacheFile);
    if (cached.models.length === 0) return;
    this.list = cached.models;
    this.lastUpdated = cached.lastUpdated === null ? null : Date.parse(cached.lastUpdated);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  ids(): string[] {
    return this.list.map((m) => m.id);
  }

  models(): CodexModel[] {
    return this.list;
  }

  /** The reasoning efforts codex lists for `model`; empty when it names none (or is unknown). */
  effortsOf(model: string): string[] {
    return this.list.find((m) => m.id === model)?.supported_efforts ?? [];
  }

  async refresh(): Promise<void> {
    let found: CodexModel[];
    try {
      found = await discoverCodexModels({ ...(this.options.binary ? { binary: this.options.binary } : {}), ...(this.options.env ? { env: this.options.env } : {}) });
    } catch (error) {
      // codex missing or not answering: keep what we have.
      this.options.onError?.(error);
      return;
    }
    if (found.length === 0) return;
    this.list = found;
    this.lastUpdated = Date.now();
    await writeFileAtomic(this.options.cacheFile, `${JSON.stringify({ last_updated: new Date(this.lastUpdated).toISOString(), models: found }, null, 2)}\n`).catch((error: unknown) => this.options.onError?.(error));
  }
}
