package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InetServiceTest {

    @Test
    void readsServiceNamesPortsAndAddresses() {
        assertThat(InetService.parse("smtp")).contains(new InetService("", 25));
        assertThat(InetService.parse("submission")).contains(new InetService("", 587));
        assertThat(InetService.parse("127.0.0.1:2525")).contains(new InetService("127.0.0.1", 2525));
        assertThat(InetService.parse("[::1]:25")).contains(new InetService("::1", 25));
        assertThat(InetService.parse("localhost:smtps")).contains(new InetService("localhost", 465));
    }

    @Test
    void rejectsUnknownServiceNamesAndBadPorts() {
        assertThat(InetService.parse("policy-spf")).isEmpty();
        assertThat(InetService.parse("127.0.0.1:70000")).isEmpty();
        assertThat(InetService.parse("[::1]25")).isEmpty();
    }
}
