import { useChat } from './store.ts';

/** Says, while it lasts, that messages cannot go out or come in; silent while all is well. */
export function ConnectionBanner() {
  const connection = useChat((state) => state.connection);
  const everConnected = useChat((state) => state.everConnected);
  const offline = useChat((state) => state.browserOffline);

  let text: string | undefined;
  if (offline) text = 'You are offline. Messages you write are sent when the connection is back.';
  else if (connection.state === 'refused') text = `Disconnected: ${connection.message}`;
  // The very first attempt is not news; a failed one, or any drop after that, is.
  else if (connection.state !== 'open' && (everConnected || connection.state === 'waiting')) text = 'Reconnecting…';

  return (
    <div className="connection-banner" role="status" hidden={text === undefined}>
      {text}
      {connection.state === 'refused' && (
        <button type="button" className="link-button" onClick={() => window.location.reload()}>
          Reload
        </button>
      )}
    </div>
  );
}
