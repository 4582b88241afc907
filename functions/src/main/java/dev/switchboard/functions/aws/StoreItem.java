package dev.switchboard.functions.aws;

import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primaryPartitionKey;
import static software.amazon.awssdk.enhanced.dynamodb.mapper.StaticAttributeTags.primarySortKey;

import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.StaticTableSchema;

/**
 * One row of the single table. Which attributes are set depends on the row's kind (see {@link SwitchboardTable}).
 * Mapped with a static schema: no reflection or bean introspection at cold start.
 */
final class StoreItem {

    static final TableSchema<StoreItem> SCHEMA = StaticTableSchema.builder(StoreItem.class)
            .newItemSupplier(StoreItem::new)
            .addAttribute(String.class, a -> a.name(SwitchboardTable.PARTITION_KEY)
                    .getter(StoreItem::pk).setter(StoreItem::pk).tags(primaryPartitionKey()))
            .addAttribute(String.class, a -> a.name(SwitchboardTable.SORT_KEY)
                    .getter(StoreItem::sk).setter(StoreItem::sk).tags(primarySortKey()))
            .addAttribute(String.class, a -> a.name("userId").getter(StoreItem::userId).setter(StoreItem::userId))
            .addAttribute(Long.class, a -> a.name("connectedAt")
                    .getter(StoreItem::connectedAt).setter(StoreItem::connectedAt))
            .addAttribute(String.class, a -> a.name("sourceIp").getter(StoreItem::sourceIp).setter(StoreItem::sourceIp))
            .addAttribute(Long.class, a -> a.name(SwitchboardTable.TTL_ATTRIBUTE)
                    .getter(StoreItem::expiresAt).setter(StoreItem::expiresAt))
            .build();

    private String pk;
    private String sk;
    private String userId;
    private Long connectedAt;
    private String sourceIp;
    private Long expiresAt;

    static StoreItem of(String pk, String sk, String userId, Long expiresAt) {
        StoreItem item = new StoreItem();
        item.pk = pk;
        item.sk = sk;
        item.userId = userId;
        item.expiresAt = expiresAt;
        return item;
    }

    String pk() {
        return pk;
    }

    void pk(String value) {
        pk = value;
    }

    String sk() {
        return sk;
    }

    void sk(String value) {
        sk = value;
    }

    String userId() {
        return userId;
    }

    void userId(String value) {
        userId = value;
    }

    Long connectedAt() {
        return connectedAt;
    }

    void connectedAt(Long value) {
        connectedAt = value;
    }

    String sourceIp() {
        return sourceIp;
    }

    void sourceIp(String value) {
        sourceIp = value;
    }

    Long expiresAt() {
        return expiresAt;
    }

    void expiresAt(Long value) {
        expiresAt = value;
    }
}
