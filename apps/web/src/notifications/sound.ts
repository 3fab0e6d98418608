/**
 * A short two-note chime, made with Web Audio rather than shipped as a file: nothing to download,
 * and nothing the CSP has to allow.
 */

/** A burst of messages (a sync after being away) chimes once, not once per message. */
const MIN_GAP_MS = 2000;
/** Two notes, a fourth apart, 90 ms each: noticeable, and over before it annoys. */
const NOTES_HZ = [880, 1174.66];
const NOTE_S = 0.09;
const VOLUME = 0.12;

let context: AudioContext | undefined;
let lastPlayedAt = Number.NEGATIVE_INFINITY;

export function playChime(now = Date.now()): void {
  if (now - lastPlayedAt < MIN_GAP_MS || typeof AudioContext === 'undefined') return;
  lastPlayedAt = now;
  try {
    context ??= new AudioContext();
    // Suspended until the page was interacted with; a page the user clicked in once may play.
    void context.resume().catch(() => undefined);
    const start = context.currentTime;
    NOTES_HZ.forEach((frequency, index) => {
      if (!context) return;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      const at = start + index * NOTE_S;
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(VOLUME, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + NOTE_S);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + NOTE_S);
    });
  } catch {
    // No audio device, or audio refused: the notification is enough.
  }
}
