import { generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP as every authenticator app does it (RFC 6238: SHA-1, six digits, 30 s). One step either side
 * is accepted for clocks that drift; `afterTimeStep` refuses a code of the step last used or earlier,
 * so a code seen over someone's shoulder cannot be typed again.
 */
const TOLERANCE_S = 30;
const CODE_PATTERN = /^\d{6}$/;

export const newTotpSecret = (): string => generateSecret();

export const otpauthUrl = (issuer: string, account: string, secret: string): string =>
  generateURI({ issuer, label: account, secret });

/** Whether a code could be a TOTP code at all (else it may be a recovery code). */
export const isTotpShaped = (code: string): boolean => CODE_PATTERN.test(code.replace(/\s/g, ''));

/** The time step the code belongs to when it is right now and newer than `lastTimeStep`. */
export async function acceptedTimeStep(
  secret: string,
  code: string,
  lastTimeStep: number | null,
  nowMs: number,
): Promise<number | undefined> {
  const token = code.replace(/\s/g, '');
  if (!CODE_PATTERN.test(token)) return undefined;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOLERANCE_S,
    ...(lastTimeStep === null ? {} : { afterTimeStep: lastTimeStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
