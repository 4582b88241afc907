package dev.switchboard.local;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client that writes frames by hand, so tests control frame sizes and fragmentation exactly
 * (the JDK client decides those itself).
 */
public final class RawWebSocket implements AutoCloseable {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;

    /** A frame as received. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final SecureRandom random = new SecureRandom();

    public RawWebSocket(URI url) throws IOException {
        this(url, 0);
    }

    /**
     * A socket whose receive buffer is {@code receiveBufferBytes} (0: the system's default, which on loopback can
     * grow to megabytes), so that what the client does not read backs up in the server soon.
     */
    public RawWebSocket(URI url, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()));
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        byte[] key = new byte[16];
        random.nextBytes(key);
        String request = "GET " + url.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + url.getHost() + ":" + url.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = readLine(in);
        if (!status.contains(" 101 ")) {
            throw new IOException("handshake refused: " + status);
        }
        while (!readLine(in).isEmpty()) {
            // Skip the response headers.
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Writes one masked frame, as clients must. */
    void frame(int opcode, boolean fin, byte[] payload) {
        try {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else if (payload.length < 65_536) {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xFF);
            } else {
                frame.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) ((long) payload.length >>> shift) & 0xFF);
                }
            }
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void text(String text) {
        frame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a text message as a first frame and continuation frames of at most {@code frameBytes} each. */
    public void fragmented(String text, int frameBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int offset = 0;
        boolean first = true;
        while (offset < bytes.length) {
            int length = Math.min(frameBytes, bytes.length - offset);
            byte[] part = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
            offset += length;
            frame(first ? TEXT : CONTINUATION, offset == bytes.length, part);
            first = false;
        }
    }

    /** One masked text frame, as a client writes it; to be written many times over with {@link #write}. */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length >= 126) {
            throw new IllegalArgumentException("short frames only");
        }
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | TEXT);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** Writes bytes as they are (frames made beforehand); blocks while the server does not read. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** Reads and discards whatever the server sends, until the socket closes; returns the bytes read. */
    long drain() {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            socket.setSoTimeout(0);
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
            }
        } catch (IOException closed) {
            // The test closed the socket: done.
        }
        return total;
    }

    /** Reads the next frame the server sent. */
    public Frame read() throws IOException {
        int head = in.readUnsignedByte();
        int lengthByte = in.readUnsignedByte() & 0x7F;
        long length = lengthByte;
        if (lengthByte == 126) {
            length = in.readUnsignedShort();
        } else if (lengthByte == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(head & 0x0F, payload);
    }

    /** Reads until a close frame and returns its status code. */
    public int awaitClose() throws IOException {
        while (true) {
            Frame frame = read();
            if (frame.opcode() == CLOSE) {
                return frame.closeCode();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
