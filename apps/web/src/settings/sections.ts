import type { Me } from '@chat/protocol';
import type { ComponentType } from 'react';
import { DeleteAccountSection } from './DeleteAccountSection.tsx';
import { DevicesSection } from './DevicesSection.tsx';
import { ExportSection } from './ExportSection.tsx';
import { NotificationsSection } from './NotificationsSection.tsx';
import { PrivacySection } from './PrivacySection.tsx';

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
  { id: 'devices', title: 'Devices', Section: DevicesSection },
  { id: 'export', title: 'Export my data', Section: ExportSection },
  { id: 'delete-account', title: 'Delete my account', Section: DeleteAccountSection },
];
