package org.sipscreen.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A JAIN-SIP RI user agent, an independent SIP stack for the tests: on UDP, or on TLS with the NIST stack's
 * own TLS (JDK SSLSocket), key store and trust store. A callee answers every INVITE and BYE with 200; a
 * caller records the responses and the IO errors its stack reports (a refused handshake is one).
 */
final class JainSipAgent implements SipListener, AutoCloseable {

  static final String PASSWORD = "test-only";

  final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  final BlockingQueue<Response> responses = new LinkedBlockingQueue<>();
  final BlockingQueue<String> ioErrors = new LinkedBlockingQueue<>();
  final SipStack stack;
  final SipProvider provider;
  final AddressFactory addresses;
  final HeaderFactory headers;
  final MessageFactory messages;
  final int port;
  final boolean answers;
  /** Whether URIs and Vias name TLS; on UDP they carry no transport parameter. */
  private final boolean tls;

  /** An agent on UDP. */
  static JainSipAgent udp(String name, int port, boolean answers) throws Exception {
    return new JainSipAgent(name, port, answers, new Properties(), false);
  }

  /**
   * An agent on TLS.
   *
   * @param keyStore PKCS#12 with the agent's key and certificate ({@link #PASSWORD})
   * @param trustStore PKCS#12 with the CA it trusts
   */
  static JainSipAgent tls(String name, int port, boolean answers, Path keyStore, Path trustStore)
      throws Exception {
    Properties p = new Properties();
    p.setProperty("javax.net.ssl.keyStore", keyStore.toString());
    p.setProperty("javax.net.ssl.keyStorePassword", PASSWORD);
    p.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
    p.setProperty("javax.net.ssl.trustStore", trustStore.toString());
    p.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
    p.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    // As a server (the callee, a next hop of the proxy): ask for the proxy's client certificate.
    p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Enabled");
    p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
    // The stack's default suites are RSA-only ones of 2010; the test certificates are P-256.
    p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,"
        + "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    return new JainSipAgent(name, port, answers, p, true);
  }

  private JainSipAgent(String name, int port, boolean answers, Properties p, boolean tls) throws Exception {
    this.port = port;
    this.answers = answers;
    this.tls = tls;
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    p.setProperty("javax.sip.STACK_NAME", name + "-" + port);
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
    stack = factory.createSipStack(p);
    addresses = factory.createAddressFactory();
    headers = factory.createHeaderFactory();
    messages = factory.createMessageFactory();
    ListeningPoint lp = stack.createListeningPoint("127.0.0.1", port,
        tls ? ListeningPoint.TLS : ListeningPoint.UDP);
    provider = stack.createSipProvider(lp);
    provider.addSipListener(this);
    stack.start();
  }

  /** Sends an INVITE from {@code from} to {@code to} through the proxy's port of this agent's transport. */
  ClientTransaction invite(String from, String to, int proxyPort) throws Exception {
    return invite(from, to, proxyPort, false);
  }

  /**
   * Sends an INVITE as {@link #invite}, with {@code sips:} URIs (Request-URI, From, To, Contact; RFC 5630) when
   * {@code sips}: a TLS agent only.
   */
  ClientTransaction invite(String from, String to, int proxyPort, boolean sips) throws Exception {
    SipURI fromUri = addresses.createSipURI(from, "127.0.0.1");
    fromUri.setParameter("user", "phone");
    fromUri.setSecure(sips);
    Address fromAddr = addresses.createAddress("Caller", fromUri);
    SipURI toUri = addresses.createSipURI(to, "127.0.0.1:" + proxyPort);
    toUri.setSecure(sips);
    transport(toUri);
    Request req = messages.createRequest(toUri, Request.INVITE,
        provider.getNewCallId(), headers.createCSeqHeader(1L, Request.INVITE),
        headers.createFromHeader(fromAddr, "caller-" + System.nanoTime()),
        headers.createToHeader(addresses.createAddress(toUri), null),
        List.of(headers.createViaHeader("127.0.0.1", port, tls ? "tls" : "udp", null)),
        headers.createMaxForwardsHeader(70));
    SipURI contact = addresses.createSipURI("caller", "127.0.0.1:" + port);
    contact.setSecure(sips);
    transport(contact);
    req.addHeader(headers.createContactHeader(addresses.createAddress(contact)));
    ContentTypeHeader sdp = headers.createContentTypeHeader("application", "sdp");
    req.setContent("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 40000 RTP/AVP 0\r\n", sdp);
    ClientTransaction ct = provider.getNewClientTransaction(req);
    ct.sendRequest();
    return ct;
  }

  /** {@code ;transport=tls} on the URIs of a TLS agent, but for {@code sips:} ones (which imply TLS). */
  private void transport(SipURI uri) throws java.text.ParseException {
    if (tls && !uri.isSecure()) {
      uri.setTransportParam("tls");
    }
  }

  @Override
  public void processRequest(RequestEvent event) {
    Request req = event.getRequest();
    requests.add(req);
    if (!answers || req.getMethod().equals(Request.ACK)) {
      return;
    }
    try {
      ServerTransaction st = event.getServerTransaction();
      if (st == null) {
        st = provider.getNewServerTransaction(req);
      }
      Response ok = messages.createResponse(200, req);
      if (req.getMethod().equals(Request.INVITE)) {
        ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag("callee-" + System.nanoTime());
        SipURI contact = addresses.createSipURI("callee", "127.0.0.1:" + port);
        // RFC 3261 §12.1.1: a sips: Request-URI gets a sips: Contact.
        contact.setSecure(req.getRequestURI().isSipURI() && ((SipURI) req.getRequestURI()).isSecure());
        transport(contact);
        ContactHeader header = headers.createContactHeader(addresses.createAddress(contact));
        ok.addHeader(header);
      }
      st.sendResponse(ok);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void processResponse(ResponseEvent event) {
    responses.add(event.getResponse());
  }

  @Override
  public void processTimeout(TimeoutEvent event) {}

  @Override
  public void processIOException(IOExceptionEvent event) {
    ioErrors.add(event.getHost() + ":" + event.getPort() + "/" + event.getTransport());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {}

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {}

  @Override
  public void close() {
    stack.stop();
  }
}
