import type { Attachment } from '@chat/protocol';
import { type CSSProperties, useEffect, useState } from 'react';
import { PictureViewer } from './PictureViewer.tsx';
import { pictureBox, thumbnailUrl } from './pictures.ts';
import type { OutgoingPicture } from './state.ts';

/** The picture's place, taken at its aspect ratio before it loads, so that nothing below it moves. */
function frameStyle(width: number, height: number): CSSProperties {
  const box = pictureBox(width, height);
  return { width: box.width, aspectRatio: `${box.width} / ${box.height}` };
}

/** A stored picture: its thumbnail, which opens the full picture. */
export function StoredPicture({ attachment, alt, caption }: { attachment: Attachment; alt: string; caption: string }) {
  const [viewing, setViewing] = useState(false);
  return (
    <>
      <button
        type="button"
        className="picture"
        style={frameStyle(attachment.width, attachment.height)}
        onClick={() => setViewing(true)}
      >
        <img src={thumbnailUrl(attachment)} alt={alt} loading="lazy" decoding="async" />
      </button>
      {viewing && (
        <PictureViewer attachment={attachment} alt={alt} caption={caption} onClose={() => setViewing(false)} />
      )}
    </>
  );
}

/** A picture still on this device: its own pixels while it uploads, under a progress bar. */
export function LocalPicture({
  picture,
  alt,
  uploading,
}: {
  picture: OutgoingPicture;
  alt: string;
  uploading: boolean;
}) {
  const url = useObjectUrl(picture.file);
  const { size } = picture;
  // The browser could not read it: the server will say why, and the name says which file it was.
  if (!size) return <span className="picture unreadable">{picture.file.name}</span>;
  return (
    <span className="picture local" style={frameStyle(size.width, size.height)}>
      {url && <img src={url} alt={alt} />}
      {uploading && (
        <progress className="upload-progress" max={100} value={picture.progress} aria-label="Uploading the picture" />
      )}
    </span>
  );
}

/** A URL for a file on this device, valid while the component shows it. */
function useObjectUrl(file: Blob): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const created = URL.createObjectURL(file);
    setUrl(created);
    return () => URL.revokeObjectURL(created);
  }, [file]);
  return url;
}
