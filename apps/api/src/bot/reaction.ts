/**
 * The robot reacts to a few things people say, as a person would, besides answering: thanks get a
 * heart, a goodbye a wave. The first pattern that matches wins; most messages get no reaction.
 */
const REACTIONS: Array<[RegExp, string]> = [
  [/\b(thanks|thank you|thx)\b/i, '❤️'],
  [/\b(bye|goodbye|see you)\b/i, '👋'],
];

export const reactionTo = (text: string): string | undefined => REACTIONS.find(([pattern]) => pattern.test(text))?.[1];
