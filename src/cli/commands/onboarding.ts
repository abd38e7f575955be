/** `ductor onboarding` / `ductor reset`: the setup wizard in a terminal; refuses without one. */
import type prompts from 'prompts';
import { connectControl } from '../../shared/control-client.js';
import { describeError } from '../../shared/errors.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { onboard } from '../onboarding/onboard.js';
import { WizardCancelled } from '../onboarding/wizard.js';
import { runServiceCommand } from './service.js';
import { runStart } from './start.js';
import { runStop } from './stop.js';
import { hasTerminal } from '../terminal.js';

export type OnboardingCommandOptions = {
  home: string;
  reset: boolean;
  startAfter?: boolean;
  verbose?: boolean;
  /** Answers from somewhere else than the terminal (tests); the terminal check is then skipped. */
  prompt?: typeof prompts;
  serviceAvailable?: boolean;
};

export async function runOnboarding(options: OnboardingCommandOptions): Promise<number> {
  const name = options.reset ? 'reset' : 'onboarding';
  if (options.prompt === undefined && !hasTerminal()) {
    process.stderr.write(
      `ductor ${name}: needs an interactive terminal (stdin and stdout are not a TTY); run it in a terminal, or write config/config.json yourself (\`ductor config schema\` describes it).\n`,
    );
    return EXIT_FAILURE;
  }
  // The wizard rewrites the config the running bot uses. It is stopped once every answer is in,
  // just before the write: Ctrl-C at any question leaves it running as it was.
  const stopRunningBot = async () => {
    const running = await connectControl(options.home);
    if (running) {
      running.close();
      process.stdout.write('stopping the running ductor to write the new configuration\n');
      await runStop({ home: options.home });
    }
  };
  let result;
  try {
    result = await onboard({ home: options.home, reset: options.reset, beforeWrite: stopRunningBot, prompt: options.prompt, serviceAvailable: options.serviceAvailable });
  } catch (error) {
    if (error instanceof WizardCancelled) {
      process.stderr.write(`\nductor: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    process.stderr.write(`ductor ${name}: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
  if (result.installService) {
    const code = await runServiceCommand({ home: options.home, args: ['install'], dryRun: false });
    if (code === EXIT_OK) return EXIT_OK; // the service runs the bot now
    process.stderr.write('ductor: the service install failed; starting in the foreground instead\n');
  }
  if (options.startAfter === false) return EXIT_OK;
  process.stdout.write(`starting ductor${result.botUsername ? `: message @${result.botUsername} in Telegram` : ''}\n`);
  return runStart({ home: options.home, verbose: options.verbose ?? false });
}
