/** `/tasks`: list this chat's background tasks; `cancel <id>`, `cancelall`, `delete <id>`. */
import { encodeCallback } from '../../../shared/callbacks/callback-data.js';
import { texts } from '../orchestrator/texts.js';
import type { Button, ChatRef } from '../../../shared/rpc/conversation-schemas.js';
import type { Reply } from '../orchestrator/commands.js';
import type { TaskHub } from './task-hub.js';

const ICON: Record<string, string> = { queued: '🕒', running: '⏳', waiting: '❓', done: '✅', failed: '❌', cancelled: '⏹', interrupted: '⚠️' };

export async function tasksCommand(hub: TaskHub, chat: ChatRef, args: string): Promise<Reply> {
  const [verb, id] = args.split(/\s+/);
  const plain = (text: string, buttons: Button[][] = []): Reply => ({ text, format: 'plain', buttons });
  if (verb === 'cancelall') return plain(texts.tasksCancelledAll(hub.cancelAll()));
  if ((verb === 'cancel' || verb === 'delete') && id) {
    const answer = verb === 'cancel' ? await hub.cancel(id, null) : await hub.delete(id, null);
    const ok = answer.body.success === true;
    return plain(ok ? (verb === 'cancel' ? texts.taskCancelling(id) : texts.taskDeleted(id)) : texts.taskFailedAction(id, String(answer.body.error)));
  }
  const tasks = (await hub.list({ chat })).sort((a, b) => b.created_at - a.created_at);
  if (tasks.length === 0) return plain(texts.tasksEmpty);
  const lines = tasks.slice(0, 20).map((t) => {
    const extra = t.status === 'waiting' ? ` — asks: ${t.last_question}` : t.error ? ` — ${t.error}` : '';
    return `${ICON[t.status] ?? '•'} ${t.task_id} ${t.name} [${t.status}, ${t.priority}] ${t.provider}/${t.model}${extra}`;
  });
  const buttons: Button[][] = [];
  for (const t of tasks.slice(0, 8)) {
    if (t.status === 'running' || t.status === 'waiting' || t.status === 'queued') buttons.push([{ label: texts.taskCancelButton(t.task_id), data: encodeCallback('command', `tasks cancel ${t.task_id}`) }]);
    else buttons.push([{ label: texts.taskDeleteButton(t.task_id), data: encodeCallback('command', `tasks delete ${t.task_id}`) }]);
  }
  if (tasks.some((t) => t.status === 'running')) buttons.push([{ label: texts.tasksCancelAllButton, data: encodeCallback('command', 'tasks cancelall') }]);
  return plain(`${texts.tasksTitle}\n${lines.join('\n')}`, buttons);
}
