import { readSaved, writeSaved } from '../lib/saved.ts';

/** What the picker offers before anything was chosen: the reactions people reach for most. */
const DEFAULT_EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🎉', '👀'];
/** Enough recent choices to cover a habit, few enough to fit one row. */
const SHOWN = 8;
const RECENT_KEY = 'recent-emoji';

const recentEmoji = (userId: number): string[] => {
  const saved = readSaved(userId, RECENT_KEY);
  return Array.isArray(saved) ? saved.filter((e): e is string => typeof e === 'string') : [];
};

/** A choice moves to the front of the recent ones, which lead the picker next time. */
export function noteEmoji(userId: number, emoji: string): void {
  writeSaved(userId, RECENT_KEY, [emoji, ...recentEmoji(userId).filter((e) => e !== emoji)].slice(0, SHOWN));
}

/** A row of emoji, recent choices first; each a button, so it works by keyboard and is read out. */
export function EmojiPicker({ userId, onPick }: { userId: number; onPick(emoji: string): void }) {
  const choices = [...new Set([...recentEmoji(userId), ...DEFAULT_EMOJI])].slice(0, SHOWN);
  return (
    <fieldset className="emoji-picker">
      <legend className="sr-only">Reactions</legend>
      {choices.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className="emoji-choice"
          aria-label={`React with ${emoji}`}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}
