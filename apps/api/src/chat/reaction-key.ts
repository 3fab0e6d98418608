/**
 * How an emoji is stored: its code points in hex ("1f44d-1f3fd"). MySQL's utf8mb4 collations
 * compare many different emoji as equal, which would merge 😂 into 👍 under the reactions' primary
 * key; plain ASCII compares alike on every database.
 */
export const emojiKey = (emoji: string): string =>
  [...emoji].map((char) => (char.codePointAt(0) ?? 0).toString(16)).join('-');

export const emojiOfKey = (key: string): string =>
  String.fromCodePoint(...key.split('-').map((hex) => Number.parseInt(hex, 16)));
