import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SMTPServer } from 'smtp-server';

/** A webhook receiver on loopback (node:http): keeps every JSON body; `failNext` answers 500 that many times. */
export class WebhookReceiver {
  readonly bodies: Record<string, unknown>[] = [];
  failNext = 0;
  #server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500).end('receiver down');
          return;
        }
        this.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((r) => (this.#server ? this.#server.close(r) : r(null)));
  }
}

/** One mail as received: envelope, headers and each MIME part decoded. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  raw: string;
}

function decodePart(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => `%${h}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  }
  return body;
}

/** The text/plain and text/html parts of a (possibly multipart) message. */
export function parseMail(raw: string): Pick<ReceivedMail, 'subject' | 'text' | 'html'> {
  const [head = ''] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^subject:\s*(.*)$/im.exec(unfolded)?.[1] ?? '';
  const boundary = /boundary="?([^";\s]+)"?/i.exec(unfolded)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [raw];
  const found: { text: string | null; html: string | null } = { text: null, html: null };
  for (const part of parts) {
    const cut = part.search(/\r?\n\r?\n/);
    const headers = part.slice(0, cut).replace(/\r?\n[ \t]+/g, ' ');
    const body = part
      .slice(cut)
      .replace(/^\r?\n\r?\n/, '')
      .replace(/\r?\n$/, '');
    const type = /content-type:\s*([^;\s]+)/i.exec(headers)?.[1]?.toLowerCase();
    if (type === 'text/plain') found.text = decodePart(headers, body);
    if (type === 'text/html') found.html = decodePart(headers, body);
  }
  return { subject, ...found };
}

/** A real SMTP server (smtp-server) on loopback, without TLS or authentication: keeps every mail. */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  #server: SMTPServer | null = null;
  url = '';

  async start(): Promise<this> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          this.mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw, ...parseMail(raw) });
          callback();
        });
      },
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', r));
    const port = (this.#server.server.address() as AddressInfo).port;
    this.url = `smtp://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }
}

/** The environment that sends a test aggregator's notices to these receivers. */
export const receiverEnv = (hook: WebhookReceiver, smtp: SmtpReceiver, extra: Record<string, string> = {}) => ({
  AGGREGATOR_ALERT_WEBHOOK_URL: hook.url,
  AGGREGATOR_SMTP_URL: smtp.url,
  AGGREGATOR_ALERT_EMAIL_FROM: 'stats@example.org',
  AGGREGATOR_ALERT_EMAIL_TO: 'operator@example.org,oncall@example.org',
  ...extra,
});
