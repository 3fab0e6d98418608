import type { Me } from '@chat/protocol';
import { PresenceVisibilityChoice } from './PresenceVisibilityChoice.tsx';
import { SettingSwitch } from './SettingSwitch.tsx';

export function PrivacySection({ me }: { me: Me }) {
  return (
    <>
      <SettingSwitch
        me={me}
        setting="readReceipts"
        label="Read receipts"
        note="When off, people do not see when you have read their messages, and you do not see when they read yours."
      />
      <PresenceVisibilityChoice me={me} />
    </>
  );
}
