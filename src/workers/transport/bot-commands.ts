/** The command menu registered with setMyCommands, translated (spec/telegram.md §2 order; /where and /leave stay hidden). */
import { menuCommands } from '../../shared/i18n/index.js';

export const BOT_COMMANDS = menuCommands('en');

export function botCommands(language: string): { command: string; description: string }[] {
  return menuCommands(language);
}
