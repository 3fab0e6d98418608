import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.ts';
import { secretBox } from './secret-box.ts';
import { acceptedTimeStep, isTotpShaped, newTotpSecret } from './totp.ts';

const SECRET_KEY = 'a session secret of at least thirty-two characters';

describe('secretBox', () => {
  it('opens what it sealed, and nothing sealed under another key or tampered with', () => {
    const box = secretBox(SECRET_KEY);
    const sealed = box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DP');
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(() => secretBox(`${SECRET_KEY}!`).open(sealed)).toThrow();
    const [version, iv, tag, body = ''] = sealed.split('.');
    const flipped = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(() => box.open([version, iv, tag, flipped].join('.'))).toThrow();
  });
});

describe('acceptedTimeStep', () => {
  const secret = newTotpSecret();
  const now = 1_800_000_000_000;
  const at = (ms: number) => generate({ secret, epoch: Math.floor(ms / 1000) });

  it('accepts the current code and one step of drift either side, not two', async () => {
    const step = Math.floor(now / 30_000);
    expect(await acceptedTimeStep(secret, await at(now), null, now)).toBe(step);
    expect(await acceptedTimeStep(secret, await at(now - 30_000), null, now)).toBe(step - 1);
    expect(await acceptedTimeStep(secret, await at(now + 30_000), null, now)).toBe(step + 1);
    expect(await acceptedTimeStep(secret, await at(now + 90_000), null, now)).toBeUndefined();
  });

  it('refuses a code of the last used step or an earlier one', async () => {
    const step = Math.floor(now / 30_000);
    expect(await acceptedTimeStep(secret, await at(now), step, now)).toBeUndefined();
    expect(await acceptedTimeStep(secret, await at(now - 30_000), step, now)).toBeUndefined();
    expect(await acceptedTimeStep(secret, await at(now + 30_000), step, now)).toBe(step + 1);
  });

  it('answers no for what is not six digits instead of throwing', async () => {
    expect(await acceptedTimeStep(secret, '12', null, now)).toBeUndefined();
    expect(await acceptedTimeStep(secret, 'abcdef', null, now)).toBeUndefined();
    expect(isTotpShaped('123 456')).toBe(true);
    expect(isTotpShaped('abcde-fghjk')).toBe(false);
  });
});

describe('recovery codes', () => {
  it('are ten distinct codes whose hash ignores case, spaces and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    const [code = ''] = codes;
    expect(recoveryCodeHash(` ${code.toUpperCase().replace('-', ' ')} `)).toBe(recoveryCodeHash(code));
  });
});
