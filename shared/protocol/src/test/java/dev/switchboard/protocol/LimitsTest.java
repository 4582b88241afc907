package dev.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void userIdsAreShortPrintableAndWellFormed() {
        assertThat(Limits.isValidUser("alice")).isTrue();
        assertThat(Limits.isValidUser("7d3e1c2a-0b9f-4e61-9a35-1f6c2d8e4b71")).isTrue();
        assertThat(Limits.isValidUser("zoë 😀")).isTrue();
        assertThat(Limits.isValidUser("x".repeat(128))).isTrue();
        assertThat(Limits.isValidUser("x".repeat(129))).isFalse();
        assertThat(Limits.isValidUser("")).isFalse();
        assertThat(Limits.isValidUser(null)).isFalse();
        assertThat(Limits.isValidUser("bob\nadmin")).isFalse();
        assertThat(Limits.isValidUser("lone\uD800surrogate")).as("a store would turn it into another user's id")
                .isFalse();
        assertThat(Limits.isValidUser("\uDC00")).isFalse();
    }

    @Test
    void theIdsSwitchboardGivesOutItselfAreReserved() {
        assertThat(Limits.isReservedUser("anonymous:abc")).isTrue();
        assertThat(Limits.isReservedUser("server:newsroom")).isTrue();
        assertThat(Limits.isReservedUser("anonymous")).isFalse();
        assertThat(Limits.isReservedUser("alice")).isFalse();
    }

    @Test
    void aPersonalRoomBelongsToWhatFollowsTheFirstMarker() {
        assertThat(Limits.personalRoomOwner("inbox~alice")).contains("alice");
        assertThat(Limits.personalRoomOwner("x~alice~mallory")).contains("alice~mallory");
        assertThat(Limits.personalRoomOwner("inbox~")).contains("");
        assertThat(Limits.personalRoomOwner("lobby")).isEmpty();
    }
}
