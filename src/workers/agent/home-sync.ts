/**
 * The agent worker's housekeeping of its home: rule files kept alike every 10 s, skills
 * linked across the workspace and the CLIs every 30 s, both at once on start. Only the main agent
 * touches the CLIs' own skill folders; on stop the links it made there are taken back.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../shared/log/logger.js';
import { startPeriodic } from './periodic.js';
import { RULE_SYNC_INTERVAL_MS, syncRuleFiles } from './rules/rule-sync.js';
import { SKILL_SYNC_INTERVAL_MS, SkillSync, skillRoots } from './skills/skill-sync.js';

export type HomeSyncOptions = {
  agentHome: string;
  isMain: boolean;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Where `~/.claude` and friends live; `os.homedir()` unless a test says otherwise. */
  userHome?: string;
};

export type HomeSync = { stop(): Promise<void> };

export function startHomeSync(options: HomeSyncOptions): HomeSync {
  const { agentHome, log } = options;
  const rules = startPeriodic(
    async () => {
      const report = await syncRuleFiles(agentHome);
      if (report.updated.length + report.created.length > 0) log.info(report, 'rule files synced');
    },
    RULE_SYNC_INTERVAL_MS,
    (err) => log.warn({ err }, 'rule file sync failed; trying again next round'),
  );
  const skillSync = new SkillSync(
    skillRoots({ workspaceDir: join(agentHome, 'workspace'), userHome: options.userHome ?? homedir(), env: options.env ?? process.env, includeCliRoots: options.isMain }),
  );
  const skills = startPeriodic(
    async () => {
      const report = await skillSync.syncOnce();
      if (report.linked.length + report.removed.length > 0) log.info(report, 'skills synced');
    },
    SKILL_SYNC_INTERVAL_MS,
    (err) => log.warn({ err }, 'skill sync failed; trying again next round'),
  );
  return {
    stop: async () => {
      await Promise.all([rules.stop(), skills.stop()]);
      const removed = await skillSync.removeCreatedLinks().catch((err: unknown) => {
        log.warn({ err }, 'could not remove skill links on shutdown');
        return [];
      });
      if (removed.length > 0) log.info({ removed }, 'skill links removed on shutdown');
    },
  };
}
