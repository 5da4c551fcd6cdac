"""Provider clients behind small interfaces: `send_email` and `send_sms`.
They raise `DeliveryFailed` with the status the notification gets."""

import json
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

import requests

from services.common.db import utcnow

from .exceptions import DeliveryFailed


class SmtpEmail:
    """E-mail over SMTP (the local sink by default; a relay with STARTTLS and
    credentials by configuration)."""

    def __init__(
        self, host, port, sender, starttls=False, user=None, password=None, timeout=30, ca_file=None
    ):
        self.host, self.port, self.sender = host, int(port), sender
        self.starttls, self.user, self.password = starttls, user, password
        self.timeout, self.ca_file = timeout, ca_file

    def send_email(self, to, subject, body, message_id, language, html=None):
        message = self._message(to, subject, body, message_id, language, html)
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except OSError as exc:
            raise DeliveryFailed("temporary-failure", type(exc).__name__)
        try:
            self._session(smtp)
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            status = "permanent-failure" if all(c >= 500 for c in codes) else "temporary-failure"
            raise DeliveryFailed(status, f"recipient refused {codes}")
        except (
            smtplib.SMTPAuthenticationError,
            smtplib.SMTPSenderRefused,
            smtplib.SMTPNotSupportedError,
            ssl.SSLError,
        ) as exc:
            raise DeliveryFailed("technical-failure", type(exc).__name__)  # our set-up
        except smtplib.SMTPResponseException as exc:
            status = "permanent-failure" if exc.smtp_code >= 500 else "temporary-failure"
            if exc.smtp_code == 530:  # authentication or STARTTLS required: our set-up
                status = "technical-failure"
            raise DeliveryFailed(status, f"smtp {exc.smtp_code}")
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed("temporary-failure", type(exc).__name__)
        finally:
            _close(smtp)  # the mail was accepted: how the goodbye goes does not matter

    def _message(self, to, subject, body, message_id, language, html):
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = f"<{message_id}@kluis>"  # stable: a retry is recognisable
        # 8bit keeps the text readable as it is in the stored message (no quoted-printable
        # soft breaks inside links and codes); SMTP servers announce 8BITMIME for it.
        message.set_content(body, cte="8bit")
        if html:
            message.add_alternative(html, subtype="html", cte="8bit")
        message["Content-Language"] = language  # after set_content, which resets Content-*
        return message

    def _session(self, smtp):
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context(cafile=self.ca_file))
        if self.user:
            smtp.login(self.user, self.password or "")


def _close(smtp):
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class SmsOutboxFile:
    """SMS appended to `$KLUIS_VAR/sms.jsonl` as `{to, text, sent_at}` (no provider set)."""

    def __init__(self, path):
        self.path = path

    def send_sms(self, to, text, message_id):
        line = json.dumps(
            {"to": to, "text": text, "sent_at": utcnow().isoformat(), "id": message_id}
        )
        try:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            raise DeliveryFailed("technical-failure", type(exc).__name__)


def _http_failure(status, what):
    """A provider's HTTP answer as a delivery status: our set-up (401, 403, 404:
    credentials or URL; technical), a moment of the provider's (408, 429, 5xx:
    temporary, retried), or this message (other 4xx, such as a bad number: permanent)."""
    if status in (401, 403, 404):
        return DeliveryFailed("technical-failure", f"{what} {status}")
    if status in (408, 429) or status >= 500:
        return DeliveryFailed("temporary-failure", f"{what} {status}")
    return DeliveryFailed("permanent-failure", f"{what} {status}")


def _post(what, url, **kwargs):
    """POST once. Not retried when the request went out but no answer came: the
    provider may have sent it (neither provider removes duplicates)."""
    try:
        return requests.post(url, **kwargs)
    except requests.ConnectionError as exc:  # ConnectTimeout too: nothing was sent
        raise DeliveryFailed("temporary-failure", type(exc).__name__)
    except requests.ReadTimeout:
        raise DeliveryFailed("technical-failure", f"{what} outcome unknown")
    except requests.RequestException as exc:
        raise DeliveryFailed("technical-failure", type(exc).__name__)


class TwilioSms:
    """Twilio's Messages API: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json,
    HTTP basic auth (AccountSid, AuthToken), form fields To, From, Body; 201 when
    accepted."""

    def __init__(self, base_url, account_sid, auth_token, sender, timeout=10):
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth, self.sender, self.timeout = (account_sid, auth_token), sender, timeout

    def send_sms(self, to, text, message_id):
        response = _post(
            "twilio",
            self.url,
            auth=self.auth,
            timeout=self.timeout,
            data={"To": to, "From": self.sender, "Body": text},
        )
        if response.status_code not in (200, 201):
            raise _http_failure(response.status_code, "twilio")


class MessageBirdSms:
    """MessageBird's SMS API: POST {base}/messages, header `Authorization: AccessKey
    {key}`, JSON {originator, recipients, body, reference}; 201 when accepted."""

    def __init__(self, base_url, access_key, sender, timeout=10):
        self.url = f"{base_url.rstrip('/')}/messages"
        self.headers = {"Authorization": f"AccessKey {access_key}"}
        self.sender, self.timeout = sender, timeout

    def send_sms(self, to, text, message_id):
        response = _post(
            "messagebird",
            self.url,
            headers=self.headers,
            timeout=self.timeout,
            json={
                "originator": self.sender,
                "body": text,
                "recipients": [to.lstrip("+")],
                "reference": message_id,
            },
        )
        if response.status_code not in (200, 201):
            raise _http_failure(response.status_code, "messagebird")
