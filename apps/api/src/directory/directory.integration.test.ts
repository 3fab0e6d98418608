import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { createChatUser } from '../../test/chat-users.ts';
import { TestAgent } from '../../test/http.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';

describe.each(BACKENDS)('the user directory on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;
  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({ ...environment.backend.env, TRUST_PROXY: '1', PUBLIC_URL: 'http://chat.test' });
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  it('finds verified users by prefix, case-insensitively, in pages, leaving out the caller', async () => {
    const tag = `d${Date.now().toString(36)}`;
    const me = await createChatUser(server.url, `${tag}_me`);
    for (const name of ['a_1', 'a_2', 'a_3', 'ab', 'b']) await createChatUser(server.url, `${tag}_${name}`);
    // Signed up but never verified: not in the directory.
    await new TestAgent(server.url, 'http://chat.test').post('/api/auth/signup', {
      username: `${tag}_a_9`,
      email: `${tag}_a_9@example.com`,
      password: 'correct horse battery',
    });

    const names = (users: Array<{ username: string }>) => users.map((u) => u.username.slice(tag.length + 1));
    const first = await me.api.directory({ query: `${tag.toUpperCase()}_A`, limit: 2 });
    expect(names(first.users)).toEqual(['a_1', 'a_2']);
    const second = await me.api.directory({ query: `${tag}_a`, limit: 2, cursor: first.nextCursor ?? undefined });
    expect([names(second.users), second.nextCursor]).toEqual([['a_3', 'ab'], null]);
    // "_" is a literal here, not LIKE's any-character.
    expect(names((await me.api.directory({ query: `${tag}_a_` })).users)).toEqual(['a_1', 'a_2', 'a_3']);
    expect(names((await me.api.directory({ query: tag })).users)).not.toContain('me');
    expect((await me.api.directory({ query: tag })).users[0]?.presence).toMatchObject({
      online: false,
      lastSeenAt: null,
    });
  });

  it('is only for signed-in, verified users', async () => {
    const anonymous = await new TestAgent(server.url, undefined).get('/api/users');
    expect(anonymous.status).toBe(401);
  });
});
