import type { Me } from '@chat/protocol';
import type { ComponentType } from 'react';
import { NotificationsSection } from './NotificationsSection.tsx';
import { PrivacySection } from './PrivacySection.tsx';
import { SignInSection } from './SignInSection.tsx';

export interface SettingsSection {
  /** Stable, used for the heading's id (and so for links such as /settings#settings-privacy). */
  id: string;
  title: string;
  Section: ComponentType<{ me: Me }>;
}

/** The settings screen's sections, in the order they are shown. Each capability adds its own here. */
export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'privacy', title: 'Privacy', Section: PrivacySection },
  { id: 'notifications', title: 'Notifications', Section: NotificationsSection },
  { id: 'sign-in', title: 'Sign-in', Section: SignInSection },
];
