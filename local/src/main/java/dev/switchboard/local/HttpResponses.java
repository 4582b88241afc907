package dev.switchboard.local;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** HTTP answers in API Gateway's shape: JSON bodies, and {@code x-amzn-ErrorType} on errors for the SDKs. */
final class HttpResponses {

    private HttpResponses() {
    }

    static void json(ChannelHandlerContext ctx, int status, String body) {
        send(ctx, status, body.getBytes(StandardCharsets.UTF_8), "application/json", null, false);
    }

    static void error(ChannelHandlerContext ctx, int status, String errorType, String message) {
        String body = "{\"message\":" + Integrations.JSON.getNodeFactory().textNode(message) + "}";
        send(ctx, status, body.getBytes(StandardCharsets.UTF_8), "application/json", errorType, false);
    }

    /** An error that ends the connection (a refused WebSocket handshake). */
    static void refuse(ChannelHandlerContext ctx, int status, String message) {
        String body = "{\"message\":" + Integrations.JSON.getNodeFactory().textNode(message) + "}";
        send(ctx, status, body.getBytes(StandardCharsets.UTF_8), "application/json", null, true);
    }

    /**
     * 429, as API Gateway answers a request it throttles, with when to try again ({@code Retry-After} in whole
     * seconds, {@code retryAfterMs} in the body); {@code close} for a refused handshake.
     */
    static void tooManyRequests(ChannelHandlerContext ctx, long retryAfterMs, boolean close) {
        String body = "{\"message\":\"Too Many Requests: the local stack is serving all it can\",\"retryAfterMs\":"
                + retryAfterMs + "}";
        FullHttpResponse response = response(429, body.getBytes(StandardCharsets.UTF_8), "application/json",
                "LimitExceededException");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString((retryAfterMs + 999) / 1_000));
        write(ctx, response, close);
    }

    static void empty(ChannelHandlerContext ctx, int status) {
        send(ctx, status, new byte[0], null, null, false);
    }

    /** The management API's answer, as API Gateway sends it. */
    static void answer(ChannelHandlerContext ctx, ManagementApi.Answer answer) {
        send(ctx, answer.status(), answer.body().getBytes(StandardCharsets.UTF_8),
                answer.body().isEmpty() ? null : "application/json", answer.errorType(), false);
    }

    static void bytes(ChannelHandlerContext ctx, byte[] body, String contentType) {
        send(ctx, 200, body, contentType, null, false);
    }

    private static void send(ChannelHandlerContext ctx, int status, byte[] body, String contentType, String errorType,
                             boolean close) {
        write(ctx, response(status, body, contentType, errorType), close);
    }

    private static FullHttpResponse response(int status, byte[] body, String contentType, String errorType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        if (errorType != null) {
            response.headers().set("x-amzn-ErrorType", errorType);
        }
        response.headers().set("x-amzn-RequestId", EventFactory.newId());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean close) {
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }
}
