/**
 * The onboarding questions. Answers are only collected here; nothing is written until the whole
 * wizard has finished, so Ctrl-C at any question leaves the config as it was.
 */
import prompts, { type PromptObject } from 'prompts';
import { isValidTimezone } from '../../shared/config/load.js';
import { DuctorError } from '../../shared/errors.js';
import { describeClis, type CliReport } from './detect-clis.js';
import { modelChoices } from './provider-models.js';
import type { ProviderName } from '../../workers/agent/providers/events.js';
import type { TokenCheck } from './check-token.js';

/** Thrown when the user cancels (Ctrl-C / Esc). */
export class WizardCancelled extends DuctorError {
  constructor() {
    super('WIZARD_CANCELLED', 'onboarding cancelled; nothing was written');
    this.name = 'WizardCancelled';
  }
}

/** Wrong answers are asked again this many times before the wizard gives up. */
const MAX_ATTEMPTS = 5;

export type WizardDeps = {
  prompt?: typeof prompts;
  say: (line: string) => void;
  clis: () => Promise<CliReport[]>;
  checkToken: (token: string) => Promise<TokenCheck>;
  dockerRunning: () => Promise<boolean>;
  defaultTimezone: string;
  /** A service backend exists on this platform (offer the install). */
  serviceAvailable: boolean;
  /** Questions to skip because a smart reset keeps those answers. */
  keep?: { telegram?: boolean; timezone?: boolean; docker?: boolean; provider?: boolean };
};

export type MatrixAnswers = { homeserver: string; user_id: string; password: string; allowed_rooms: string[]; allowed_users: string[] };

export type WizardAnswers = {
  /** The CLI that answers (`provider`) and its model (`model`). */
  provider?: ProviderName;
  model?: string;
  /** The messengers chosen, primary first (`transports`). */
  transports?: ('telegram' | 'matrix')[];
  matrix?: MatrixAnswers;
  telegram_token?: string;
  allowed_user_ids?: number[];
  user_timezone?: string;
  docker_enabled?: boolean;
  installService: boolean;
};

export async function runWizard(deps: WizardDeps): Promise<WizardAnswers> {
  const ask = async <T>(question: PromptObject): Promise<T> => {
    const answers = await (deps.prompt ?? prompts)(question, {
      onCancel: () => {
        throw new WizardCancelled();
      },
    });
    return answers[question.name as string] as T;
  };
  const say = deps.say;
  const answers: WizardAnswers = { installService: false };

  say('ductor setup\n');
  const clis = await deps.clis();
  say('AI command-line tools found on this machine:');
  for (const line of describeClis(clis)) say(line);
  if (!clis.some((c) => c.auth === 'authenticated')) {
    say('No CLI is logged in yet. ductor needs at least one; finish that before chatting (setup can go on now).');
  }
  say('');
  if (!deps.keep?.provider) Object.assign(answers, await askProvider(ask, say, clis));

  // Matrix: the messenger choice; a kept "telegram" group keeps the whole transport setup.
  const messenger = deps.keep?.telegram ? 'telegram' : await ask<'telegram' | 'matrix' | 'both'>({
    type: 'select',
    name: 'transport',
    message: 'Messenger',
    choices: [
      { title: 'Telegram', value: 'telegram' },
      { title: 'Matrix', value: 'matrix' },
      { title: 'Both (Telegram and Matrix at once)', value: 'both' },
    ],
    initial: 0,
  });
  if (!deps.keep?.telegram) answers.transports = messenger === 'both' ? ['telegram', 'matrix'] : [messenger];
  if (messenger !== 'telegram') answers.matrix = await askMatrix(ask, say);
  // End Matrix
  if (!deps.keep?.telegram && messenger !== 'matrix') {
    say('Telegram bot: open @BotFather in Telegram, send /newbot, and copy the token it gives you.');
    answers.telegram_token = await retry(say, async () => {
      const token = ((await ask<string>({ type: 'password', name: 'token', message: 'Bot token' })) ?? '').trim();
      const check = await deps.checkToken(token);
      if (!check.ok) return { error: check.reason };
      say(`  ✔ token works: the bot is @${check.username}`);
      return { value: token };
    });

    say('\nYour Telegram user id (a number, not your @name): message @userinfobot in Telegram and it');
    say('replies with your id. Only the ids you allow here can talk to the bot; separate several with commas.');
    answers.allowed_user_ids = await retry(say, async () => {
      const raw = String((await ask<string>({ type: 'text', name: 'ids', message: 'Telegram user id(s)' })) ?? '');
      const ids = parseUserIds(raw);
      return ids === null ? { error: `"${raw}" is not a list of positive whole numbers` } : { value: ids };
    });
  }

  if (!deps.keep?.timezone) {
    answers.user_timezone = await retry(say, async () => {
      const zone = String((await ask<string>({ type: 'text', name: 'tz', message: 'Time zone (IANA name, for cron jobs and quiet hours)', initial: deps.defaultTimezone })) ?? '').trim();
      return isValidTimezone(zone) ? { value: zone } : { error: `"${zone}" is not an IANA time zone (examples: Europe/Berlin, America/New_York, UTC)` };
    });
  }

  if (!deps.keep?.docker) {
    if (await deps.dockerRunning()) {
      answers.docker_enabled = await ask<boolean>({
        type: 'confirm',
        name: 'docker',
        message: 'Run the CLIs inside the Docker sandbox (they can only touch mounted folders)?',
        initial: false,
      });
    } else {
      say('\nDocker: no Docker engine is running here (`docker info` failed), so the sandbox stays off.');
      say('Install and start Docker later, then run `ductor docker enable`.');
      answers.docker_enabled = false;
    }
  }

  if (deps.serviceAvailable) {
    answers.installService = await ask<boolean>({
      type: 'confirm',
      name: 'service',
      message: 'Install ductor as a background service (starts at boot, restarts on failure)?',
      initial: false,
    });
  }
  return answers;
}

/**
 * The CLI that answers and its model. Only logged-in CLIs are offered (the first is the default);
 * one logged-in CLI is taken without a question. With none logged in, the first installed one is
 * set up (else claude), and the user is told to log in before chatting.
 */
async function askProvider(ask: <T>(question: PromptObject) => Promise<T>, say: (line: string) => void, clis: readonly CliReport[]): Promise<{ provider: ProviderName; model: string }> {
  const ready = clis.filter((c) => c.auth === 'authenticated').map((c) => c.provider);
  let provider: ProviderName;
  if (ready.length > 1) {
    provider = await ask<ProviderName>({ type: 'select', name: 'provider', message: 'Which CLI answers your messages?', choices: ready.map((p) => ({ title: p, value: p })), initial: 0 });
  } else if (ready.length === 1) {
    provider = ready[0]!;
    say(`Provider: ${provider} (the only CLI logged in).`);
  } else {
    provider = clis.find((c) => c.path !== null)?.provider ?? 'claude';
    say(`Provider: ${provider}; log it in before the first message.`);
  }
  const models = modelChoices(provider);
  const model = await ask<string>({ type: 'select', name: 'model', message: `Model for ${provider}`, choices: models.map((m) => ({ title: m, value: m })), initial: 0 });
  return { provider, model: model ?? models[0]! };
}

/** Matrix account and allowlists; the password is used once, then ductor keeps the access token. */
async function askMatrix(ask: <T>(question: PromptObject) => Promise<T>, say: (line: string) => void): Promise<MatrixAnswers> {
  say('\nMatrix: give the bot its own account on your homeserver. The password is used for the first');
  say('login only; ductor then keeps the access token in matrix_store/credentials.json.');
  const text = async (name: string, message: string) => String((await ask<string>({ type: 'text', name, message })) ?? '').trim();
  const homeserver = await retry<string>(say, async () => {
    const raw = await text('homeserver', 'Homeserver URL (https://matrix.example.org)');
    return /^https?:\/\/[^\s/]+/.test(raw) ? { value: raw.replace(/\/+$/, '') } : { error: `"${raw}" is not an http(s) URL` };
  });
  const user_id = await retry<string>(say, async () => {
    const raw = await text('user', 'Bot user id (@bot:example.org)');
    return MATRIX_USER.test(raw) ? { value: raw } : { error: `"${raw}" is not a Matrix user id like @bot:example.org` };
  });
  const password = String((await ask<string>({ type: 'password', name: 'password', message: 'Bot password' })) ?? '');
  say('Rooms the bot serves (ids !abc:example.org or aliases #room:example.org) and the people who may');
  say('talk to it (@you:example.org); separate several with commas. Direct chats need only the user.');
  const allowed_rooms = await retry<string[]>(say, async () => {
    const list = splitList(await text('rooms', 'Allowed rooms (may be empty)'));
    return list.every((r) => /^[!#][^:\s]+:\S+$/.test(r)) ? { value: list } : { error: 'room ids start with ! and aliases with #, followed by :server' };
  });
  const allowed_users = await retry<string[]>(say, async () => {
    const list = splitList(await text('users', 'Allowed users'));
    return list.length > 0 && list.every((u) => MATRIX_USER.test(u)) ? { value: list } : { error: 'give at least one Matrix user id like @you:example.org' };
  });
  return { homeserver, user_id, password, allowed_rooms, allowed_users };
}

const MATRIX_USER = /^@[^:\s]+:\S+$/;

function splitList(raw: string): string[] {
  return [...new Set(raw.split(/[\s,]+/).filter((p) => p !== ''))];
}

/** Comma/space separated positive integers, or null. */
export function parseUserIds(raw: string): number[] | null {
  const parts = raw.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0 || !parts.every((p) => /^\d{1,15}$/.test(p) && Number(p) > 0)) return null;
  return [...new Set(parts.map(Number))];
}

async function retry<T>(say: (line: string) => void, attempt: () => Promise<{ value: T } | { error: string }>): Promise<T> {
  for (let i = 1; ; i++) {
    const result = await attempt();
    if ('value' in result) return result.value;
    say(`  ✖ ${result.error}`);
    if (i >= MAX_ATTEMPTS) throw new DuctorError('WIZARD_GAVE_UP', `onboarding stopped after ${MAX_ATTEMPTS} wrong answers; nothing was written`);
  }
}
