#!/usr/bin/env node
// node-server.js: starts dynalite (DynamoDB) or s3rver (S3) from
// tests/testbed/node_modules on 127.0.0.1, on a free port chosen by the
// kernel (port 0, so no race), and writes that port to --port-file once it
// accepts connections.
//
//   node node-server.js dynalite --port-file F
//   node node-server.js s3rver --port-file F --dir D [--keys AK:SK,AK2:SK2]
//
// s3rver knows only the access key S3RVER; the test credentials are added
// here, and temporary (ASIA...) keys issued by the AWS test server are
// accepted too, so one credential chain works for every service.  (s3rver
// does not check SigV4 signatures; dynalite checks none.)
'use strict';

const fs = require('fs');
const path = require('path');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

function writePort(port) {
  const file = arg('port-file');
  if (file) {
    fs.writeFileSync(file + '.tmp', port + '\n');
    fs.renameSync(file + '.tmp', file);
  }
  console.log('PORT ' + port);
}

function stopOn(server) {
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // With TESTBED_OWNER_PID, exit once that process is gone, so a killed
  // test leaves no server behind.
  const owner = parseInt(process.env.TESTBED_OWNER_PID || '0', 10);
  if (owner > 0) {
    setInterval(() => {
      try {
        process.kill(owner, 0);
      } catch (e) {
        if (e.code === 'ESRCH') process.exit(0);
      }
    }, 1000).unref();
  }
}

const modules = process.env.TESTBED_NODE_MODULES || path.join(__dirname, 'node_modules');
const which = process.argv[2];

if (which === 'dynalite') {
  const dynalite = require(path.join(modules, 'dynalite'));
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1', () => writePort(server.address().port));
  stopOn(server);
} else if (which === 's3rver') {
  const S3rver = require(path.join(modules, 's3rver'));
  const Account = require(path.join(modules, 's3rver', 'lib', 'models', 'account'));
  for (const pair of (arg('keys', '') || '').split(',').filter(Boolean)) {
    const [ak, sk] = pair.split(':');
    Account.DUMMY_ACCOUNT.createKeyPair(ak, sk);
  }
  const registry = Account.registry;
  const known = registry.get.bind(registry);
  registry.get = (key) => known(key) || (/^ASIA[A-Z0-9]{12,}$/.test(key || '') ? Account.DUMMY_ACCOUNT : undefined);
  const dir = arg('dir');
  if (!dir) {
    console.error('node-server.js s3rver: --dir is required');
    process.exit(2);
  }
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true,
                          vhostBuckets: false });
  s3.run().then((addr) => {
    writePort(addr.port);
    stopOn(s3);
  }, (err) => {
    console.error('s3rver: ' + err.message);
    process.exit(1);
  });
} else {
  console.error('usage: node-server.js dynalite|s3rver --port-file F [--dir D] [--keys AK:SK,...]');
  process.exit(2);
}
