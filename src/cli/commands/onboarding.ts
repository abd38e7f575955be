/** `ductor onboarding` / `ductor reset`: the setup wizard in a terminal; refuses without one. */
import { connectControl } from '../../shared/control-client.js';
import { describeError } from '../../shared/errors.js';
import { EXIT_FAILURE, EXIT_OK } from '../../shared/exit-codes.js';
import { onboard } from '../onboarding/onboard.js';
import { WizardCancelled } from '../onboarding/wizard.js';
import { runServiceCommand } from './service.js';
import { runStart } from './start.js';
import { runStop } from './stop.js';
import { hasTerminal } from '../terminal.js';

export async function runOnboarding(options: { home: string; reset: boolean; startAfter?: boolean; verbose?: boolean }): Promise<number> {
  const name = options.reset ? 'reset' : 'onboarding';
  if (!hasTerminal()) {
    process.stderr.write(
      `ductor ${name}: needs an interactive terminal (stdin and stdout are not a TTY); run it in a terminal, or write config/config.json yourself (\`ductor config schema\` describes it).\n`,
    );
    return EXIT_FAILURE;
  }
  // The wizard rewrites the config the running bot uses: stop it first.
  const running = await connectControl(options.home);
  if (running) {
    running.close();
    await runStop({ home: options.home });
  }
  let result;
  try {
    result = await onboard({ home: options.home, reset: options.reset });
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
