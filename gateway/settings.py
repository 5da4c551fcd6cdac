"""The gateway's settings, typed and read once (services/common/settings.py), from two
places:

- `SETTINGS`, from the process's environment when the gateway is imported: what shapes
  what is built at import (the RPC proxies' deadline, the principal cache) and the
  limits its routes check. A wrong value stops the gateway at start, naming the variable.
- `GatewayConfig`, from the gateway container's config (gateway/config.yaml,
  `${ENV:default}`) when it starts: the `settings` dependency of GatewayService, which
  routes find as `call.services.settings`.

The variables and their defaults are those of docs/api.md "Running"."""

import os
from dataclasses import dataclass

from services.common.settings import read_settings, setting

MIB = 1024 * 1024


@dataclass(frozen=True)
class GatewaySettings:
    rpc_timeout_s: int = setting("RPC_TIMEOUT_S", 10, "every RPC call's deadline (504 after it)")
    principal_cache_ttl_s: int = setting(
        "PRINCIPAL_CACHE_TTL_S", 60, "the longest a principal is used without asking identity"
    )
    max_upload_bytes: int = setting(
        "MAX_UPLOAD_BYTES", 50 * MIB, "larger uploads get 413 file_too_large while streaming"
    )
    verify_max_bytes: int = setting(
        "VERIFY_MAX_BYTES", 25 * MIB, "POST /signatures/verify: larger files get 413"
    )
    verify_timeout_s: int = setting(
        "VERIFY_TIMEOUT_S", 20, "signing's check of a file is killed after this"
    )
    web_dir: str | None = setting("KLUIS_WEB_DIR", None, "the portal's build (else web/dist)")


@dataclass(frozen=True)
class GatewayConfig:
    health_cache_s: float = setting(
        "HEALTH_CACHE_S", 2.0, "GET /health answers at most this old (one round of RPCs each)"
    )


SETTINGS = read_settings(GatewaySettings, os.environ)
