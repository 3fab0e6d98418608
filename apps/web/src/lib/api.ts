import { ChatApi } from '@chat/client';

/** The one REST client of the app: same origin, authenticated by the session cookie. */
export const api = new ChatApi();
