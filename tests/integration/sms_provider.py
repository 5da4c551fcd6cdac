"""A stand-in for an SMS provider's servers, at the HTTP boundary only: it answers as
Twilio's Messages API and MessageBird's SMS API are documented to answer, and can be
told to fail the next N requests with a given status."""

import base64
import json
from urllib.parse import parse_qs

import eventlet
import eventlet.wsgi


class FakeSmsProvider:
    def __init__(self, account_sid="AC123", auth_token="tok3n", access_key="live_k3y"):
        self.account_sid, self.auth_token, self.access_key = account_sid, auth_token, access_key
        self.requests = []  # every request: (path, fields, accepted?)
        self.failures = []  # statuses to answer the next requests with, in order
        self._socket = eventlet.listen(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._thread = eventlet.spawn(
            eventlet.wsgi.server, self._socket, self._app, log_output=False
        )

    def stop(self):
        self._thread.kill()
        self._socket.close()

    @property
    def accepted(self):
        return [fields for _path, fields, accepted in self.requests if accepted]

    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if path == f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            fields = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            expected = (
                "Basic "
                + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
            )
            answer = {"sid": f"SM{len(self.requests)}", "status": "queued", "to": fields.get("To")}
        elif path == "/messages":
            fields = json.loads(body or b"{}")
            expected = f"AccessKey {self.access_key}"
            answer = {"id": f"mb{len(self.requests)}", "recipients": {"totalCount": 1}}
        else:
            return self._answer(start_response, 404, {"message": "not found"})
        if auth != expected:
            self.requests.append((path, fields, False))
            return self._answer(start_response, 401, {"message": "authenticate"})
        if self.failures:
            self.requests.append((path, fields, False))
            return self._answer(start_response, self.failures.pop(0), {"message": "try later"})
        self.requests.append((path, fields, True))
        return self._answer(start_response, 201, answer)

    @staticmethod
    def _answer(start_response, status, body):
        reasons = {
            201: "Created",
            400: "Bad Request",
            401: "Unauthorized",
            404: "Not Found",
            429: "Too Many Requests",
            500: "Internal Server Error",
            503: "Service Unavailable",
        }
        start_response(
            f"{status} {reasons.get(status, 'Status')}", [("Content-Type", "application/json")]
        )
        return [json.dumps(body).encode()]
