import { useEffect } from 'react';

/** The tab's title; the chat puts the unread count in front, like "(3) Chat". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
