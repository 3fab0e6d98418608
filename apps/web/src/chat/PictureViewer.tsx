import type { Attachment } from '@chat/protocol';
import { useId } from 'react';
import { CloseIcon } from '../ui/icons.tsx';
import { Modal } from '../ui/Modal.tsx';
import { fullPictureUrl } from './pictures.ts';

/** Room the viewer keeps around the picture: the page's margin, its padding, the title bar and a caption line. */
const ROOM_BESIDE = '4rem';
const ROOM_ABOVE_AND_BELOW = '9rem';

/** The full picture over the page: Escape, the close button or a click beside it closes it. */
export function PictureViewer({
  attachment,
  alt,
  caption,
  onClose,
}: {
  attachment: Attachment;
  alt: string;
  caption: string;
  onClose(): void;
}) {
  const titleId = useId();
  const { width, height } = attachment;
  // As large as the screen allows, never enlarged, at its aspect ratio before it loads.
  const size = {
    width: `min(${width}px, 100vw - ${ROOM_BESIDE}, (100dvh - ${ROOM_ABOVE_AND_BELOW}) * ${width / height})`,
    aspectRatio: `${width} / ${height}`,
  };
  return (
    <Modal className="viewer" labelledBy={titleId} onClose={onClose} closeOnBackdrop>
      <div className="viewer-bar">
        <h2 id={titleId}>{alt}</h2>
        {/* biome-ignore lint/a11y/noAutofocus: the viewer's one control takes focus, so Enter or Escape closes it */}
        <button type="button" className="icon-button" onClick={onClose} autoFocus>
          <CloseIcon />
          <span className="sr-only">Close</span>
        </button>
      </div>
      <img className="viewer-picture" src={fullPictureUrl(attachment)} alt={alt} style={size} />
      {caption && <p className="viewer-caption">{caption}</p>}
    </Modal>
  );
}
