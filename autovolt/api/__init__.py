"""The HTTP API's routers, one per area: ops (health, readiness, metrics), forecast, anomaly, voice, telegram.

`autovolt.http_api.create_app` composes them; `context.ApiContext` is what they share.
"""
