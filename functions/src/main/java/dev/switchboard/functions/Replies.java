package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;

/** Builds integration responses. For two-way routes API Gateway sends the body back to the caller as a frame. */
final class Replies {

    private Replies() {
    }

    static APIGatewayV2WebSocketResponse frame(ServerFrame frame) {
        APIGatewayV2WebSocketResponse response = status(200);
        response.setBody(FrameCodec.encode(frame));
        return response;
    }

    static APIGatewayV2WebSocketResponse status(int statusCode) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(statusCode);
        return response;
    }
}
