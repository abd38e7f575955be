/** The service definitions ductor installs, as pure text generators. */
import { EXIT_CONFIG, EXIT_RESTART } from '../../shared/exit-codes.js';

export type ServiceSpec = {
  /** Absolute path of the `ductor` command (or node.exe on Windows). */
  program: string;
  /** Arguments after the program (Windows: the entry script). */
  args: string[];
  /** PATH for the service (finds node and the CLIs). */
  path: string;
  /** The OS user's home. */
  userHome: string;
  /** The ductor home (DUCTOR_HOME). */
  ductorHome: string;
};

/** systemd's Exec lines: quote an argument when it has spaces, quotes or backslashes. */
function systemdQuote(arg: string): string {
  return /[\s"'\\]/.test(arg) ? `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : arg;
}

/** Environment= values with spaces are quoted whole. */
function systemdEnv(key: string, value: string): string {
  const pair = `${key}=${value}`;
  return /[\s"\\]/.test(pair) ? `"${pair.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : pair;
}

/**
 * The systemd user unit. Exit 42 (restart requested, e.g. after an upgrade) restarts at once and
 * is not logged as a failure; exit 78 (invalid config) is never restarted, so a broken config
 * does not loop. RestartSec is short because worker crashes are already handled by the supervisor
 * with its own backoff; the start limit stops a crash loop of the supervisor itself.
 */
export function systemdUnit(spec: ServiceSpec): string {
  return `[Unit]
Description=ductor - Telegram bot powered by AI CLIs
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=300
StartLimitBurst=10

[Service]
Type=simple
ExecStart=${[spec.program, ...spec.args].map(systemdQuote).join(' ')}
Restart=on-failure
RestartSec=2
RestartForceExitStatus=${EXIT_RESTART}
SuccessExitStatus=${EXIT_RESTART}
RestartPreventExitStatus=${EXIT_CONFIG}
KillMode=mixed
TimeoutStopSec=45
Environment=${systemdEnv('PATH', spec.path)}
Environment=${systemdEnv('HOME', spec.userHome)}
Environment=${systemdEnv('DUCTOR_HOME', spec.ductorHome)}
Environment=DUCTOR_SUPERVISOR=1

[Install]
WantedBy=default.target
`;
}

/**
 * The same unit as a system service (/etc/systemd/system) that runs as `user`: for hosts without a
 * systemd user session (WSL, containers, SSH without lingering).
 */
export function systemdSystemUnit(userUnit: string, user: string): string {
  return userUnit
    .replace('[Service]\n', `[Service]\nUser=${user}\n`)
    .replace('WantedBy=default.target', 'WantedBy=multi-user.target');
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const LAUNCHD_LABEL = 'dev.ductor';

/**
 * launchd has no "do not restart on this exit code", and KeepAlive.SuccessfulExit=false restarts
 * on any non-zero exit: 42 (restart requested) should, 78 (invalid config) must not, or a broken
 * config restarts every ThrottleInterval. So ductor runs under /bin/sh, which turns 78 into 0 and
 * passes every other code on. The program is `$0` (never spliced into the script), SIGTERM and
 * SIGINT from `launchctl unload` are passed to ductor, and the wrapper waits for its real exit.
 */
export const LAUNCHD_WRAPPER = [
  '"$0" "$@" & pid=$!',
  `trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP`,
  'wait "$pid"; code=$?',
  // A trapped signal ends `wait` early; wait again until ductor itself has exited.
  'while kill -0 "$pid" 2>/dev/null; do wait "$pid"; code=$?; done',
  `[ "$code" -eq ${EXIT_CONFIG} ] && exit 0`,
  'exit "$code"',
].join('\n');

/** The launchd agent plist: restarts on failure and on 42, stays down on 78 (see LAUNCHD_WRAPPER). */
export function launchdPlist(spec: ServiceSpec): string {
  const args = ['/bin/sh', '-c', LAUNCHD_WRAPPER, spec.program, ...spec.args].map((a) => `        <string>${xml(a)}</string>`).join('\n');
  const logs = `${spec.ductorHome}/logs`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>Label</key>
    <string>${LAUNCHD_LABEL}</string>
    <key>ProgramArguments</key>
    <array>
${args}
    </array>
    <key>RunAtLoad</key>
    <true/>
    <key>KeepAlive</key>
    <dict>
        <key>SuccessfulExit</key>
        <false/>
    </dict>
    <key>ThrottleInterval</key>
    <integer>10</integer>
    <key>ProcessType</key>
    <string>Background</string>
    <key>EnvironmentVariables</key>
    <dict>
        <key>PATH</key>
        <string>${xml(spec.path)}</string>
        <key>HOME</key>
        <string>${xml(spec.userHome)}</string>
        <key>DUCTOR_HOME</key>
        <string>${xml(spec.ductorHome)}</string>
        <key>DUCTOR_SUPERVISOR</key>
        <string>1</string>
    </dict>
    <key>StandardOutPath</key>
    <string>${xml(logs)}/service.log</string>
    <key>StandardErrorPath</key>
    <string>${xml(logs)}/service.err</string>
</dict>
</plist>
`;
}

export const WINDOWS_TASK_NAME = 'ductor';

/**
 * The Task Scheduler definition (written as UTF-16 with a BOM). Task Scheduler cannot set
 * environment variables, so the program is node.exe with `--env-file=<file>` (DUCTOR_SUPERVISOR,
 * DUCTOR_HOME, PATH) before the entry script: no console window, restarted on failure.
 */
export function windowsTaskXml(spec: ServiceSpec & { userId?: string }): string {
  const args = spec.args.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ');
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>ductor - Telegram bot powered by AI CLIs</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <Delay>PT10S</Delay>${spec.userId ? `\n      <UserId>${xml(spec.userId)}</UserId>` : ''}
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>3</Count>
    </RestartOnFailure>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(spec.program)}</Command>
      <Arguments>${xml(args)}</Arguments>
      <WorkingDirectory>${xml(spec.ductorHome)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
`;
}

/** UTF-16LE with a byte-order mark, as schtasks expects for /XML. */
export function utf16WithBom(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}
