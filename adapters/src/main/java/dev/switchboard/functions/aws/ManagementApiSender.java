package dev.switchboard.functions.aws;

import dev.switchboard.core.CloseOutcome;
import dev.switchboard.core.ConnectionCloser;
import dev.switchboard.core.ConnectionProbe;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Sender;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ForbiddenException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * {@link Sender} and {@link ConnectionCloser} over the API Gateway Management API: {@code POST @connections/{id}}
 * and {@code DELETE @connections/{id}}. The SDK's exceptions stop here and become {@link SendOutcome}s or log lines;
 * retries are the broadcaster's job, so the client should be built without SDK retries
 * ({@link AwsClients#managementApi}).
 *
 * <pre>{@code
 * Sender sender = new ManagementApiSender(AwsClients.managementApi(endpoint, Region.US_EAST_1, credentials));
 * }</pre>
 */
public final class ManagementApiSender implements Sender, ConnectionCloser, ConnectionProbe {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementApiSender.class);

    private final ApiGatewayManagementApiClient client;

    public ManagementApiSender(ApiGatewayManagementApiClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public SendOutcome send(String connectionId, byte[] payload) {
        try {
            client.postToConnection(r -> r.connectionId(connectionId).data(SdkBytes.fromByteArrayUnsafe(payload)));
            return SendOutcome.DELIVERED;
        } catch (GoneException e) {
            return SendOutcome.GONE;
        } catch (PayloadTooLargeException e) {
            return SendOutcome.TOO_LARGE;
        } catch (LimitExceededException e) {
            return SendOutcome.THROTTLED;
        } catch (ForbiddenException e) {
            LOG.error("@connections refused the post (403): check the function's execute-api:ManageConnections "
                    + "permission");
            return SendOutcome.PERMANENT_FAILURE;
        } catch (AwsServiceException e) {
            return outcomeOfStatus(e.statusCode());
        } catch (SdkClientException e) {
            // I/O failure or timeout before a response: worth retrying.
            return SendOutcome.TRANSIENT_FAILURE;
        }
    }

    /** Closes the connection; one already gone (410) is what was wanted, anything else is logged. */
    @Override
    public void close(String connectionId) {
        attemptClose(connectionId);
    }

    /** Closes the connection: 204 is closed, 410 already gone; anything else failed, and is logged. */
    @Override
    public CloseOutcome attemptClose(String connectionId) {
        try {
            client.deleteConnection(r -> r.connectionId(connectionId));
            return CloseOutcome.CLOSED;
        } catch (GoneException e) {
            LOG.debug("connection {} was already closed", connectionId);
            return CloseOutcome.ALREADY_GONE;
        } catch (AwsServiceException | SdkClientException e) {
            LOG.error("@connections could not close connection {}: {}", connectionId, e.toString());
            return CloseOutcome.FAILED;
        }
    }

    /** Gone only on a 410: a throttled or failed look says nothing, and the connection keeps counting. */
    @Override
    public boolean isGone(String connectionId) {
        try {
            client.getConnection(r -> r.connectionId(connectionId));
            return false;
        } catch (GoneException e) {
            return true;
        } catch (AwsServiceException | SdkClientException e) {
            LOG.warn("@connections could not tell whether connection {} is open: {}", connectionId, e.toString());
            return false;
        }
    }

    static SendOutcome outcomeOfStatus(int status) {
        return switch (status) {
            case 410 -> SendOutcome.GONE;
            case 413 -> SendOutcome.TOO_LARGE;
            case 429 -> SendOutcome.THROTTLED;
            default -> status >= 500 ? SendOutcome.TRANSIENT_FAILURE : SendOutcome.PERMANENT_FAILURE;
        };
    }
}
