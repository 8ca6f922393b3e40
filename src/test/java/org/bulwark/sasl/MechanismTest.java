package org.bulwark.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MechanismTest {

    private static final PasswordCheck ALICE = (user, password) -> user.equals("alice") && password.equals("pw")
            ? new SaslStep.Success(user, null) : new SaslStep.Failure(SaslTexts.AUTHENTICATION_FAILURE);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 7677 §3: user "user", password "pencil", the exchange byte for byte. */
    @Test
    void scramSha256FollowsTheRfc7677TestVector() {
        ScramCredentials stored = ScramCredentials.derive("pencil",
                Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        ScramExchange exchange = new ScramExchange(u -> u.equals("user") ? Optional.of(stored) : Optional.empty(),
                () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        SaslStep first = exchange.respond(bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        assertThat(new String(((SaslStep.Challenge) first).data(), StandardCharsets.UTF_8)).isEqualTo(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        SaslStep last = exchange.respond(bytes("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        assertThat(new String(((SaslStep.Challenge) last).data(), StandardCharsets.UTF_8))
                .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assertThat(exchange.respond(new byte[0])).isEqualTo(new SaslStep.Success("user", null));
    }

    @Test
    void scramRefusesAWrongProof() {
        ScramCredentials stored = ScramCredentials.derive("pencil",
                Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        ScramExchange exchange = new ScramExchange(u -> Optional.of(stored), () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        exchange.respond(bytes("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        SaslStep last = exchange.respond(bytes("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "p=AAAAZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        assertThat(last).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void scramRefusesChannelBinding() {
        ScramExchange exchange = new ScramExchange(u -> Optional.empty());
        assertThat(exchange.respond(bytes("p=tls-exporter,,n=user,r=abc"))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void plainWithAnInitialResponse() {
        assertThat(new PlainExchange(ALICE).respond(bytes("\0alice\0pw"))).isEqualTo(new SaslStep.Success("alice", null));
        assertThat(new PlainExchange(ALICE).respond(bytes("alice\0alice\0pw"))).isInstanceOf(SaslStep.Success.class);
        assertThat(new PlainExchange(ALICE).respond(bytes("\0alice\0wrong"))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void plainRefusesActingForAnotherUser() {
        assertThat(new PlainExchange(ALICE).respond(bytes("bob\0alice\0pw"))).isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void plainWithoutAnInitialResponseAsksWithAnEmptyChallenge() {
        PlainExchange e = new PlainExchange(ALICE);
        assertThat(((SaslStep.Challenge) e.respond(null)).data()).isEmpty();
        assertThat(e.respond(bytes("\0alice\0pw"))).isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void loginAsksForUsernameThenPassword() {
        LoginExchange e = new LoginExchange(ALICE);
        assertThat(new String(((SaslStep.Challenge) e.respond(null)).data(), StandardCharsets.US_ASCII))
                .isEqualTo("Username:");
        assertThat(new String(((SaslStep.Challenge) e.respond(bytes("alice"))).data(), StandardCharsets.US_ASCII))
                .isEqualTo("Password:");
        assertThat(e.respond(bytes("pw"))).isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void loginTakesTheInitialResponseAsTheUsername() {
        LoginExchange e = new LoginExchange(ALICE);
        assertThat(new String(((SaslStep.Challenge) e.respond(bytes("alice"))).data(), StandardCharsets.US_ASCII))
                .isEqualTo("Password:");
        assertThat(e.respond(bytes("nope"))).isInstanceOf(SaslStep.Failure.class);
    }
}
