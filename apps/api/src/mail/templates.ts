import type { Mail } from './outbox.ts';

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function mailWithLink(
  to: string,
  subject: string,
  lines: { greeting: string; body: string; action: string; link: string; footer: string },
): Mail {
  const text = `${lines.greeting}\n\n${lines.body}\n\n${lines.link}\n\n${lines.footer}\n`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>${escapeHtml(lines.greeting)}</p>
<p>${escapeHtml(lines.body)}</p>
<p><a href="${escapeHtml(lines.link)}" style="display:inline-block;padding:10px 18px;background:#2563eb;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(lines.action)}</a></p>
<p style="color:#555;font-size:14px">Or open this link: ${escapeHtml(lines.link)}</p>
<p style="color:#555;font-size:14px">${escapeHtml(lines.footer)}</p>
</body></html>`;
  return { to, subject, text, html };
}

export function verificationMail(to: string, username: string, link: string): Mail {
  return mailWithLink(to, 'Confirm your email address', {
    greeting: `Hi ${username},`,
    body: 'Welcome to Chat! Confirm your email address to start chatting:',
    action: 'Confirm my address',
    link,
    footer: 'The link works for 24 hours. If you did not sign up, ignore this mail.',
  });
}

export function passwordResetMail(to: string, username: string, link: string): Mail {
  return mailWithLink(to, 'Reset your password', {
    greeting: `Hi ${username},`,
    body: 'Someone asked to reset the password of your Chat account. Choose a new one here:',
    action: 'Choose a new password',
    link,
    footer:
      'The link works for one hour and only once. If it was not you, ignore this mail: your password stays as it is.',
  });
}

export function emailChangeMail(to: string, username: string, link: string): Mail {
  return mailWithLink(to, 'Confirm your new email address', {
    greeting: `Hi ${username},`,
    body: 'You asked to use this address for your Chat account. Confirm it to make the change:',
    action: 'Use this address',
    link,
    footer: 'The link works for 24 hours and only once. If you did not ask for this, ignore this mail.',
  });
}

/** Plain notices about one's own account: no link to follow, so nothing to phish with. */
function notice(to: string, subject: string, lines: { greeting: string; body: string; footer: string }): Mail {
  const text = `${lines.greeting}\n\n${lines.body}\n\n${lines.footer}\n`;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
<p>${escapeHtml(lines.greeting)}</p>
<p>${escapeHtml(lines.body)}</p>
<p style="color:#555;font-size:14px">${escapeHtml(lines.footer)}</p>
</body></html>`;
  return { to, subject, text, html };
}

export function emailChangeNoticeMail(to: string, username: string, newEmail: string): Mail {
  return notice(to, 'Your email address is being changed', {
    greeting: `Hi ${username},`,
    body: `Someone signed in to your Chat account asked to change its email address to ${newEmail}. The change takes effect once that address is confirmed.`,
    footer:
      'If it was not you, sign in, cancel the change in Settings and change your password. Until then this address keeps working.',
  });
}

export function passwordChangedMail(to: string, username: string): Mail {
  return notice(to, 'Your password was changed', {
    greeting: `Hi ${username},`,
    body: 'The password of your Chat account was just changed.',
    footer: 'If it was not you, reset your password at once with "Forgot password" on the sign-in page.',
  });
}
