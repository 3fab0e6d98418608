import type { Responder, ResponderInput } from './responder.ts';

export interface HttpResponderOptions {
  /** The API's base, e.g. https://api.openai.com/v1; the request goes to `${url}/chat/completions`. */
  url: string;
  apiKey: string | undefined;
  model: string;
  /** Each attempt gives up after this long. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

const SYSTEM_PROMPT =
  'You are Robot, a friendly assistant inside a one-to-one chat app. Answer briefly and plainly, in the language of the user.';
/** A failed attempt is retried once after this pause; a second failure is final. */
const RETRY_DELAY_MS = 500;

export class ResponderError extends Error {}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown } }>;
}

/** Any OpenAI-compatible chat-completions API, given the last messages as context. */
export function httpResponder(options: HttpResponderOptions): Responder {
  const fetchImpl = options.fetch ?? fetch;
  const endpoint = `${options.url.replace(/\/$/, '')}/chat/completions`;

  async function attempt(input: ResponderInput): Promise<string> {
    const response = await fetchImpl(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: options.model,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          ...input.history.map((turn) => ({ role: turn.role, content: turn.text })),
        ],
      }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) throw new ResponderError(`chat API answered ${response.status}`);
    const body = (await response.json()) as ChatCompletion;
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || content.trim() === '') throw new ResponderError('chat API answered no text');
    return content.trim();
  }

  return {
    async reply(input) {
      try {
        return await attempt(input);
      } catch (error) {
        // A timeout is not retried: the user has waited long enough already.
        if (error instanceof DOMException && error.name === 'TimeoutError') throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        return attempt(input);
      }
    },
  };
}
