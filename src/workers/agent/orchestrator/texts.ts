/** User-facing text of the agent's replies (English; the language catalogue issue adds the others). */

export const texts = {
  queuedInterrupted: (preview: string) => `⚠️ Your request “${preview}” was cut off by a restart before it finished.`,
  retryButton: '🔁 Retry',
  retryGone: 'That request is no longer available to retry.',
  stopped: (provider: string) => `⏹ Stopped (${provider}).`,
  nothingRunning: 'Nothing is running.',
  interrupted: (count: number) => (count > 0 ? '⏸ Interrupted. Queued messages continue.' : 'Nothing is running.'),
  stoppedAll: (count: number) => `⏹ Stopped ${count} running turn${count === 1 ? '' : 's'}.`,
  sessionReset: (provider: string) => `🆕 New session. The next message starts a fresh ${provider} conversation.`,
  modelSwitched: (model: string, provider: string) => `Model set to ${model} (${provider}).`,
  modelUnknown: (model: string) => `Unknown model “${model}”. Use /model to pick one.`,
  modelPick: (current: string) => `Current model: ${current}. Pick one:`,
  nextMessageUses: (model: string) => `Next message will use ${model}.`,
  staleSessionNotice: (provider: string) => `ℹ️ The previous ${provider} session could not be resumed, so a fresh one was started.`,
  sessionReplaced: (reason: string) => `ℹ️ Started a fresh session (${reason}).`,
  turnTimedOut: (minutes: number) => `⏱ The CLI took longer than ${minutes} min and was stopped. Your session is kept; send a message to continue.`,
  turnAborted: 'Stopped.',
  emptyAnswer: '(The CLI finished without an answer.)',
  memoryEmpty: 'The memory file is empty so far. The agent fills it as you talk.',
  memoryHeader: '🧠 MAINMEMORY.md',
  ageNote: (age: string) => `[Session is ${age} old. Use /new for a fresh start.]`,
  welcome: (name: string) =>
    `👋 Hi! I am ${name}, your ductor agent. Every message you send runs the real coding CLI on the host and streams its answer here.\n\n` +
    'Try /help for the commands, /model to pick a model, /new for a fresh session.',
  help:
    '*Daily*\n/new — fresh session\n/stop — stop the running answer and drop the queue\n/interrupt — stop only the running answer\n' +
    '/model — pick a model (or `@model` before a message for one turn)\n/status — session, tokens, cost\n/memory — show the memory file\n\n' +
    '*Maintenance*\n/info — version\n/stop_all — stop everything of every agent',
  info: (version: string) => `ductor ${version}\nSelf-hosted Claude Code, Codex and Gemini on Telegram.`,
} as const;
