import type { Responder } from './responder.ts';

const HELP = [
  'I am the robot. I answer right here, offline, with no AI behind me.',
  'Commands:',
  '/help: this list',
  '/time: the time on the server (UTC)',
  '/echo <text>: I say it back',
  'Or just say hello.',
].join('\n');

/** Small talk: the first pattern that matches the message answers it. */
const SMALL_TALK: Array<[RegExp, (username: string) => string]> = [
  [
    /\b(hi|hello|hey|howdy|good (morning|afternoon|evening))\b/i,
    (name) => `Hello ${name}! Type /help to see what I can do.`,
  ],
  [/\bhow are you\b/i, () => 'All my circuits are humming, thanks for asking. How are you?'],
  [/\b(thanks|thank you|thx)\b/i, () => 'You are welcome!'],
  [/\b(bye|goodbye|see you)\b/i, (name) => `Goodbye ${name}, come back any time.`],
  [
    /\bwho are you\b|\bwhat are you\b/i,
    () => 'I am the robot of this chat: a small program that speaks the same protocol as your browser.',
  ],
  [/\?\s*$/, () => 'Good question. I am only an offline robot, so I know little beyond /help, /time and /echo.'],
];

/** The built-in responder: no network, answers at once. */
export function offlineResponder(now: () => Date = () => new Date()): Responder {
  return {
    async reply({ username, text }) {
      const trimmed = text.trim();
      const [command = '', ...rest] = trimmed.split(/\s+/);
      switch (command.toLowerCase()) {
        case '/help':
          return HELP;
        case '/time':
          return `It is ${now().toISOString().replace('T', ' ').slice(0, 19)} UTC.`;
        case '/echo':
          return rest.length > 0 ? trimmed.slice(command.length).trim() : 'Echo what? Try /echo hello.';
      }
      if (command.startsWith('/')) return `I do not know ${command}. Type /help for what I can do.`;
      const match = SMALL_TALK.find(([pattern]) => pattern.test(trimmed));
      return match ? match[1](username) : 'I am a simple offline robot: try /help, /time or /echo.';
    },
  };
}
