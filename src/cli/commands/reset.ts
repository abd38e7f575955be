/** `ductor reset`: smart reset: keep the parts of the config the user picks, ask the rest again. */
import { runOnboarding } from './onboarding.js';

export function runReset(options: { home: string; verbose?: boolean }): Promise<number> {
  return runOnboarding({ home: options.home, reset: true, verbose: options.verbose });
}
