// The error code Node meets for an https URL (what LibreChat would log), or "ok".
import https from 'node:https';

https.get(process.argv[2], (res) => { res.resume(); console.log('ok'); })
  .on('error', (error) => console.log(error.code));
