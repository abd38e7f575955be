/** The command menu registered with setMyCommands (spec/telegram.md §2 order; /where and /leave stay hidden). */
export const BOT_COMMANDS = [
  { command: 'new', description: 'Fresh session' },
  { command: 'reset', description: 'Reset active session' },
  { command: 'stop', description: 'Stop and drop queue' },
  { command: 'interrupt', description: 'Stop current answer' },
  { command: 'model', description: 'Pick a model' },
  { command: 'status', description: 'Session and costs' },
  { command: 'memory', description: 'Show memory file' },
  { command: 'info', description: 'Version' },
  { command: 'help', description: 'All commands' },
  { command: 'stop_all', description: 'Stop every agent' },
] as const;
