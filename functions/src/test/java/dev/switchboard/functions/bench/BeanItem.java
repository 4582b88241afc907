package dev.switchboard.functions.bench;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/** The same row as the store's static schema, mapped the reflective way: the baseline of {@link SchemaBench}. */
@DynamoDbBean
public class BeanItem {
    private String pk;
    private String sk;
    private String userId;
    private Long connectedAt;
    private String sourceIp;
    private Long expiresAt;
    private String capabilities;
    private Long tokenExp;
    private java.util.Map<String, String> rooms;
    private Long revision;

    @DynamoDbPartitionKey
    public String getPk() {
        return pk;
    }

    public void setPk(String pk) {
        this.pk = pk;
    }

    @DynamoDbSortKey
    public String getSk() {
        return sk;
    }

    public void setSk(String sk) {
        this.sk = sk;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public Long getConnectedAt() {
        return connectedAt;
    }

    public void setConnectedAt(Long connectedAt) {
        this.connectedAt = connectedAt;
    }

    public String getSourceIp() {
        return sourceIp;
    }

    public void setSourceIp(String sourceIp) {
        this.sourceIp = sourceIp;
    }

    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

    public String getCapabilities() {
        return capabilities;
    }

    public void setCapabilities(String value) {
        capabilities = value;
    }

    public Long getTokenExp() {
        return tokenExp;
    }

    public void setTokenExp(Long value) {
        tokenExp = value;
    }

    public java.util.Map<String, String> getRooms() {
        return rooms;
    }

    public void setRooms(java.util.Map<String, String> value) {
        rooms = value;
    }

    public Long getRevision() {
        return revision;
    }

    public void setRevision(Long value) {
        revision = value;
    }
}
