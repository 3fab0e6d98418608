import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from '@playwright/test';

/** One person at one browser: their own context (cookies, address), page and account details. */
export interface Person {
  username: string;
  email: string;
  password: string;
  context: BrowserContext;
  page: Page;
}

interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  /** A phone's screen, where the list and the conversation are two screens. */
  phone?: boolean;
}

export interface People {
  /** A new browser for someone who has no account yet. */
  open(name: string, options?: OpenOptions): Promise<Person>;
  /** A new browser whose person signed up over the API and confirmed their address: the chat is on screen. */
  signUp(name: string, options?: OpenOptions): Promise<Person>;
}

/**
 * Playwright runs spec files in two workers at once: the worker's index keeps their names apart
 * (unique for the run, even after a worker restarts), and its slot keeps their addresses apart.
 */
const WORKER = Number(process.env.TEST_WORKER_INDEX ?? 0);
const WORKER_SLOT = Number(process.env.TEST_PARALLEL_INDEX ?? 0);

let sequence = 0;
/** Names unique to this run, so that runs never depend on one another (and fit the 32-character limit). */
const uniqueUsername = (name: string) =>
  `${name}_${Date.now().toString(36)}${WORKER.toString(36)}_${(sequence++).toString(36)}`;

/**
 * A distinct client address per browser: the server trusts X-Forwarded-For in e2e (TRUST_PROXY), so
 * its per-address limits (10 sign-ups an hour) count each browser apart, as they would real people.
 */
let addresses = 0;
const nextAddress = () => `10.${WORKER_SLOT}.${Math.floor(addresses / 250)}.${(addresses++ % 250) + 1}`;

const PASSWORD = 'correct horse battery';

export const test = base.extend<{ people: People }>({
  people: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    // The server's Content-Security-Policy must allow everything the app loads: a refusal shows here.
    const cspViolations: string[] = [];
    const origin = baseURL ?? '';
    const open = async (name: string, options: OpenOptions = {}): Promise<Person> => {
      const context = await newContext(browser, origin, options);
      contexts.push(context);
      context.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      const username = uniqueUsername(name);
      return { username, email: `${username}@example.com`, password: PASSWORD, context, page: await context.newPage() };
    };
    await use({
      open,
      async signUp(name, options) {
        const person = await open(name, options);
        const response = await person.page.request.post('/api/auth/signup', {
          data: { username: person.username, email: person.email, password: person.password },
          headers: { origin },
        });
        expect(response.status(), await response.text()).toBe(201);
        await person.page.goto(await mailLink(person.page.request, person.email, '/verify'));
        await person.page.getByRole('link', { name: 'Start chatting' }).click();
        await expect(person.page.getByRole('button', { name: 'Log out' })).toBeVisible();
        return person;
      },
    });
    for (const context of contexts) await context.close();
    expect(cspViolations, 'Content-Security-Policy violations in the browser console').toEqual([]);
  },
});

function newContext(browser: Browser, baseURL: string, options: OpenOptions): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.phone ? { width: 390, height: 780 } : { width: 1180, height: 760 },
    extraHTTPHeaders: { 'X-Forwarded-For': nextAddress() },
  });
}

interface Mail {
  to: string;
  text: string;
}

/** The newest link to `path` mailed to `to`, read from the development mailbox as a person reads their inbox. */
export async function mailLink(request: APIRequestContext, to: string, path: '/verify' | '/reset-password') {
  const pattern = new RegExp(`https?://\\S+${path}\\?token=\\S+`);
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const mails = (await (await request.get('/dev/mailbox')).json()) as Mail[];
        link = mails.find((mail) => mail.to === to && pattern.test(mail.text))?.text.match(pattern)?.[0];
        return link;
      },
      { message: `a mail to ${to} with a ${path} link` },
    )
    .toBeDefined();
  return link as string;
}

export { expect };
