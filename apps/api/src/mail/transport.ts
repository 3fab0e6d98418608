import nodemailer from 'nodemailer';
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

/** The embedded default: nothing leaves the machine; the link is in the log and at /dev/mailbox. */
export function logTransport(
  log: (line: { to: string; subject: string; link?: string }, message: string) => void,
): MailTransport {
  return {
    async send(mail) {
      const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
      log({ to: mail.to, subject: mail.subject, link }, 'mail (not sent: no SMTP_URL; see /dev/mailbox)');
    },
    close() {},
  };
}
