// The stand-ins over HTTPS, as production reaches SES and the Alexa APIs: a certificate for
// 127.0.0.1 made with openssl, and a TLS front that passes each request on to a stand-in's plain
// HTTP URL. Only a process told to trust the certificate (NODE_EXTRA_CA_CERTS) can talk to it.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { answerOnlyLoopbackNames, listen } from './loopback.ts';

export interface LocalCertificate {
  /** PEM file of the self-signed certificate: what NODE_EXTRA_CA_CERTS names to trust it. */
  readonly certFile: string;
  readonly cert: string;
  readonly key: string;
}

/** A self-signed RSA certificate for 127.0.0.1 in dir, valid for two days: RSA 2048, as AWS's own endpoints use. */
export async function makeLocalCertificate(dir: string): Promise<LocalCertificate> {
  const certFile = join(dir, 'local-ca.pem');
  const keyFile = join(dir, 'local-ca.key');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', keyFile, '-out', certFile];
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  await new Promise<void>((resolve, reject) => {
    execFile('openssl', [...args, ...subject, '-addext', 'basicConstraints=critical,CA:TRUE'], (error) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT')
        reject(
          new Error('the openssl command is needed to make a local certificate (Debian: apt-get install openssl)'),
        );
      else if (error) reject(new Error(`openssl could not make a local certificate: ${error.message}`));
      else resolve();
    });
  });
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return { certFile, cert, key };
}

export interface HttpsFront {
  /** https://127.0.0.1:PORT, answering as the target does. */
  readonly url: string;
  close(): Promise<void>;
}

/** Terminates TLS on a free loopback port and passes every request on to `target` (http://…). */
export async function startHttpsFront(target: string, certificate: LocalCertificate): Promise<HttpsFront> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: { ...request.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', (error) => response.writeHead(502).end(error.message));
    request.pipe(forward);
  });
  const { port } = await listen(server, '127.0.0.1', 0);
  // It passes requests on under the stand-in's own name, so the stand-in's check cannot see the name asked for.
  answerOnlyLoopbackNames(server);
  return {
    url: `https://127.0.0.1:${port}`,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
