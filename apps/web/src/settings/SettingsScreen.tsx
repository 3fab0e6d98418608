import type { Me } from '@chat/protocol';
import { Link } from '../lib/router.tsx';
import { useDocumentTitle } from '../ui/use-document-title.ts';
import { SETTINGS_SECTIONS } from './sections.ts';

/** Everything a person controls about their account, one titled section per capability. */
export function SettingsScreen({ me }: { me: Me }) {
  useDocumentTitle('Settings');
  return (
    <main className="settings">
      <header className="settings-header">
        <Link href="/" className="button quiet">
          ← Back to chats
        </Link>
        <h1>Settings</h1>
      </header>
      {SETTINGS_SECTIONS.map(({ id, title, Section }) => (
        <section key={id} className="settings-section" aria-labelledby={`settings-${id}`}>
          <h2 id={`settings-${id}`}>{title}</h2>
          <Section me={me} />
        </section>
      ))}
    </main>
  );
}
