package dev.switchboard.functions.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * A room's message counter ({@code ROOM#<room> / SEQ}). Written only by an update expression (an atomic ADD);
 * read through this schema, also from a read of the room's whole partition. Mapped with a static immutable schema.
 *
 * @param pk          {@code ROOM#<room>}
 * @param sk          {@code SEQ}
 * @param seq         the latest allocated seq
 * @param allocatedAt when it was allocated, epoch milliseconds; null on counters written before this was kept
 * @param allocatedBy a token of the call that allocated it, so that call's retry can tell its own write
 */
record CounterItem(String pk, String sk, Long seq, Long allocatedAt, String allocatedBy) {

    static final String SEQ = "seq";
    static final String ALLOCATED_AT = "allocatedAt";
    static final String ALLOCATED_BY = "allocatedBy";

    static final TableSchema<CounterItem> SCHEMA = StaticImmutableTableSchema.builder(CounterItem.class, Builder.class)
            .newItemBuilder(Builder::new, Builder::build)
            .addAttribute(String.class, a -> a.name(SwitchboardTable.PARTITION_KEY)
                    .getter(CounterItem::pk).setter(Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SwitchboardTable.SORT_KEY)
                    .getter(CounterItem::sk).setter(Builder::sk).tags(primarySortKey()))
            .addAttribute(Long.class, a -> a.name(SEQ).getter(CounterItem::seq).setter(Builder::seq))
            .addAttribute(Long.class, a -> a.name(ALLOCATED_AT)
                    .getter(CounterItem::allocatedAt).setter(Builder::allocatedAt))
            .addAttribute(String.class, a -> a.name(ALLOCATED_BY)
                    .getter(CounterItem::allocatedBy).setter(Builder::allocatedBy))
            .build();

    /** What the immutable schema fills while it reads a row. */
    static final class Builder {
        private String pk;
        private String sk;
        private Long seq;
        private Long allocatedAt;
        private String allocatedBy;

        Builder pk(String value) {
            pk = value;
            return this;
        }

        Builder sk(String value) {
            sk = value;
            return this;
        }

        Builder seq(Long value) {
            seq = value;
            return this;
        }

        Builder allocatedAt(Long value) {
            allocatedAt = value;
            return this;
        }

        Builder allocatedBy(String value) {
            allocatedBy = value;
            return this;
        }

        CounterItem build() {
            return new CounterItem(pk, sk, seq, allocatedAt, allocatedBy);
        }
    }
}
