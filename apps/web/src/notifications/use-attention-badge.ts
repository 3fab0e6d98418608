import { useEffect } from 'react';
import { useChat } from '../chat/store.ts';
import { useDocumentTitle } from '../ui/use-document-title.ts';
import { attentionCount, titleWithCount } from './decisions.ts';
import { showFavicon } from './favicon.ts';

/** The tab's title and icon carry the unread total of the conversations not muted; leaving the chat clears the icon. */
export function useAttentionBadge(): void {
  const count = useChat((state) => attentionCount(state.conversations));
  useDocumentTitle(titleWithCount(count));
  useEffect(() => showFavicon(count), [count]);
  useEffect(() => () => showFavicon(0), []);
}
