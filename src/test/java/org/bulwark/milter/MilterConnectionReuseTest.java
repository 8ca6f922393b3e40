package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bulwark.testing.RawMilter.frame;
import static org.bulwark.testing.RawMilter.frames;

import java.util.List;
import org.bulwark.testing.RawMilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Milter connections kept between sessions (SMFIC_QUIT_NC): when a connection is parked, when it
 * is not, and that a connection the milter closed meanwhile costs the next session nothing.
 */
class MilterConnectionReuseTest {

    @AfterEach
    void closeParked() {
        MilterConnectionCache.closeAll();
    }

    private static void awaitOpen(RawMilter milter, int count) throws InterruptedException {
        for (int i = 0; i < 500 && milter.openConnections() != count; i++) {
            Thread.sleep(10);
        }
        assertThat(milter.openConnections()).as("milter connections open").isEqualTo(count);
    }

    /** The commands the milter has read once the last one sent without a reply (QUIT_NC or QUIT) is in. */
    private static List<String> commands(RawMilter milter, String last) throws InterruptedException {
        for (int i = 0; i < 500 && !milter.commands().contains(last); i++) {
            Thread.sleep(10);
        }
        return milter.commands();
    }

    /** A session with one whole message, ended as smtpd ends it (abort after the message, then close). */
    private static void sessionWithMessage(Milters milters, MilterFixture f) {
        try (MilterSession session = milters.open(f.log)) {
            assertThat(session.connect(MilterFixture.client())).isEqualTo(MilterReply.CONTINUE);
            assertThat(MilterFixture.transaction(session, "body\r\n").reply()).isEqualTo(MilterReply.CONTINUE);
            session.abort();
        }
    }

    @Test
    void aSessionEndedAfterAMessageLeavesItsConnectionToTheNext() throws Exception {
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            Milters milters = MilterFixture.milters(milter.endpoint());
            sessionWithMessage(milters, f);
            // QUIT_NC straight after the end of message: libmilter takes it nowhere else, so no ABORT before it.
            assertThat(commands(milter, "K")).containsExactly("O", "C", "M", "R", "T", "L", "L", "L", "N", "B", "E", "K");
            assertThat(MilterConnectionCache.parked(milter.endpoint())).isEqualTo(1);
            awaitOpen(milter, 1);

            sessionWithMessage(milters, f);
            assertThat(milter.acceptedConnections()).isEqualTo(1);
            List<String> all = commands(milter, "K");
            for (int i = 0; i < 500 && all.size() < 24; i++) {
                Thread.sleep(10);
                all = milter.commands();
            }
            assertThat(all.subList(12, all.size()))
                    .as("no second negotiation: the next session starts with CONNECT")
                    .startsWith("C", "M").endsWith("E", "K");
            assertThat(f.log()).isEmpty();
        }
    }

    @Test
    void aSessionWithoutAWholeMessageEndsWithQuit() throws Exception {
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                session.connect(MilterFixture.client());
                session.helo("client.example.org", null);
                session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
                session.abort();
            }
            assertThat(commands(milter, "Q")).containsExactly("O", "C", "H", "M", "A", "Q");
            awaitOpen(milter, 0);
            assertThat(MilterConnectionCache.parked(milter.endpoint())).isZero();
        }
    }

    @Test
    void aMessageTheMilterAcceptedOrRefusedEndsWithQuit() throws Exception {
        // After "accept" or a refusal at end of message libmilter has left the state that takes QUIT_NC.
        for (char answer : new char[] {'a', 'r', 't', 'd'}) {
            try (RawMilter milter = RawMilter.start(c -> c == 'E' ? frames(frame(answer)) : RawMilter.CONTINUE)) {
                MilterFixture f = new MilterFixture();
                try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                    session.connect(MilterFixture.client());
                    MilterFixture.transaction(session, "body\r\n");
                    session.abort();
                }
                assertThat(commands(milter, "Q")).as("answer %s", answer).endsWith("E", "A", "Q");
                awaitOpen(milter, 0);
            }
        }
    }

    @Test
    void aKeptConnectionToAMilterThatDoesNotAnswerConnectIsLookedAtBeforeUse() throws Exception {
        // SMFIP_NR_CONN (0x1000): no answer to CONNECT would show a connection the milter let go of.
        try (RawMilter milter = RawMilter.start(c -> c == 'C' ? new RawMilter.Silent() : RawMilter.CONTINUE,
                RawMilter.optneg(6, 0x1ff, 0x1000))) {
            MilterFixture f = new MilterFixture();
            Milters milters = MilterFixture.milters(milter.endpoint());
            sessionWithMessage(milters, f);
            milter.dropConnections();
            awaitOpen(milter, 0);

            sessionWithMessage(milters, f);
            assertThat(milter.acceptedConnections()).isEqualTo(2);
            assertThat(f.log()).as("no warning: the closed connection was noticed before use").isEmpty();
        }
    }

    @Test
    void aMilterThatLetsGoOfAKeptConnectionCostsTheNextSessionNothing() throws Exception {
        // The milter closes the connection as soon as it has read QUIT_NC: the next session finds out
        // only when its CONNECT goes unanswered, and starts over on a new connection.
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            Milters milters = MilterFixture.milters(milter.endpoint());
            sessionWithMessage(milters, f);
            assertThat(MilterConnectionCache.parked(milter.endpoint())).isEqualTo(1);
            milter.dropConnections();
            awaitOpen(milter, 0);
            assertThat(MilterConnectionCache.parked(milter.endpoint())).as("not noticed before use").isEqualTo(1);

            sessionWithMessage(milters, f);
            assertThat(milter.acceptedConnections()).isEqualTo(2);
            assertThat(f.log()).as("no warning: the session never depended on the stale connection").isEmpty();
            assertThat(commands(milter, "K").stream().filter("O"::equals)).hasSize(2);
        }
    }

    @Test
    void aParkedConnectionIsClosedAfterTheTimeLimit() throws Exception {
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            sessionWithMessage(MilterFixture.milters(milter.endpoint(), "milter_connection_cache_time_limit", "1s"), f);
            assertThat(commands(milter, "K")).endsWith("E", "K");
            for (int i = 0; i < 100 && milter.openConnections() > 0; i++) {
                Thread.sleep(50);
            }
            assertThat(milter.openConnections()).isZero();
            assertThat(MilterConnectionCache.parked(milter.endpoint())).isZero();
        }
    }

    @Test
    void aTimeLimitOfZeroClosesEveryConnectionAtTheEndOfItsSession() throws Exception {
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            Milters milters = MilterFixture.milters(milter.endpoint(), "milter_connection_cache_time_limit", "0");
            sessionWithMessage(milters, f);
            sessionWithMessage(milters, f);
            assertThat(milter.acceptedConnections()).isEqualTo(2);
            for (int i = 0; i < 500 && milter.commands().stream().filter("Q"::equals).count() < 2; i++) {
                Thread.sleep(10);
            }
            assertThat(milter.commands()).endsWith("E", "A", "Q").doesNotContain("K");
            awaitOpen(milter, 0);
        }
    }

    @Test
    void aMilterOfAnOlderProtocolIsNeverSentQuitNc() throws Exception {
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE, RawMilter.optneg(4, 0x1ff, 0))) {
            MilterFixture f = new MilterFixture();
            sessionWithMessage(MilterFixture.milters(milter.endpoint()), f);
            assertThat(commands(milter, "Q")).endsWith("E", "A", "Q");
            awaitOpen(milter, 0);
        }
    }

    @Test
    void aMilterThatDeclinedTheConnectStageIsNotKept() throws Exception {
        // SMFIP_NOCONNECT (0x01): after QUIT_NC nothing would set such a milter up for the next session.
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE, RawMilter.optneg(6, 0x1ff, 0x01))) {
            MilterFixture f = new MilterFixture();
            sessionWithMessage(MilterFixture.milters(milter.endpoint()), f);
            assertThat(commands(milter, "Q")).endsWith("E", "A", "Q").doesNotContain("C");
            awaitOpen(milter, 0);
        }
    }

    @Test
    void anotherOfferIsAnotherConnection() throws Exception {
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            sessionWithMessage(MilterFixture.milters(milter.endpoint()), f);
            // A reload that changes what is offered (here the macros of end of message) negotiates anew.
            sessionWithMessage(MilterFixture.milters(milter.endpoint(), "milter_end_of_data_macros", "i j"), f);
            assertThat(milter.acceptedConnections()).isEqualTo(2);
            assertThat(MilterConnectionCache.parked(milter.endpoint())).isEqualTo(2);
        }
    }
}
