import type { BrowserContext, Page } from '@playwright/test';

/**
 * Gives the page a platform authenticator that holds passkeys and verifies its user at once
 * (Chromium's virtual authenticator, through the DevTools protocol), as a laptop's fingerprint
 * reader would.
 */
export async function addPasskeyAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
}
