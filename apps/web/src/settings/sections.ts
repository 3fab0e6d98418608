import type { Me } from '@chat/protocol';
import type { ComponentType } from 'react';
import { BlockedSection } from './BlockedSection.tsx';
import { DeleteAccountSection } from './DeleteAccountSection.tsx';
import { DevicesSection } from './DevicesSection.tsx';
import { EmailSection } from './EmailSection.tsx';
import { ExportSection } from './ExportSection.tsx';
import { NotificationsSection } from './NotificationsSection.tsx';
import { PasskeysSection } from './PasskeysSection.tsx';
import { PasswordSection } from './PasswordSection.tsx';
import { PrivacySection } from './PrivacySection.tsx';
import { ProfileSection } from './ProfileSection.tsx';
import { SignInSection } from './SignInSection.tsx';
import { TwoFactorSection } from './TwoFactorSection.tsx';

export interface SettingsSection {
  /** Stable, used for the heading's id (and so for links such as /settings#settings-privacy). */
  id: string;
  title: string;
  Section: ComponentType<{ me: Me }>;
}

/** The settings screen's sections, in the order they are shown. Each capability adds its own here. */
export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'profile', title: 'Profile', Section: ProfileSection },
  { id: 'password', title: 'Password', Section: PasswordSection },
  { id: 'email', title: 'Email address', Section: EmailSection },
  { id: 'privacy', title: 'Privacy', Section: PrivacySection },
  { id: 'notifications', title: 'Notifications', Section: NotificationsSection },
  { id: 'two-factor', title: 'Two-factor authentication', Section: TwoFactorSection },
  { id: 'passkeys', title: 'Passkeys', Section: PasskeysSection },
  { id: 'blocked', title: 'Blocked people', Section: BlockedSection },
  { id: 'devices', title: 'Devices', Section: DevicesSection },
  { id: 'export', title: 'Export my data', Section: ExportSection },
  { id: 'delete-account', title: 'Delete my account', Section: DeleteAccountSection },
  { id: 'sign-in', title: 'Sign-in', Section: SignInSection },
];
