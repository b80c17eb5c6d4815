// Stand-ins for the app stores, made at test time: a certificate chain
// (root CA -> intermediate -> leaf, EC P-256, by the openssl CLI) signing
// App Store Server Notifications V2 as ES256 JWS with x5c, and a key signing
// Google Pub/Sub push tokens (JWT). riffd is pointed at the root and the
// push key by path.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const openssl = (...args) => execFileP('openssl', args);

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const pemToDerB64 = (pem) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

/// Makes a CA chain in `dir`: `${name}-root`, `${name}-int`, `${name}-leaf` (.key/.pem).
export async function makeChain(dir, name) {
  const f = (n, ext) => path.join(dir, `${name}-${n}.${ext}`);
  const ext = path.join(dir, `${name}-ext.cnf`);
  fs.writeFileSync(ext, [
    '[ca]', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign',
    '[leaf]', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', ''].join('\n'));
  for (const n of ['root', 'int', 'leaf']) {
    await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f(n, 'key'));
  }
  await openssl('req', '-x509', '-new', '-key', f('root', 'key'), '-subj', `/CN=${name} Root CA`, '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-out', f('root', 'pem'));
  await openssl('req', '-new', '-key', f('int', 'key'), '-subj', `/CN=${name} Intermediate`, '-out', f('int', 'csr'));
  await openssl('x509', '-req', '-in', f('int', 'csr'), '-CA', f('root', 'pem'), '-CAkey', f('root', 'key'),
    '-CAcreateserial', '-days', '30', '-extfile', ext, '-extensions', 'ca', '-out', f('int', 'pem'));
  await openssl('req', '-new', '-key', f('leaf', 'key'), '-subj', `/CN=${name} Signing`, '-out', f('leaf', 'csr'));
  await openssl('x509', '-req', '-in', f('leaf', 'csr'), '-CA', f('int', 'pem'), '-CAkey', f('int', 'key'),
    '-CAcreateserial', '-days', '30', '-extfile', ext, '-extensions', 'leaf', '-out', f('leaf', 'pem'));
  const read = (n, e) => fs.readFileSync(f(n, e), 'utf8');
  return {
    rootPath: f('root', 'pem'),
    key: crypto.createPrivateKey(read('leaf', 'key')),
    x5c: ['leaf', 'int', 'root'].map((n) => pemToDerB64(read(n, 'pem'))),
  };
}

/// An ES256 JWS of `payload` by `key` carrying `x5c` in its header.
export function signJws(payload, { key, x5c }) {
  const head = b64url(JSON.stringify({ alg: 'ES256', x5c }));
  const body = b64url(JSON.stringify(payload));
  const sig = crypto.sign('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${head}.${body}.${b64url(sig)}`;
}

/// An App Store Server Notification V2 signedPayload.
export function appStoreNotification(chain, { type, subtype, uuid = crypto.randomUUID(), tx, renewal }) {
  const data = { bundleId: 'com.riff.music', environment: 'Sandbox', signedTransactionInfo: signJws(tx, chain) };
  if (renewal) data.signedRenewalInfo = signJws(renewal, chain);
  const payload = { notificationType: type, notificationUUID: uuid, data, version: '2.0', signedDate: Date.now() };
  if (subtype) payload.subtype = subtype;
  return { uuid, signedPayload: signJws(payload, chain) };
}

/// A key pair for Google push tokens; the public half written to `file`.
export function makePushKey(file, type = 'ec') {
  const { privateKey, publicKey } = type === 'ec'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, alg: type === 'ec' ? 'ES256' : 'RS256' };
}

/// A push token (JWT) for `aud`, expiring in `expiresIn` seconds.
export function pushToken({ privateKey, alg }, { aud, expiresIn = 3600 }) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: 'https://accounts.google.com', aud, iat: now, exp: now + expiresIn,
    email: 'pubsub@riff-test.iam.gserviceaccount.com', email_verified: true }));
  const input = Buffer.from(`${head}.${claims}`);
  const sig = alg === 'ES256'
    ? crypto.sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    : crypto.sign('sha256', input, privateKey);
  return `${head}.${claims}.${b64url(sig)}`;
}

/// A Pub/Sub push body carrying a developer notification.
export function pubsubPush(notification, messageId = String(crypto.randomInt(1e12))) {
  return {
    message: {
      data: Buffer.from(JSON.stringify(notification)).toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
    },
    subscription: 'projects/riff-test/subscriptions/play-rtdn',
  };
}
