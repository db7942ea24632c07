// multipart/form-data parsing for the mock gateway (Node built-ins only), strict enough to catch
// a client that sends a malformed body: a missing boundary, a part without a name, a missing
// closing delimiter.

/** The boundary of a `multipart/form-data` content type, or undefined. */
export function boundaryOf(contentType) {
  if (!/^multipart\/form-data\s*;/i.test(contentType ?? "")) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? m[1] ?? m[2] : undefined;
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

// `form-data; name="image[]"; filename="cat.png"` → { name, filename }. Browsers and undici
// escape `"` as %22 and CR/LF as %0D/%0A in these values.
function dispositionOf(value) {
  if (!/^form-data\b/i.test(value ?? "")) throw new Error("a part's Content-Disposition is not form-data");
  const param = (key) => {
    const m = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(value);
    return m ? m[1].replace(/%22/g, '"').replace(/%0D/gi, "\r").replace(/%0A/gi, "\n") : undefined;
  };
  const name = param("name");
  if (!name) throw new Error("a part has no name");
  return { name, filename: param("filename") };
}

/**
 * Parses a multipart body. Returns the parts in order:
 * `{ name, filename (undefined for text fields), contentType (undefined when absent), data: Buffer }`.
 * Throws on a malformed body.
 */
export function parseMultipart(body, contentType) {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error("the content type is not multipart/form-data with a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let pos = body.indexOf(delimiter);
  if (pos !== 0) throw new Error("the body does not start with the boundary");
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === "--") return parts;
    if (body.subarray(pos, pos + 2).toString() !== "\r\n") throw new Error("a boundary is not followed by CRLF");
    pos += 2;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) throw new Error("a part's headers do not end");
    const headers = parseHeaders(body.subarray(pos, headerEnd).toString("utf8"));
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error("the body has no closing boundary");
    const { name, filename } = dispositionOf(headers["content-disposition"]);
    parts.push({ name, filename, contentType: headers["content-type"], data: body.subarray(headerEnd + 4, next) });
    pos = next + 2;
  }
}

/** The media type the bytes' signature says (the formats the mock accepts), or undefined. */
export function sniff(bytes) {
  const at = (offset, magic) => bytes.subarray(offset, offset + magic.length).equals(Buffer.from(magic, "latin1"));
  if (at(0, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (at(0, "\xff\xd8\xff")) return "image/jpeg";
  if (at(0, "RIFF") && at(8, "WEBP")) return "image/webp";
  if (at(0, "GIF87a") || at(0, "GIF89a")) return "image/gif";
  if (at(0, "RIFF") && at(8, "WAVE")) return "audio/wav";
  if (at(0, "ID3") || (bytes[0] === 0xff && (bytes[1] & 0xe6) === 0xe2)) return "audio/mpeg";
  if (at(0, "fLaC")) return "audio/flac";
  if (at(0, "OggS")) return "audio/ogg";
  if (at(0, "\x1a\x45\xdf\xa3")) return "audio/webm";
  if (at(4, "ftyp")) return "audio/mp4";
  return undefined;
}
