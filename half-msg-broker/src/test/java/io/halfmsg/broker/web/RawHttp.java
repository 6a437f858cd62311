package io.halfmsg.broker.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests an HTTP client refuses to send: paths that do not
 * decode, malformed header lines, bodies shorter than their announced length, unknown methods and
 * versions. One request per connection; the request should say {@code Connection: close}, since the
 * answer is read until the broker closes the connection.
 */
final class RawHttp {

  private RawHttp() {}

  /** The broker's answer, headers by lower-case name (the last of repeated ones). */
  record Answer(int status, Map<String, String> headers, String body, String raw) {

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Sends {@code request} as ISO-8859-1 text (one byte per char). */
  static Answer exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), false);
  }

  /**
   * Sends the bytes, then (with {@code halfClose}) ends the request stream, as a client does that
   * sends less body than it announced and gives up; reads the answer until the connection closes.
   * Interim answers (100 Continue) are skipped. Status 0: the broker closed without answering.
   */
  static Answer exchange(int port, byte[] request, boolean halfClose) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
        if (halfClose) {
          s.shutdownOutput();
        }
      } catch (IOException e) {
        // The broker may answer and close before it has read everything (a refusal of an
        // oversized request): its answer is still there to read.
      }
      return parse(readAll(s.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (java.net.SocketException e) {
      // A reset after the answer (the broker closed with request bytes unread) loses nothing
      // that arrived before it.
      if (all.size() == 0) {
        throw e;
      }
    }
    return all.toByteArray();
  }

  static Answer parse(byte[] bytes) {
    String raw = new String(bytes, StandardCharsets.ISO_8859_1);
    int start = 0;
    while (true) {
      int end = raw.indexOf("\r\n\r\n", start);
      if (!raw.startsWith("HTTP/", start) || end < 0) {
        return new Answer(0, Map.of(), "", raw);
      }
      String[] lines = raw.substring(start, end).split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      int status = Integer.parseInt(statusLine[1]);
      if (status >= 100 && status < 200) {
        start = end + 4;
        continue;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
      byte[] body =
          "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(rest) : rest;
      return new Answer(
          status, headers, new String(body, StandardCharsets.UTF_8), raw.substring(start));
    }
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String text = new String(chunked, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (true) {
      int lineEnd = text.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      String sizeField = text.substring(at, lineEnd);
      int semicolon = sizeField.indexOf(';');
      int size =
          Integer.parseInt(
              (semicolon < 0 ? sizeField : sizeField.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        break;
      }
      body.write(chunked, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
    return body.toByteArray();
  }
}
