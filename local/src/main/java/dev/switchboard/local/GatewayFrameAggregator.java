package dev.switchboard.local;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * Joins continuation frames into one message of at most 128 KB; beyond that the socket closes with 1009, as
 * API Gateway does. (Single frames over 32 KB are refused earlier, by the decoder, also with 1009.)
 */
final class GatewayFrameAggregator extends WebSocketFrameAggregator {

    GatewayFrameAggregator(int maxMessageBytes) {
        super(maxMessageBytes);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, WebSocketFrame oversized) {
        ctx.fireExceptionCaught(new TooLongFrameException("message larger than the gateway accepts"));
    }
}
