import { type ReactNode, useEffect, useRef } from 'react';

interface ModalProps {
  className: string;
  /** The id of the element that names the dialog, or its name when nothing on it does. */
  labelledBy?: string;
  label?: string;
  /** Escape, or whatever the dialog offers to close it; the owner unmounts it. */
  onClose(): void;
  /** A click on the dimmed page around the dialog closes it too. */
  closeOnBackdrop?: boolean;
  children: ReactNode;
}

/**
 * A modal on the native <dialog>: it traps focus, dims the page and hears Escape by itself. Focus
 * goes back where it was on close: the dialog leaves the page as it unmounts, which would drop it on the body.
 */
export function Modal({ className, labelledBy, label, onClose, closeOnBackdrop = false, children }: ModalProps) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element?.showModal();
    return () => {
      element?.close();
      opener?.focus();
    };
  }, []);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop's keyboard twin is Escape, heard by onCancel
    <dialog
      ref={dialog}
      className={className}
      aria-labelledby={labelledBy}
      aria-label={label}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // The dialog itself is hit only outside its content: on the backdrop.
        if (closeOnBackdrop && event.target === event.currentTarget) onClose();
      }}
    >
      {children}
    </dialog>
  );
}
