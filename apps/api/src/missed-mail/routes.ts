import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../http/errors.ts';
import { updateSettings } from '../users/users-repository.ts';
import { verifyUnsubscribeToken } from './unsubscribe-token.ts';

export const UNSUBSCRIBE_PATH = '/unsubscribe/missed-mail';

interface TokenQuery {
  Querystring: { token?: string };
}

const page = (reply: FastifyReply, body: string) =>
  reply
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html><head><meta charset="utf-8"><title>Chat</title></head><body>${body}</body></html>`);

/**
 * The unsubscribe link of the missed-message mail. POST turns the mails off: mail clients post
 * `List-Unsubscribe=One-Click` to it without a session (RFC 8058), so the signed token alone says
 * who. GET only shows a button that posts, since mail scanners open every link they find.
 */
export async function unsubscribeRoutes(app: FastifyInstance, options: { secret: string }): Promise<void> {
  // RFC 8058's body is a form; this scope alone reads forms, and needs nothing from it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) =>
    done(null, undefined),
  );
  const userOf = (token: string | undefined) => {
    const userId = verifyUnsubscribeToken(options.secret, token ?? '');
    if (userId === undefined) throw new AppError(400, 'token_invalid', 'This unsubscribe link is not valid.');
    return userId;
  };

  app.get<TokenQuery>(UNSUBSCRIBE_PATH, async (request, reply) => {
    const token = request.query.token ?? '';
    userOf(token);
    return page(
      reply,
      `<p>Stop the mails about messages you missed?</p>
<form method="post" action="/api${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    );
  });

  app.post<TokenQuery>(UNSUBSCRIBE_PATH, { config: { tokenOnlyPost: true } }, async (request, reply) => {
    await updateSettings(app.database.db, userOf(request.query.token), { missedMail: false });
    return page(reply, '<p>Done: no more mails about missed messages. You can turn them on again in the settings.</p>');
  });
}
