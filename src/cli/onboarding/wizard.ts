/**
 * The onboarding questions. Answers are only collected here; nothing is written until the whole
 * wizard has finished, so Ctrl-C at any question leaves the config as it was.
 */
import prompts, { type PromptObject } from 'prompts';
import { isValidTimezone } from '../../shared/config/load.js';
import { DuctorError } from '../../shared/errors.js';
import { describeClis, type CliReport } from './detect-clis.js';
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
  keep?: { telegram?: boolean; timezone?: boolean; docker?: boolean };
};

export type WizardAnswers = {
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

  if (!deps.keep?.telegram) {
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
