import type { Config } from '../config/config.ts';
import { httpResponder } from './http-responder.ts';
import { offlineResponder } from './offline-responder.ts';
import type { Responder } from './responder.ts';

/** The chat-completions API when BOT_API_URL is set, the built-in offline responder otherwise. */
export function responderFor(config: Config['bot']): Responder {
  if (!config.apiUrl) return offlineResponder();
  return httpResponder({ url: config.apiUrl, apiKey: config.apiKey, model: config.model, timeoutMs: config.timeoutMs });
}
