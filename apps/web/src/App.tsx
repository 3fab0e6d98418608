export function App() {
  return (
    <main>
      <h1>Chat</h1>
      <p>Loading…</p>
    </main>
  );
}
