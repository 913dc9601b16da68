package org.sipscreen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sipscreen.testkit.Await;
import org.sipscreen.testkit.Ports;

/**
 * A second, independent peer: two JAIN-SIP RI user agents (the NIST stack, with its own parser and
 * transaction layer) call each other through sipscreen. The callee answers, the caller ACKs and hangs up
 * along the dialog's route set, which the proxy's Record-Route made; a blocked caller gets 603.
 */
@Timeout(120)
class JainSipPeerIT {

  private int calleePort;

  private JainSipAgent caller;
  private JainSipAgent callee;
  private TestProxy proxy;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    calleePort = Ports.free();
    proxy = TestProxy.start(dir, "sip:127.0.0.1:" + calleePort);
    callee = JainSipAgent.udp("callee", calleePort, true);
    caller = JainSipAgent.udp("caller", Ports.free(), false);
  }

  @AfterEach
  void stop() {
    caller.close();
    callee.close();
    proxy.close();
  }

  @Test
  void stampedRecordRouteRoundTripsThroughJainSipDialogsAndTheCallsOutcomeIsRecorded(@TempDir Path dir)
      throws Exception {
    try (TestProxy recording = TestProxy.startRecording(dir, "sip:127.0.0.1:" + calleePort)) {
      ClientTransaction invite = caller.invite(TestProxy.CLEAN, "+13105550100", recording.sipPort);
      Request atCallee = callee.requests.poll(5, TimeUnit.SECONDS);
      assertThat(atCallee).as("INVITE at the callee").isNotNull();
      String recordRoute = atCallee.getHeader("Record-Route").toString();
      assertThat(recordRoute).contains(";lr").contains(";ss-c=");
      Response ok = caller.responses.poll(5, TimeUnit.SECONDS);
      while (ok != null && ok.getStatusCode() < 200) {
        ok = caller.responses.poll(5, TimeUnit.SECONDS);
      }
      assertThat(ok).as("200 OK at the caller").isNotNull();
      Dialog dialog = invite.getDialog();
      Request ack = dialog.createAck(((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber());
      // JAIN-SIP keeps the URI as the proxy wrote it, parameters included (RFC 3261 §12.1.2).
      assertThat(ack.getHeader("Route").toString()).contains(";ss-c=");
      dialog.sendAck(ack);
      assertThat(callee.requests.poll(5, TimeUnit.SECONDS)).as("ACK at the callee").isNotNull();
      dialog.sendRequest(caller.provider.getNewClientTransaction(dialog.createRequest(Request.BYE)));
      assertThat(callee.requests.poll(5, TimeUnit.SECONDS)).as("BYE at the callee").isNotNull();
      Response byeOk = caller.responses.poll(5, TimeUnit.SECONDS);
      assertThat(byeOk).as("200 for BYE at the caller").isNotNull();

      Await.until("the call's final response and BYE are recorded", () -> {
        String all = records(dir.resolve("records"));
        return all.contains("\"event\":\"final\"") && all.contains("\"event\":\"bye\"");
      });
      assertThat(recording.counter("sipscreen_call_stamps_ignored", "forged")).isZero();
    }
  }

  private static String records(Path dir) throws java.io.IOException {
    StringBuilder all = new StringBuilder();
    for (org.sipscreen.records.DecisionFiles.Segment s : org.sipscreen.records.DecisionFiles.list(dir)) {
      all.append(java.nio.file.Files.readString(s.path()));
    }
    return all.toString();
  }

  @Test
  void jainSipAgentsCompleteACallThroughTheProxy() throws Exception {
    ClientTransaction invite = caller.invite(TestProxy.CLEAN, "+13105550100", proxy.sipPort);
    Request atCallee = callee.requests.poll(5, TimeUnit.SECONDS);
    assertThat(atCallee).as("INVITE at the callee").isNotNull();
    assertThat(atCallee.getMethod()).isEqualTo(Request.INVITE);
    ViaHeader top = (ViaHeader) atCallee.getHeader(ViaHeader.NAME);
    assertThat(top.getBranch()).startsWith("z9hG4bK-ss-");
    assertThat(atCallee.getHeader("Record-Route").toString()).contains(";lr");

    Response ok = caller.responses.poll(5, TimeUnit.SECONDS);
    while (ok != null && ok.getStatusCode() < 200) {
      ok = caller.responses.poll(5, TimeUnit.SECONDS);
    }
    assertThat(ok).as("200 OK at the caller").isNotNull();
    assertThat(ok.getStatusCode()).isEqualTo(200);
    Dialog dialog = invite.getDialog();
    Request ack = dialog.createAck(((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber());
    assertThat(ack.getHeader("Route").toString()).contains("127.0.0.1:" + proxy.sipPort);
    dialog.sendAck(ack);
    Request ackAtCallee = callee.requests.poll(5, TimeUnit.SECONDS);
    assertThat(ackAtCallee).as("ACK at the callee").isNotNull();
    assertThat(ackAtCallee.getMethod()).isEqualTo(Request.ACK);
    assertThat(((ViaHeader) ackAtCallee.getHeader(ViaHeader.NAME)).getBranch()).startsWith("z9hG4bK-ss-");

    Request bye = dialog.createRequest(Request.BYE);
    dialog.sendRequest(caller.provider.getNewClientTransaction(bye));
    Request byeAtCallee = callee.requests.poll(5, TimeUnit.SECONDS);
    assertThat(byeAtCallee).as("BYE at the callee").isNotNull();
    assertThat(byeAtCallee.getMethod()).isEqualTo(Request.BYE);
    Response byeOk = caller.responses.poll(5, TimeUnit.SECONDS);
    assertThat(byeOk).as("200 for BYE at the caller").isNotNull();
    assertThat(byeOk.getStatusCode()).isEqualTo(200);
    assertThat(((CSeqHeader) byeOk.getHeader(CSeqHeader.NAME)).getMethod()).isEqualTo(Request.BYE);
  }

  @Test
  void jainSipCallerOnTheBlockListGets603AndTheCalleeSeesNothing() throws Exception {
    caller.invite(TestProxy.BLOCKED, "+13105550100", proxy.sipPort);
    Response r = caller.responses.poll(5, TimeUnit.SECONDS);
    assertThat(r).isNotNull();
    assertThat(r.getStatusCode()).isEqualTo(603);
    assertThat(r.getReasonPhrase()).isEqualTo("Decline");
    assertThat(callee.requests.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }
}
