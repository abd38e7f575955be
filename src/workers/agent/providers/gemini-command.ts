/** argv and env for one gemini turn. */
import { containerPath, tempDirFor, wrapForDocker, writeTempFile, type CliCommand } from './cli-command.js';
import type { TurnRequest } from './turn-request.js';

/**
 * Headless gemini cannot ask per tool: claude's permission mode maps to gemini's closest approval
 * mode (`default` keeps gemini's default, which registers read-only tools only).
 */
const GEMINI_APPROVAL_MODES: Record<string, string> = { bypassPermissions: 'yolo', acceptEdits: 'auto_edit', auto: 'auto_edit', plan: 'plan' };

export function buildGeminiCommand(req: TurnRequest): CliCommand {
  const args = ['--output-format', 'stream-json', '--include-directories', '.'];
  if (req.model !== undefined && req.model !== '') args.push('--model', req.model);
  const approvalMode = GEMINI_APPROVAL_MODES[req.permissionMode];
  if (approvalMode !== undefined) args.push('--approval-mode', approvalMode);
  if (req.resumeSessionId !== undefined && req.resumeSessionId !== '') args.push('--resume', req.resumeSessionId);
  if (req.allowedTools !== undefined && req.allowedTools.length > 0) args.push('--allowed-tools', ...req.allowedTools);
  args.push(...req.cliParameters);

  const tempFiles: string[] = [];
  // GEMINI_IDE_ENABLED: no IDE companion in a headless run. GEMINI_CLI_TRUST_WORKSPACE: an untrusted
  // cwd makes gemini exit 55; the workspace is ours, so trust it for this run
  // instead of editing ~/.gemini/trustedFolders.json.
  const extraEnv: Record<string, string> = { GEMINI_IDE_ENABLED: 'false', GEMINI_CLI_TRUST_WORKSPACE: 'true' };
  const append = req.appendSystemPrompt ?? '';
  if (append !== '') {
    const hostFile = writeTempFile(tempDirFor(req), 'gemini_system_', '.md', append);
    tempFiles.push(hostFile);
    extraEnv.GEMINI_SYSTEM_MD = req.docker === undefined ? hostFile : containerPath(req.docker, hostFile);
  }
  const command: CliCommand = {
    file: req.binary ?? 'gemini',
    args,
    cwd: req.cwd,
    env: { ...(req.env ?? process.env), ...extraEnv },
    stdin: { kind: 'text', text: req.prompt },
    tempFiles,
  };
  return req.docker === undefined ? command : wrapForDocker(command, req.docker, req.cwd, 'gemini', extraEnv);
}
