/** The command menu registered with setMyCommands, translated. */
import { menuCommands } from '../../shared/i18n/index.js';

export const BOT_COMMANDS = menuCommands('en');

export function botCommands(language: string): { command: string; description: string }[] {
  return menuCommands(language);
}
