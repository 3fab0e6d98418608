import { ApiError, ChatApi } from '@chat/client';
import { CLOSE_CODES } from '@chat/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind, uniqueName } from '../../test/backends.ts';
import { type ChatUser, createChatUser, PASSWORD } from '../../test/chat-users.ts';
import { ticketedSocket } from '../../test/raw-socket.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';
import { TestSmtpServer } from '../../test/smtp.ts';

const PUBLIC_URL = 'http://chat.test';
const NEW_PASSWORD = 'a much better secret';
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

/** The status and code a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<[number, string, Record<string, string>]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return [error.status, error.code, error.fields];
}

describe.each(BACKENDS)('changing password and address on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let smtp: TestSmtpServer;
  let server: TestServer;

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    smtp = await TestSmtpServer.start();
    server = await startServer({
      ...environment.backend.env,
      PUBLIC_URL,
      SMTP_URL: smtp.url,
      TRUST_PROXY: '1',
      MAIL_RETRY_BASE_MS: '100',
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp.down();
    await environment.dispose();
  });

  const newUser = () => createChatUser(server.url, undefined, (email) => smtp.waitForLink(email, /confirm/i));
  /** Another session of the same account, as from a second device. */
  async function secondSession(user: ChatUser, password = PASSWORD): Promise<ChatApi> {
    const api = new ChatApi({ baseUrl: server.url, headers: { 'x-forwarded-for': '10.9.9.9' } });
    await api.login(user.me.username, password, { issueToken: true });
    return api;
  }
  const canSignIn = async (user: ChatUser, password: string) =>
    new ChatApi({ baseUrl: server.url })
      .login(user.me.username, password, { issueToken: true })
      .then(() => true)
      .catch(() => false);

  describe('password', () => {
    it('changes with the current one; the new one signs in, the old no longer does, and a notice is mailed', async () => {
      const alice = await newUser();
      await alice.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      expect(await canSignIn(alice, NEW_PASSWORD)).toBe(true);
      expect(await canSignIn(alice, PASSWORD)).toBe(false);
      // This session stays signed in.
      expect((await alice.api.me()).user.id).toBe(alice.me.id);
      await expect
        .poll(() => smtp.mailsTo(alice.me.email).map((m) => m.subject))
        .toContain('Your password was changed');
    });

    it('a wrong current password is refused and changes nothing', async () => {
      const alice = await newUser();
      expect(
        await refusal(alice.api.changePassword({ currentPassword: 'not it at all', newPassword: NEW_PASSWORD })),
      ).toEqual([403, 'wrong_password', { currentPassword: 'wrong_password' }]);
      expect(await canSignIn(alice, PASSWORD)).toBe(true);
    });

    it('a new password that breaks the rules is refused by field', async () => {
      const alice = await newUser();
      const attempt = (newPassword: string) =>
        refusal(alice.api.changePassword({ currentPassword: PASSWORD, newPassword }));
      expect(await attempt('short')).toEqual([400, 'validation_failed', { newPassword: 'password_too_short' }]);
      expect(await attempt('password123')).toEqual([400, 'validation_failed', { newPassword: 'password_too_weak' }]);
      expect(await attempt(alice.me.username)).toEqual([
        400,
        'validation_failed',
        { newPassword: 'password_too_weak' },
      ]);
      expect(await canSignIn(alice, PASSWORD)).toBe(true);
    });

    it('guessing the current password from inside a session is rate-limited like a login', async () => {
      const alice = await newUser();
      for (let attempt = 0; attempt < 10; attempt++) {
        const [status] = await refusal(
          alice.api.changePassword({ currentPassword: `guess ${attempt}!`, newPassword: NEW_PASSWORD }),
        );
        expect(status).toBe(403);
      }
      // Even the right one now waits: the limit counts attempts, not failures.
      expect(
        (await refusal(alice.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })))[1],
      ).toBe('rate_limited');
    });

    it('"sign out my other sessions" ends them and closes their sockets; this one stays', async () => {
      const alice = await newUser();
      const laptop = await secondSession(alice);
      const laptopSocket = await ticketedSocket(server.url, { ...alice, api: laptop });
      await alice.api.changePassword({
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
        signOutOtherSessions: true,
      });
      expect(await laptopSocket.closed).toBe(CLOSE_CODES.unauthenticated);
      expect((await refusal(laptop.me()))[0]).toBe(401);
      expect((await alice.api.me()).user.id).toBe(alice.me.id);
    });

    it('without it, other sessions stay signed in', async () => {
      const alice = await newUser();
      const laptop = await secondSession(alice);
      await alice.api.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
      expect((await laptop.me()).user.id).toBe(alice.me.id);
    });
  });

  describe('email address', () => {
    const fresh = () => `${uniqueName('n').slice(0, 24).toLowerCase()}@example.org`;

    it('changes once the link mailed to the new address is followed; the old address is told', async () => {
      const alice = await newUser();
      const oldEmail = alice.me.email;
      const newEmail = fresh();
      const { user } = await alice.api.changeEmail({ email: ` ${newEmail.toUpperCase()} `, password: PASSWORD });
      expect(user).toMatchObject({ email: oldEmail, pendingEmail: newEmail });
      await expect
        .poll(() => smtp.mailsTo(oldEmail).find((m) => /being changed/.test(m.subject))?.text)
        .toContain(newEmail);
      // Not yet: the old address still signs in, the new one not.
      expect(await canSignIn({ ...alice, me: { ...alice.me, username: newEmail } }, PASSWORD)).toBe(false);

      const link = await smtp.waitForLink(newEmail, /confirm your new/i);
      expect(link.startsWith(`${PUBLIC_URL}/confirm-email?token=`)).toBe(true);
      const confirmed = await new ChatApi({ baseUrl: server.url }).confirmEmailChange(tokenOf(link));
      expect(confirmed.user).toMatchObject({ email: newEmail, pendingEmail: null, emailVerified: true });
      expect((await alice.api.me()).user.email).toBe(newEmail);
      expect(await canSignIn({ ...alice, me: { ...alice.me, username: newEmail } }, PASSWORD)).toBe(true);
    });

    it('the link works once', async () => {
      const alice = await newUser();
      const newEmail = fresh();
      await alice.api.changeEmail({ email: newEmail, password: PASSWORD });
      const token = tokenOf(await smtp.waitForLink(newEmail, /confirm your new/i));
      await alice.api.confirmEmailChange(token);
      expect(await refusal(alice.api.confirmEmailChange(token))).toEqual([400, 'token_used', {}]);
    });

    it('an expired link is refused and the address stays', async () => {
      const alice = await newUser();
      const newEmail = fresh();
      await alice.api.changeEmail({ email: newEmail, password: PASSWORD });
      const token = tokenOf(await smtp.waitForLink(newEmail, /confirm your new/i));
      await server.app.database.db
        .updateTable('tokens')
        .set({ expires_at: Date.now() - 1 })
        .where('user_id', '=', alice.me.id)
        .where('purpose', '=', 'email_change')
        .execute();
      expect(await refusal(alice.api.confirmEmailChange(token))).toEqual([400, 'token_expired', {}]);
      expect((await alice.api.me()).user.email).toBe(alice.me.email);
    });

    it('a cancelled change: the link no longer works', async () => {
      const alice = await newUser();
      const newEmail = fresh();
      await alice.api.changeEmail({ email: newEmail, password: PASSWORD });
      const token = tokenOf(await smtp.waitForLink(newEmail, /confirm your new/i));
      expect((await alice.api.cancelEmailChange()).user.pendingEmail).toBeNull();
      expect(await refusal(alice.api.confirmEmailChange(token))).toEqual([400, 'token_invalid', {}]);
      expect((await alice.api.me()).user.email).toBe(alice.me.email);
    });

    it('a second request replaces the first: only the newest link works', async () => {
      const alice = await newUser();
      const [first, second] = [fresh(), fresh()];
      await alice.api.changeEmail({ email: first, password: PASSWORD });
      const firstToken = tokenOf(await smtp.waitForLink(first, /confirm your new/i));
      await alice.api.changeEmail({ email: second, password: PASSWORD });
      expect((await refusal(alice.api.confirmEmailChange(firstToken)))[1]).toBe('token_invalid');
      const secondToken = tokenOf(await smtp.waitForLink(second, /confirm your new/i));
      expect((await alice.api.confirmEmailChange(secondToken)).user.email).toBe(second);
    });

    it('refuses a wrong password, a malformed, unchanged or taken address', async () => {
      const [alice, bob] = await Promise.all([newUser(), newUser()]);
      const change = (email: string, password = PASSWORD) => refusal(alice.api.changeEmail({ email, password }));
      expect(await change(fresh(), 'not it at all')).toEqual([403, 'wrong_password', { password: 'wrong_password' }]);
      expect(await change('not an address')).toEqual([400, 'validation_failed', { email: 'email_invalid' }]);
      expect(await change(alice.me.email)).toEqual([400, 'email_unchanged', { email: 'email_unchanged' }]);
      expect(await change(bob.me.email)).toEqual([409, 'email_taken', { email: 'email_taken' }]);
      expect((await alice.api.me()).user.pendingEmail).toBeNull();
    });

    it('an address taken while the link was on its way is refused when it is followed', async () => {
      const alice = await newUser();
      const newEmail = fresh();
      await alice.api.changeEmail({ email: newEmail, password: PASSWORD });
      const token = tokenOf(await smtp.waitForLink(newEmail, /confirm your new/i));
      await new ChatApi({ baseUrl: server.url, headers: { 'x-forwarded-for': '10.8.8.8' } }).signup({
        username: uniqueName('t').slice(0, 24).toLowerCase(),
        email: newEmail,
        password: PASSWORD,
      });
      expect((await refusal(alice.api.confirmEmailChange(token)))[1]).toBe('email_taken');
      expect((await alice.api.me()).user.email).toBe(alice.me.email);
    });
  });
});
