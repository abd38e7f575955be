/** argv for one streaming claude turn. */
import { containerPath, tempDirFor, wrapForDocker, writeTempFile, type CliCommand, type StdinPlan } from './cli-command.js';
import { effortOf, wantsApprovals, type TurnRequest } from './turn-request.js';

/** Above this the appended system prompt goes through --append-system-prompt-file. */
export const APPEND_PROMPT_FILE_THRESHOLD_BYTES = 96 * 1024;
/** Linux refuses a single argv string over 128 KiB (MAX_ARG_STRLEN); longer prompts go on stdin. */
export const PROMPT_ARG_MAX_BYTES = 96 * 1024;

export function buildClaudeCommand(req: TurnRequest): CliCommand {
  const approvals = wantsApprovals(req);
  const tempFiles: string[] = [];
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];
  if (approvals) args.push('--input-format', 'stream-json', '--permission-prompt-tool', 'stdio');
  if (req.permissionMode !== '') args.push('--permission-mode', req.permissionMode);
  if (req.model !== undefined && req.model !== '') args.push('--model', req.model);
  const effort = effortOf(req);
  if (effort !== undefined) args.push('--effort', effort);
  const append = req.appendSystemPrompt ?? '';
  if (append !== '') {
    if (Buffer.byteLength(append) > APPEND_PROMPT_FILE_THRESHOLD_BYTES) {
      const hostFile = writeTempFile(tempDirFor(req), 'claude_append_', '.md', append);
      tempFiles.push(hostFile);
      args.push('--append-system-prompt-file', req.docker === undefined ? hostFile : containerPath(req.docker, hostFile));
    } else {
      args.push('--append-system-prompt', append);
    }
  }
  if (req.allowedTools !== undefined && req.allowedTools.length > 0) args.push('--allowedTools', ...req.allowedTools);
  if (req.resumeSessionId !== undefined && req.resumeSessionId !== '') args.push('--resume', req.resumeSessionId);
  if (req.ephemeral === true) args.push('--no-session-persistence');
  args.push(...req.cliParameters);

  let stdin: StdinPlan;
  if (approvals) {
    stdin = { kind: 'stream-json', firstLine: claudeUserMessage(req.prompt) };
  } else if (Buffer.byteLength(req.prompt) > PROMPT_ARG_MAX_BYTES) {
    // `claude -p` reads the prompt from stdin when no prompt argument is given.
    stdin = { kind: 'text', text: req.prompt };
  } else {
    args.push('--', req.prompt);
    stdin = { kind: 'none' };
  }

  const command: CliCommand = { file: req.binary ?? 'claude', args, cwd: req.cwd, env: req.env ?? process.env, stdin, tempFiles };
  return req.docker === undefined ? command : wrapForDocker(command, req.docker, req.cwd, 'claude', {});
}

/** One stream-json user message, as fixtures/cli/claude/claude-local-approval-allow.stdin.txt shows. */
export function claudeUserMessage(prompt: string): string {
  return JSON.stringify({ type: 'user', message: { role: 'user', content: prompt }, parent_tool_use_id: null, session_id: '' });
}
