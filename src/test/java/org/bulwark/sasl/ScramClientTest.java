package org.bulwark.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScramClientTest {

    /** RFC 7677 §3: user "user", password "pencil". */
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

    @Test
    void producesRfc7677sMessagesAndAcceptsItsServerSignature() {
        ScramClient client = new ScramClient("user", "pencil", CLIENT_NONCE);
        assertThat(client.clientFirst()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        assertThat(client.clientFinal(SERVER_FIRST)).isEqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        assertThat(client.serverFinalValid("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).isTrue();
    }

    @Test
    void aServerThatDoesNotKnowThePasswordIsCaught() {
        ScramClient client = new ScramClient("user", "pencil", CLIENT_NONCE);
        client.clientFirst();
        client.clientFinal(SERVER_FIRST);
        assertThat(client.serverFinalValid("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).isFalse();
        assertThat(client.serverFinalValid("e=other-error")).isFalse();
    }

    @Test
    void aServerNonceThatDoesNotExtendOursIsRefused() {
        ScramClient client = new ScramClient("user", "pencil", CLIENT_NONCE);
        client.clientFirst();
        assertThatThrownBy(() -> client.clientFinal("r=somethingElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .hasMessage(SaslTexts.NONCE_MISMATCH);
        assertThatThrownBy(() -> client.clientFinal("r=" + CLIENT_NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999"))
                .hasMessage(SaslTexts.MALFORMED);
    }

    @Test
    void escapesCommaAndEqualsInTheName() {
        assertThat(new ScramClient("a,b=c", "pw", "n1").clientFirst()).isEqualTo("n,,n=a=2Cb=3Dc,r=n1");
    }

    @Test
    void agreesWithTheServerSide() {
        ScramCredentials stored = ScramCredentials.derive("pencil", new byte[] {1, 2, 3, 4}, 4096);
        ScramExchange server = new ScramExchange(u -> u.equals("user") ? java.util.Optional.of(stored)
                : java.util.Optional.empty());
        ScramClient client = new ScramClient("user", "pencil");
        SaslStep first = server.respond(client.clientFirst().getBytes());
        String serverFirst = new String(((SaslStep.Challenge) first).data());
        SaslStep second = server.respond(client.clientFinal(serverFirst).getBytes());
        assertThat(second).isInstanceOf(SaslStep.Challenge.class);
        assertThat(client.serverFinalValid(new String(((SaslStep.Challenge) second).data()))).isTrue();
        assertThat(server.respond(new byte[0])).isInstanceOf(SaslStep.Success.class);
    }
}
