package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyHeaderTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What a reader does: asks how much is missing, reads that, until the header is whole. */
    private static ProxyHeader frameAndParse(byte[] stream) throws ProtocolException {
        byte[] buffer = new byte[ProxyHeader.MAX];
        int length = 0;
        int missing;
        while ((missing = ProxyHeader.missing(buffer, length)) > 0) {
            if (length + missing > stream.length) {
                throw new ProtocolException("end of input");
            }
            System.arraycopy(stream, length, buffer, length, missing);
            length += missing;
        }
        ProxyHeader header = ProxyHeader.parse(Arrays.copyOf(buffer, length));
        assertThat(header.length()).isEqualTo(length);
        return header;
    }

    static byte[] v2(int command, int family, byte[] addresses, byte[] tlvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ProxyV2.SIGNATURE);
        out.write(0x20 | command);
        out.write(family);
        int length = addresses.length + tlvs.length;
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes(addresses);
        out.writeBytes(tlvs);
        return out.toByteArray();
    }

    static byte[] tcp4(String client, int clientPort, String server, int serverPort) throws Exception {
        return ByteBuffer.allocate(12).put(InetAddress.getByName(client).getAddress())
                .put(InetAddress.getByName(server).getAddress()).putShort((short) clientPort)
                .putShort((short) serverPort).array();
    }

    private static byte[] tlv(int type, byte[] value) {
        return ByteBuffer.allocate(3 + value.length).put((byte) type).putShort((short) value.length).put(value).array();
    }

    @Test
    void readsAVersion1Ipv4Line() throws Exception {
        byte[] stream = ascii("PROXY TCP4 192.0.2.7 127.0.0.1 56324 25\r\nEHLO client\r\n");

        ProxyHeader header = frameAndParse(stream);

        assertThat(header).isEqualTo(new ProxyHeader.Proxied(1, InetAddress.getByName("192.0.2.7"), 56324,
                InetAddress.getByName("127.0.0.1"), 25, null, 41));
    }

    @Test
    void framingAVersion1LineStopsAtItsLineFeedSoTheSmtpBytesStay() throws Exception {
        byte[] line = ascii("PROXY TCP4 192.0.2.7 127.0.0.1 56324 25\r\n");
        byte[] buffer = Arrays.copyOf(line, ProxyHeader.MAX);

        assertThat(ProxyHeader.missing(buffer, line.length - 1)).isEqualTo(1);
        assertThat(ProxyHeader.missing(buffer, line.length)).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PROXY TCP6 fc:00:00:00:1:2:3:4 fc:00:00:00:4:3:2:1 123 321|fc:0:0:0:1:2:3:4|fc:0:0:0:4:3:2:1|123|321",
        "PROXY TCP6 ::ffff:1.2.3.4 ::FFFF:4.3.2.1 123 321|1.2.3.4|4.3.2.1|123|321",
        "PROXY TCP4 01.02.03.04 04.03.02.01 0 65535|1.2.3.4|4.3.2.1|0|65535",
        "proxy tcp4 1.2.3.4 4.3.2.1 1 2|-|-|-|-",
    })
    void readsVersion1AddressesAsPostfixDoes(String line, String client, String server, String clientPort,
            String serverPort) throws Exception {
        if (client.equals("-")) {
            assertThatThrownBy(() -> ProxyHeader.parse(ascii(line + "\n"))).hasMessage(ProxyTexts.UNRECOGNIZED_HEADER);
            return;
        }
        ProxyHeader.Proxied header = (ProxyHeader.Proxied) ProxyHeader.parse(ascii(line + "\n"));

        assertThat(header.clientAddress()).isEqualTo(InetAddress.getByName(client));
        assertThat(header.serverAddress()).isEqualTo(InetAddress.getByName(server));
        assertThat(header.clientPort()).isEqualTo(Integer.parseInt(clientPort));
        assertThat(header.serverPort()).isEqualTo(Integer.parseInt(serverPort));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PROXY TCP6 1.2.3.4 4.3.2.1 123 321|bad or missing client address",
        "PROXY TCP6 fc:00:00:00:1:2:3:4 4.3.2.1 123 321|bad or missing server address",
        "PROXY TCP4 ::ffff:1.2.3.4 ::ffff:4.3.2.1 123 321|bad or missing client address",
        "PROXY TCP4 1.2.3.4 4.3.2.1 123456 321|bad or missing client port",
        "PROXY TCP4 1.2.3.4 4.3.2.1 123 0321|bad or missing server port",
        "PROXY TCP4 1.2.3.4 4.3.2.1 123|bad or missing server port",
        "PROXY TCP4 1.2.3.4 4.3.2.1|bad or missing client port",
        "PROXY TCP4 1.2.3.4|bad or missing server address",
        "PROXY TCP4|bad or missing client address",
        "PROXY BLAH|bad or missing protocol type",
        "PROXY TCP4 mail.example.com 4.3.2.1 1 2|bad or missing client address",
        "PROXY TCP6 fe80::1%eth0 ::1 1 2|bad or missing client address",
        "PROXY TCP4 1.2.3.256 4.3.2.1 1 2|bad or missing client address",
        "PROXY TCP4 1.2.3.4 4.3.2.1 1 2 3|unexpected data after the server port",
    })
    void refusesAMalformedVersion1LineWithPostfixsReason(String line, String reason) {
        assertThatThrownBy(() -> ProxyHeader.parse(ascii(line + "\r\n")))
                .isInstanceOf(ProtocolException.class).hasMessage(reason);
    }

    @Test
    void version1UnknownIsAResultForTheServerToRefuse() throws Exception {
        assertThat(frameAndParse(ascii("PROXY UNKNOWN\r\nEHLO x\r\n"))).isEqualTo(new ProxyHeader.Unknown(1, 15));
        assertThat(ProxyHeader.parse(ascii("PROXY UNKNOWN ffff:f...f:ffff 1 2 3 4\r\n")))
                .isInstanceOf(ProxyHeader.Unknown.class);
    }

    @Test
    void aVersion1LineWithoutItsLineFeedWithin107BytesIsRefused() throws Exception {
        byte[] stream = ascii("PROXY TCP6 " + "1".repeat(120) + "\r\n");

        assertThatThrownBy(() -> frameAndParse(stream)).hasMessage(ProxyTexts.MISSING_TERMINATOR);
        assertThatThrownBy(() -> ProxyHeader.parse(ascii("PROXY TCP4 1.2.3.4 4.3.2.1 1 2")))
                .hasMessage(ProxyTexts.MISSING_TERMINATOR);
    }

    @Test
    void smtpInsteadOfAHeaderIsRefusedAtItsFirstBytes() {
        assertThatThrownBy(() -> frameAndParse(ascii("EHLO client.example\r\n")))
                .hasMessage(ProxyTexts.UNRECOGNIZED_HEADER);
        assertThatThrownBy(() -> frameAndParse(ascii("PRXY TCP4\r\n"))).hasMessage(ProxyTexts.SHORT_HEADER);
        assertThatThrownBy(() -> ProxyHeader.parse(new byte[0])).hasMessage(ProxyTexts.SHORT_HEADER);
    }

    @Test
    void readsAVersion2Ipv4HeaderAndLeavesWhatFollows() throws Exception {
        byte[] header = v2(1, 0x11, tcp4("192.0.2.7", 56324, "127.0.0.1", 25), new byte[0]);
        byte[] stream = Arrays.copyOf(header, header.length + 6);

        ProxyHeader parsed = frameAndParse(stream);

        assertThat(parsed).isEqualTo(new ProxyHeader.Proxied(2, InetAddress.getByName("192.0.2.7"), 56324,
                InetAddress.getByName("127.0.0.1"), 25, null, 28));
    }

    @Test
    void readsAVersion2Ipv6HeaderWithAMappedAddressAsIpv4() throws Exception {
        byte[] addresses = ByteBuffer.allocate(36).put(InetAddress.getByName("2001:db8::7").getAddress())
                .put(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1})
                .putShort((short) 40000).putShort((short) 587).array();

        ProxyHeader.Proxied parsed = (ProxyHeader.Proxied) frameAndParse(v2(1, 0x21, addresses, new byte[0]));

        assertThat(parsed.clientAddress()).isEqualTo(InetAddress.getByName("2001:db8::7"));
        assertThat(parsed.serverAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(parsed.clientPort()).isEqualTo(40000);
        assertThat(parsed.serverPort()).isEqualTo(587);
    }

    @Test
    void readsTheTlsFactsOfPp2TypeSsl() throws Exception {
        ByteArrayOutputStream ssl = new ByteArrayOutputStream();
        ssl.write(0x01 | 0x02);
        ssl.writeBytes(new byte[4]);
        ssl.writeBytes(tlv(0x21, ascii("TLSv1.3")));
        ssl.writeBytes(tlv(0x23, ascii("TLS_AES_256_GCM_SHA384")));
        ssl.writeBytes(tlv(0x22, ascii("client\nname")));
        byte[] tlvs = ByteBuffer.allocate(100).put(tlv(0x04, new byte[3])).put(tlv(0x20, ssl.toByteArray()))
                .flip().array();
        tlvs = Arrays.copyOf(tlvs, 6 + 3 + ssl.size());

        ProxyHeader.Proxied parsed = (ProxyHeader.Proxied) frameAndParse(
                v2(1, 0x11, tcp4("192.0.2.7", 1, "127.0.0.1", 465), tlvs));

        assertThat(parsed.tls()).isEqualTo(new ProxyHeader.ProxyTls(true, true, true, "TLSv1.3",
                "TLS_AES_256_GCM_SHA384", "client?name"));
    }

    @Test
    void version2LocalIsTheProxysOwnConnection() throws Exception {
        assertThat(frameAndParse(v2(0, 0, new byte[0], new byte[0]))).isEqualTo(new ProxyHeader.Local(16));
        assertThat(frameAndParse(v2(1, 0, new byte[0], new byte[0]))).isEqualTo(new ProxyHeader.Unknown(2, 16));
    }

    @Test
    void refusesMalformedVersion2Headers() throws Exception {
        byte[] good = v2(1, 0x11, tcp4("192.0.2.7", 1, "127.0.0.1", 25), new byte[0]);

        assertThatThrownBy(() -> ProxyHeader.parse(Arrays.copyOf(good, good.length - 1)))
                .hasMessage(ProxyTexts.SHORT_V2_HEADER);
        byte[] badVersion = good.clone();
        badVersion[12] = 0x11;
        assertThatThrownBy(() -> ProxyHeader.parse(badVersion)).hasMessage(ProxyTexts.UNRECOGNIZED_VERSION);
        byte[] badCommand = good.clone();
        badCommand[12] = 0x22;
        assertThatThrownBy(() -> ProxyHeader.parse(badCommand)).hasMessage(ProxyTexts.BAD_COMMAND);
        assertThatThrownBy(() -> ProxyHeader.parse(v2(1, 0x12, new byte[12], new byte[0])))
                .hasMessage(ProxyTexts.UNSUPPORTED_NETWORK);
        assertThatThrownBy(() -> ProxyHeader.parse(v2(1, 0x31, new byte[216], new byte[0])))
                .hasMessage(ProxyTexts.UNSUPPORTED_NETWORK);
        assertThatThrownBy(() -> ProxyHeader.parse(v2(1, 0x21, new byte[12], new byte[0])))
                .hasMessage(ProxyTexts.SHORT_ADDRESS);
        assertThatThrownBy(() -> ProxyHeader.parse(v2(1, 0x11, new byte[12], new byte[] {0x20, 0, 9, 1})))
                .hasMessage(ProxyTexts.BAD_TLV);
        byte[] badSignature = good.clone();
        badSignature[7] = 'X';
        assertThatThrownBy(() -> frameAndParse(badSignature)).hasMessage(ProxyTexts.UNRECOGNIZED_HEADER);
    }

    @Test
    void anOversizedVersion2HeaderIsRefusedBeforeItIsRead() {
        byte[] fixed = v2(1, 0x11, new byte[0], new byte[0]);
        fixed[14] = (byte) 0xff;
        fixed[15] = (byte) 0xff;

        assertThatThrownBy(() -> ProxyHeader.missing(fixed, 16)).hasMessage(ProxyTexts.LONG_HEADER);
    }
}
