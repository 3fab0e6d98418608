import { bubble, messageLog, openConversationWith, send } from './support/chat.ts';
import { expect, test } from './support/people.ts';
import { checkScreen } from './support/screens.ts';

test('the robot, always online in the directory, answers /help and /echo', async ({ people }) => {
  const alice = await people.signUp('alice');
  await openConversationWith(alice.page, 'robot');
  await expect(alice.page.locator('.pane-status')).toHaveText('Online');

  await send(alice.page, '/help');
  await expect(bubble(alice.page, '/echo <text>: I say it back')).toBeVisible();
  await send(alice.page, '/echo hello');
  const answers = messageLog(alice.page).locator('.message.theirs .bubble');
  await expect(answers).toHaveCount(2);
  await expect(answers.last()).toHaveText('hello');
  await checkScreen(alice.page, 'chat-robot');
});
