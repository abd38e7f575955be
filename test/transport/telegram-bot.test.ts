import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  TelegramApiError,
  TelegramBot,
  TelegramNetworkError,
  isFatalTelegramError,
  isNotModifiedError,
  isParseEntitiesError,
  retryAfterMs,
} from '../../src/workers/transport/telegram-bot.js';
import { FAKE_TOKEN, startFakeTelegram } from '../helpers/fake-telegram.js';

test('talks to the Bot API at apiRoot and sends thread, reply and keyboard fields', async (t) => {
  const tg = await startFakeTelegram(t);
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  const me = await bot.getMe();
  assert.equal(me.is_bot, true);
  const sent = await bot.sendMessage({
    chatId: -100123,
    text: '<b>hi</b>',
    parseMode: 'HTML',
    threadId: 7,
    replyToMessageId: 99,
    replyMarkup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'Yes' }]] },
  });
  const [message] = tg.sent(-100123);
  assert.equal(message?.messageId, sent.message_id);
  assert.equal(message?.visibleText, 'hi');
  assert.equal(message?.threadId, 7);
  assert.equal(message?.replyTo, 99);
  assert.deepEqual(message?.replyMarkup, { inline_keyboard: [[{ text: 'Yes', callback_data: 'Yes' }]] });
});

test('classifies Telegram refusals by code and keeps the token out of every message', async (t) => {
  const tg = await startFakeTelegram(t);
  const wrongToken = '9876543210:AAWrongTokenWrongTokenWrongToken_xyz1';
  const bot = new TelegramBot({ token: wrongToken, apiRoot: tg.url });
  const error = await bot.getMe().catch((e: unknown) => e);
  assert.ok(error instanceof TelegramApiError);
  assert.equal(error.errorCode, 401);
  assert.equal(error.method, 'getMe');
  assert.equal(isFatalTelegramError(error), true);
  assert.ok(!error.message.includes(wrongToken));

  const good = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  tg.failNext('sendMessage', { code: 429, description: 'Too Many Requests: retry after 3', retryAfter: 3 });
  const limited = await good.sendMessage({ chatId: 1, text: 'x' }).catch((e: unknown) => e);
  assert.equal(retryAfterMs(limited), 3000);
  assert.equal(isFatalTelegramError(limited), false);

  tg.rejectHtmlOnce();
  const parse = await good.sendMessage({ chatId: 1, text: '<b>x</b>', parseMode: 'HTML' }).catch((e: unknown) => e);
  assert.equal(isParseEntitiesError(parse), true);

  const sent = await good.sendMessage({ chatId: 1, text: 'same' });
  const same = await good.editMessageText({ chatId: 1, messageId: sent.message_id, text: 'same' }).catch((e: unknown) => e);
  assert.equal(isNotModifiedError(same), true);
});

test('a network failure becomes TelegramNetworkError without the token in its text', async (t) => {
  const tg = await startFakeTelegram(t);
  const url = tg.url;
  await tg.close();
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: url });
  const error = await bot.getMe().catch((e: unknown) => e);
  assert.ok(error instanceof TelegramNetworkError);
  assert.equal(error.code, 'TELEGRAM_NETWORK');
  assert.ok(!error.message.includes(FAKE_TOKEN));
  assert.equal(bot.redact(`GET ${url}/bot${FAKE_TOKEN}/getMe`).includes(FAKE_TOKEN), false);
});

test('an aborted call rejects with the caller abort reason', async (t) => {
  const tg = await startFakeTelegram(t);
  tg.stallGetUpdates();
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  const controller = new AbortController();
  const pending = bot.getUpdates({ timeout: 30 }, controller.signal);
  controller.abort(new Error('stop now'));
  await assert.rejects(pending, { message: 'stop now' });
});

test('uploads documents and photos as multipart and downloads files by path', async (t) => {
  const tg = await startFakeTelegram(t);
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  await bot.sendDocument({ chatId: 5, data: new TextEncoder().encode('report body'), filename: 'report.txt', caption: '<b>r</b>', parseMode: 'HTML', threadId: 3 });
  await bot.sendPhoto({ chatId: 5, data: new Uint8Array([1, 2, 3]), filename: 'cat.png', contentType: 'image/png' });
  const [doc, photo] = tg.sent(5);
  assert.equal(doc?.kind, 'document');
  assert.equal(doc?.file?.filename, 'report.txt');
  assert.equal(doc?.file?.data.toString(), 'report body');
  assert.equal(doc?.visibleText, 'r');
  assert.equal(doc?.threadId, 3);
  assert.equal(photo?.kind, 'photo');
  assert.equal(photo?.file?.size, 3);

  const fileId = tg.addFile('voice bytes', 'voice/file_1.ogg');
  const file = await bot.getFile(fileId);
  assert.equal(file.file_path, 'voice/file_1.ogg');
  const data = await bot.downloadFile(file.file_path ?? '');
  assert.equal(data.toString(), 'voice bytes');
  await assert.rejects(bot.downloadFile(file.file_path ?? '', { maxBytes: 4 }), { errorCode: 400 });
});

test('registers commands, answers callbacks, reacts, leaves chats', async (t) => {
  const tg = await startFakeTelegram(t);
  const bot = new TelegramBot({ token: FAKE_TOKEN, apiRoot: tg.url });
  await bot.setMyCommands([{ command: 'new', description: 'Start a new session' }]);
  await bot.answerCallbackQuery('cb1', 'ok');
  await bot.setMessageReaction(5, 1, '👀');
  await bot.sendChatAction(5, 'typing', 9);
  await bot.leaveChat(-100999);
  assert.deepEqual(tg.commands, [[{ command: 'new', description: 'Start a new session' }]]);
  assert.deepEqual(tg.callsOf('setMessageReaction')[0]?.params.reaction, [{ type: 'emoji', emoji: '👀' }]);
  assert.equal(tg.callsOf('sendChatAction')[0]?.params.message_thread_id, 9);
  assert.equal(tg.callsOf('leaveChat')[0]?.params.chat_id, -100999);
  assert.equal(tg.callsOf('answerCallbackQuery')[0]?.params.callback_query_id, 'cb1');
});
