"""Key check for the LiteLLM proxy in the end-to-end tests (`general_settings.custom_auth`).

LiteLLM checks a key other than the master key against its database, and without one it answers
400 `no_db_connection` instead of 401. This stands in for that database: the master key passes,
and any other key fails the way a database-backed LiteLLM fails it, as a 401 `auth_error`. The
message repeats the key in full, like some gateways do, so the tests can check that llmwire
keeps it out of its errors.
"""

from fastapi import Request
from litellm.proxy._types import ProxyErrorTypes, ProxyException, UserAPIKeyAuth


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    from litellm.proxy.proxy_server import master_key

    if api_key and api_key == master_key:
        return UserAPIKeyAuth(api_key=api_key, user_role="proxy_admin")
    raise ProxyException(
        message=f"Authentication Error, Invalid proxy server token passed. Received API Key = {api_key}",
        type=ProxyErrorTypes.auth_error,
        param="None",
        code=401,
    )
