import nodemailer from 'nodemailer';
import { redactUrl } from '../http/redact.ts';
import type { Mail } from './outbox.ts';

export interface MailTransport {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** Each SMTP stage gives up after this long, so a claim (MAIL_CLAIM_MS) always outlives a send attempt. */
const SMTP_TIMEOUT_MS = 15_000;

export function smtpTransport(smtpUrl: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close: () => transporter.close(),
  };
}

/**
 * The embedded default: nothing leaves the machine. The link's token stays out of the log (logs are
 * kept and shipped); the whole mail is at /dev/mailbox, for the person at this machine.
 */
export function logTransport(
  log: (line: { to: string; subject: string; link?: string }, message: string) => void,
): MailTransport {
  return {
    async send(mail) {
      const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
      log(
        { to: mail.to, subject: mail.subject, link: link && redactUrl(link) },
        'mail (not sent: no SMTP_URL; read it at /dev/mailbox on this machine)',
      );
    },
    close() {},
  };
}
