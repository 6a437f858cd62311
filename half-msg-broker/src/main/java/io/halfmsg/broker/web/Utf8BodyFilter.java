package io.halfmsg.broker.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies that are not UTF-8, as they are read, before the JSON parser sees them:
 * Jackson decodes some byte sequences that no valid UTF-8 has — an overlong {@code C0 AF} as {@code
 * /}, an encoded surrogate {@code ED A0 80} — and once a field name has been parsed, matches a name
 * with a stray {@code FF} byte to it ({@code decision\xffs} reads as {@code decisions}). Bodies
 * that declare another charset are left to it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 15)
class Utf8BodyFilter extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    chain.doFilter(
        isUtf8(request.getCharacterEncoding()) ? new Utf8Request(request) : request, response);
  }

  private static boolean isUtf8(String charset) {
    if (charset == null) {
      return true;
    }
    try {
      return Charset.forName(charset).equals(StandardCharsets.UTF_8);
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return false;
    }
  }

  private static final class Utf8Request extends HttpServletRequestWrapper {
    private ServletInputStream stream;

    Utf8Request(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new Utf8Stream(super.getInputStream());
      }
      return stream;
    }
  }

  /** Checks the bytes read against RFC 3629's table of well-formed UTF-8. */
  private static final class Utf8Stream extends CheckedBodyStream {
    private int continuations;
    private int low = 0x80;
    private int high = 0xbf;

    Utf8Stream(ServletInputStream delegate) {
      super(delegate);
    }

    @Override
    protected void check(byte[] buffer, int offset, int length) throws BodyNotUtf8Exception {
      for (int i = offset; i < offset + length; i++) {
        check(buffer[i] & 0xff);
      }
    }

    private void check(int b) throws BodyNotUtf8Exception {
      if (continuations > 0) {
        if (b < low || b > high) {
          throw new BodyNotUtf8Exception();
        }
        continuations--;
        low = 0x80;
        high = 0xbf;
        return;
      }
      if (b < 0x80) {
        return;
      }
      // The first byte sets how many follow, and the range of the next one (no overlong forms,
      // no surrogates, nothing above U+10FFFF).
      if (b >= 0xc2 && b <= 0xdf) {
        continuations = 1;
      } else if (b >= 0xe0 && b <= 0xef) {
        continuations = 2;
        low = b == 0xe0 ? 0xa0 : 0x80;
        high = b == 0xed ? 0x9f : 0xbf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        continuations = 3;
        low = b == 0xf0 ? 0x90 : 0x80;
        high = b == 0xf4 ? 0x8f : 0xbf;
      } else {
        throw new BodyNotUtf8Exception();
      }
    }

    @Override
    protected void atEnd() throws BodyNotUtf8Exception {
      if (continuations > 0) {
        throw new BodyNotUtf8Exception();
      }
    }
  }
}
