package org.sipscreen.http.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-HTTP stub on 127.0.0.1 that writes canned bytes, so tests control exactly what the client reads:
 * a path without an answer is held open and never answered, an answer with {@code Connection: close}
 * closes the connection after it. Counts connections and the ones the client closed.
 */
final class RawHttpStub implements AutoCloseable {

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
  /** Every request line with the number of the connection it came on: "1 GET /path". */
  final List<String> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  RawHttpStub() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** A complete response with Content-Length, kept alive. */
  static byte[] ok(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    return response("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\n\r\n", bytes);
  }

  static byte[] response(String head, byte[] body) {
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  void answer(String path, byte[] bytes) {
    answers.put(path, bytes);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        int id = connections.incrementAndGet();
        threads.execute(() -> serve(socket, id));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket, int id) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      while (true) {
        String head = readHead(in);
        if (head == null) {
          closedByClient.incrementAndGet();
          return;
        }
        String requestLine = head.substring(0, head.indexOf("\r\n"));
        requests.add(id + " " + requestLine.substring(0, requestLine.lastIndexOf(' ')));
        String target = requestLine.split(" ")[1];
        byte[] answer = answers.get(target.contains("?") ? target.substring(0, target.indexOf('?')) : target);
        if (answer == null) {
          if (in.read() < 0) { // held: never answered, until the client hangs up
            closedByClient.incrementAndGet();
          }
          return;
        }
        out.write(answer);
        out.flush();
        if (new String(answer, StandardCharsets.US_ASCII).contains("\r\nConnection: close\r\n")) {
          return;
        }
      }
    } catch (IOException e) {
      // the client hung up mid-answer (a body over its cap): what some tests want
    }
  }

  /** The request head up to the blank line, or null at end of stream. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    threads.shutdownNow();
  }
}
