package dev.switchboard.functions.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * When a room was last found to have more members than presence events go to ({@code ROOM#<room> / SIZE}): read
 * instead of the members until it is too old. Mapped with a static immutable schema.
 *
 * @param pk        {@code ROOM#<room>}
 * @param sk        {@code SIZE}
 * @param over      the room had more members than this
 * @param checkedAt when that was found, epoch milliseconds
 * @param expiresAt TTL, epoch seconds: soon after the check is too old to answer for the room
 */
record RoomSizeItem(String pk, String sk, Long over, Long checkedAt, Long expiresAt) {

    static final String OVER = "over";
    static final String CHECKED_AT = "checkedAt";

    static final TableSchema<RoomSizeItem> SCHEMA = StaticImmutableTableSchema.builder(RoomSizeItem.class, Builder.class)
            .newItemBuilder(Builder::new, Builder::build)
            .addAttribute(String.class, a -> a.name(SwitchboardTable.PARTITION_KEY)
                    .getter(RoomSizeItem::pk).setter(Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SwitchboardTable.SORT_KEY)
                    .getter(RoomSizeItem::sk).setter(Builder::sk).tags(primarySortKey()))
            .addAttribute(Long.class, a -> a.name(OVER).getter(RoomSizeItem::over).setter(Builder::over))
            .addAttribute(Long.class, a -> a.name(CHECKED_AT)
                    .getter(RoomSizeItem::checkedAt).setter(Builder::checkedAt))
            .addAttribute(Long.class, a -> a.name(SwitchboardTable.TTL_ATTRIBUTE)
                    .getter(RoomSizeItem::expiresAt).setter(Builder::expiresAt))
            .build();

    /** What the immutable schema fills while it reads a row. */
    static final class Builder {
        private String pk;
        private String sk;
        private Long over;
        private Long checkedAt;
        private Long expiresAt;

        Builder pk(String value) {
            pk = value;
            return this;
        }

        Builder sk(String value) {
            sk = value;
            return this;
        }

        Builder over(Long value) {
            over = value;
            return this;
        }

        Builder checkedAt(Long value) {
            checkedAt = value;
            return this;
        }

        Builder expiresAt(Long value) {
            expiresAt = value;
            return this;
        }

        RoomSizeItem build() {
            return new RoomSizeItem(pk, sk, over, checkedAt, expiresAt);
        }
    }
}
