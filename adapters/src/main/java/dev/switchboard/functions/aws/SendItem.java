package dev.switchboard.functions.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * A send's idempotency record ({@code MSGID#<room>#<user>#<id> / MSGID}, or {@code MSGID#@<recipient>#...} for a
 * direct message): claimed first, completed with what the send created. Mapped with a static immutable schema.
 *
 * @param pk        the encoded key ({@link SwitchboardTable#sendKey})
 * @param sk        {@code MSGID}
 * @param claimedAt when the id was last claimed, epoch milliseconds
 * @param messageId the message it created, null while the claim is pending
 * @param seq       the message's seq (0 for a direct message), null while pending
 * @param expiresAt TTL, epoch seconds: the end of the idempotency window
 */
record SendItem(String pk, String sk, Long claimedAt, String messageId, Long seq, Long expiresAt) {

    static final String CLAIMED_AT = "claimedAt";
    static final String MESSAGE_ID = "messageId";
    static final String SEQ = "seq";

    static final TableSchema<SendItem> SCHEMA = StaticImmutableTableSchema.builder(SendItem.class, Builder.class)
            .newItemBuilder(Builder::new, Builder::build)
            .addAttribute(String.class, a -> a.name(SwitchboardTable.PARTITION_KEY)
                    .getter(SendItem::pk).setter(Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SwitchboardTable.SORT_KEY)
                    .getter(SendItem::sk).setter(Builder::sk).tags(primarySortKey()))
            .addAttribute(Long.class, a -> a.name(CLAIMED_AT).getter(SendItem::claimedAt).setter(Builder::claimedAt))
            .addAttribute(String.class, a -> a.name(MESSAGE_ID).getter(SendItem::messageId).setter(Builder::messageId))
            .addAttribute(Long.class, a -> a.name(SEQ).getter(SendItem::seq).setter(Builder::seq))
            .addAttribute(Long.class, a -> a.name(SwitchboardTable.TTL_ATTRIBUTE)
                    .getter(SendItem::expiresAt).setter(Builder::expiresAt))
            .build();

    /** What the immutable schema fills while it reads a row. */
    static final class Builder {
        private String pk;
        private String sk;
        private Long claimedAt;
        private String messageId;
        private Long seq;
        private Long expiresAt;

        Builder pk(String value) {
            pk = value;
            return this;
        }

        Builder sk(String value) {
            sk = value;
            return this;
        }

        Builder claimedAt(Long value) {
            claimedAt = value;
            return this;
        }

        Builder messageId(String value) {
            messageId = value;
            return this;
        }

        Builder seq(Long value) {
            seq = value;
            return this;
        }

        Builder expiresAt(Long value) {
            expiresAt = value;
            return this;
        }

        SendItem build() {
            return new SendItem(pk, sk, claimedAt, messageId, seq, expiresAt);
        }
    }
}
