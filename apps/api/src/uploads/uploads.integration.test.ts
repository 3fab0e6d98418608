import { ApiError, type ChatApi } from '@chat/client';
import type { Attachment } from '@chat/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type BackendKind } from '../../test/backends.ts';
import { type ChatUser, createChatUser, opened } from '../../test/chat-users.ts';
import { createEnvironment, startServer, type TestEnvironment, type TestServer } from '../../test/server.ts';

const MAX_BYTES = 256 * 1024;
const canvas = (width = 40, height = 30) => sharp({ create: { width, height, channels: 3, background: '#e11d48' } });
const IMAGES = {
  'image/jpeg': () => canvas().jpeg().toBuffer(),
  'image/png': () => canvas().png().toBuffer(),
  'image/gif': () => canvas().gif().toBuffer(),
  'image/webp': () => canvas().webp().toBuffer(),
} as const;

async function refusal(call: Promise<unknown>): Promise<[number, string]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return [error.status, error.code];
}

describe.each(BACKENDS)('pictures on %s', (kind: BackendKind) => {
  let environment: TestEnvironment;
  let server: TestServer;
  let alice: ChatUser;
  let bob: ChatUser;
  let eve: ChatUser;

  beforeAll(async () => {
    environment = await createEnvironment(kind);
    server = await startServer({
      ...environment.backend.env,
      TRUST_PROXY: '1',
      UPLOAD_MAX_BYTES: String(MAX_BYTES),
    });
    [alice, bob, eve] = await Promise.all([
      createChatUser(server.url),
      createChatUser(server.url),
      createChatUser(server.url),
    ]);
  });
  afterAll(async () => {
    await server.close();
    await environment.dispose();
  });

  /** Fetches a picture as `api`'s user; returns the status, headers and bytes. */
  async function fetchAs(api: ChatApi, url: string) {
    const response = await fetch(server.url + url, { headers: { authorization: `Bearer ${api.token}` } });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  async function sendPicture(attachment: Attachment, text = '') {
    const client = alice.connect(server.url);
    await opened(client);
    const message = await client.send({ userId: bob.me.id, text, attachmentId: attachment.id }).stored;
    client.close();
    return message;
  }

  it.each(Object.keys(IMAGES) as Array<keyof typeof IMAGES>)(
    '%s round-trips: upload, send, the peer sees it',
    async (type) => {
      const { attachment } = await alice.api.upload(new Blob([await IMAGES[type]()]), 'picture');
      expect(attachment).toMatchObject({ contentType: type, width: 40, height: 30 });

      const message = await sendPicture(attachment, type === 'image/png' ? 'with a caption' : '');
      expect(message.attachment).toEqual(attachment);
      const { messages } = await bob.api.history(message.conversationId);
      expect(messages.at(-1)?.attachment).toEqual(attachment);

      const full = await fetchAs(bob.api, `/api/uploads/${attachment.id}`);
      expect(full.status).toBe(200);
      expect(full.headers.get('content-type')).toBe(type);
      expect(full.headers.get('x-content-type-options')).toBe('nosniff');
      expect(full.headers.get('cache-control')).toContain('max-age=31536000');
      expect(await sharp(full.bytes).metadata()).toMatchObject({ width: 40, height: 30 });

      const thumbnail = await fetchAs(bob.api, `/api/uploads/${attachment.id}/thumbnail`);
      expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);
      expect((await sharp(thumbnail.bytes).metadata()).format).toBe('webp');
    },
  );

  it('a PNG named .jpg is taken for what its bytes say', async () => {
    const { attachment } = await alice.api.upload(
      new Blob([await IMAGES['image/png']()], { type: 'image/jpeg' }),
      'photo.jpg',
    );
    expect(attachment.contentType).toBe('image/png');
  });

  it('refuses an SVG, a text file named .png, a fake header, an empty file and an oversize file', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(await refusal(alice.api.upload(new Blob([svg], { type: 'image/svg+xml' }), 'x.svg'))).toEqual([
      415,
      'unsupported_media_type',
    ]);
    expect(
      await refusal(alice.api.upload(new Blob(['just some text, honest'], { type: 'image/png' }), 'x.png')),
    ).toEqual([415, 'unsupported_media_type']);
    // A polyglot: a GIF signature in front of a script. The signature passes; decoding does not.
    expect(await refusal(alice.api.upload(new Blob(['GIF89a/*<script>alert(1)</script>*/']), 'x.gif'))).toEqual([
      415,
      'unsupported_media_type',
    ]);
    expect(await refusal(alice.api.upload(new Blob([]), 'empty.png'))).toEqual([400, 'empty_upload']);
    const big = await sharp({
      create: {
        width: 800,
        height: 800,
        channels: 3,
        background: '#000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    expect(await refusal(alice.api.upload(new Blob([big]), 'big.png'))).toEqual([413, 'payload_too_large']);
  });

  it('refuses an oversize file sent without a length, while it streams', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x89);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n'));
        controller.enqueue(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      },
      pull(controller) {
        // Far more than the limit: the server must answer long before this ends.
        if (sent > 50 * MAX_BYTES) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.api.token}`, 'content-type': 'multipart/form-data; boundary=b' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(50 * MAX_BYTES);
  });

  it('strips EXIF, GPS position included, from what it stores', async () => {
    const withGps = await canvas()
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret camera' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
      .toBuffer();
    expect((await sharp(withGps).metadata()).exif?.toString('latin1')).toContain('secret camera');
    const { attachment } = await alice.api.upload(new Blob([withGps]), 'gps.jpg');
    const stored = await fetchAs(alice.api, `/api/uploads/${attachment.id}`);
    const metadata = await sharp(stored.bytes).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(stored.bytes.toString('latin1')).not.toContain('secret camera');
    expect(stored.bytes.toString('latin1')).not.toContain('GPS');
  });

  it('only the uploader and the members of the conversation see a picture; others get 404', async () => {
    const { attachment } = await alice.api.upload(new Blob([await IMAGES['image/png']()]), 'p.png');
    expect((await fetchAs(alice.api, `/api/uploads/${attachment.id}`)).status).toBe(200);
    expect((await fetchAs(bob.api, `/api/uploads/${attachment.id}`)).status).toBe(404);
    await sendPicture(attachment);
    expect((await fetchAs(bob.api, `/api/uploads/${attachment.id}`)).status).toBe(200);
    for (const path of [
      `/api/uploads/${attachment.id}`,
      `/api/uploads/${attachment.id}/thumbnail`,
      '/api/uploads/nope',
    ]) {
      const outsider = await fetchAs(eve.api, path);
      expect([outsider.status, JSON.parse(outsider.bytes.toString()).error.code]).toEqual([404, 'not_found']);
    }
    expect((await fetch(`${server.url}/api/uploads/${attachment.id}`)).status).toBe(401);
  });

  it('a picture can be sent only by its uploader', async () => {
    const { attachment } = await alice.api.upload(new Blob([await IMAGES['image/png']()]), 'p.png');
    const client = eve.connect(server.url);
    await opened(client);
    const refused = await client
      .send({ userId: bob.me.id, text: '', attachmentId: attachment.id })
      .stored.catch((e: unknown) => e);
    client.close();
    expect(refused).toMatchObject({ code: 'not_found' });
  });
});
