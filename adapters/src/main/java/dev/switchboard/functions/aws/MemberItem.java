package dev.switchboard.functions.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticImmutableTableSchema;

/**
 * A connection listed under a room ({@code ROOM#<room>[#<shard>] / CONN#<id>}, with its rights there) or under its
 * user ({@code USER#<user> / CONN#<id>}, without rights). Mapped with a static immutable schema.
 *
 * @param pk        the room's (shard's) or the user's partition
 * @param sk        {@code CONN#<id>}
 * @param userId    the user the connection connected as
 * @param rights    rights code in the room; null in a user's list
 * @param expiresAt TTL, epoch seconds: the connection's
 * @param tokenExp  the connection's token expiry, epoch seconds, or null for none: nothing is delivered after it
 */
record MemberItem(String pk, String sk, String userId, String rights, Long expiresAt, Long tokenExp) {

    static final String RIGHTS = "rights";

    static final TableSchema<MemberItem> SCHEMA = StaticImmutableTableSchema.builder(MemberItem.class, Builder.class)
            .newItemBuilder(Builder::new, Builder::build)
            .addAttribute(String.class, a -> a.name(SwitchboardTable.PARTITION_KEY)
                    .getter(MemberItem::pk).setter(Builder::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SwitchboardTable.SORT_KEY)
                    .getter(MemberItem::sk).setter(Builder::sk).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name(ConnectionItem.USER_ID)
                    .getter(MemberItem::userId).setter(Builder::userId))
            .addAttribute(String.class, a -> a.name(RIGHTS).getter(MemberItem::rights).setter(Builder::rights))
            .addAttribute(Long.class, a -> a.name(SwitchboardTable.TTL_ATTRIBUTE)
                    .getter(MemberItem::expiresAt).setter(Builder::expiresAt))
            .addAttribute(Long.class, a -> a.name(ConnectionItem.TOKEN_EXP)
                    .getter(MemberItem::tokenExp).setter(Builder::tokenExp))
            .build();

    /** What the immutable schema fills while it reads a row. */
    static final class Builder {
        private String pk;
        private String sk;
        private String userId;
        private String rights;
        private Long expiresAt;
        private Long tokenExp;

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

        Builder rights(String value) {
            rights = value;
            return this;
        }

        Builder expiresAt(Long value) {
            expiresAt = value;
            return this;
        }

        Builder tokenExp(Long value) {
            tokenExp = value;
            return this;
        }

        MemberItem build() {
            return new MemberItem(pk, sk, userId, rights, expiresAt, tokenExp);
        }
    }
}
