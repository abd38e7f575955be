/** `ductor help`: the command list. */
export function helpText(): string {
  return `ductor — Claude Code, Codex and Gemini CLIs on Telegram

Usage: ductor [command] [options]

  ductor                 start in the foreground (the supervisor and its workers)
  ductor status [--json] show the supervisor and every worker (pid, state, uptime, restarts)
  ductor stop            stop everything and release the lock
  ductor restart         restart all workers from the code on disk
  ductor agents [list]   sub-agents: state, restarts, provider, model
  ductor agents add NAME [--token T --users 1,2 --groups -100… --provider P --model M]
  ductor agents remove NAME [--yes]  (the agent's files stay on disk)
  ductor chat [--agent NAME]  talk to an agent from this terminal (through the running ductor)
  ductor logs [-f] [-n N] merged logs of every process, in time order (-f follows)
  ductor config schema [FILE]  write the JSON Schema of config.json (default: config/config.schema.json)
  ductor api enable|disable  WebSocket API (beta, loopback by default): writes the api block and a token
  ductor uninstall [--purge] [--yes]  remove the service and the npm package (--purge: the home too)
  ductor help            this text
  ductor --version       the installed version

Options: -v, --verbose (debug logging)
Home: $DUCTOR_HOME, default ~/.ductor
`;
}
