import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';

/** The files of a demo network's certificate authority and of the certificate its centers serve. */
export interface DemoTlsFiles {
  /** The CA certificate to trust (browsers, `NODE_EXTRA_CA_CERTS`); its key stays beside it, mode 0600. */
  caCertFile: string;
  caKeyFile: string;
  certFile: string;
  keyFile: string;
}

/** The names the demo centers answer on: they listen on loopback only. */
const SERVER_NAMES = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };
const CA_YEARS = 10;
const SERVER_YEARS = 2;
/** A server certificate this close to its end is made again on the next start. */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export const demoTlsFiles = (dir: string): DemoTlsFiles => ({
  caCertFile: join(dir, 'demo-ca.crt'),
  caKeyFile: join(dir, 'demo-ca.key'),
  certFile: join(dir, 'center.crt'),
  keyFile: join(dir, 'center.key'),
});

/**
 * A certificate authority made on this machine for the demo network, and a
 * server certificate it signs for the loopback names, so HTTPS and WSS work
 * with no set-up and nothing secret is committed (S9). Made once and kept in
 * `dir`: a browser told to trust the CA keeps trusting it across restarts.
 * A production center gets its certificate from the bank's own CA through
 * `http.tls` in its config instead.
 */
export function ensureDemoTls(dir: string, now: Date = new Date()): DemoTlsFiles {
  const files = demoTlsFiles(dir);
  // Only the TLS directory itself is private: a recursive mkdir would make every missing parent 0700 too
  // (a fresh `.data`), and PostgreSQL, running as its own user, could then not reach its data beside it.
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca = readCa(files);
  if (!ca) {
    ca = makeCa(now);
    writeFileSync(files.caKeyFile, forge.pki.privateKeyToPem(ca.key), { mode: 0o600 });
    writeFileSync(files.caCertFile, forge.pki.certificateToPem(ca.cert), { mode: 0o644 });
  }
  if (!serverCertStillGood(files, ca.cert, now)) {
    const server = makeServerCert(ca, now);
    writeFileSync(files.keyFile, forge.pki.privateKeyToPem(server.key), { mode: 0o600 });
    writeFileSync(files.certFile, forge.pki.certificateToPem(server.cert), { mode: 0o644 });
  }
  return files;
}

interface KeyAndCert {
  key: forge.pki.rsa.PrivateKey;
  cert: forge.pki.Certificate;
}

function readCa(files: DemoTlsFiles): KeyAndCert | null {
  if (!existsSync(files.caCertFile) || !existsSync(files.caKeyFile)) {
    return null;
  }
  try {
    return {
      cert: forge.pki.certificateFromPem(readFileSync(files.caCertFile, 'utf8')),
      key: forge.pki.privateKeyFromPem(readFileSync(files.caKeyFile, 'utf8')),
    };
  } catch {
    // Unreadable (cut short by a crash): a new CA, and a new server certificate signed by it.
    return null;
  }
}

function serverCertStillGood(files: DemoTlsFiles, caCert: forge.pki.Certificate, now: Date): boolean {
  if (!existsSync(files.certFile) || !existsSync(files.keyFile)) {
    return false;
  }
  try {
    const cert = forge.pki.certificateFromPem(readFileSync(files.certFile, 'utf8'));
    forge.pki.privateKeyFromPem(readFileSync(files.keyFile, 'utf8'));
    return caCert.verify(cert) && cert.validity.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

const serialNumber = (): string => `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;

function validFor(cert: forge.pki.Certificate, now: Date, years: number): void {
  // A little in the past, so a clock slightly behind still accepts it.
  cert.validity.notBefore = new Date(now.getTime() - 3600_000);
  const end = new Date(now);
  end.setFullYear(end.getFullYear() + years);
  cert.validity.notAfter = end;
}

function makeCa(now: Date): KeyAndCert {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validFor(cert, now, CA_YEARS);
  const subject = [
    { name: 'commonName', value: 'Bank Security Network Demo CA' },
    { name: 'organizationName', value: 'Bank Security Network (demo)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: keys.privateKey, cert };
}

function makeServerCert(ca: KeyAndCert, now: Date): KeyAndCert {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validFor(cert, now, SERVER_YEARS);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...SERVER_NAMES.dns.map((value) => ({ type: 2, value })),
        ...SERVER_NAMES.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { key: keys.privateKey, cert };
}
