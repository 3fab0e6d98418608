import type { Message } from '@chat/protocol';
import { chatStore } from '../chat/store.ts';
import { navigate } from '../lib/router.tsx';
import { notificationContent, shouldAlert, type Viewing } from './decisions.ts';
import { showDesktopNotification } from './desktop.ts';
import { alertPreferences } from './preferences.ts';
import { playChime } from './sound.ts';

/**
 * A moment for the user's other tab or device to read the message first: when they are looking at
 * the conversation there, its read reaches this tab (socket → server → socket) in well under this,
 * and no alert goes off in a background tab for a message already on screen elsewhere.
 */
const READ_ELSEWHERE_GRACE_MS = 800;
/** Long enough that every tab of this browser woken by the same message finds the alert taken. */
const ALERT_CLAIM_HOLD_MS = 10_000;

const viewing = (): Viewing => ({
  pageVisible: document.visibilityState === 'visible',
  activeConversationId: chatStore.get().activeConversationId,
});

const decide = (message: Message, myId: number) =>
  shouldAlert(message, myId, chatStore.get().conversations[message.conversationId], viewing());

/**
 * A message arrived (live or caught up on): alert if it calls for it, after the grace moment, and
 * only in one tab of this browser (the Web Locks API picks the first; each tab got the message).
 */
export function alertOfMessage(message: Message, myId: number): void {
  if (!decide(message, myId)) return;
  setTimeout(() => {
    if (!decide(message, myId)) return;
    void inOneTab(`chat-alert:${myId}:${message.id}`, () => raiseAlert(message, myId));
  }, READ_ELSEWHERE_GRACE_MS);
}

function raiseAlert(message: Message, myId: number): void {
  const summary = chatStore.get().conversations[message.conversationId];
  if (!summary) return;
  showDesktopNotification(notificationContent(message, summary.peer.username), () =>
    navigate(`/c/${message.conversationId}`),
  );
  if (alertPreferences(myId).sound) playChime();
}

async function inOneTab(name: string, run: () => void): Promise<void> {
  if (!navigator.locks) {
    run();
    return;
  }
  await navigator.locks.request(name, { ifAvailable: true }, async (lock) => {
    if (!lock) return;
    run();
    await new Promise((resolve) => setTimeout(resolve, ALERT_CLAIM_HOLD_MS));
  });
}
