// Alibaba signature V2 (HMAC-SHA1) for the console's calls, as the gateway's auth/AlibabaSignature checks it.
// SHA-1 is written out here rather than taken from WebCrypto: crypto.subtle exists only in a secure context (https
// or loopback), and a console served over plain http on another address must sign too.
"use strict";

const Signing = (() => {
  const utf8 = (text) => new TextEncoder().encode(text);

  function sha1(bytes) {
    const words = new Uint32Array(80);
    const length = bytes.length;
    // the message, a 1 bit, zeros, and its length in bits as 64 bits: a whole number of 64-byte blocks
    const padded = new Uint8Array(((length + 8) >> 6) * 64 + 64);
    padded.set(bytes);
    padded[length] = 0x80;
    const view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length * 8) >>> 0);
    let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
    const rotl = (x, n) => (x << n) | (x >>> (32 - n));
    for (let block = 0; block < padded.length; block += 64) {
      for (let i = 0; i < 16; i++) words[i] = view.getUint32(block + i * 4);
      for (let i = 16; i < 80; i++) words[i] = rotl(words[i - 3] ^ words[i - 8] ^ words[i - 14] ^ words[i - 16], 1);
      let a = h0, b = h1, c = h2, d = h3, e = h4;
      for (let i = 0; i < 80; i++) {
        let f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        const t = (rotl(a, 5) + f + e + k + words[i]) | 0;
        e = d; d = c; c = rotl(b, 30); b = a; a = t;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0;
    }
    const out = new Uint8Array(20);
    const outView = new DataView(out.buffer);
    [h0, h1, h2, h3, h4].forEach((h, i) => outView.setUint32(i * 4, h >>> 0));
    return out;
  }

  // RFC 2104 with SHA-1's 64-byte block
  function hmacSha1(key, message) {
    const block = new Uint8Array(64);
    block.set(key.length > 64 ? sha1(key) : key);
    const inner = new Uint8Array(64 + message.length);
    const outer = new Uint8Array(64 + 20);
    for (let i = 0; i < 64; i++) {
      inner[i] = block[i] ^ 0x36;
      outer[i] = block[i] ^ 0x5c;
    }
    inner.set(message, 64);
    outer.set(sha1(inner), 64);
    return sha1(outer);
  }

  const base64 = (bytes) => btoa(String.fromCharCode(...bytes));

  // Alibaba's percent-encoding: A-Z a-z 0-9 - _ . ~ kept, every other UTF-8 byte as %XY (space %20, * %2A)
  function percentEncode(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  }

  function nonce() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The signed parameters: params with the V2 ones added and Signature over METHOD&%2F&enc(sorted name=value pairs)
  function signV2(method, params, accessKeyId, accessKeySecret) {
    const signed = Object.assign({}, params, {
      AccessKeyId: accessKeyId,
      SignatureMethod: "HMAC-SHA1",
      SignatureVersion: "1.0",
      SignatureNonce: nonce(),
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    });
    const canonical = Object.keys(signed).sort(byCodeUnits)
      .map((name) => percentEncode(name) + "=" + percentEncode(signed[name])).join("&");
    const stringToSign = method.toUpperCase() + "&" + percentEncode("/") + "&" + percentEncode(canonical);
    signed.Signature = base64(hmacSha1(utf8(accessKeySecret + "&"), utf8(stringToSign)));
    return signed;
  }

  // parameter names are ASCII, so UTF-16 order is the byte order the gateway sorts by
  const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  return { sha1, hmacSha1, base64, percentEncode, signV2, utf8 };
})();
