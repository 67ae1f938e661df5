package io.linkexport.mail;

import io.linkexport.AppConfig;

/**
 * The time limits of one email, checked against the outbox lease. Every SMTP exchange that sees no byte for
 * {@code SMTP_TIMEOUT_MS} fails and closes its connection; a whole send (the download link from the signing verticle,
 * then the SMTP conversation) is cut after {@code BUS_SEND_TIMEOUT_MS + SMTP_TIMEOUT_MS}. That bound must stay under
 * half of {@code MAIL_LEASE_SECONDS}: a send still under way when its lease runs out lets another node claim the
 * email and send it a second time. Pure logic.
 *
 * @param smtpTimeoutMillis  the SMTP response (idle) timeout
 * @param sendBoundMillis    the bound of one whole send
 * @param leaseSeconds       the outbox lease
 */
public record MailTimeouts(int smtpTimeoutMillis, long sendBoundMillis, int leaseSeconds) {

  /** The limits of {@code config}; fails with a message naming the keys when the send bound does not fit the lease. */
  static MailTimeouts of(AppConfig config) {
    String problem = problem(config);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return limits(config);
  }

  private static MailTimeouts limits(AppConfig config) {
    return new MailTimeouts(config.smtpTimeoutMillis(), config.busSendTimeoutMillis() + config.smtpTimeoutMillis(),
      config.mailLeaseSeconds());
  }

  /** What is wrong with {@code config}'s mail limits, naming the keys ({@code ConfigCheck} reports it), or null. */
  public static String problem(AppConfig config) {
    MailTimeouts t = limits(config);
    if (t.sendBoundMillis() * 2 >= t.leaseSeconds() * 1000L) {
      return "an email send may take up to " + t.sendBoundMillis() + " ms ("
        + AppConfig.BUS_SEND_TIMEOUT_MS + " " + config.busSendTimeoutMillis() + " + " + AppConfig.SMTP_TIMEOUT_MS + " "
        + config.smtpTimeoutMillis() + "), which must be less than half of " + AppConfig.MAIL_LEASE_SECONDS + " ("
        + t.leaseSeconds() + " s): lower " + AppConfig.SMTP_TIMEOUT_MS + " or raise " + AppConfig.MAIL_LEASE_SECONDS
        + ", else a slow send outlives its lease and another node sends the email again";
    }
    return null;
  }
}
