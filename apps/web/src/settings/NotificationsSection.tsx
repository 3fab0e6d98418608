import type { Me } from '@chat/protocol';
import { BrowserAlertSettings } from '../notifications/BrowserAlertSettings.tsx';
import { SettingSwitch } from './SettingSwitch.tsx';

export function NotificationsSection({ me }: { me: Me }) {
  return (
    <>
      <BrowserAlertSettings userId={me.id} />
      <SettingSwitch
        me={me}
        setting="missedMail"
        label="Email me about messages I missed"
        note="One email per conversation when messages wait unread while you are away."
      />
    </>
  );
}
