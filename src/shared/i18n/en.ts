/** English UI text: the reference catalogue. Every other language must have exactly these keys. */

export const en = {
  // Agent replies -----------------------------------------------------------------------------
  queuedInterrupted: (preview: string) => `⚠️ Your request “${preview}” was cut off by a restart before it finished.`,
  retryButton: '🔁 Retry',
  retryGone: 'That request is no longer available to retry.',
  stopped: (provider: string) => `⏹ Stopped (${provider}).`,
  nothingRunning: 'Nothing is running.',
  interrupted: (count: number): string => (count > 0 ? '⏸ Interrupted. Queued messages continue.' : 'Nothing is running.'),
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
  startNewButton: '🆕 New session',
  startModelButton: '🤖 Model',
  help:
    '*Daily*\n/new — fresh session\n/reset — reset the active session\n/stop — stop the running answer and drop the queue\n/interrupt — stop only the running answer\n' +
    '/model — pick a model (or `@model` before a message for one turn)\n/status — session, tokens, cost\n/memory — show the memory file\n\n' +
    '*Multi-agent*\n/agent\\_commands — how agents work together\n\n' +
    '*Browse*\n/showfiles — browse the home and receive a file\n\n' +
    '*Maintenance*\n/info — version\n/diagnose — versions, workers, recent log\n/restart — restart ductor\n/stop\\_all — stop everything of every agent',
  info: (version: string) => `ductor ${version}\nSelf-hosted Claude Code, Codex and Gemini on Telegram.`,
  statusNoSession: (model: string, provider: string) => `No session yet in this chat.\nModel: ${model} (${provider})`,
  statusModel: 'Model',
  statusConfigured: 'configured',
  statusEffort: 'Effort',
  statusSession: 'Session',
  statusSessionNew: 'new',
  statusMessages: 'Messages',
  statusTokens: 'Tokens',
  statusCost: 'Cost',
  statusStarted: 'Started',
  statusDefault: 'default',
  agentCommands: (agent: string) =>
    `You are talking to agent “${agent}”. Every agent is its own bot with its own home, sessions and memory.\n\n` +
    'Ask an agent in plain words to hand work to another one; it uses its agent tools for that and the answer comes back here.\n\n' +
    'Commands every agent understands: /new, /reset, /stop, /interrupt, /model, /status, /memory, /showfiles, /diagnose, /restart. ' +
    'On the main agent, /stop_all stops the running work of every agent.',
  diagnoseHeader: '🩺 Diagnosis',
  diagnoseVersion: 'Version',
  diagnoseConfigured: 'Configured',
  diagnoseEffective: 'Effective in this chat',
  diagnoseWorkers: 'Workers',
  diagnoseRestarts: 'restarts',
  diagnoseUptime: 'up',
  diagnoseSupervisorUnavailable: 'The supervisor did not answer the status request.',
  diagnoseLog: (lines: number) => `Last ${lines} log lines`,
  diagnoseNoLog: 'No log file.',
  fileRefused: (name: string) => `Could not send ${name}: outside the allowed directory. Set file_access to all and /restart.`,
  fileUnsafePath: (name: string) => `Could not send ${name}: the path is not allowed.`,
  fileGone: 'That file is no longer there.',
  // /cron selector (spec/telegram.md §2) ---------------------------------------------------------
  cronTitle: (page: number, pages: number) => `⏰ Cron jobs (${page}/${pages})`,
  cronEmpty: 'No cron jobs yet. Ask the agent to schedule one; it uses tools/cron_tools.',
  cronFileBroken: (reason: string) => `cron_jobs.json could not be read: ${reason}`,
  cronNeverRan: 'never ran',
  cronLastRun: (status: string, at: string) => `last: ${status}, ${at}`,
  cronDeliveryFailed: '(delivery failed)',
  cronEnableButton: (id: string) => `▶️ Enable ${id}`,
  cronDisableButton: (id: string) => `⏸ Disable ${id}`,
  cronRunButton: '🚀 Run now',
  cronAllOnButton: 'All on',
  cronAllOffButton: 'All off',
  cronRefreshButton: '🔄 Refresh',
  cronToggled: (id: string, on: boolean) => (on ? `✅ ${id} enabled.` : `⏸ ${id} disabled.`),
  cronAllSet: (count: number, on: boolean) => `${on ? '✅ Enabled' : '⏸ Disabled'} ${count} job${count === 1 ? '' : 's'}.`,
  cronRunStarted: (id: string) => `🚀 ${id} is running now; its result comes here when it is done.`,
  cronRunRefused: (id: string, reason: string) => `Could not run ${id}: ${reason}.`,
  cronUnknownJob: (id: string) => `There is no cron job “${id}”.`,
  cronSchedulerDown: 'The scheduler did not answer; try again in a moment.',
  cronReason: (code: string) =>
    ({ unknown_job: 'no such job', disabled: 'it is disabled', quiet_hours: 'quiet hours', already_running: 'it is still running', stopped: 'the scheduler is stopping' } as Record<string, string>)[code] ?? code,

  // Transport replies --------------------------------------------------------------------------
  cancelQueuedButton: 'Cancel message',
  groupNotAllowed: 'This group is not allowed for this bot. Leaving.',
  downloadFailed: 'Could not download that file.',
  downloadTooBig: (sizeMb: number, limitMb: number) =>
    `That file is ${sizeMb} MB; bots can only download files up to ${limitMb} MB from Telegram. ` +
    'Send a smaller or compressed file, or run a local Bot API server and point telegram_api_root at it.',
  whereTitle: 'Chats this bot knows',
  whereActive: 'Active',
  whereRejected: 'Rejected',
  whereLeft: 'Left',
  whereNone: 'none',
  whereRejectCount: (count: number) => `${count}× rejected`,
  leaveUsage: 'Usage: /leave <chat id>',
  leaveInvalid: (raw: string) => `“${raw}” is not a chat id.`,
  leaveFailed: (id: number) => `Could not leave ${id}.`,
  leaveDone: (id: number) => `Left ${id}.`,
  showfilesTitle: (path: string) => `📁 ${path}`,
  showfilesEmpty: '(empty folder)',
  showfilesUp: '⬆️ ..',
  showfilesExpired: 'This file browser has expired. Send /showfiles again.',
  restarting: '🔄 Restarting…',
  restartDone: '✅ Restart completed.',

  statusCompacting: '🗜 Compacting the conversation…',
  statusRetrying: '🔁 The API had a problem; retrying…',
  statusRateLimited: '⏳ Rate limit reached; waiting…',
  statusReconnecting: '🔌 Reconnecting…',
  timeoutWarning: (seconds: number) => `⏳ Time limit in ${seconds} s`,
  timeoutExtended: (seconds: number) => `⏳ Still working: time limit extended by ${seconds} s`,
  technicalFooter: (model: string, tokens: string, cost: string, seconds: string) => `🤖 ${model} · ${tokens} tokens · $${cost} · ${seconds} s`,
  fileProtected: (name: string) => `Not sending ${name}: configuration, state and credential files never leave the host.`,
  /** setMyCommands descriptions (at most 22 characters each). */
  commands: {
    new: 'Fresh session',
    reset: 'Reset active session',
    stop: 'Stop and drop queue',
    interrupt: 'Stop current answer',
    model: 'Pick a model',
    status: 'Session and costs',
    memory: 'Show memory file',
    agent_commands: 'Multi-agent help',
    showfiles: 'Browse files',
    info: 'Version',
    help: 'All commands',
    diagnose: 'Diagnostics',
    restart: 'Restart ductor',
    stop_all: 'Stop every agent',
    session: 'Background session',
    sessions: 'Named sessions',
    tasks: 'Background tasks',
    cron: 'Scheduled jobs',
  },
};

export type Catalogue = typeof en;
export type CommandName = keyof Catalogue['commands'];
