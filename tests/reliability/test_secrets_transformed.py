"""Secrets in altered form (issue #12, point 6): an upstream that rejects the key and quotes it back upper- or
lower-cased, base64-encoded (alone or inside a longer encoded text), hex-encoded or percent-encoded. No such
form may reach an error, a log record, `doctor` or any CLI output; authentication failures do not repeat the
upstream's text at all.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import httpx2
import pytest

from partnerboost_skill.api.client import PartnerBoostClient
from partnerboost_skill.api.errors import InvalidCredentials, PartnerBoostError, UpstreamError
from partnerboost_skill.api.redaction import Redactor
from partnerboost_skill.cli import main
from partnerboost_skill.config import Credentials
from partnerboost_tools.merchant import MerchantAccountInfo

KEY = f"CanaryKey{uuid.uuid4().hex[:14]}"

TRANSFORMS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "swapcase": str.swapcase,
    "base64": lambda k: base64.b64encode(k.encode()).decode(),
    "base64 url-safe, unpadded": lambda k: base64.urlsafe_b64encode(k.encode()).decode().rstrip("="),
    "base64 of a Basic credential": lambda k: base64.b64encode(f"merchant:{k}".encode()).decode(),
    "base64 of a bearer header": lambda k: base64.b64encode(f"Bearer {k}".encode()).decode(),
    "hex": lambda k: k.encode().hex(),
    "HEX": lambda k: k.encode().hex().upper(),
    "url": lambda k: quote(k, safe=""),
    "every byte percent-encoded": lambda k: "".join(f"%{b:02X}" for b in k.encode()),
}


def telltales(secret: str) -> list[tuple[str, bool]]:
    """(substring, compare ignoring case) that would show the secret in any of the forms above: the plain
    forms in any case, and for base64 the middle of its encoding at each of the three byte offsets (computed
    here, not by the code under test)."""
    found = [(transform(secret), True) for name, transform in TRANSFORMS.items() if "base64" not in name]
    for prefix in ("", "x", "xy"):
        encoded = base64.b64encode((prefix + secret).encode()).decode()
        middle = encoded[len(prefix) + 2: len(encoded) - 4]
        found += [(middle, False), (middle.replace("+", "-").replace("/", "_"), False)]
    return found


def assert_clean(*texts: str) -> None:
    for text in texts:
        for telltale, any_case in telltales(KEY):
            seen = telltale.lower() in text.lower() if any_case else telltale in text
            assert not seen, f"{telltale!r} found in {text[:300]!r}"


def echo_everything(secret: str) -> str:
    return "; ".join(f"{name}={transform(secret)}" for name, transform in TRANSFORMS.items())


def test_the_redactor_hides_every_form_and_nothing_else() -> None:
    redact = Redactor([KEY])
    for name, transform in TRANSFORMS.items():
        shown = redact(f"rejected ({transform(KEY)}) for merchant 12345")
        assert "[redacted]" in shown and shown.endswith("for merchant 12345"), name
        assert_clean(shown)
    ordinary = "Order 12345 of partner Canary Media (PB00000001) was voided; base64 and hex are words."
    assert redact(ordinary) == ordinary
    assert Redactor(["abc"])("abc abcd") == "abc abcd"  # too short to hide without garbling text


def client_on(handler: Callable[[httpx2.Request], httpx2.Response]) -> PartnerBoostClient:
    async def no_sleep(_: float) -> None:
        return

    return PartnerBoostClient(Credentials(api_key=KEY), base_url="https://pb.test",
                              transport=httpx2.MockTransport(handler), sleep=no_sleep, max_retries=2)


@pytest.mark.anyio
@pytest.mark.parametrize("status", [401, 500])
async def test_errors_and_logs_show_no_form_of_the_key(status: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx2.Request) -> httpx2.Response:
        said = f"key {echo_everything(request.headers['x-api-key'])} rejected"
        if status == 401:
            return httpx2.Response(401, json={"code": 1001, "message": said, "data": None})
        return httpx2.Response(500, json={"code": 500, "message": said, "data": None})

    async with client_on(handler) as client:
        with pytest.raises(PartnerBoostError) as raised:
            await client.call(MerchantAccountInfo())
    error = raised.value
    assert isinstance(error, InvalidCredentials if status == 401 else PartnerBoostError)
    if status == 401:
        assert error.upstream_message is None and "rejected" not in error.message
    assert_clean(error.message, json.dumps(error.to_dict()), caplog.text)


@pytest.mark.anyio
async def test_a_transport_error_quoting_the_key_is_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"proxy refused {echo_everything(KEY)}", request=request)

    async with client_on(handler) as client:
        with pytest.raises(UpstreamError) as raised:
            await client.call(MerchantAccountInfo())
    assert_clean(raised.value.message, caplog.text)


class _Echoing(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        said = f"key {echo_everything(self.headers.get('x-api-key', ''))} is not valid"
        payload = json.dumps({"code": 1001, "message": said, "data": None}).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def echoing_upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echoing)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("argv", [["doctor"], ["orders", "last month", "--no-chart"],
                                  ["call", "merchant_account_info"], ["review", "--format", "json"]])
def test_no_cli_command_shows_an_altered_key(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(os.environ):
        if name.startswith("PARTNERBOOST_"):
            monkeypatch.delenv(name)
    with echoing_upstream() as base:
        for name, value in {"PARTNERBOOST_BASE_URL": base, "PARTNERBOOST_API_KEY": KEY, "HOME": str(tmp_path),
                            "PARTNERBOOST_CACHE_DIR": str(tmp_path / "cache")}.items():
            monkeypatch.setenv(name, value)
        code = main(argv)
    out, err = capsys.readouterr()
    assert code != 0
    assert "invalid" in (out + err)  # the failure is reported ...
    assert_clean(out, err, caplog.text)  # ... without the key in any form
