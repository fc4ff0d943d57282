"""A small fake of the Stripe API on 127.0.0.1 for the official `stripe` library to talk to.

It keeps Checkout Sessions and Refunds in memory, replays a request that repeats an
Idempotency-Key (as Stripe does), and signs webhook events the way Stripe signs them.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeStripe:
    def __init__(self, webhook_secret: str) -> None:
        self.webhook_secret = webhook_secret
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.replies: dict[str, tuple[int, dict[str, Any]]] = {}  # by idempotency key
        self.refund_requests = 0
        self.down = False  # answer 503 to everything, as an outage would
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeStripe":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- what the tests do on "Stripe's side" -------------------------------------------------

    def pay(self, session_id: str) -> None:
        session = self.sessions[session_id]
        session["payment_status"] = "paid"
        session["status"] = "complete"
        session["payment_intent"] = f"pi_{next(self._ids)}"

    def event(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"evt_{next(self._ids)}",
            "object": "event",
            "type": event_type,
            "data": {"object": obj},
            "created": int(time.time()),
            "livemode": False,
        }

    def sign(self, payload: bytes, timestamp: int | None = None) -> str:
        stamp = timestamp or int(time.time())
        signed = f"{stamp}.".encode() + payload
        digest = hmac.new(self.webhook_secret.encode(), signed, hashlib.sha256).hexdigest()
        return f"t={stamp},v1={digest}"

    # -- the API ------------------------------------------------------------------------------

    def _create_session(self, form: dict[str, list[str]]) -> dict[str, Any]:
        session_id = f"cs_test_{next(self._ids)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "payment_status": "unpaid",
            "status": "open",
            "payment_intent": None,
            "client_reference_id": form.get("client_reference_id", [""])[0],
            "amount_total": int(form["line_items[0][price_data][unit_amount]"][0]),
            "currency": form["line_items[0][price_data][currency]"][0],
            "url": f"{self.url}/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return session

    def _create_refund(self, form: dict[str, list[str]]) -> dict[str, Any]:
        self.refund_requests += 1
        refund_id = f"re_{next(self._ids)}"
        refund = {
            "id": refund_id,
            "object": "refund",
            "status": "succeeded",
            "amount": int(form["amount"][0]),
            "payment_intent": form["payment_intent"][0],
            "currency": "eur",
        }
        self.refunds[refund_id] = refund
        return refund

    def _route(self, method: str, path: str, form: dict[str, list[str]]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(form)
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            return self._found(self.sessions.get(parts[3]))
        if method == "POST" and path == "/v1/refunds":
            return 200, self._create_refund(form)
        if method == "GET" and parts[:2] == ["v1", "refunds"] and len(parts) == 3:
            return self._found(self.refunds.get(parts[2]))
        return 404, {"error": {"type": "invalid_request_error", "message": f"no route {path}"}}

    @staticmethod
    def _found(obj: dict[str, Any] | None) -> tuple[int, Any]:
        if obj is None:
            return 404, {"error": {"type": "invalid_request_error", "message": "No such object"}}
        return 200, obj

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode()) if length else {}
                key = self.headers.get("Idempotency-Key")
                with fake._lock:
                    if fake.down:
                        status, body = 503, {"error": {"type": "api_error", "message": "down"}}
                    elif key and key in fake.replies:
                        status, body = fake.replies[key]
                    else:
                        status, body = fake._route(method, self.path.split("?")[0], form)
                        if key and method == "POST":
                            fake.replies[key] = (status, body)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{next(fake._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

        return Handler
