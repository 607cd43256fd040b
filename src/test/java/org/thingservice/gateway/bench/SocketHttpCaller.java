package org.thingservice.gateway.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A lean HTTP/1.1 client on one keep-alive socket: writes the GET, reads the status line, the headers and a
 * Content-Length (or chunked) body. No thread hops, so the numbers are the gateway's rather than the client's.
 */
final class SocketHttpCaller implements Caller {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;

    SocketHttpCaller(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        host = "127.0.0.1:" + port;
    }

    @Override
    public void call(int param) throws Exception {
        out.write(("GET " + BenchCalls.query(param) + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        int length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String h = header.toLowerCase(Locale.ROOT);
            if (h.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                chunked = true;
            } else if (h.startsWith("connection:") && h.contains("close")) {
                close = true;
            }
        }
        byte[] body;
        if (chunked) {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                buffer.write(in.readNBytes(size));
                line();
            }
            line();
            body = buffer.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes(length);
        } else {
            throw new IOException("no Content-Length and not chunked");
        }
        if (close) {
            throw new IOException("the server closed the keep-alive connection");
        }
        BenchCalls.check(code, new String(body, StandardCharsets.UTF_8), param);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
