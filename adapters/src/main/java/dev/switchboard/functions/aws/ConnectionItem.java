package dev.switchboard.functions.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * The {@code CONN#<id> / META} row: a connection, its token's grant and its rooms with their rights. Mapped with
 * a static immutable schema: no reflection or bean introspection at cold start.
 *
 * @param pk           {@code CONN#<id>}
 * @param sk           {@code META}
 * @param userId       the user it connected as
 * @param connectedAt  epoch milliseconds
 * @param sourceIp     client address, or null
 * @param expiresAt    TTL, epoch seconds
 * @param capabilities the grant's capabilities, compact form
 * @param tokenExp     the token's expiry, epoch seconds, or null for none
 * @param rooms        room to rights code; absent only on rows written before rooms lived here
 * @param revision     incremented by every change of rooms or grant
 * @param frameWindow  the frame-quota window the connection's frames were last counted in
 * @param frameCount   frames counted in that window
 * @param attributes   the JSON object the application's onConnect hook attached, or null
 */
record ConnectionItem(String pk, String sk, String userId, Long connectedAt, String sourceIp, Long expiresAt,
                      String capabilities, Long tokenExp, Map<String, String> rooms, Long revision,
                      Long frameWindow, Long frameCount, String attributes) {

    static final String USER_ID = "userId";
    static final String CONNECTED_AT = "connectedAt";
    static final String CAPABILITIES = "capabilities";
    static final String TOKEN_EXP = "tokenExp";
    static final String ROOMS = "rooms";
    static final String REVISION = "revision";
    static final String FRAME_WINDOW = "frameWindow";
    static final String FRAME_COUNT = "frameCount";
    static final String ATTRIBUTES = "attributes";

    static final TableSchema<ConnectionItem> SCHEMA = StaticImmutableTableSchema
            .builder(ConnectionItem.class, Builder.class)
            .newItemBuilder(Builder::new, Builder::build)
            .addAttribute(String.class, a -> a.name(SwitchboardTable.PARTITION_KEY)
                    .getter(ConnectionItem::pk).setter(Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SwitchboardTable.SORT_KEY)
                    .getter(ConnectionItem::sk).setter(Builder::sk).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name(USER_ID).getter(ConnectionItem::userId).setter(Builder::userId))
            .addAttribute(Long.class, a -> a.name(CONNECTED_AT)
                    .getter(ConnectionItem::connectedAt).setter(Builder::connectedAt))
            .addAttribute(String.class, a -> a.name("sourceIp")
                    .getter(ConnectionItem::sourceIp).setter(Builder::sourceIp))
            .addAttribute(Long.class, a -> a.name(SwitchboardTable.TTL_ATTRIBUTE)
                    .getter(ConnectionItem::expiresAt).setter(Builder::expiresAt))
            .addAttribute(String.class, a -> a.name(CAPABILITIES)
                    .getter(ConnectionItem::capabilities).setter(Builder::capabilities))
            .addAttribute(Long.class, a -> a.name(TOKEN_EXP).getter(ConnectionItem::tokenExp).setter(Builder::tokenExp))
            .addAttribute(EnhancedType.mapOf(String.class, String.class), a -> a.name(ROOMS)
                    .getter(ConnectionItem::rooms).setter(Builder::rooms))
            .addAttribute(Long.class, a -> a.name(REVISION).getter(ConnectionItem::revision).setter(Builder::revision))
            .addAttribute(Long.class, a -> a.name(FRAME_WINDOW)
                    .getter(ConnectionItem::frameWindow).setter(Builder::frameWindow))
            .addAttribute(Long.class, a -> a.name(FRAME_COUNT)
                    .getter(ConnectionItem::frameCount).setter(Builder::frameCount))
            .addAttribute(String.class, a -> a.name(ATTRIBUTES)
                    .getter(ConnectionItem::attributes).setter(Builder::attributes))
            .build();

    /** What the immutable schema fills while it reads a row. */
    static final class Builder {
        private String pk;
        private String sk;
        private String userId;
        private Long connectedAt;
        private String sourceIp;
        private Long expiresAt;
        private String capabilities;
        private Long tokenExp;
        private Map<String, String> rooms;
        private Long revision;
        private Long frameWindow;
        private Long frameCount;
        private String attributes;

        Builder pk(String value) {
            pk = value;
            return this;
        }

        Builder sk(String value) {
            sk = value;
            return this;
        }

        Builder userId(String value) {
            userId = value;
            return this;
        }

        Builder connectedAt(Long value) {
            connectedAt = value;
            return this;
        }

        Builder sourceIp(String value) {
            sourceIp = value;
            return this;
        }

        Builder expiresAt(Long value) {
            expiresAt = value;
            return this;
        }

        Builder capabilities(String value) {
            capabilities = value;
            return this;
        }

        Builder tokenExp(Long value) {
            tokenExp = value;
            return this;
        }

        Builder rooms(Map<String, String> value) {
            rooms = value;
            return this;
        }

        Builder revision(Long value) {
            revision = value;
            return this;
        }

        Builder frameWindow(Long value) {
            frameWindow = value;
            return this;
        }

        Builder frameCount(Long value) {
            frameCount = value;
            return this;
        }

        Builder attributes(String value) {
            attributes = value;
            return this;
        }

        ConnectionItem build() {
            return new ConnectionItem(pk, sk, userId, connectedAt, sourceIp, expiresAt, capabilities, tokenExp,
                    rooms, revision, frameWindow, frameCount, attributes);
        }
    }
}
