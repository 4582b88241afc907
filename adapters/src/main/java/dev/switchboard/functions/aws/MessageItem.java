package dev.switchboard.functions.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * A stored message of a room's history ({@code HIST#<room> / <seq, 20 digits>}). Mapped with a static immutable
 * schema: no reflection or bean introspection at cold start.
 *
 * @param pk        {@code HIST#<room>}
 * @param sk        the seq, zero-padded
 * @param messageId the message's id
 * @param from      the sender, as receivers see it
 * @param data      the payload, JSON text
 * @param ts        when it was stamped, epoch milliseconds
 * @param expiresAt TTL, epoch seconds: the end of the history retention
 */
record MessageItem(String pk, String sk, String messageId, String from, String data, Long ts, Long expiresAt) {

    static final String MESSAGE_ID = "messageId";
    static final String FROM = "from";
    static final String DATA = "data";
    static final String TS = "ts";

    static final TableSchema<MessageItem> SCHEMA = StaticImmutableTableSchema.builder(MessageItem.class, Builder.class)
            .newItemBuilder(Builder::new, Builder::build)
            .addAttribute(String.class, a -> a.name(SwitchboardTable.PARTITION_KEY)
                    .getter(MessageItem::pk).setter(Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SwitchboardTable.SORT_KEY)
                    .getter(MessageItem::sk).setter(Builder::sk).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name(MESSAGE_ID)
                    .getter(MessageItem::messageId).setter(Builder::messageId))
            .addAttribute(String.class, a -> a.name(FROM).getter(MessageItem::from).setter(Builder::from))
            .addAttribute(String.class, a -> a.name(DATA).getter(MessageItem::data).setter(Builder::data))
            .addAttribute(Long.class, a -> a.name(TS).getter(MessageItem::ts).setter(Builder::ts))
            .addAttribute(Long.class, a -> a.name(SwitchboardTable.TTL_ATTRIBUTE)
                    .getter(MessageItem::expiresAt).setter(Builder::expiresAt))
            .build();

    /** What the immutable schema fills while it reads a row. */
    static final class Builder {
        private String pk;
        private String sk;
        private String messageId;
        private String from;
        private String data;
        private Long ts;
        private Long expiresAt;

        Builder pk(String value) {
            pk = value;
            return this;
        }

        Builder sk(String value) {
            sk = value;
            return this;
        }

        Builder messageId(String value) {
            messageId = value;
            return this;
        }

        Builder from(String value) {
            from = value;
            return this;
        }

        Builder data(String value) {
            data = value;
            return this;
        }

        Builder ts(Long value) {
            ts = value;
            return this;
        }

        Builder expiresAt(Long value) {
            expiresAt = value;
            return this;
        }

        MessageItem build() {
            return new MessageItem(pk, sk, messageId, from, data, ts, expiresAt);
        }
    }
}
