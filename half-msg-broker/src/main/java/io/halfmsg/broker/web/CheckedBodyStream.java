package io.halfmsg.broker.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/**
 * A request body stream that checks the bytes as the application reads them (the size limit, the
 * UTF-8 rule): each subclass says what to check, this class does the reading and the delegation.
 */
abstract class CheckedBodyStream extends ServletInputStream {

  private final ServletInputStream delegate;
  private final byte[] single = new byte[1];

  CheckedBodyStream(ServletInputStream delegate) {
    this.delegate = delegate;
  }

  /** Checks {@code length} bytes just read into {@code buffer} from {@code offset}. */
  protected abstract void check(byte[] buffer, int offset, int length) throws IOException;

  /** Checks that the body may end here. */
  protected void atEnd() throws IOException {}

  @Override
  public final int read() throws IOException {
    int b = delegate.read();
    if (b >= 0) {
      single[0] = (byte) b;
      check(single, 0, 1);
    } else {
      atEnd();
    }
    return b;
  }

  @Override
  public final int read(byte[] buffer, int offset, int length) throws IOException {
    int n = delegate.read(buffer, offset, length);
    if (n > 0) {
      check(buffer, offset, n);
    } else if (n < 0) {
      atEnd();
    }
    return n;
  }

  @Override
  public boolean isFinished() {
    return delegate.isFinished();
  }

  @Override
  public boolean isReady() {
    return delegate.isReady();
  }

  @Override
  public void setReadListener(ReadListener listener) {
    delegate.setReadListener(listener);
  }
}
