"""What the clients of a service's own HTTP endpoint share (documents's blob endpoint,
signing's verify endpoint: file bytes never go over the bus): where the endpoint is,
and its errors ({error, details}) back as their own KluisError classes."""

from nameko.extensions import DependencyProvider

from .errors import KluisError


def address_url(address, default):
    """http://`address` ("host:port", else `default`); an empty host or 0.0.0.0 means here."""
    host, _, port = (address or default).rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://{host}:{port}"


def errors_by_code(candidates):
    """{code: class} of the KluisError classes among `candidates` (a module's values, ...)."""
    return {
        cls.code: cls for cls in candidates if isinstance(cls, type) and issubclass(cls, KluisError)
    }


def answered_error(response, errors):
    """The KluisError an endpoint answered with ({error, details}): its class in `errors`
    by code, else KluisError."""
    try:
        body = response.json()
        return errors.get(body["error"], KluisError)(body.get("details") or {})
    except (ValueError, KeyError, TypeError):
        return KluisError()


class EndpointClient(DependencyProvider):
    """A process's client of such an endpoint, built once from its configuration:
    subclass with `client_class` (a class with `from_config(config)`)."""

    client_class: type

    def setup(self):
        self.client = self.client_class.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.client
