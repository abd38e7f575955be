/**
 * argv for one codex turn (checked against `codex --help` of 0.169.0:
 * `--full-auto` is gone, and `exec resume` has neither `--sandbox` nor `--color`, so resume sets the
 * sandbox through `-c sandbox_mode=…`).
 */
import { wrapForDocker, type CliCommand } from './cli-command.js';
import { effortOf, type CodexSandbox, type TurnRequest } from './turn-request.js';

function sandboxFlags(req: TurnRequest, resume: boolean): string[] {
  if (req.permissionMode === 'bypassPermissions') return ['--dangerously-bypass-approvals-and-sandbox'];
  // codex exec cannot ask per tool: the permission mode picks the closest sandbox instead.
  const sandbox: CodexSandbox = req.codexSandbox ?? (req.permissionMode === 'acceptEdits' || req.permissionMode === 'auto' ? 'workspace-write' : 'read-only');
  return resume ? ['-c', `sandbox_mode="${sandbox}"`] : ['--sandbox', sandbox];
}

/** Codex has no system-prompt flag: the appended prompt travels after the user's. */
export function composeCodexPrompt(prompt: string, appendSystemPrompt?: string): string {
  return [prompt, appendSystemPrompt ?? ''].filter((part) => part !== '').join('\n\n');
}

export function buildCodexCommand(req: TurnRequest): CliCommand {
  const resumeId = req.resumeSessionId !== undefined && req.resumeSessionId !== '' ? req.resumeSessionId : undefined;
  const args = resumeId === undefined ? ['exec', '--json', '--color', 'never'] : ['exec', 'resume', '--json'];
  args.push(...sandboxFlags(req, resumeId !== undefined), '--skip-git-repo-check');
  if (req.model !== undefined && req.model !== '') args.push('--model', req.model);
  const effort = effortOf(req);
  if (effort !== undefined) args.push('-c', `model_reasoning_effort=${effort}`);
  if (req.ephemeral === true && resumeId === undefined) args.push('--ephemeral');
  // The spec leaves cli_parameters off resume runs: they were given to the thread when it started.
  if (resumeId === undefined) args.push(...req.cliParameters);
  args.push('--');
  if (resumeId !== undefined) args.push(resumeId);
  args.push('-'); // prompt on stdin: no argv length limit, no shell quoting
  const command: CliCommand = {
    file: req.binary ?? 'codex',
    args,
    cwd: req.cwd,
    env: req.env ?? process.env,
    stdin: { kind: 'text', text: composeCodexPrompt(req.prompt, req.appendSystemPrompt) },
    tempFiles: [],
  };
  return req.docker === undefined ? command : wrapForDocker(command, req.docker, req.cwd, 'codex', {});
}
